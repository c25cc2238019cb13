/**
 * The names of every stable error code (docs/PROTOCOL.md §11), grouped as
 * the table of `error_table.ts` describes them; that table has a row for
 * each, which the type system checks.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Every stable error code sluice defines. */
export type ErrorCode =
  // Parsing an untrusted control message.
  | "MALFORMED_JSON"
  | "MESSAGE_TOO_LARGE"
  | "TOO_MANY_MESSAGES"
  | "NESTING_TOO_DEEP"
  | "FORBIDDEN_KEY"
  | "UNKNOWN_EVENT"
  | "UNEXPECTED_EVENT"
  | "MISSING_FIELD"
  | "UNKNOWN_FIELD"
  | "INVALID_TYPE"
  | "INVALID_VALUE"
  | "NON_FINITE_NUMBER"
  | "STRING_TOO_LONG"
  | "ARRAY_TOO_LONG"
  | "INVALID_DATE"
  // Validating a download request against the data source.
  | "INVALID_RANGE"
  | "UNSUPPORTED_FORMAT"
  | "UNKNOWN_DATASET"
  | "UNKNOWN_COLUMN"
  | "INVALID_OPERATOR"
  | "INVALID_FILTER_VALUE"
  | "TOO_MANY_FILTERS"
  | "UNKNOWN_REQUEST"
  | "DUPLICATE_REQUEST"
  | "TOO_MANY_DOWNLOADS"
  // The life of a download.
  | "CANCELLED"
  | "ILLEGAL_TRANSITION"
  | "SEQUENCE_GAP"
  | "INTEGRITY_MISMATCH"
  | "DIGEST_MISMATCH"
  | "RESUME_MISMATCH"
  | "INTERNAL_ERROR"
  | "SOURCE_UNAVAILABLE"
  | "SOURCE_FAILED"
  | "UNEXPORTABLE_VALUE"
  | "SERVER_SHUTTING_DOWN"
  // Binary data frames.
  | "FRAME_TRUNCATED"
  | "FRAME_TOO_LARGE"
  | "FRAME_VERSION"
  | "FRAME_TYPE"
  | "FRAME_FLAGS"
  | "FRAME_FIELD"
  | "FRAME_TRAILING_BYTES"
  // The connection.
  | "IDLE_TIMEOUT"
  | "SEND_QUEUE_FULL"
  | "READER_STALLED"
  | "HANDSHAKE_TIMEOUT"
  | "SIGNING_TIMEOUT"
  | "HEARTBEAT_TIMEOUT"
  | "CONNECTION_LOST"
  | "CONNECTION_FAILED"
  | "CONNECTION_CLOSED"
  // Sign-in and authorization.
  | "AUTH_REQUIRED"
  | "SIGN_IN_TIMEOUT"
  | "AUTH_IN_PROGRESS"
  | "AUTH_IDENTITY_MISMATCH"
  | "AUTH_NONCE_UNKNOWN"
  | "AUTH_NONCE_EXPIRED"
  | "AUTH_NONCE_USED"
  | "AUTH_BAD_SIGNATURE"
  | "AUTH_DELEGATION_EXPIRED"
  | "AUTH_DELEGATION_TOO_LONG"
  | "AUTH_UNKNOWN_IDENTITY"
  | "SIGN_IN_RATE_LIMITED"
  | "AUTH_CONTRACT_WALLET_UNSUPPORTED"
  // Token sign-in (PROTOCOL.md §15.8).
  | "AUTH_TOKEN_UNSUPPORTED"
  | "AUTH_TOKEN_SEAL"
  | "AUTH_TOKEN_MALFORMED"
  | "AUTH_TOKEN_ALGORITHM"
  | "AUTH_TOKEN_SIGNATURE"
  | "AUTH_TOKEN_EXPIRED"
  | "AUTH_TOKEN_NOT_YET_VALID"
  | "AUTH_TOKEN_ISSUER"
  | "AUTH_TOKEN_AUDIENCE"
  | "AUTH_TOKEN_REFUSED"
  | "AUTH_TOKEN_KEYS_DOWN"
  | "ORIGIN_MISMATCH"
  | "SERVER_KEY_MISMATCH"
  | "FORBIDDEN"
  | "ROW_FILTER_CLAIM_MISSING"
  | "RATE_LIMITED"
  | "ROW_LIMIT_EXCEEDED"
  // Signed commands.
  | "COMMAND_UNSIGNED"
  | "TOKEN_INVALID"
  | "COMMAND_SIGNATURE_INVALID"
  | "COMMAND_STALE"
  | "COMMAND_REPLAYED"
  | "SESSION_EXPIRED"
  // Encrypted sessions.
  | "UNSEALED_MESSAGE"
  | "REPLAYED_FRAME"
  | "REORDERED_FRAME"
  | "DECRYPTION_FAILED";

/**
 * The codes a token's verification may refuse it with (PROTOCOL.md §11,
 * §15.8): what the shell's verdict on a sealed token may say, and so what
 * the session machine's `tokenChecked` may send.
 */
export const TOKEN_REFUSALS = [
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
] as const satisfies readonly ErrorCode[];
