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

import type { ConnectionEvent, ConnectionPhase } from "./connection_state.ts";

/** An event as the table names it: its `type`, with timers split by name. */
export type ConnectionEventKey =
  | Exclude<ConnectionEvent["type"], "timer">
  | "timer.reconnect"
  | "timer.handshake"
  | "timer.heartbeat"
  | "timer.heartbeatTimeout";

/**
 * Whose an event is, which decides what an event the table does not list
 * does: `local` (the user's call) is rejected; `shell` (the socket, a timer,
 * the signer) is stale and ignored; `peer` (a server message) is a protocol
 * violation while a socket is live, and ignored otherwise.
 */
export type ConnectionEventSource = "local" | "shell" | "peer";

/** The source of every event key. */
export const CONNECTION_EVENT_SOURCES: Readonly<Record<ConnectionEventKey, ConnectionEventSource>> =
  {
    connect: "local",
    close: "local",
    opened: "shell",
    closed: "shell",
    violation: "shell",
    challenge: "peer",
    signed: "shell",
    authResult: "peer",
    pong: "peer",
    serverError: "peer",
    "timer.reconnect": "shell",
    "timer.handshake": "shell",
    "timer.heartbeat": "shell",
    "timer.heartbeatTimeout": "shell",
  };

/** For one phase, the phases each legal event may lead to. */
export type ConnectionRow = Readonly<
  Partial<Record<ConnectionEventKey, readonly ConnectionPhase[]>>
>;

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
export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionPhase, ConnectionRow>> = {
  idle: { connect: ["connecting"], close: ["closed"] },
  // `failed` after an outage: the attempts are used up, or (fail-fast) the first connection's
  // server cannot be reached.
  connecting: {
    close: ["closed"],
    opened: ["authenticating", "open"],
    closed: ["reconnecting", "failed"],
    violation: ["reconnecting", "failed"],
    "timer.handshake": ["reconnecting", "failed"],
  },
  authenticating: {
    close: ["closed"],
    closed: ["reconnecting", "failed"],
    violation: ["reconnecting", "failed"],
    // A second challenge is a violation.
    challenge: ["authenticating", "reconnecting", "failed"],
    // A signature arriving when none is awaited is stale and ignored.
    signed: ["authenticating"],
    authResult: ["open", "reconnecting", "failed"],
    // A refused auth:nonce, a sign-in timeout: kept for its retryAfter, if any.
    serverError: ["authenticating"],
    // The handshake timer runs on from `connecting`: the attempt is not open until signed in.
    "timer.handshake": ["reconnecting", "failed"],
  },
  open: {
    close: ["closed"],
    closed: ["reconnecting", "failed"],
    violation: ["reconnecting", "failed"],
    // A pong that answers no pending ping is ignored.
    pong: ["open"],
    serverError: ["open"],
    "timer.heartbeat": ["open"],
    // Ignored (stays open) when no ping is pending.
    "timer.heartbeatTimeout": ["open", "reconnecting", "failed"],
  },
  reconnecting: { close: ["closed"], "timer.reconnect": ["connecting"] },
  failed: { connect: ["connecting"], close: ["closed"] },
  closed: { close: ["closed"] },
};

/** Every phase, in documentation order (the table's). */
export const CONNECTION_PHASES: readonly ConnectionPhase[] = Object.keys(
  CONNECTION_TRANSITIONS,
) as ConnectionPhase[];

/** Every event key, in documentation order (the sources table's). */
export const CONNECTION_EVENT_KEYS: readonly ConnectionEventKey[] = Object.keys(
  CONNECTION_EVENT_SOURCES,
) as ConnectionEventKey[];

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
export const CONNECTION_LIVE_PHASES: ReadonlySet<ConnectionPhase> = new Set([
  "connecting",
  "authenticating",
  "open",
]);

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
export function connectionEventKey(event: ConnectionEvent): ConnectionEventKey {
  return event.type === "timer" ? `timer.${event.name}` : event.type;
}
