// Generated from client/sluice_error.ts by `deno task bundle`; do not edit.
/**
 * The error the client rejects and throws with: an `Error` (with a stack)
 * that is also the protocol's {@linkcode ErrorResponse}, so callers switch
 * on `code` and `recoverable`, never on message text.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { ErrorDetails, ErrorResponse } from "../protocol/errors.d.ts";
import type { PeerErrorCode } from "../protocol/peer_error_code.d.ts";
/**
 * An {@linkcode ErrorResponse} as a throwable `Error`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SluiceError } from "./sluice_error.ts";
 * const e = new SluiceError({ code: "CANCELLED", message: "The download was cancelled.", recoverable: false });
 * equal(e.code, "CANCELLED");
 * equal(e.message, "CANCELLED: The download was cancelled.");
 * equal(e.response.message, "The download was cancelled."); // as the server wrote it
 * equal(e instanceof Error, true);
 * ```
 */
export declare class SluiceError extends Error implements ErrorResponse {
    /** The stable code; one this version does not know is kept as it came. */
    readonly code: PeerErrorCode;
    /** Whether retrying may succeed. */
    readonly recoverable: boolean;
    /** Milliseconds to wait before a retry, if the peer said. */
    readonly retryAfter?: number;
    /** Machine-readable context. */
    readonly details?: ErrorDetails;
    /** The response as it came, its message as the server (or the client) wrote it. */
    readonly response: ErrorResponse;
    /** Wraps a response; the `Error` message reads `CODE: message`. */
    constructor(response: ErrorResponse);
    /** The plain response, e.g. to log or send: the one it was made from. */
    toJSON(): ErrorResponse;
}
