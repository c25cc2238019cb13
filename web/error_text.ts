/**
 * What the demo page tells a person about each error code: what happened
 * and what to do, in the page's words rather than the protocol's. The table
 * is typed by `ErrorCode`, so a code added to the protocol does not compile
 * until the page can explain it.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorCode, ErrorResponse } from "../protocol/errors.ts";
import type { PeerErrorCode } from "../protocol/peer_error_code.ts";

const BUG = "This is a bug in the page or the server; please report it.";
const RETRY = "The download continues by itself when the connection is back.";

/** For every code: a sentence for the person looking at the page. */
export const ERROR_HELP: Readonly<Record<ErrorCode, string>> = {
  MALFORMED_JSON: `The server could not read a message from this page. ${BUG}`,
  MESSAGE_TOO_LARGE: "The request is too large. Use fewer filters or shorter lists of values.",
  TOO_MANY_MESSAGES: `The page sent requests faster than the server handles them. ${BUG}`,
  NESTING_TOO_DEEP: `The server refused a message from this page. ${BUG}`,
  FORBIDDEN_KEY: `The server refused a message from this page. ${BUG}`,
  UNKNOWN_EVENT: `The server does not understand this page's request. ${BUG}`,
  UNEXPECTED_EVENT: `The server does not understand this page's request. ${BUG}`,
  MISSING_FIELD: "Part of the request is missing. Check the time range and every filter.",
  UNKNOWN_FIELD: `The request has a field the server does not know. ${BUG}`,
  INVALID_TYPE: "A value in the request has the wrong type. Check every filter's value.",
  INVALID_VALUE: "A value in the request is not allowed. Check the time range and the filters.",
  NON_FINITE_NUMBER: "A number in the request is too large. Check every filter's value.",
  STRING_TOO_LONG: "A value is too long. Shorten the filter values.",
  ARRAY_TOO_LONG: "A list has too many values. Use fewer values in “is one of”.",
  INVALID_DATE: "A date is not valid. Use a real date and time, such as 2024-01-31 23:59:59.",
  INVALID_RANGE: "The time range is empty: “From” must be before “To”.",
  UNSUPPORTED_FORMAT: "The server cannot write that format. Choose CSV, JSON or NDJSON.",
  UNKNOWN_DATASET: "The server has no such dataset. Reload the page to see the ones it has.",
  UNKNOWN_COLUMN: "A filter or the column choice names a column the server does not have.",
  INVALID_OPERATOR: "A filter's operator does not apply to its column. Choose another operator.",
  INVALID_FILTER_VALUE:
    "A filter's value does not fit its column, such as letters for a number or too many decimals.",
  TOO_MANY_FILTERS: "The request has too many filters. Remove some and try again.",
  UNKNOWN_REQUEST: "The server no longer knows this download. Start it again.",
  DUPLICATE_REQUEST: "A download with the same id is already running. Start it again.",
  TOO_MANY_DOWNLOADS:
    "Too many downloads are running at once. Wait for one to finish, then try again.",
  CANCELLED: "The download was cancelled. Nothing was saved.",
  ILLEGAL_TRANSITION: `The server and the page disagree about this download. ${BUG}`,
  SEQUENCE_GAP: `Part of the data went missing on the way. ${RETRY}`,
  DIGEST_MISMATCH: `A part of the data arrived damaged and was not saved. ${RETRY}`,
  INTEGRITY_MISMATCH:
    "The data received does not match what the server sent, so it was not saved. Try again.",
  RESUME_MISMATCH: "The server can no longer continue this download. Start it again.",
  INTERNAL_ERROR: "The server failed while preparing the data. Try again in a moment.",
  SOURCE_UNAVAILABLE:
    "The server's database is unavailable or slow just now. Start the download again in a minute; it continues where it stopped if the page still has it.",
  SOURCE_FAILED:
    "The server's database refused to read these rows. Ask the server's operator to check the table.",
  UNEXPORTABLE_VALUE:
    "A value stored in the server's table does not fit its column, so the download stopped at its row. Ask the server's operator to fix the value.",
  SERVER_SHUTTING_DOWN: `The server is restarting. ${RETRY}`,
  FRAME_TRUNCATED: `Data arrived damaged. ${RETRY}`,
  FRAME_TOO_LARGE: `Data arrived damaged. ${RETRY}`,
  FRAME_VERSION: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_TYPE: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_FLAGS: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_FIELD: `Data arrived damaged. ${RETRY}`,
  FRAME_TRAILING_BYTES: `Data arrived damaged. ${RETRY}`,
  IDLE_TIMEOUT: `The server closed a quiet connection. ${RETRY}`,
  SEND_QUEUE_FULL: `The page fell too far behind reading the download. ${RETRY}`,
  READER_STALLED: `The page stopped reading what the server sent. ${RETRY}`,
  HEARTBEAT_TIMEOUT: `The server stopped answering. ${RETRY}`,
  HANDSHAKE_TIMEOUT: `The server accepted the connection but never answered. ${RETRY}`,
  SIGNING_TIMEOUT:
    "Your wallet did not sign in time. Approve its sign-in request; the page keeps trying.",
  CONNECTION_LOST: `The connection to the server was lost. ${RETRY}`,
  CONNECTION_FAILED:
    "The server cannot be reached. Check your network, then press Reconnect and start the download again.",
  CONNECTION_CLOSED: "The connection was closed. Reload the page to start again.",
  AUTH_REQUIRED: "This server only serves people who sign in. Sign in, then start the download.",
  SIGN_IN_TIMEOUT: "The connection did not sign in in time. Reconnect to sign in again.",
  AUTH_IN_PROGRESS: `The page tried to sign in twice on one connection. ${BUG}`,
  AUTH_IDENTITY_MISMATCH: `The sign-in named two different identities. ${BUG}`,
  AUTH_NONCE_UNKNOWN: "The sign-in answered a challenge this server did not send. Try again.",
  AUTH_NONCE_EXPIRED: "The sign-in took too long and its challenge expired. Try again.",
  AUTH_NONCE_USED: "That sign-in challenge was already used. Try again.",
  AUTH_BAD_SIGNATURE:
    "The signature did not match your key and this server's challenge. Check that you signed with the right key or account.",
  AUTH_DELEGATION_EXPIRED:
    "Your wallet's sign-in permission has expired by the server's clock. Your wallet asks again; if it keeps happening, check this computer's clock.",
  AUTH_DELEGATION_TOO_LONG:
    "The server refused your wallet's sign-in permission as too long: this computer's clock is probably ahead of the server's. Set it right, then reconnect.",
  AUTH_UNKNOWN_IDENTITY:
    "Your key or address is not allowed on this server. Ask its operator to add it.",
  AUTH_CONTRACT_WALLET_UNSUPPORTED:
    "Your wallet is a smart contract account, and this server accepts only signatures of an ordinary account's own key. Sign in with such an account or a key.",
  AUTH_TOKEN_UNSUPPORTED: "This server does not take tokens. Sign in with a key or a wallet.",
  AUTH_TOKEN_SEAL:
    "The token did not arrive intact: something in between may be changing messages. Reconnect; if it keeps happening, tell the operator.",
  AUTH_TOKEN_MALFORMED: "That is not a token this server can read. Paste the whole token.",
  AUTH_TOKEN_ALGORITHM: "The token is signed with an algorithm this server does not accept.",
  AUTH_TOKEN_SIGNATURE: "The token's signature does not match this server's keys.",
  AUTH_TOKEN_EXPIRED: "The token has expired. Get a fresh one from your login, then sign in.",
  AUTH_TOKEN_NOT_YET_VALID:
    "The token is not valid yet. Check this computer's clock, or wait a moment.",
  AUTH_TOKEN_ISSUER: "The token comes from a login this server does not trust.",
  AUTH_TOKEN_AUDIENCE: "The token is meant for another service than this one.",
  AUTH_TOKEN_REFUSED: "The server refused this token. Sign in to your login again.",
  AUTH_TOKEN_KEYS_DOWN: "The server cannot check tokens just now. Wait a little, then reconnect.",
  ORIGIN_MISMATCH:
    "The server says it lives at another address than the one this page connected to. Do not sign in; tell the operator.",
  SERVER_KEY_MISMATCH:
    "The server could not prove who it is. Someone may be in between: do not sign in; tell the operator.",
  FORBIDDEN: "You are not allowed this download. Narrow the request, or ask the operator.",
  ROW_FILTER_CLAIM_MISSING:
    "This data shows each user only their own rows, and your sign-in does not say whose they are. Sign in with your account's token, or ask the operator.",
  SIGN_IN_RATE_LIMITED:
    "Too many failed sign-ins from your network or for this identity. Wait a little, then try again.",
  RATE_LIMITED: "Too many downloads in the last minute. Wait a little, then try again.",
  ROW_LIMIT_EXCEEDED:
    "The download has more rows than you may take at once. Narrow the time range.",
  COMMAND_UNSIGNED: `A request left without its signature. ${BUG}`,
  TOKEN_INVALID: `A request carried another session's token. ${BUG}`,
  COMMAND_SIGNATURE_INVALID: `A request's signature did not match. ${BUG}`,
  COMMAND_STALE:
    "This device's clock is far from the server's. Set the clock right, then try again.",
  COMMAND_REPLAYED: `A request was sent twice. ${BUG}`,
  SESSION_EXPIRED: "Your session expired. Reconnect to sign in again.",
  UNSEALED_MESSAGE: `An unencrypted message arrived in an encrypted session. ${RETRY}`,
  REPLAYED_FRAME: `A message arrived twice: it may have been tampered with. ${RETRY}`,
  REORDERED_FRAME: `Messages arrived out of order: they may have been tampered with. ${RETRY}`,
  DECRYPTION_FAILED:
    `A message failed its integrity check: it may have been tampered with. ${RETRY}`,
};

/**
 * The codes with which signing in ends: the server refused the identity or
 * its signature, or the page refused the server (PROTOCOL.md §15.1). The
 * page shows them in the sign-in panel, since changing the identity, not
 * the request, is what helps.
 */
export const SIGN_IN_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "AUTH_REQUIRED",
  "AUTH_IDENTITY_MISMATCH",
  "AUTH_NONCE_UNKNOWN",
  "AUTH_NONCE_EXPIRED",
  "AUTH_NONCE_USED",
  "AUTH_BAD_SIGNATURE",
  "AUTH_DELEGATION_EXPIRED",
  "AUTH_DELEGATION_TOO_LONG",
  "AUTH_UNKNOWN_IDENTITY",
  "SIGN_IN_RATE_LIMITED",
  "AUTH_CONTRACT_WALLET_UNSUPPORTED",
  "AUTH_TOKEN_UNSUPPORTED",
  "AUTH_TOKEN_SEAL",
  "AUTH_TOKEN_MALFORMED",
  "AUTH_TOKEN_ALGORITHM",
  "AUTH_TOKEN_SIGNATURE",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_TOKEN_NOT_YET_VALID",
  "AUTH_TOKEN_ISSUER",
  "AUTH_TOKEN_AUDIENCE",
  "AUTH_TOKEN_REFUSED",
  "AUTH_TOKEN_KEYS_DOWN",
  "ORIGIN_MISMATCH",
  "SERVER_KEY_MISMATCH",
]);

/** An error as the page shows it. */
export interface ErrorText {
  /** The protocol's stable code, shown as it is so it can be searched and reported. */
  readonly code: string;
  /** What happened and what to do. */
  readonly text: string;
}

/**
 * Explains an error response: the page's sentence for known codes, the
 * server's own message for codes newer than this page, and the details
 * that say which part of the request was refused.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { explain } from "./error_text.ts";
 * const refusal = {
 *   code: "UNKNOWN_COLUMN" as const,
 *   message: "…",
 *   recoverable: false,
 *   details: { field: "colour" },
 * };
 * equal(explain(refusal).text, "A filter or the column choice names a column the server does not have. (field: colour)");
 * ```
 */
export function explain(error: ErrorResponse): ErrorText {
  const known = hasHelp(error.code) ? ERROR_HELP[error.code] : undefined;
  const details = Object.entries(error.details ?? {})
    .filter(([key]) => key !== "path" && key !== "requestId")
    .map(([key, value]) => key === "reason" ? String(value) : `${key}: ${value}`);
  const path = error.details?.path;
  const where = typeof path === "string" ? place(path) : undefined;
  const extra = where === undefined ? details : [where, ...details];
  const base = known ?? error.message;
  return { code: error.code, text: extra.length === 0 ? base : `${base} (${extra.join(", ")})` };
}

/**
 * Whether the page has a sentence for a code: every code of this version
 * has one, a newer peer's (an `UnknownErrorCode`) none. The table is asked
 * rather than the protocol's `isErrorCode`, which would bundle the error
 * table into the page a second time.
 */
function hasHelp(code: PeerErrorCode): code is ErrorCode {
  return Object.hasOwn(ERROR_HELP, code);
}

/** The part of the form a protocol path (`data.searchParams.filters[1].value`) points at. */
function place(path: string): string | undefined {
  const filter = /\.filters\[(\d+)\]/.exec(path);
  if (filter !== null) return `filter ${Number(filter[1]) + 1}`;
  if (path.endsWith(".timeFrom")) return "“From”";
  if (path.endsWith(".timeTo")) return "“To”";
  if (path.endsWith(".outputFormat")) return "format";
  // The whole request (e.g. an empty range): the sentence already says which part.
  if (path === "data" || path === "data.searchParams") return undefined;
  return `at ${path}`;
}
