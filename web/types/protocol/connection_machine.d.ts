// Generated from protocol/connection_machine.ts by `deno task bundle`; do not edit.
/**
 * The client's connection as a pure state machine, sans-IO in the manner of
 * h11 (docs/PROTOCOL.md §12.1: connect, sign in, keep alive, reconnect with
 * backoff, and give up after `maxAttempts` with `connection:failed`). A
 * connect attempt has `handshakeTimeoutMs` to reach `open`, so a server
 * that accepts TCP and then never answers costs one attempt, not a hang;
 * the time the signer takes (a wallet waiting for its user) is bounded by
 * the challenge's own expiry instead. Once open, heartbeats watch the
 * connection. The shell owns the socket, the timers, the signer and the
 * clock: it feeds {@linkcode step} events and carries out the effects it
 * returns, in order. What an outage leads to (the delay, `retryAfter`,
 * giving up, `failFast`) is in _connection_outage.ts.
 *
 * Every legal move is a row of {@linkcode CONNECTION_TRANSITIONS}. A pair
 * the table does not list is handled by whose fault it is
 * ({@linkcode CONNECTION_EVENT_SOURCES}): a local call is `rejected` with
 * `ILLEGAL_TRANSITION` and changes nothing; a late socket, timer or signer
 * event is stale and ignored; a server message while a socket is live is a
 * protocol violation that drops the connection (close code `CLIENT_ABORT`,
 * close_codes.ts) and reconnects.
 *
 * Contract with the shell: `startTimer` replaces any timer of the same name;
 * after `closeSocket` (or an outage) the shell detaches the old socket, so
 * that none of its late events reach the machine; the shell sends
 * `auth:nonce` itself on `beginAuth` (the identity is its own) and reports a
 * finished signature with `signed`, from which the machine builds
 * `auth:authenticate`, so a signature that outlives its socket is dropped
 * here rather than sent on the next one. A violation the shell finds below
 * the machine (a frame it cannot read or trust) it reports as `violation`,
 * and the machine closes and reconnects; every `system:error` it passes on
 * as `serverError`, and the machine keeps its `retryAfter` for the next
 * reconnect delay.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ConnectionEffect, type ConnectionEvent, type ConnectionState, type MachineClock } from "./connection_state.d.ts";
/** The outcome of one {@linkcode step}. */
export interface ConnectionStep {
    /** The next state (the same object when nothing changed). */
    readonly state: ConnectionState;
    /** What the shell must do, in order. */
    readonly effects: readonly ConnectionEffect[];
}
/**
 * Applies one event. Pure: the same state, event and clock always give the
 * same result. Every phase change adds one `stateChanged` effect, preceded
 * by `cancelTimer` for the timers the old phase had running and the new one
 * does not keep.
 *
 * @throws {Error} only if the code disagrees with {@linkcode CONNECTION_TRANSITIONS}, a bug.
 *
 * @example Connect without authentication
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { initialConnectionState } from "./connection_state.ts";
 * import { step } from "./connection_machine.ts";
 * const clock = { now: 0, random: 0 };
 * let r = step(initialConnectionState({ authenticate: false }), { type: "connect" }, clock);
 * // The last effect starts the handshake timer.
 * deepStrictEqual(r.effects.map((e) => e.type), ["stateChanged", "openSocket", "startTimer"]);
 * r = step(r.state, { type: "opened" }, clock);
 * equal(r.state.phase, "open");
 * deepStrictEqual(r.effects.map((e) => e.type), [
 *   "cancelTimer",
 *   "stateChanged",
 *   "ready",
 *   "startTimer",
 * ]);
 * ```
 */
export declare function step(state: ConnectionState, event: ConnectionEvent, clock: MachineClock): ConnectionStep;
