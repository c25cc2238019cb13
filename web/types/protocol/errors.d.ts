// Generated from protocol/errors.ts by `deno task bundle`; do not edit.
/**
 * Error responses (docs/PROTOCOL.md §5.5): every failure a peer can see is
 * an {@linkcode ErrorResponse} whose `code` comes from the table of
 * `error_table.ts` (re-exported here), with the human message, whether
 * retrying can help, and after how long.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ErrorCode } from "./error_table.d.ts";
import type { PeerErrorCode } from "./peer_error_code.d.ts";
export { ERROR_CODES, ERROR_TABLE, type ErrorCode, type ErrorFault, type ErrorInfo, type ErrorScope, } from "./error_table.d.ts";
/**
 * Extra facts about an error, such as the path of the offending field.
 * Flat and scalar so that every language can read it.
 */
export interface ErrorDetails {
    /** A fact: text, a number or a flag. */
    readonly [key: string]: string | number | boolean;
}
/**
 * The error payload (PROTOCOL.md §5.5), carried by `download:error`,
 * `system:error` and a failed `auth:result`.
 *
 * `code` may be a code this version does not know: a client must accept
 * codes added by a newer server and act on `recoverable`. The parser types
 * those as `UnknownErrorCode` (peer_error_code.ts), so that code switching
 * on `code` has to say what it does with them.
 */
export interface ErrorResponse {
    /** A stable code: one of {@linkcode ERROR_TABLE}, or a newer peer's (peer_error_code.ts). */
    readonly code: PeerErrorCode;
    /** A human sentence, as the sender wrote it. */
    readonly message: string;
    /** Machine-readable context, e.g. `{ path: "data.outputFormat" }`. */
    readonly details?: ErrorDetails;
    /** Whether retrying the same operation may succeed. */
    readonly recoverable: boolean;
    /** Milliseconds to wait before retrying. */
    readonly retryAfter?: number;
}
/** Fields of an {@linkcode ErrorResponse} a caller may set beyond the table's. */
export interface ErrorOverrides {
    /** A more specific human message. */
    readonly message?: string;
    /** A different wait, e.g. from a rate limiter. */
    readonly retryAfter?: number;
}
/**
 * Builds the {@linkcode ErrorResponse} for a code from the table.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { errorResponse } from "./errors.ts";
 * const e = errorResponse("UNKNOWN_COLUMN", { path: "data.searchParams.filters[0].field" });
 * equal(e.code, "UNKNOWN_COLUMN");
 * equal(e.recoverable, false);
 * ```
 */
export declare function errorResponse(code: ErrorCode, details?: ErrorDetails, overrides?: ErrorOverrides): ErrorResponse;
/**
 * Narrows a string to a code this version of sluice knows.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isErrorCode } from "./errors.ts";
 * equal(isErrorCode("CANCELLED"), true);
 * equal(isErrorCode("TEAPOT"), false);
 * ```
 */
export declare function isErrorCode(value: string): value is ErrorCode;
