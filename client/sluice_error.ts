/**
 * The error the client rejects and throws with: an `Error` (with a stack)
 * that is also the protocol's {@linkcode ErrorResponse}, so callers switch
 * on `code` and `recoverable`, never on message text.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorDetails, ErrorResponse } from "../protocol/errors.ts";

/**
 * An {@linkcode ErrorResponse} as a throwable `Error`.
 *
 * @example
 * ```ts
 * import { SluiceError } from "./sluice_error.ts";
 * const e = new SluiceError({ code: "CANCELLED", message: "The download was cancelled.", recoverable: false });
 * e.code; // "CANCELLED"
 * e instanceof Error; // true
 * ```
 */
export class SluiceError extends Error implements ErrorResponse {
  /** The stable code. */
  readonly code: string;
  /** Whether retrying may succeed. */
  readonly recoverable: boolean;
  /** Milliseconds to wait before a retry, if the peer said. */
  readonly retryAfter?: number;
  /** Machine-readable context. */
  readonly details?: ErrorDetails;

  /** Wraps a response; the message reads `CODE: message`. */
  constructor(response: ErrorResponse) {
    super(`${response.code}: ${response.message}`);
    this.name = "SluiceError";
    this.code = response.code;
    this.recoverable = response.recoverable;
    if (response.retryAfter !== undefined) this.retryAfter = response.retryAfter;
    if (response.details !== undefined) this.details = response.details;
  }

  /** The plain response, e.g. to log or send. */
  toJSON(): ErrorResponse {
    return {
      code: this.code,
      message: this.message.slice(this.code.length + 2),
      ...(this.details === undefined ? {} : { details: this.details }),
      recoverable: this.recoverable,
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
    };
  }
}
