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

import { backoffDelay } from "./backoff.ts";
import type { SocketClose } from "./close_codes.ts";
import type { ConnectionStep } from "./connection_machine.ts";
import type { ConnectionEffect, ConnectionState, MachineClock } from "./connection_state.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";

/** The message of a fail-fast `CONNECTION_FAILED`: not a reconnect that gave up. */
const UNREACHABLE = "Could not reach the server for the first connection.";

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
export function outage(
  state: ConnectionState,
  cause: ErrorResponse,
  clock: MachineClock,
  close?: SocketClose,
  retryAfter?: number,
): ConnectionStep {
  const closing: ConnectionEffect[] = close ? [{ type: "closeSocket", ...close }] : [];
  const base = { ...state, authStep: undefined, challenge: undefined, pendingPing: undefined };
  const attempt = state.attempt + 1;
  const { backoff, failFast } = state.config;
  const fail = (error: ErrorResponse): ConnectionStep => ({
    state: { ...base, phase: "failed", lastError: error },
    effects: [...closing, { type: "failed", error }],
  });
  // The socket of the first connection never opened: no server was reached (yet).
  const neverOpened = !state.everConnected && state.phase === "connecting";
  const unreachable = (attempts: number) =>
    fail(errorResponse("CONNECTION_FAILED", { cause: cause.code, attempts, unreachable: true }, {
      message: UNREACHABLE,
    }));
  // With failFast there is no server there to wait for, whatever attempts are left.
  if (neverOpened && failFast) return unreachable(state.attempt);
  if (attempt > backoff.maxAttempts) {
    // Not a reconnect that gave up: there never was a connection to lose.
    if (neverOpened) return unreachable(backoff.maxAttempts);
    return fail(
      errorResponse("CONNECTION_FAILED", { cause: cause.code, attempts: backoff.maxAttempts }),
    );
  }
  const asked = Math.max(retryAfter ?? 0, state.retryAfter ?? 0);
  const ms = Math.max(backoffDelay(attempt, clock.random, backoff), asked);
  return {
    state: { ...base, phase: "reconnecting", attempt, lastError: cause },
    effects: [...closing, { type: "startTimer", name: "reconnect", ms }],
  };
}
