// Generated from protocol/close_codes.ts by `deno task bundle`; do not edit.
/**
 * The WebSocket close codes of the protocol as one table, grouped (as
 * centrifuge-js groups its codes) by what a close leads to: `end`, the
 * connection is over and the client does not come back; `reconnect`, the
 * connection broke and the client reconnects with backoff and resumes its
 * downloads. docs/PROTOCOL.md §1.1 is rendered from it. 1000 and 1001 are
 * RFC 6455's own; the 4000s are the private range RFC 6455 §7.4.2 leaves to
 * applications, numbered after the HTTP status they resemble.
 *
 * The code only describes the close: a client treats every close it did
 * not ask for as an outage whatever the code says (RFC 6455's 1006 for a
 * dropped TCP connection included), and what decides whether it reconnects
 * is the error that came before it (a `system:error`, a refused
 * `auth:result`) and the attempts it has left.
 *
 * This module is browser compatible.
 *
 * @module
 */
/** The side that closes a connection. */
export type CloseSide = "client" | "server";
/** One close code: its number, who sends it, and when. */
export interface CloseCodeInfo {
    /** The WebSocket close code. */
    readonly code: number;
    /** The side that sends it. */
    readonly sentBy: CloseSide;
    /** When it is sent, as a human sentence. */
    readonly when: string;
}
/** The close codes after which the connection is over. */
export interface EndCloseCodes {
    /** 1000: the client closed the connection (`close()`). */
    readonly NORMAL_CLOSURE: CloseCodeInfo;
}
/** The close codes after which the client reconnects and resumes. */
export interface ReconnectCloseCodes {
    /** 1001: the server shuts down (`SERVER_SHUTTING_DOWN`). */
    readonly GOING_AWAY: CloseCodeInfo;
    /** 1011: the server failed in a way its session rules do not cover (a bug). */
    readonly SERVER_ERROR: CloseCodeInfo;
    /** 4000: the client drops a connection it no longer trusts or waits for. */
    readonly CLIENT_ABORT: CloseCodeInfo;
    /** 4400: the client broke the session (a bad sealed frame, a flood). */
    readonly PROTOCOL_VIOLATION: CloseCodeInfo;
    /** 4401: the sign-in failed, timed out, or the signed-in session expired. */
    readonly SIGN_IN_FAILED: CloseCodeInfo;
    /** 4408: the client sent nothing for the server's idle timeout. */
    readonly IDLE_TIMEOUT: CloseCodeInfo;
    /** 4429: the client did not read what the server sent (a full queue, or no progress). */
    readonly SLOW_READER: CloseCodeInfo;
}
/** Every close code, grouped by what it leads to. */
export interface CloseCodes {
    /** The connection is over: the client does not reconnect. */
    readonly end: EndCloseCodes;
    /** The connection broke: the client reconnects with backoff and resumes. */
    readonly reconnect: ReconnectCloseCodes;
}
/**
 * The table. Read a code as `CLOSE_CODES.reconnect.IDLE_TIMEOUT.code`:
 * nothing else in the code base writes a close code as a number.
 *
 * @example Which codes does a client come back after?
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { CLOSE_CODES } from "./close_codes.ts";
 * deepStrictEqual(
 *   Object.values(CLOSE_CODES.reconnect).map((info) => info.code),
 *   [1001, 1011, 4000, 4400, 4401, 4408, 4429],
 * );
 * ```
 */
export declare const CLOSE_CODES: CloseCodes;
/** What a close leads to: the group of {@linkcode CLOSE_CODES} it is in. */
export type CloseOutcome = keyof CloseCodes;
/** A row of {@linkcode closeCodeRows}: a code with its name and group. */
export interface CloseCodeRow extends CloseCodeInfo {
    /** The name the table gives the code. */
    readonly name: string;
    /** What a close with it leads to. */
    readonly leadsTo: CloseOutcome;
}
/**
 * The table as flat rows in table order, e.g. to document or look up.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { closeCodeRows } from "./close_codes.ts";
 * equal(closeCodeRows()[0].name, "NORMAL_CLOSURE");
 * equal(closeCodeRows().find((row) => row.code === 4408)?.name, "IDLE_TIMEOUT");
 * ```
 */
export declare function closeCodeRows(): CloseCodeRow[];
/** RFC 6455 §5.5: a close frame's body is at most 125 bytes, 2 of them the code. */
export declare const MAX_CLOSE_REASON_BYTES = 123;
/** A close as a `closeSocket` effect carries it: the code, and the reason text. */
export interface SocketClose {
    /** The WebSocket close code, from {@linkcode CLOSE_CODES}. */
    readonly code: number;
    /** The reason: an error code, or a short sentence. */
    readonly reason: string;
}
/**
 * A close with `info`'s code and `reason`, cut at a character boundary to
 * the {@linkcode MAX_CLOSE_REASON_BYTES} of UTF-8 a close frame can carry
 * (a longer one makes the runtime throw instead of closing).
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { CLOSE_CODES, closeWith } from "./close_codes.ts";
 * deepStrictEqual(closeWith(CLOSE_CODES.reconnect.CLIENT_ABORT, "HEARTBEAT_TIMEOUT"), {
 *   code: 4000,
 *   reason: "HEARTBEAT_TIMEOUT",
 * });
 * equal(closeWith(CLOSE_CODES.end.NORMAL_CLOSURE, "é".repeat(100)).reason.length, 61);
 * ```
 */
export declare function closeWith(info: CloseCodeInfo, reason: string): SocketClose;
