/**
 * Who the demo page signs in as, and the one client that goes with it: the
 * browser key kept in IndexedDB, an Ethereum wallet's account, or a token of
 * the person's own login, pasted or handed over in the address's fragment
 * (`#token=…`, read once and removed from the address) when the server
 * takes tokens. It reads
 * the remembered choice at load, answers the sign-in panel (pick a way, new
 * key, connect wallet, pin the server key), builds a client for the chosen
 * identity and closes the previous one, and shows why signing in failed.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { ClientBuilder, type ErrorResponse, type SluiceClient } from "./sluice_client.js";
import type { ConnectionBadge } from "./connection_badge.ts";
import { explain, SIGN_IN_CODES } from "./error_text.ts";
import { loadKey, type PageKey, replaceKey, watchKey } from "./key_store.ts";
import {
  loadPreferences,
  type Preferences,
  savePreferences,
  type SignInMethod,
} from "./preferences.ts";
import { SignInPanel } from "./sign_in_panel.ts";
import { handedToken } from "./handed_token.ts";
import {
  type Eip1193Provider,
  findWallet,
  knownAddress,
  requestAddress,
  type WalletSigner,
  walletSigner,
  watchAccounts,
} from "./wallet.ts";

/**
 * How long the wallet's delegation lasts (docs/PROTOCOL.md §15.5): the
 * wallet is asked once an hour, and a dropped connection comes back
 * without a prompt.
 */
const WALLET_DELEGATION_MS = 3_600_000;

/** Who the page signs in as. */
type PageCredentials =
  | { readonly kind: "key"; readonly key: PageKey }
  | { readonly kind: "wallet"; readonly signer: WalletSigner }
  | { readonly kind: "token"; readonly token: string };

/** What the sign-in works with on the page. */
export interface PageSignInOptions {
  /** The server's socket. */
  readonly url: URL;
  /** The sign-in panel's section, `#signin`. */
  readonly panel: HTMLElement;
  /** The connection badge of the top bar. */
  readonly badge: ConnectionBadge;
  /** How many downloads have not finished: the identity does not change under them. */
  readonly unfinished: () => number;
  /** The current client's connection went up (`true`) or down. */
  readonly connectionChanged: (open: boolean) => void;
  /** Shows a sentence in the page's notice, or clears it (`undefined`). */
  readonly notice: (text: string | undefined) => void;
  /**
   * Why no download can start now (no identity, or signing in was refused),
   * or `undefined` once one can.
   */
  readonly blocked: (reason: string | undefined) => void;
}

/** Why Download waits while a wallet has shared no account. */
export const NOT_SIGNED_IN =
  "Not signed in: connect your wallet in the Sign in panel, or use the browser key.";

/** Why Download waits while the page learns whether the server takes the token it was handed. */
const HANDED_TOKEN = "Signing in with the token from the address…";

/** Why Download waits while the Token way has no token yet. */
export const NO_TOKEN = "Not signed in: paste your login's token in the Sign in panel.";

/** Why Download waits after the server (or the page) refused the sign-in. */
export function refusedReason(code: string): string {
  return `Sign-in was refused (${code}), so a download cannot start: see the Sign in panel, ` +
    "then press Reconnect.";
}

/** An error's own words: wallets reject with plain `{ code, message }` objects, not Errors. */
function reason(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(error);
}

/** The page's sign-in and its client. */
export class PageSignIn {
  readonly #options: PageSignInOptions;
  readonly #panel: SignInPanel;
  readonly #wallet: Eip1193Provider | undefined = findWallet();
  #preferences: Preferences = loadPreferences();
  #client: SluiceClient | undefined;
  #credentials: PageCredentials | undefined;
  /** The browser key, once read from storage (it stays read while a wallet is used). */
  #key: PageKey | undefined;
  /** Switches run one after another, in the order asked. */
  #switching: Promise<void> = Promise.resolve();
  /** A token the page's address handed over, until the server says it takes tokens. */
  #handed: string | undefined = handedToken();

  /** Takes over the panel; nothing signs in until {@linkcode PageSignIn.start}. */
  constructor(options: PageSignInOptions) {
    this.#options = options;
    this.#panel = new SignInPanel(options.panel, {
      choose: (method) => this.#choose(method),
      connectWallet: () => {
        if (this.#wallet !== undefined && !this.#refuseWhileDownloading()) {
          void this.#useWallet(this.#wallet);
        }
      },
      newKey: () => void this.#newKey(),
      token: (token) => {
        if (this.#refuseWhileDownloading()) return;
        this.#remember({ method: "token" });
        void this.#signInWith({ kind: "token", token });
      },
      serverKey: (key) => this.#pinServerKey(key),
    }, this.#wallet !== undefined);
    const wallet = this.#wallet;
    if (wallet !== undefined) {
      watchAccounts(wallet, (address) => this.#walletMoved(wallet, address));
    }
    watchKey(() => void this.#keyReplacedElsewhere());
  }

  /** The client of the current identity; none while a wallet has not shared an account. */
  get client(): SluiceClient | undefined {
    return this.#client;
  }

  /**
   * What `/schema.json` said (`false` too when it could not be read): a
   * server that takes tokens gets the Token way offered, and a token the
   * address handed over signs in with it; one that does not leaves such a
   * token unused and signs in with the browser key instead.
   */
  offerTokens(offered: boolean): void {
    if (offered) this.#panel.offerTokens();
    const handed = this.#handed;
    this.#handed = undefined;
    if (handed === undefined) return;
    if (!offered) {
      void this.#useKey().then(() =>
        this.#panel.showProblem("", "This server does not take tokens: the page uses its key.")
      );
      return;
    }
    this.#remember({ method: "token" });
    void this.#signInWith({ kind: "token", token: handed });
  }

  /** Connects the current client, if any; failures show in the badge and the panel. */
  connect(): void {
    this.#client?.connect().catch(() => {});
  }

  /** The first sign-in of this visit: the way chosen last time, without a wallet prompt. */
  async start(): Promise<void> {
    try {
      this.#panel.showServerKey(this.#preferences.serverKey);
      const handed = this.#handed;
      if (handed !== undefined) {
        // Signed in with once the server's schema says it takes tokens (offerTokens).
        this.#panel.showMethod("token");
        this.#panel.showToken(handed);
        return await this.#signInWith(undefined, HANDED_TOKEN);
      }
      const wallet = this.#wallet;
      if (this.#preferences.method !== "wallet" || wallet === undefined) {
        return await this.#useKey();
      }
      this.#panel.showMethod("wallet");
      // `eth_accounts` never prompts: a wallet that still shares the account signs in at once
      // (asking to sign a delegation for this visit); otherwise "Connect wallet" waits for a click.
      const address = await knownAddress(wallet).catch((error) => {
        console.warn("sluice: the wallet did not say which account it shares:", error);
        return undefined;
      });
      this.#panel.showWallet(address);
      await this.#signInWith(
        address === undefined
          ? undefined
          : { kind: "wallet", signer: walletSigner(wallet, address) },
      );
    } catch (error) {
      this.#panel.showProblem("", `The page could not sign in: ${reason(error)}`);
    }
  }

  #choose(method: SignInMethod): void {
    if (method === this.#credentials?.kind) return;
    if (this.#refuseWhileDownloading()) {
      return this.#panel.showMethod(this.#credentials?.kind ?? this.#preferences.method);
    }
    if (method === "key") return void this.#useKey();
    if (method === "token") {
      // Remembered as the choice of this visit only: a reload (with no token in memory) uses the key.
      this.#remember({ method: "token" });
      this.#panel.showMethod("token");
      return void this.#signInWith(undefined, NO_TOKEN);
    }
    this.#panel.showMethod("wallet");
    this.#panel.showWallet(undefined);
    if (this.#wallet !== undefined) void this.#useWallet(this.#wallet);
  }

  async #newKey(): Promise<void> {
    if (this.#refuseWhileDownloading() || !this.#panel.confirmNewKey()) return;
    this.#key = await replaceKey();
    await this.#useKey();
  }

  /**
   * Another tab made a new key: the old one is gone from storage, so this
   * tab signs in with the new one too, unless downloads run under the old.
   */
  async #keyReplacedElsewhere(): Promise<void> {
    this.#key = undefined;
    if (this.#credentials?.kind !== "key") return;
    if (this.#options.unfinished() > 0) {
      return this.#panel.showProblem(
        "",
        "Another tab made a new key. This tab's downloads go on as the old one; " +
          "reload the page when they finish to sign in with the new key.",
      );
    }
    await this.#useKey();
  }

  #pinServerKey(key: string | undefined): void {
    if (key === this.#preferences.serverKey) return;
    if (this.#refuseWhileDownloading()) {
      return this.#panel.showServerKey(this.#preferences.serverKey);
    }
    this.#remember({ serverKey: key });
    this.#panel.showServerKey(key);
    // The pin is part of the client: build it again, with the same identity.
    void this.#signInWith(this.#credentials);
  }

  async #useKey(): Promise<void> {
    this.#key ??= await loadKey();
    this.#panel.showMethod("key");
    this.#panel.showKey(this.#key);
    this.#remember({ method: "key" });
    await this.#signInWith({ kind: "key", key: this.#key });
  }

  /** Asks the wallet for an account (it may prompt), then signs in with it. */
  async #useWallet(wallet: Eip1193Provider): Promise<void> {
    let address: string;
    try {
      address = await requestAddress(wallet);
    } catch (error) {
      // Declined or failed: the current sign-in stays as it was.
      this.#panel.showMethod(this.#credentials?.kind ?? this.#preferences.method);
      this.#panel.showProblem("", `The wallet did not share an account (${reason(error)}).`);
      return;
    }
    this.#panel.showMethod("wallet");
    this.#panel.showWallet(address);
    this.#remember({ method: "wallet" });
    await this.#signInWith({ kind: "wallet", signer: walletSigner(wallet, address) });
  }

  /**
   * The wallet moved to another account, or stopped sharing one. While the
   * page signs in with the wallet, it follows: a new client for the new
   * account, or none until "Connect wallet". Running downloads are not
   * ended for it; they go on as the account that started them, and the
   * Connect button stays offered for afterwards.
   */
  #walletMoved(wallet: Eip1193Provider, address: string | undefined): void {
    if (this.#preferences.method !== "wallet") return;
    const credentials = this.#credentials;
    const current = credentials?.kind === "wallet" ? credentials.signer.address : undefined;
    if (address?.toLowerCase() === current?.toLowerCase()) return;
    if (this.#refuseWhileDownloading()) return this.#panel.showWallet(current, true);
    this.#panel.showWallet(address);
    void this.#signInWith(
      address === undefined ? undefined : { kind: "wallet", signer: walletSigner(wallet, address) },
    );
  }

  /**
   * Downloads belong to the sign-in that started them: closing its client
   * would end them. So while any is unfinished the page refuses to switch,
   * and says why, rather than asking: a "switch anyway?" is one careless
   * click from losing an hour-long export, and Cancel on its card is one
   * deliberate click away.
   */
  #refuseWhileDownloading(): boolean {
    const unfinished = this.#options.unfinished();
    if (unfinished === 0) return false;
    const [which, it] = unfinished === 1
      ? ["A download is", "it"]
      : [`${unfinished} downloads are`, "them"];
    this.#panel.showProblem(
      "",
      `${which} running under this sign-in, and switching would end ${it}. ` +
        `Let ${it} finish or cancel ${it}, then switch.`,
    );
    return true;
  }

  #remember(changes: Partial<Preferences>): void {
    this.#preferences = { ...this.#preferences, ...changes };
    savePreferences(this.#preferences);
  }

  /**
   * Closes the current client and builds one for `next` (none: wait, for a
   * wallet account or a token, saying `why`).
   */
  #signInWith(next: PageCredentials | undefined, why = NOT_SIGNED_IN): Promise<void> {
    this.#switching = this.#switching.then(async () => {
      const { badge, notice } = this.#options;
      const old = this.#client;
      this.#client = undefined;
      this.#credentials = next;
      notice(undefined);
      this.#panel.clearProblem();
      await old?.close();
      badge.identity(
        next === undefined
          ? undefined
          : next.kind === "key"
          ? next.key.publicKey
          : next.kind === "wallet"
          ? next.signer.address
          : "a token",
      );
      if (next === undefined) {
        this.#options.blocked(why);
        return badge.phase("idle");
      }
      this.#options.blocked(undefined);
      const client = this.#client = this.#build(next);
      // The old client's last events must not paint over the new one's.
      const current = <T>(listener: (event: T) => void) => (event: T) => {
        if (this.#client === client) listener(event);
      };
      client.on(
        "state",
        current(({ to }) => {
          badge.phase(to);
          this.#options.connectionChanged(to === "open");
          // Trying again (Reconnect) may succeed: Download is offered again meanwhile.
          if (to === "connecting") this.#options.blocked(undefined);
          if (to === "open") {
            notice(undefined);
            this.#panel.clearProblem();
          }
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
      client.on("connection:failed", current((error) => this.#failed(error)));
      badge.phase(client.session().phase);
      this.connect();
    });
    return this.#switching;
  }

  #build(credentials: PageCredentials): SluiceClient {
    const builder = new ClientBuilder(this.#options.url)
      // A person waits longer than a script before giving up: about a minute and a half in all.
      .withReconnect({ maxAttempts: 10, maxMs: 10_000 })
      // Frequent enough that the round trip shows soon after the page opens.
      .withHeartbeat({ intervalMs: 5_000 });
    if (credentials.kind === "key") builder.withKeypair(credentials.key.secretKey);
    else if (credentials.kind === "token") builder.withToken(credentials.token);
    else builder.withSigner(credentials.signer, { delegateForMs: WALLET_DELEGATION_MS });
    const pinned = this.#preferences.serverKey;
    if (pinned !== undefined) builder.withServerKey(pinned);
    return builder.build();
  }

  /** The client gave up: in the panel when signing in is what failed, else in the notice. */
  #failed(error: ErrorResponse): void {
    if (!SIGN_IN_CODES.has(error.code)) return this.#options.notice(explain(error).text);
    this.#options.badge.refused();
    this.#options.blocked(refusedReason(error.code));
    const credentials = this.#credentials;
    const refusal = credentials?.kind === "wallet" && error.code === "AUTH_BAD_SIGNATURE"
      ? credentials.signer.refusal
      : undefined;
    // A wallet that declined to sign made no bad signature, whatever the code says.
    this.#panel.showProblem(
      error.code,
      refusal === undefined
        ? explain(error).text
        : `Your wallet did not sign (${refusal}). Press Reconnect to be asked again.`,
    );
  }
}
