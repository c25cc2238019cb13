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

import { outage } from "./_connection_outage.ts";
import { CLOSE_CODES, closeWith, type SocketClose } from "./close_codes.ts";
import { ERROR_TABLE, type ErrorResponse, errorResponse, isErrorCode } from "./errors.ts";
import type { AuthChallenge, ClientMessage } from "./messages.ts";
import {
  CONNECTION_EVENT_SOURCES,
  CONNECTION_LIVE_PHASES,
  CONNECTION_TRANSITIONS,
  type ConnectionEventKey,
  connectionEventKey,
} from "./connection_table.ts";
import {
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionState,
  type MachineClock,
  MAX_SIGNING_WAIT_MS,
  type TimerName,
} from "./connection_state.ts";

/** The outcome of one {@linkcode step}. */
export interface ConnectionStep {
  /** The next state (the same object when nothing changed). */
  readonly state: ConnectionState;
  /** What the shell must do, in order. */
  readonly effects: readonly ConnectionEffect[];
}

/** The close of `close()`: the client is done. */
const CLIENT_CLOSED = closeWith(CLOSE_CODES.end.NORMAL_CLOSURE, "client closed");

/** The close of a connection the client drops, naming the error that made it. */
const abort = (error: ErrorResponse): SocketClose =>
  closeWith(CLOSE_CODES.reconnect.CLIENT_ABORT, error.code);

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
export function step(
  state: ConnectionState,
  event: ConnectionEvent,
  clock: MachineClock,
): ConnectionStep {
  const key = connectionEventKey(event);
  const allowed = CONNECTION_TRANSITIONS[state.phase][key];
  const next = allowed === undefined
    ? unlisted(state, key, clock)
    : listed(state, event, key, clock);
  if (allowed !== undefined && !allowed.includes(next.state.phase)) {
    throw new Error(
      `connection ${state.phase} --${key}--> ${next.state.phase} is not in the table`,
    );
  }
  if (next.state.phase === state.phase) return next;
  const fired = event.type === "timer" ? event.name : undefined;
  const kept = armedTimers(next.state);
  const cancels: ConnectionEffect[] = armedTimers(state)
    .filter((name) => name !== fired && !kept.includes(name))
    .map((name) => ({ type: "cancelTimer", name }));
  return {
    state: next.state,
    effects: [
      ...cancels,
      { type: "stateChanged", from: state.phase, to: next.state.phase },
      ...next.effects,
    ],
  };
}

const same = (state: ConnectionState): ConnectionStep => ({ state, effects: [] });

function armedTimers(state: ConnectionState): TimerName[] {
  switch (state.phase) {
    case "open":
      return [state.pendingPing ? "heartbeatTimeout" : "heartbeat"];
    case "reconnecting":
      return ["reconnect"];
    case "connecting":
    case "authenticating":
      return ["handshake"];
    default:
      return [];
  }
}

/**
 * How long to wait for the signer: until the challenge expires by the
 * client's clock, but no more than {@linkcode MAX_SIGNING_WAIT_MS} (a clock
 * running behind must not make it hours), and never less than
 * `handshakeTimeoutMs` (nor one running ahead make it zero).
 */
function signingWaitMs(
  state: ConnectionState,
  challenge: AuthChallenge,
  clock: MachineClock,
): number {
  const untilExpiry = challenge.expiresAt - clock.now;
  const { handshakeTimeoutMs } = state.config;
  return Math.max(handshakeTimeoutMs, Math.min(untilExpiry, MAX_SIGNING_WAIT_MS));
}

/** Opens a socket for a connect attempt, which has `handshakeTimeoutMs` to become open. */
function attempt(state: ConnectionState, fields: Partial<ConnectionState>): ConnectionStep {
  return {
    state: { ...state, ...fields, phase: "connecting" },
    effects: [
      { type: "openSocket" },
      { type: "startTimer", name: "handshake", ms: state.config.handshakeTimeoutMs },
    ],
  };
}

function illegal(state: ConnectionState, key: ConnectionEventKey): ErrorResponse {
  return errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: key });
}

/** An event the table does not list for this phase: the fault decides. */
function unlisted(
  state: ConnectionState,
  key: ConnectionEventKey,
  clock: MachineClock,
): ConnectionStep {
  const source = CONNECTION_EVENT_SOURCES[key];
  switch (source) {
    case "local":
      return { state, effects: [{ type: "rejected", error: illegal(state, key) }] };
    case "shell":
      return same(state);
    case "peer":
      return CONNECTION_LIVE_PHASES.has(state.phase) ? violation(state, key, clock) : same(state);
    default: {
      const never: never = source;
      throw new Error(`unknown event source ${never}`);
    }
  }
}

/** The server sent something it may not send now: drop the connection and reconnect. */
function violation(
  state: ConnectionState,
  key: ConnectionEventKey,
  clock: MachineClock,
): ConnectionStep {
  const error = illegal(state, key);
  return outage(state, error, clock, abort(error));
}

function enterOpen(state: ConnectionState): ConnectionStep {
  return {
    state: {
      ...state,
      phase: "open",
      attempt: 0,
      everConnected: true,
      authStep: undefined,
      challenge: undefined,
      pendingPing: undefined,
      retryAfter: undefined,
    },
    effects: [
      { type: "ready", reconnected: state.everConnected },
      { type: "startTimer", name: "heartbeat", ms: state.config.heartbeatIntervalMs },
    ],
  };
}

/** An event the table lists for this phase; guards on its content decide the rest. */
function listed(
  state: ConnectionState,
  event: ConnectionEvent,
  key: ConnectionEventKey,
  clock: MachineClock,
): ConnectionStep {
  switch (event.type) {
    case "connect":
      return attempt(state, { attempt: 0 });
    case "close": {
      const effects: ConnectionEffect[] = CONNECTION_LIVE_PHASES.has(state.phase)
        ? [{ type: "closeSocket", ...CLIENT_CLOSED }]
        : [];
      const cleared = { authStep: undefined, challenge: undefined, pendingPing: undefined };
      return { state: { ...state, ...cleared, phase: "closed" }, effects };
    }
    case "opened":
      if (!state.config.authenticate) return enterOpen(state);
      return {
        state: { ...state, phase: "authenticating", authStep: "challenge" },
        effects: [{ type: "beginAuth" }],
      };
    case "closed": {
      const details = { code: event.code, reason: event.reason };
      return outage(state, errorResponse("CONNECTION_LOST", details), clock);
    }
    case "violation": {
      // Below the machine (a frame that cannot be read or trusted): the connection is lost to
      // the client's own abort, which the reason names.
      const close = closeWith(CLOSE_CODES.reconnect.CLIENT_ABORT, event.code);
      return outage(state, errorResponse("CONNECTION_LOST", { ...close }), clock, close);
    }
    case "challenge":
      if (state.authStep !== "challenge") return violation(state, key, clock);
      return {
        state: { ...state, authStep: "signing", challenge: event.challenge },
        effects: [
          // A wallet may wait for its user: the signature is worth waiting for until it expires.
          {
            type: "startTimer",
            name: "handshake",
            ms: signingWaitMs(state, event.challenge, clock),
          },
          { type: "sign", challenge: event.challenge },
        ],
      };
    case "signed": {
      if (state.authStep !== "signing" || state.challenge === undefined) return same(state);
      const message: ClientMessage = {
        event: "auth:authenticate",
        data: {
          identity: event.identity,
          nonce: state.challenge.nonce,
          ...(event.signature === undefined ? {} : { signature: event.signature }),
          ...(event.delegation === undefined ? {} : { delegation: event.delegation }),
          ...(event.sealedToken === undefined ? {} : { sealedToken: event.sealedToken }),
        },
        timestamp: clock.now,
        requestId: `auth-${state.nextId}`,
      };
      return {
        state: { ...state, authStep: "result", challenge: undefined, nextId: state.nextId + 1 },
        effects: [
          { type: "startTimer", name: "handshake", ms: state.config.handshakeTimeoutMs },
          { type: "send", message },
        ],
      };
    }
    case "authResult": {
      const { result } = event;
      if (result.authenticated) return enterOpen(state);
      const close = abort(result.error);
      if (result.error.recoverable) {
        return outage(state, result.error, clock, close, result.error.retryAfter);
      }
      return {
        state: {
          ...state,
          phase: "failed",
          authStep: undefined,
          challenge: undefined,
          lastError: result.error,
        },
        effects: [{ type: "closeSocket", ...close }, { type: "failed", error: result.error }],
      };
    }
    case "pong": {
      const ping = state.pendingPing;
      if (ping === undefined || ping.requestId !== event.requestId) return same(state);
      const rttMs = clock.now - ping.sentAt;
      return {
        state: { ...state, pendingPing: undefined, lastHeartbeat: clock.now, rttMs },
        effects: [
          { type: "cancelTimer", name: "heartbeatTimeout" },
          { type: "startTimer", name: "heartbeat", ms: state.config.heartbeatIntervalMs },
          { type: "health", rttMs, health: event.health },
        ],
      };
    }
    case "serverError": {
      // An error that ends the connection may ask for a wait before the next attempt
      // (SERVER_SHUTTING_DOWN does). One about a single message or download says how soon to
      // retry that, not how long a later outage should wait.
      const { code, retryAfter } = event.error;
      const endsConnection = isErrorCode(code) && ERROR_TABLE[code].scope === "connection";
      return retryAfter === undefined || !endsConnection
        ? same(state)
        : { state: { ...state, retryAfter }, effects: [] };
    }
    case "timer":
      return timer(state, event.name, clock);
    default: {
      const never: never = event;
      throw new Error(`unknown connection event ${JSON.stringify(never)}`);
    }
  }
}

function timer(state: ConnectionState, name: TimerName, clock: MachineClock): ConnectionStep {
  switch (name) {
    case "reconnect":
      return attempt(state, {});
    case "handshake": {
      // Still not open: the signer never finished, or the server (if it even accepted the
      // connection) went quiet.
      const error = state.authStep === "signing"
        ? errorResponse("SIGNING_TIMEOUT")
        : errorResponse("HANDSHAKE_TIMEOUT", { ms: state.config.handshakeTimeoutMs });
      return outage(state, error, clock, abort(error));
    }
    case "heartbeat": {
      if (state.pendingPing !== undefined) return same(state);
      const requestId = `ping-${state.nextId}`;
      return {
        state: {
          ...state,
          nextId: state.nextId + 1,
          pendingPing: { requestId, sentAt: clock.now },
        },
        effects: [
          {
            type: "send",
            message: { event: "connection:health", data: {}, timestamp: clock.now, requestId },
          },
          { type: "startTimer", name: "heartbeatTimeout", ms: state.config.heartbeatTimeoutMs },
        ],
      };
    }
    case "heartbeatTimeout": {
      // Half-open detection: the socket looks fine but the server stopped answering.
      if (state.pendingPing === undefined) return same(state);
      const error = errorResponse("HEARTBEAT_TIMEOUT");
      return outage(state, error, clock, abort(error));
    }
    default: {
      const never: never = name;
      throw new Error(`unknown timer ${never}`);
    }
  }
}
