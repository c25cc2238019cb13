// Generated from protocol/_connection_outage.ts by `deno task bundle`; do not edit.
/**
 * Internal to the connection machine: what an outage leads to
 * (docs/PROTOCOL.md §12.1 and §13). An outage is an attempt or a
 * connection that broke: an unexpected close, a handshake, signing or
 * heartbeat timeout, a violation, a recoverable refusal of the sign-in. It
 * leads to a reconnect after the backoff's delay for the next attempt, or
 * longer if the server asked (`retryAfter`), or to `failed`: when the
 * attempts are used up, or, with `failFast`, when the first connection's
 * server cannot be reached at all. A first connection whose socket never
 * opened fails with `details.unreachable` either way (it was never a
 * reconnect).
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { SocketClose } from "./close_codes.d.ts";
import type { ConnectionStep } from "./connection_machine.d.ts";
import type { ConnectionState, MachineClock } from "./connection_state.d.ts";
import { type ErrorResponse } from "./errors.d.ts";
/**
 * The step an outage makes: `closeSocket` first when the client drops the
 * socket itself, then either the `reconnect` timer or `failed`. The delay
 * of attempt `n` is `backoffDelay(n)`, or the longest wait the server asked
 * for, `retryAfter` here (a refused sign-in's) or kept in the state (a
 * `system:error`'s), whichever is longer.
 *
 * @example Attempts left: wait and reconnect
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { initialConnectionState } from "./connection_state.ts";
 * import { outage } from "./_connection_outage.ts";
 * import { errorResponse } from "./errors.ts";
 * const open = { ...initialConnectionState({ authenticate: false }), phase: "open" as const };
 * const r = outage(open, errorResponse("CONNECTION_LOST"), { now: 0, random: 0 }, undefined, 5000);
 * equal(r.state.phase, "reconnecting");
 * deepStrictEqual(r.effects, [{ type: "startTimer", name: "reconnect", ms: 5000 }]);
 * ```
 */
export declare function outage(state: ConnectionState, cause: ErrorResponse, clock: MachineClock, close?: SocketClose, retryAfter?: number): ConnectionStep;
