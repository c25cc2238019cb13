/**
 * The server's sign-in settings, and the origins its challenges name. The
 * rules of a sign-in are the server session machine's
 * (`protocol/session_sign_in.ts`); this file holds what `createServer`
 * reads from its options for every connection, and picks the origin a
 * connection's challenges name from its upgrade request.
 *
 * @module
 */

import type { SessionSignIn } from "../protocol/session_state.ts";

/**
 * The server-wide sign-in settings; `createServer` builds them from its
 * options, and each connection adds the origin its challenges name.
 */
export interface AuthConfig extends Omit<SessionSignIn, "origin"> {
  /** The origins clients dial; `undefined`: each upgrade request's own. */
  readonly origins: readonly string[] | undefined;
}

/**
 * Reads a configured origin: `ws:` or `wss:`, `//`, a host and maybe a port,
 * nothing else (a final `/` is allowed). Throws a `TypeError` otherwise.
 *
 * @example
 * ```ts ignore
 * parseOrigin("wss://export.example.com/"); // "wss://export.example.com"
 * ```
 */
export function parseOrigin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch (_notAUrl) {
    // Reported below with the rest.
  }
  const bare = url && `${url.protocol}//${url.host}`;
  if (
    url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:") ||
    text.replace(/\/$/, "") !== bare
  ) {
    throw new TypeError(`origin must be ws:// or wss:// and a host (and port), got "${text}"`);
  }
  return bare!;
}

/**
 * The origin to name in the challenges of an upgrade request: the
 * configured origin whose host is the request's, or without configured
 * origins the request's own scheme and host; `undefined` when origins are
 * configured and none is for this host.
 */
export function challengeOrigin(
  origins: readonly string[] | undefined,
  request: Request,
): string | undefined {
  const url = new URL(request.url);
  if (origins === undefined) return `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return origins.find((origin) => new URL(origin).host === url.host);
}

/**
 * The server's chain id (`createServer`'s `chainId`): a positive whole
 * number, 1 unless the operator names another. Throws a `RangeError`
 * otherwise.
 *
 * @example
 * ```ts ignore
 * chainIdOption(undefined); // 1
 * ```
 */
export function chainIdOption(option: number | undefined): number {
  const id = option ?? 1;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new RangeError(`chainId: a positive whole number, got ${id}`);
  }
  return id;
}
