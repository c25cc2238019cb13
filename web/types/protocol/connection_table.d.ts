// Generated from protocol/connection_table.ts by `deno task bundle`; do not edit.
/**
 * The connection machine's legal moves as data, in the manner of h11: for
 * each phase and event, the phases the event may lead to
 * ({@linkcode CONNECTION_TRANSITIONS}), and whose each event is
 * ({@linkcode CONNECTION_EVENT_SOURCES}), which decides what an event the
 * table does not list does. connection_machine.ts checks every step against
 * them; docs/PROTOCOL.md's connection table and diagram are rendered from
 * them by `_machine_docs.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { ConnectionEvent, ConnectionPhase } from "./connection_state.d.ts";
/** An event as the table names it: its `type`, with timers split by name. */
export type ConnectionEventKey = Exclude<ConnectionEvent["type"], "timer"> | "timer.reconnect" | "timer.handshake" | "timer.heartbeat" | "timer.heartbeatTimeout";
/**
 * Whose an event is, which decides what an event the table does not list
 * does: `local` (the user's call) is rejected; `shell` (the socket, a timer,
 * the signer) is stale and ignored; `peer` (a server message) is a protocol
 * violation while a socket is live, and ignored otherwise.
 */
export type ConnectionEventSource = "local" | "shell" | "peer";
/** The source of every event key. */
export declare const CONNECTION_EVENT_SOURCES: Readonly<Record<ConnectionEventKey, ConnectionEventSource>>;
/** For one phase, the phases each legal event may lead to. */
export type ConnectionRow = Readonly<Partial<Record<ConnectionEventKey, readonly ConnectionPhase[]>>>;
/**
 * Every legal move, as data: for each phase and event key, the phases the
 * event may lead to (several when the event's content decides, e.g. an
 * `auth:result`). `step` in connection_machine.ts looks every event up here
 * first.
 *
 * @example Which events may an open connection receive?
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { CONNECTION_TRANSITIONS } from "./connection_table.ts";
 * deepStrictEqual(Object.keys(CONNECTION_TRANSITIONS.open), [
 *   "close",
 *   "closed",
 *   "violation",
 *   "pong",
 *   "serverError",
 *   "timer.heartbeat",
 *   "timer.heartbeatTimeout",
 * ]);
 * ```
 */
export declare const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionPhase, ConnectionRow>>;
/** Every phase, in documentation order (the table's). */
export declare const CONNECTION_PHASES: readonly ConnectionPhase[];
/** Every event key, in documentation order (the sources table's). */
export declare const CONNECTION_EVENT_KEYS: readonly ConnectionEventKey[];
/**
 * Phases in which a socket is live, so a misplaced server message is a violation.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CONNECTION_LIVE_PHASES } from "./connection_table.ts";
 * equal(CONNECTION_LIVE_PHASES.has("reconnecting"), false); // a late message there is ignored
 * ```
 */
export declare const CONNECTION_LIVE_PHASES: ReadonlySet<ConnectionPhase>;
/**
 * The table key of an event.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { connectionEventKey } from "./connection_table.ts";
 * equal(connectionEventKey({ type: "timer", name: "heartbeat" }), "timer.heartbeat");
 * ```
 */
export declare function connectionEventKey(event: ConnectionEvent): ConnectionEventKey;
