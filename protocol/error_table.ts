/**
 * The error-code table (docs/PROTOCOL.md §11) as data: every code a peer
 * can see, with the human message, whether retrying can help, and after how
 * long. Codes are grouped by what they end (`scope`) and say whose fault
 * they are (`fault`), so that a caller can decide what to do without
 * parsing text. The responses made from it are `errors.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorCode } from "./error_codes.ts";

export type { ErrorCode } from "./error_codes.ts";

/**
 * What an error ends: only the offending message (the connection and its
 * downloads go on), one download, or the whole connection.
 */
export type ErrorScope = "message" | "download" | "connection";

/**
 * Whose fault an error is: the party that sent the offending input
 * (`sender`), the server failing on its own (`server`), a condition at the
 * client such as a lost network (`client`), or nobody (`none`).
 */
export type ErrorFault = "sender" | "server" | "client" | "none";

/** One row of the error table. */
export interface ErrorInfo {
  /** A human sentence; never parsed by code. */
  readonly message: string;
  /** Whether the same operation may succeed later (e.g. after a reconnect). */
  readonly recoverable: boolean;
  /** Milliseconds to wait before a retry, when the error implies one. */
  readonly retryAfter?: number;
  /** What the error ends. */
  readonly scope: ErrorScope;
  /** Whose fault it is. */
  readonly fault: ErrorFault;
}

const badMessage = (message: string): ErrorInfo => ({
  message,
  recoverable: false,
  scope: "message",
  fault: "sender",
});

const request = (message: string): ErrorInfo => ({
  message,
  recoverable: false,
  scope: "download",
  fault: "sender",
});

const signIn = (message: string, recoverable = false): ErrorInfo => ({
  message,
  recoverable,
  scope: "connection",
  fault: "sender",
});

const command = (message: string): ErrorInfo => ({
  message,
  recoverable: false,
  scope: "message",
  fault: "sender",
});

const sealed = (message: string): ErrorInfo => ({
  message,
  recoverable: true,
  scope: "connection",
  fault: "sender",
});

const frame = (message: string): ErrorInfo => ({
  message,
  recoverable: true,
  scope: "connection",
  fault: "sender",
});

/**
 * The table itself. docs/PROTOCOL.md lists it, and a test checks that the
 * document and this table agree row for row.
 *
 * @example Look up whether a code is worth retrying
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ERROR_TABLE } from "./error_table.ts";
 * equal(ERROR_TABLE.SERVER_SHUTTING_DOWN.recoverable, true);
 * ```
 */
export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorInfo>> = {
  MALFORMED_JSON: badMessage("The message is not valid UTF-8 JSON."),
  MESSAGE_TOO_LARGE: badMessage("The message exceeds the size limit."),
  TOO_MANY_MESSAGES: {
    message: "The connection sent messages faster than the server handles them.",
    recoverable: true,
    scope: "connection",
    fault: "sender",
  },
  NESTING_TOO_DEEP: badMessage("The message nests objects or arrays too deeply."),
  FORBIDDEN_KEY: badMessage("The message contains a forbidden key such as `__proto__`."),
  UNKNOWN_EVENT: badMessage("The event name is not part of the protocol."),
  UNEXPECTED_EVENT: badMessage("This side of the connection may not send that event."),
  MISSING_FIELD: badMessage("A required field is missing."),
  UNKNOWN_FIELD: badMessage("The message contains a field the protocol does not define."),
  INVALID_TYPE: badMessage("A field has the wrong type."),
  INVALID_VALUE: badMessage("A field's value is outside what the protocol allows."),
  NON_FINITE_NUMBER: badMessage("A number is not finite."),
  STRING_TOO_LONG: badMessage("A string exceeds its length limit."),
  ARRAY_TOO_LONG: badMessage("An array exceeds its length limit."),
  INVALID_DATE: badMessage("A date is not an ISO 8601 UTC timestamp or does not exist."),

  INVALID_RANGE: request("The time range is empty, inverted or out of bounds."),
  UNSUPPORTED_FORMAT: request("The output format is not csv, json or ndjson."),
  UNKNOWN_DATASET: request("The request names a dataset the server does not have."),
  UNKNOWN_COLUMN: request(
    "A filter or the column list names a column the data source does not have.",
  ),
  INVALID_OPERATOR: request("The filter operator does not apply to that column."),
  INVALID_FILTER_VALUE: request("A filter value does not fit its column or operator."),
  TOO_MANY_FILTERS: request("The request has more filters than allowed."),
  UNKNOWN_REQUEST: badMessage("No download with that requestId exists on this connection."),
  DUPLICATE_REQUEST: badMessage("A download with that requestId is already active."),
  TOO_MANY_DOWNLOADS: {
    message: "Too many concurrent downloads on this connection.",
    recoverable: true,
    retryAfter: 1000,
    scope: "download",
    fault: "sender",
  },

  CANCELLED: {
    message: "The download was cancelled.",
    recoverable: false,
    scope: "download",
    fault: "none",
  },
  ILLEGAL_TRANSITION: {
    message: "The event is not allowed in the current state.",
    recoverable: true,
    scope: "connection",
    fault: "sender",
  },
  SEQUENCE_GAP: {
    message: "A data frame does not continue where the previous one ended.",
    recoverable: true,
    scope: "connection",
    fault: "sender",
  },
  INTEGRITY_MISMATCH: {
    message: "The received rows, bytes or digest differ from what the server sent.",
    recoverable: false,
    scope: "download",
    fault: "sender",
  },
  // Recoverable: the frame was never delivered and the resume point stays before it, so
  // resuming (say, on a connection that does not alter bytes) can finish the download.
  DIGEST_MISMATCH: {
    message: "A data frame's payload does not match its digest; it was discarded.",
    recoverable: true,
    scope: "download",
    fault: "sender",
  },
  RESUME_MISMATCH: {
    message: "The server cannot resume this download as it was started.",
    recoverable: false,
    scope: "download",
    fault: "none",
  },
  INTERNAL_ERROR: {
    message: "The server failed while serving the request.",
    recoverable: true,
    retryAfter: 1000,
    scope: "download",
    fault: "server",
  },
  // The server's database, not the server: gone or too slow now, so resuming later can finish.
  SOURCE_UNAVAILABLE: {
    message: "The server's database is unavailable or too slow just now; resume later.",
    recoverable: true,
    retryAfter: 5000,
    scope: "download",
    fault: "server",
  },
  // The database refuses this download's query every time (a changed table, a value it cannot
  // read): a resume would meet the same refusal, until the operator fixes the table.
  SOURCE_FAILED: {
    message: "The server's database refused to read this download's rows.",
    recoverable: false,
    scope: "download",
    fault: "server",
  },
  // A value stored in the table that its column's type cannot carry: every resume reaches the
  // same row, until the operator fixes the value (details name the column and the row's key).
  UNEXPORTABLE_VALUE: {
    message: "A value stored in the server's table does not fit its column's type.",
    recoverable: false,
    scope: "download",
    fault: "server",
  },
  SERVER_SHUTTING_DOWN: {
    message: "The server is shutting down; resume on another connection.",
    recoverable: true,
    retryAfter: 1000,
    scope: "connection",
    fault: "none",
  },

  FRAME_TRUNCATED: frame("The data frame is shorter than its header says."),
  FRAME_TOO_LARGE: frame("The data frame exceeds the size limit."),
  FRAME_VERSION: frame("The data frame has an unsupported version."),
  FRAME_TYPE: frame("The data frame has an unknown type."),
  FRAME_FLAGS: frame("The data frame sets reserved flags."),
  FRAME_FIELD: frame("A data frame field is out of range or badly encoded."),
  FRAME_TRAILING_BYTES: frame("The data frame has bytes after its payload."),

  IDLE_TIMEOUT: {
    message: "The connection sent nothing for longer than the server's idle timeout.",
    recoverable: true,
    scope: "connection",
    fault: "client",
  },
  SEND_QUEUE_FULL: {
    message: "The connection left more unread than the server holds for one connection.",
    recoverable: true,
    scope: "connection",
    fault: "sender",
  },
  READER_STALLED: {
    message: "The connection read nothing of what the server sent for longer than it waits.",
    recoverable: true,
    scope: "connection",
    fault: "sender",
  },
  HANDSHAKE_TIMEOUT: {
    message: "The server did not complete the connection in time.",
    recoverable: true,
    scope: "connection",
    fault: "client",
  },
  SIGNING_TIMEOUT: {
    message:
      "The signer (a wallet waiting for its user) did not sign in time: the challenge expired.",
    recoverable: true,
    scope: "connection",
    fault: "client",
  },
  HEARTBEAT_TIMEOUT: {
    message: "The server stopped answering heartbeats.",
    recoverable: true,
    scope: "connection",
    fault: "client",
  },
  CONNECTION_LOST: {
    message: "The connection closed unexpectedly.",
    recoverable: true,
    scope: "connection",
    fault: "client",
  },
  CONNECTION_FAILED: {
    message: "Could not reconnect after the configured number of attempts.",
    recoverable: false,
    scope: "connection",
    fault: "client",
  },
  CONNECTION_CLOSED: {
    message: "The connection was closed by the client.",
    recoverable: false,
    scope: "connection",
    fault: "none",
  },

  AUTH_REQUIRED: command("Sign in first: this server does not serve anonymous clients."),
  SIGN_IN_TIMEOUT: {
    message: "The connection did not sign in in time; connect and sign in again.",
    recoverable: true,
    scope: "connection",
    fault: "client",
  },
  AUTH_IN_PROGRESS: command("This connection already asked for its one challenge."),
  AUTH_IDENTITY_MISMATCH: signIn("The identity differs from the one the nonce was issued to."),
  AUTH_NONCE_UNKNOWN: signIn("The nonce is not the one this connection was given."),
  AUTH_NONCE_EXPIRED: signIn("The nonce expired; ask for a new one.", true),
  AUTH_NONCE_USED: signIn("The nonce was already used."),
  AUTH_BAD_SIGNATURE: signIn(
    "The signature is not the identity's over this server's challenge text.",
  ),
  AUTH_DELEGATION_EXPIRED: signIn(
    "The delegation has expired; the account must sign a new one.",
    true,
  ),
  AUTH_DELEGATION_TOO_LONG: signIn(
    "The delegation ends later than this server allows; a new one must end sooner.",
    true,
  ),
  AUTH_UNKNOWN_IDENTITY: signIn("The key or address is not allowed to sign in here."),
  SIGN_IN_RATE_LIMITED: {
    message: "Too many failed sign-ins from this address or for this identity; wait and retry.",
    recoverable: true,
    retryAfter: 1000,
    scope: "connection",
    fault: "sender",
  },
  AUTH_CONTRACT_WALLET_UNSUPPORTED: signIn(
    "The signature is a contract wallet's (EIP-1271); this server takes only account keys' signatures.",
  ),
  AUTH_TOKEN_UNSUPPORTED: signIn("This server does not take tokens; sign in with a key."),
  AUTH_TOKEN_SEAL: signIn(
    "The sealed token does not open with this connection's keys and challenge.",
  ),
  AUTH_TOKEN_MALFORMED: signIn("The token is not one this server can read."),
  AUTH_TOKEN_ALGORITHM: signIn("The token's algorithm is not one this server's keys allow."),
  AUTH_TOKEN_SIGNATURE: signIn("The token's signature does not verify with this server's keys."),
  AUTH_TOKEN_EXPIRED: signIn("The token has expired; sign in with a fresh one."),
  AUTH_TOKEN_NOT_YET_VALID: signIn("The token is not valid yet (its nbf is ahead)."),
  AUTH_TOKEN_ISSUER: signIn("The token was issued by someone this server does not trust."),
  AUTH_TOKEN_AUDIENCE: signIn("The token is meant for another audience than this server."),
  AUTH_TOKEN_REFUSED: signIn("The server's token check refused this token."),
  AUTH_TOKEN_KEYS_DOWN: {
    message: "The server could not fetch the keys to check the token; try again later.",
    recoverable: true,
    retryAfter: 5000,
    scope: "connection",
    fault: "server",
  },
  ORIGIN_MISMATCH: {
    message: "The server names another origin than the one the client dialled.",
    recoverable: false,
    scope: "connection",
    fault: "server",
  },
  SERVER_KEY_MISMATCH: {
    message: "The server could not prove it holds the identity key the client expects.",
    recoverable: false,
    scope: "connection",
    fault: "server",
  },
  FORBIDDEN: request("The server does not allow this identity that download."),
  ROW_FILTER_CLAIM_MISSING: request(
    "The dataset shows each identity its own rows, and this identity has no usable value for its rule.",
  ),
  RATE_LIMITED: {
    message: "Too many requests from this identity; wait and retry.",
    recoverable: true,
    retryAfter: 1000,
    scope: "download",
    fault: "sender",
  },
  ROW_LIMIT_EXCEEDED: request("The download has more rows than this identity may take at once."),

  COMMAND_UNSIGNED: command("A command of a signed-in session lacks its `auth`."),
  TOKEN_INVALID: command("The command's token is not this session's."),
  COMMAND_SIGNATURE_INVALID: command("The command's signature does not match its content."),
  COMMAND_STALE: command("The command's timestamp is outside the accepted window."),
  COMMAND_REPLAYED: command("The command's timestamp is not after the previous command's."),
  SESSION_EXPIRED: {
    message: "The signed-in session expired; connect and sign in again.",
    recoverable: true,
    scope: "connection",
    fault: "none",
  },

  UNSEALED_MESSAGE: sealed("A message of an encrypted session arrived unencrypted."),
  REPLAYED_FRAME: sealed("A sealed frame repeats a counter already received."),
  REORDERED_FRAME: sealed("A sealed frame skips ahead of the next expected counter."),
  DECRYPTION_FAILED: sealed("A sealed frame failed its authentication tag."),
};

/** Every code of {@linkcode ERROR_TABLE}, in table order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.keys(
  ERROR_TABLE,
) as ErrorCode[];
