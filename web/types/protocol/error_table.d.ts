// Generated from protocol/error_table.ts by `deno task bundle`; do not edit.
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
/** Every stable error code sluice defines. */
export type ErrorCode = "MALFORMED_JSON" | "MESSAGE_TOO_LARGE" | "TOO_MANY_MESSAGES" | "NESTING_TOO_DEEP" | "FORBIDDEN_KEY" | "UNKNOWN_EVENT" | "UNEXPECTED_EVENT" | "MISSING_FIELD" | "UNKNOWN_FIELD" | "INVALID_TYPE" | "INVALID_VALUE" | "NON_FINITE_NUMBER" | "STRING_TOO_LONG" | "ARRAY_TOO_LONG" | "INVALID_DATE" | "INVALID_RANGE" | "UNSUPPORTED_FORMAT" | "UNKNOWN_COLUMN" | "INVALID_OPERATOR" | "INVALID_FILTER_VALUE" | "TOO_MANY_FILTERS" | "UNKNOWN_REQUEST" | "DUPLICATE_REQUEST" | "TOO_MANY_DOWNLOADS" | "CANCELLED" | "ILLEGAL_TRANSITION" | "SEQUENCE_GAP" | "INTEGRITY_MISMATCH" | "DIGEST_MISMATCH" | "RESUME_MISMATCH" | "INTERNAL_ERROR" | "SOURCE_UNAVAILABLE" | "SOURCE_FAILED" | "SERVER_SHUTTING_DOWN" | "FRAME_TRUNCATED" | "FRAME_TOO_LARGE" | "FRAME_VERSION" | "FRAME_TYPE" | "FRAME_FLAGS" | "FRAME_FIELD" | "FRAME_TRAILING_BYTES" | "IDLE_TIMEOUT" | "HANDSHAKE_TIMEOUT" | "SIGNING_TIMEOUT" | "HEARTBEAT_TIMEOUT" | "CONNECTION_LOST" | "CONNECTION_FAILED" | "CONNECTION_CLOSED" | "AUTH_REQUIRED" | "SIGN_IN_TIMEOUT" | "AUTH_IN_PROGRESS" | "AUTH_IDENTITY_MISMATCH" | "AUTH_NONCE_UNKNOWN" | "AUTH_NONCE_EXPIRED" | "AUTH_NONCE_USED" | "AUTH_BAD_SIGNATURE" | "AUTH_DELEGATION_EXPIRED" | "AUTH_DELEGATION_TOO_LONG" | "AUTH_UNKNOWN_IDENTITY" | "ORIGIN_MISMATCH" | "SERVER_KEY_MISMATCH" | "FORBIDDEN" | "RATE_LIMITED" | "ROW_LIMIT_EXCEEDED" | "COMMAND_UNSIGNED" | "TOKEN_INVALID" | "COMMAND_SIGNATURE_INVALID" | "COMMAND_STALE" | "COMMAND_REPLAYED" | "SESSION_EXPIRED" | "UNSEALED_MESSAGE" | "REPLAYED_FRAME" | "REORDERED_FRAME" | "DECRYPTION_FAILED";
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
export declare const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorInfo>>;
/** Every code of {@linkcode ERROR_TABLE}, in table order. */
export declare const ERROR_CODES: readonly ErrorCode[];
