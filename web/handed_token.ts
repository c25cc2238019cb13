/**
 * A token handed to the demo page in its address, `/#token=…`, as an app
 * with its own login sends its users to the export (examples/token_app.ts).
 * The fragment never reaches a server; the page reads it once and takes it
 * out of the address at once, so that it is neither bookmarked nor kept in
 * the history.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** The token of the page's address (`#token=…`), taken out of the address; none without one. */
export function handedToken(): string | undefined {
  const params = new URLSearchParams(globalThis.location?.hash.slice(1) ?? "");
  const token = params.get("token") ?? undefined;
  if (token !== undefined) history.replaceState(null, "", location.pathname + location.search);
  return token;
}
