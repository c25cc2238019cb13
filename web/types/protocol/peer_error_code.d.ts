// Generated from protocol/peer_error_code.ts by `deno task bundle`; do not edit.
/**
 * Error codes from a newer peer. A client must accept codes added by a
 * newer server and act on `recoverable` (PROTOCOL.md §11), so a peer's
 * `ErrorResponse` `code` is either one of this version's
 * {@linkcode ErrorCode}s or an {@linkcode UnknownErrorCode}: the text as it
 * came, typed apart so that a `switch` over it must say what it does with
 * one. The parser is the one place that turns a peer's text into either.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ErrorCode } from "./errors.d.ts";
/**
 * A code this version of sluice does not know, sent by a newer peer. It is
 * kept exactly as it came (it is still that peer's stable code, to show,
 * log and search for), but typed apart from {@linkcode ErrorCode}: a
 * `switch` over a peer's code that handles every known code is left with
 * this type in its `default` branch, and one that forgets a known code does
 * not compile. Only {@linkcode peerErrorCode} (the parser) makes one.
 *
 * @example An exhaustive switch, with a path for codes from a newer peer
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { peerErrorCode, type UnknownErrorCode } from "./peer_error_code.ts";
 * // A peer's code, narrowed (say, by the scope it came in) to two known codes or a newer one.
 * function advice(code: "CANCELLED" | "RATE_LIMITED" | UnknownErrorCode): string {
 *   switch (code) {
 *     case "CANCELLED":
 *       return "stopped";
 *     case "RATE_LIMITED":
 *       return "wait";
 *     default: {
 *       const newer: UnknownErrorCode = code; // a known code left out would not compile here
 *       return `unknown: ${newer}`;
 *     }
 *   }
 * }
 * const code = peerErrorCode("TEAPOT") as UnknownErrorCode;
 * equal(advice(code), "unknown: TEAPOT");
 * ```
 */
export type UnknownErrorCode = string & {
    readonly __unknownErrorCode: true;
};
/** The code of an error as a peer sent it: one this version knows, or a newer one. */
export type PeerErrorCode = ErrorCode | UnknownErrorCode;
/**
 * Types a code a peer sent: a code of {@linkcode ERROR_TABLE} as such, any
 * other as an {@linkcode UnknownErrorCode}, unchanged.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isErrorCode } from "./errors.ts";
 * import { peerErrorCode } from "./peer_error_code.ts";
 * equal(isErrorCode(peerErrorCode("CANCELLED")), true);
 * const newer = peerErrorCode("QUOTA_EXHAUSTED");
 * equal(isErrorCode(newer), false);
 * equal(newer, "QUOTA_EXHAUSTED"); // kept as it came
 * ```
 */
export declare function peerErrorCode(code: string): PeerErrorCode;
