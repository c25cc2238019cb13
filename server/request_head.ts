/**
 * The HTTP/1.1 request head as the upgrade guard (upgrade_guard.ts) reads
 * it, as pure functions over bytes: where a head ends, what it says, and the
 * head the guard passes on (a request that is not a WebSocket upgrade the
 * guard serves itself), with the peer's address in a header of its own and
 * `Connection: close`, so that every request head on the connection went
 * through the guard's timeout.
 *
 * @module
 */

/** The header the guard names the peer's address in; a peer's own is dropped. */
export const PEER_HEADER = "x-sluice-peer";

/** The header the guard proves itself to the inner server with; a peer's own is dropped. */
export const GUARD_HEADER = "x-sluice-guard";

const CRLFCRLF = [13, 10, 13, 10];

/**
 * The length of the request head in `bytes` (through its blank line), or
 * -1 while it is incomplete. `from` is where to resume the search after an
 * earlier call on a prefix of the same bytes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { headLength } from "./request_head.ts";
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\nrest");
 * equal(headLength(bytes), 27);
 * equal(headLength(bytes.subarray(0, 20)), -1);
 * ```
 */
export function headLength(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from - 3); i + 4 <= bytes.length; i++) {
    if (
      bytes[i] === CRLFCRLF[0] && bytes[i + 1] === CRLFCRLF[1] &&
      bytes[i + 2] === CRLFCRLF[2] && bytes[i + 3] === CRLFCRLF[3]
    ) return i + 4;
  }
  return -1;
}

/**
 * The head to pass on: the request line, the guard's `secret` as
 * {@linkcode GUARD_HEADER} and the peer's address as {@linkcode PEER_HEADER}
 * (any of either the peer sent is dropped), and its other header lines,
 * but for its `Connection` and `Keep-Alive` lines, replaced by
 * `Connection: close`: every request the guard passes on is the last on
 * its connection (WebSocket upgrades it serves itself).
 * `head` is the whole head, blank line included, as ISO-8859-1 text
 * (one character per byte, as HTTP/1.1 reads it).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { passedHead } from "./request_head.ts";
 * equal(
 *   passedHead("GET /x HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", "10.0.0.7", "s3"),
 *   "GET /x HTTP/1.1\r\nx-sluice-guard: s3\r\nx-sluice-peer: 10.0.0.7\r\nHost: a\r\n" +
 *     "Connection: close\r\n\r\n",
 * );
 * ```
 */
export function passedHead(head: string, peer: string, secret: string): string {
  const [requestLine, ...fields] = head.slice(0, -4).split("\r\n");
  const dropped = new Set([PEER_HEADER, GUARD_HEADER, "connection", "keep-alive"]);
  const kept = fields.filter((line) =>
    !dropped.has(line.slice(0, line.indexOf(":")).trim().toLowerCase())
  );
  const own = [`${GUARD_HEADER}: ${secret}`, `${PEER_HEADER}: ${peer}`];
  return [requestLine, ...own, ...kept, "Connection: close", "", ""].join("\r\n");
}

/**
 * Whether a request asks for a WebSocket: `Upgrade: websocket`, in any case.
 * The guard, the server and the page's handler all tell an upgrade from a
 * page by it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { asksForWebSocket } from "./request_head.ts";
 * equal(asksForWebSocket(new Headers({ upgrade: "WebSocket" })), true);
 * equal(asksForWebSocket(new Headers({ upgrade: "h2c" })), false);
 * ```
 */
export function asksForWebSocket(headers: Headers): boolean {
  return headers.get("upgrade")?.toLowerCase() === "websocket";
}

/** A method or a field name: a token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A request head read into its parts. */
export interface RequestHead {
  /** The method, as sent (`GET`). */
  readonly method: string;
  /** The request target: a path and query, or an absolute URL. */
  readonly target: string;
  /** `HTTP/1.1` or `HTTP/1.0`. */
  readonly version: string;
  /** Its header fields, but for {@linkcode GUARD_HEADER} and {@linkcode PEER_HEADER}. */
  readonly headers: Headers;
}

/**
 * The method, target and header fields of a request head (as
 * {@linkcode passedHead} takes it), or `undefined` when it is not an
 * HTTP/1.1 request head: a request line of three parts, and field lines
 * of a valid name, a colon and a value with no control character but tab
 * (so no bare CR or LF, which another parser could take for a line's end).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readHead } from "./request_head.ts";
 * const head = readHead("GET /x?y=1 HTTP/1.1\r\nHost: a\r\nx-sluice-peer: forged\r\n\r\n")!;
 * equal(head.target, "/x?y=1");
 * equal(head.headers.get("host"), "a");
 * equal(head.headers.get("x-sluice-peer"), null);
 * equal(readHead("GET /\r\n\r\n"), undefined);
 * ```
 */
export function readHead(head: string): RequestHead | undefined {
  const [requestLine, ...fields] = head.slice(0, -4).split("\r\n");
  const parts = requestLine.split(" ");
  if (parts.length !== 3 || !/^HTTP\/1\.[01]$/.test(parts[2]) || parts[1] === "") return undefined;
  if (!TOKEN.test(parts[0]) || hasControl(parts[1], false)) {
    return undefined;
  }
  const headers = new Headers();
  for (const line of fields) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    // A field name is a token, with no space before the colon.
    if (colon < 1 || !TOKEN.test(name)) return undefined;
    const lower = name.toLowerCase();
    if (lower === PEER_HEADER || lower === GUARD_HEADER) continue;
    // Optional whitespace is spaces and tabs only (RFC 9110 §5.6.3).
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (hasControl(value, true)) return undefined;
    headers.append(name, value);
  }
  return { method: parts[0], target: parts[1], version: parts[2], headers };
}

/** Whether `text` holds a control character (or a space, unless `spaces`: tab and space allowed). */
function hasControl(text: string, spaces: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7f || (c < 0x20 && !(spaces && c === 0x09)) || (c === 0x20 && !spaces)) return true;
  }
  return false;
}
