/**
 * What a sign-in's client tells the demo page as it goes: its connection
 * phase in the top bar, its state in the sign-in panel (signing in, signed
 * in, refused with the server's error and what to do, or unreachable),
 * whether Download can work, and errors in the page's notice.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorResponse, SluiceClient } from "./sluice_client.js";
import type { ConnectionBadge } from "./connection_badge.ts";
import { explain, SIGN_IN_CODES } from "./error_text.ts";
import type { PageCredentials } from "./page_client.ts";
import type { SignInMethod } from "./preferences.ts";
import type { SignInPanel } from "./sign_in_panel.ts";
import { refusedReason } from "./sign_in_texts.ts";

/** Where the client's events show. */
export interface ClientWatch {
  /** The panel's way for this client. */
  readonly way: SignInMethod;
  /** Whom the client signs in as. */
  readonly credentials: PageCredentials;
  readonly panel: SignInPanel;
  readonly badge: ConnectionBadge;
  /** Whether this client is still the page's: the old one's last events must not paint. */
  readonly current: () => boolean;
  /** The page's notice, or `undefined` to clear it. */
  readonly notice: (text: string | undefined) => void;
  /** Why Download waits, or `undefined` once it can work. */
  readonly blocked: (reason: string | undefined) => void;
  /** The connection went up (`true`) or down. */
  readonly connectionChanged: (open: boolean) => void;
}

/**
 * Shows `client`'s events as `watch` says, for as long as it is current.
 *
 * @example
 * ```ts ignore
 * watchClient(client, { way: "key", credentials, panel, badge, current: () => true, notice, blocked, connectionChanged });
 * ```
 */
export function watchClient(client: SluiceClient, watch: ClientWatch): void {
  const { way, panel, badge, notice, blocked } = watch;
  const current = <T>(listener: (event: T) => void) => (event: T) => {
    if (watch.current()) listener(event);
  };
  client.on(
    "state",
    current(({ to }) => {
      badge.phase(to);
      watch.connectionChanged(to === "open");
      if (to === "open") {
        notice(undefined);
        panel.clearProblem();
        panel.show(way, "in");
      } else if (to === "connecting" || to === "authenticating") {
        // Trying again may succeed: Download is offered again meanwhile. A lost connection coming
        // back is still signed in as before (the top bar says it is reconnecting).
        blocked(undefined);
        if (panel.phase !== "in") panel.show(way, "signing");
      } else if (to === "failed" && panel.phase !== "refused") panel.show(way, "offline");
    }),
  );
  client.on("health", current(({ rttMs }) => badge.rtt(rttMs)));
  client.on(
    "error",
    current((error) => {
      const { code, text } = explain(error);
      notice(`${code}: ${text}`);
    }),
  );
  client.on("connection:failed", current((error) => failed(error, watch)));
  badge.phase(client.session().phase);
}

/** The client gave up: in the panel when signing in is what failed, else in the notice too. */
function failed(error: ErrorResponse, watch: ClientWatch): void {
  const { way, panel, credentials } = watch;
  if (!SIGN_IN_CODES.has(error.code)) {
    panel.show(way, "offline");
    return watch.notice(explain(error).text);
  }
  watch.badge.refused();
  watch.blocked(refusedReason(error.code));
  panel.show(way, "refused");
  const refusal = credentials.kind === "wallet" && error.code === "AUTH_BAD_SIGNATURE"
    ? credentials.signer.refusal
    : undefined;
  // A wallet that declined to sign made no bad signature, whatever the code says.
  panel.showProblem(
    error.code,
    refusal === undefined
      ? explain(error).text
      : `Your wallet did not sign (${refusal}). Press Try again to be asked again.`,
  );
}
