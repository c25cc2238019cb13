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
import type { ErrorCode } from "./error_codes.d.ts";
export type { ErrorCode } from "./error_codes.d.ts";
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
