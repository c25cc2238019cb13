/**
 * The client's connection as a pure state machine, sans-IO in the manner of
 * h11 (seed 003 §4: connect, authenticate, keep alive, reconnect with
 * backoff; seed 000 §3.1: give up after `maxAttempts` and emit
 * `connection:failed`). A connect attempt has `handshakeTimeoutMs` to reach
 * `open`, so a server that accepts TCP and then never answers costs one
 * attempt, not a hang; the time the signer takes (a wallet waiting for its
 * user) is bounded by the challenge's own expiry instead. Once open,
 * heartbeats watch the connection. The shell owns the socket, the timers,
 * the signer and the clock: it feeds {@linkcode step} events and carries
 * out the effects it returns, in order.
 *
 * Every legal move is a row of {@linkcode CONNECTION_TRANSITIONS}. A pair
 * the table does not list is handled by whose fault it is
 * ({@linkcode CONNECTION_EVENT_SOURCES}): a local call is `rejected` with
 * `ILLEGAL_TRANSITION` and changes nothing; a late socket, timer or signer
 * event is stale and ignored; a server message while a socket is live is a
 * protocol violation that drops the connection (close 4000) and reconnects.
 *
 * Contract with the shell: `startTimer` replaces any timer of the same name;
 * after `closeSocket` (or an outage) the shell detaches the old socket, so
 * that none of its late events reach the machine; the shell sends
 * `auth:nonce` itself on `beginAuth` (the identity is its own) and reports a
 * finished signature with `signed`, from which the machine builds
 * `auth:authenticate`, so a signature that outlives its socket is dropped
 * here rather than sent on the next one.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { diagramArrows, markdownTable } from "./_machine_docs.ts";
import { backoffDelay, type BackoffOptions, resolveBackoff } from "./backoff.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type {
  AuthChallenge,
  AuthDelegation,
  AuthResult,
  ClientMessage,
  Identity,
  SystemHealth,
} from "./messages.ts";

/** Where a connection is in its life. */
export type ConnectionPhase =
  | "idle"
  | "connecting"
  | "authenticating"
  | "open"
  | "reconnecting"
  | "failed"
  | "closed";

/** The timers the shell runs for the machine. */
export type TimerName = "reconnect" | "handshake" | "heartbeat" | "heartbeatTimeout";

/** Time and randomness, supplied by the shell: the machines read neither. */
export interface MachineClock {
  /** The current time, epoch milliseconds. */
  readonly now: number;
  /** A uniform draw from `[0, 1)`, used for reconnect jitter. */
  readonly random: number;
}

/** How a connection behaves. */
export interface ConnectionConfig {
  /** Whether to sign in (seed 003's `fetch_nonce` → sign → `authenticate`) after opening. */
  readonly authenticate: boolean;
  /**
   * Reconnect delays and attempts.
   *
   * @default {{ baseMs: 1000, factor: 2, maxMs: 30000, jitter: 0.5, maxAttempts: 5 }}
   */
  readonly backoff?: BackoffOptions;
  /**
   * Milliseconds between a pong and the next ping.
   *
   * @default {15000}
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * Milliseconds to wait for a pong before declaring the connection dead.
   *
   * @default {10000}
   */
  readonly heartbeatTimeoutMs?: number;
  /**
   * Milliseconds a connect attempt has to become `open` (the WebSocket
   * handshake and, when configured, the sign-in); a slower attempt fails
   * like a lost connection and goes through the backoff. The signer's own
   * time is not counted: while it signs, the attempt waits until the
   * challenge expires (at least this long, at most
   * {@linkcode MAX_SIGNING_WAIT_MS}), then fails with `SIGNING_TIMEOUT`.
   *
   * @default {10000}
   */
  readonly handshakeTimeoutMs?: number;
}

/** A {@linkcode ConnectionConfig} with every default filled in. */
export interface ResolvedConnectionConfig {
  /** Whether to sign in after opening. */
  readonly authenticate: boolean;
  /** Reconnect delays and attempts. */
  readonly backoff: Required<BackoffOptions>;
  /** Milliseconds between a pong and the next ping. */
  readonly heartbeatIntervalMs: number;
  /** Milliseconds to wait for a pong. */
  readonly heartbeatTimeoutMs: number;
  /** Milliseconds a connect attempt has to become `open`. */
  readonly handshakeTimeoutMs: number;
}

/** Progress of the sign-in while `authenticating`: what the machine waits for. */
export type AuthStep = "challenge" | "signing" | "result";

/** The whole state of a connection: a plain value, never mutated. */
export interface ConnectionState {
  /** Where the connection is. */
  readonly phase: ConnectionPhase;
  /** The configuration, resolved. */
  readonly config: ResolvedConnectionConfig;
  /** Reconnect attempts made or scheduled in the current outage; 0 once open. */
  readonly attempt: number;
  /** Whether the connection was ever open (a later `ready` is a reconnect). */
  readonly everConnected: boolean;
  /** Counter for correlation ids (`ping-<n>`, `auth-<n>`). */
  readonly nextId: number;
  /** What the sign-in waits for, while `authenticating`. */
  readonly authStep?: AuthStep;
  /** The challenge being signed, while `authenticating`. */
  readonly challenge?: AuthChallenge;
  /** When the last pong arrived, epoch milliseconds. */
  readonly lastHeartbeat?: number;
  /** Round-trip time of the last ping, milliseconds. */
  readonly rttMs?: number;
  /** The ping awaiting its pong, while `open`. */
  readonly pendingPing?: { readonly requestId: string; readonly sentAt: number };
  /** Why the connection last broke or failed. */
  readonly lastError?: ErrorResponse;
}

/** What happens to a connection: local calls, socket and timer news, server messages. */
export type ConnectionEvent =
  | { readonly type: "connect" }
  | { readonly type: "close" }
  | { readonly type: "opened" }
  | {
    readonly type: "closed";
    readonly code: number;
    readonly reason: string;
    readonly retryAfter?: number;
  }
  | { readonly type: "challenge"; readonly challenge: AuthChallenge }
  | {
    readonly type: "signed";
    readonly identity: Identity;
    readonly signature: string;
    readonly delegation?: AuthDelegation;
  }
  | { readonly type: "authResult"; readonly result: AuthResult }
  | { readonly type: "timer"; readonly name: TimerName }
  | { readonly type: "pong"; readonly requestId: string; readonly health: SystemHealth };

/** What the shell must do, in order. */
export type ConnectionEffect =
  | { readonly type: "openSocket" }
  | { readonly type: "closeSocket"; readonly code: number; readonly reason: string }
  | { readonly type: "send"; readonly message: ClientMessage }
  | { readonly type: "startTimer"; readonly name: TimerName; readonly ms: number }
  | { readonly type: "cancelTimer"; readonly name: TimerName }
  | { readonly type: "beginAuth" }
  | { readonly type: "sign"; readonly challenge: AuthChallenge }
  | { readonly type: "ready"; readonly reconnected: boolean }
  | { readonly type: "health"; readonly rttMs: number; readonly health: SystemHealth }
  | { readonly type: "failed"; readonly error: ErrorResponse }
  | { readonly type: "stateChanged"; readonly from: ConnectionPhase; readonly to: ConnectionPhase }
  | { readonly type: "rejected"; readonly error: ErrorResponse };

/** The outcome of one {@linkcode step}. */
export interface ConnectionStep {
  /** The next state (the same object when nothing changed). */
  readonly state: ConnectionState;
  /** What the shell must do, in order. */
  readonly effects: readonly ConnectionEffect[];
}

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
    challenge: "peer",
    signed: "shell",
    authResult: "peer",
    pong: "peer",
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
 * `auth:result`). {@linkcode step} looks every event up here first.
 *
 * @example Which events may an open connection receive?
 * ```ts
 * import { CONNECTION_TRANSITIONS } from "./connection_machine.ts";
 * Object.keys(CONNECTION_TRANSITIONS.open);
 * // ["close", "closed", "pong", "timer.heartbeat", "timer.heartbeatTimeout"]
 * ```
 */
export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionPhase, ConnectionRow>> = {
  idle: { connect: ["connecting"], close: ["closed"] },
  connecting: {
    close: ["closed"],
    opened: ["authenticating", "open"],
    closed: ["reconnecting", "failed"],
    "timer.handshake": ["reconnecting", "failed"],
  },
  authenticating: {
    close: ["closed"],
    closed: ["reconnecting", "failed"],
    // A second challenge is a violation.
    challenge: ["authenticating", "reconnecting", "failed"],
    // A signature arriving when none is awaited is stale and ignored.
    signed: ["authenticating"],
    authResult: ["open", "reconnecting", "failed"],
    // The handshake timer runs on from `connecting`: the attempt is not open until signed in.
    "timer.handshake": ["reconnecting", "failed"],
  },
  open: {
    close: ["closed"],
    closed: ["reconnecting", "failed"],
    // A pong that answers no pending ping is ignored.
    pong: ["open"],
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

/** Phases in which a socket is live, so a misplaced server message is a violation. */
const LIVE: ReadonlySet<ConnectionPhase> = new Set(["connecting", "authenticating", "open"]);

/** WebSocket close code of a normal closure (RFC 6455 §7.4.1). */
const NORMAL_CLOSURE = 1000;
/** Close code the client uses when it drops a connection it no longer trusts. */
const CLIENT_ABORT = 4000;

/**
 * A new connection that has never connected.
 *
 * @throws {RangeError} on a heartbeat interval, heartbeat timeout or
 * handshake timeout that is not a positive finite number, or invalid backoff
 * options.
 *
 * @example
 * ```ts
 * import { initialConnectionState } from "./connection_machine.ts";
 * const s = initialConnectionState({ authenticate: false });
 * s.phase; // "idle"
 * s.config.heartbeatIntervalMs; // 15000
 * ```
 */
export function initialConnectionState(config: ConnectionConfig): ConnectionState {
  const heartbeatIntervalMs = config.heartbeatIntervalMs ?? 15_000;
  const heartbeatTimeoutMs = config.heartbeatTimeoutMs ?? 10_000;
  const handshakeTimeoutMs = config.handshakeTimeoutMs ?? 10_000;
  for (const ms of [heartbeatIntervalMs, heartbeatTimeoutMs, handshakeTimeoutMs]) {
    if (!(Number.isFinite(ms) && ms > 0)) throw new RangeError(`timeout ms must be > 0: ${ms}`);
  }
  return {
    phase: "idle",
    config: {
      authenticate: config.authenticate,
      backoff: resolveBackoff(config.backoff),
      heartbeatIntervalMs,
      heartbeatTimeoutMs,
      handshakeTimeoutMs,
    },
    attempt: 0,
    everConnected: false,
    nextId: 1,
  };
}

/**
 * Whether the connection is usable.
 *
 * @example
 * ```ts
 * import { initialConnectionState, isConnected } from "./connection_machine.ts";
 * isConnected(initialConnectionState({ authenticate: false })); // false
 * ```
 */
export function isConnected(state: ConnectionState): boolean {
  return state.phase === "open";
}

/**
 * The table key of an event.
 *
 * @example
 * ```ts
 * import { connectionEventKey } from "./connection_machine.ts";
 * connectionEventKey({ type: "timer", name: "heartbeat" }); // "timer.heartbeat"
 * ```
 */
export function connectionEventKey(event: ConnectionEvent): ConnectionEventKey {
  return event.type === "timer" ? `timer.${event.name}` : event.type;
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
 * import { initialConnectionState, step } from "./connection_machine.ts";
 * const clock = { now: 0, random: 0 };
 * let r = step(initialConnectionState({ authenticate: false }), { type: "connect" }, clock);
 * r.effects.map((e) => e.type); // ["stateChanged", "openSocket", "startTimer"]: the handshake timer
 * r = step(r.state, { type: "opened" }, clock);
 * r.state.phase; // "open"
 * r.effects.map((e) => e.type); // ["cancelTimer", "stateChanged", "ready", "startTimer"]
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

/** The longest a connect attempt waits for its signer, however late the challenge expires. */
export const MAX_SIGNING_WAIT_MS = 300_000;

/**
 * How long to wait for the signer: until the challenge expires by the
 * client's clock, at least `handshakeTimeoutMs` (a clock running ahead must
 * not make it zero) and at most {@linkcode MAX_SIGNING_WAIT_MS} (nor one
 * running behind make it hours).
 */
function signingWaitMs(
  state: ConnectionState,
  challenge: AuthChallenge,
  clock: MachineClock,
): number {
  const untilExpiry = challenge.expiresAt - clock.now;
  return Math.min(Math.max(untilExpiry, state.config.handshakeTimeoutMs), MAX_SIGNING_WAIT_MS);
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
      return LIVE.has(state.phase) ? violation(state, key, clock) : same(state);
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
  return outage(state, error, clock, { code: CLIENT_ABORT, reason: error.code });
}

/**
 * Seed 000 §3.1: reconnect while attempts remain, else fail. Attempt `n`
 * waits `backoffDelay(n)`, or longer if the server asked (`retryAfter`).
 */
function outage(
  state: ConnectionState,
  cause: ErrorResponse,
  clock: MachineClock,
  closeSocket?: { code: number; reason: string },
  retryAfter?: number,
): ConnectionStep {
  const close: ConnectionEffect[] = closeSocket ? [{ type: "closeSocket", ...closeSocket }] : [];
  const base = { ...state, authStep: undefined, challenge: undefined, pendingPing: undefined };
  const attempt = state.attempt + 1;
  const { backoff } = state.config;
  if (attempt > backoff.maxAttempts) {
    const error = errorResponse("CONNECTION_FAILED", {
      cause: cause.code,
      attempts: backoff.maxAttempts,
    });
    return {
      state: { ...base, phase: "failed", lastError: error },
      effects: [...close, { type: "failed", error }],
    };
  }
  const ms = Math.max(backoffDelay(attempt, clock.random, backoff), retryAfter ?? 0);
  return {
    state: { ...base, phase: "reconnecting", attempt, lastError: cause },
    effects: [...close, { type: "startTimer", name: "reconnect", ms }],
  };
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
      const effects: ConnectionEffect[] = LIVE.has(state.phase)
        ? [{ type: "closeSocket", code: NORMAL_CLOSURE, reason: "client closed" }]
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
      return outage(
        state,
        errorResponse("CONNECTION_LOST", details),
        clock,
        undefined,
        event.retryAfter,
      );
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
          signature: event.signature,
          ...(event.delegation === undefined ? {} : { delegation: event.delegation }),
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
      const close = { code: CLIENT_ABORT, reason: result.error.code };
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
      return outage(state, error, clock, { code: CLIENT_ABORT, reason: error.code });
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
      return outage(state, error, clock, { code: CLIENT_ABORT, reason: error.code });
    }
    default: {
      const never: never = name;
      throw new Error(`unknown timer ${never}`);
    }
  }
}

/**
 * {@linkcode CONNECTION_TRANSITIONS} as a Markdown table: a row per phase, a
 * column per event key; a cell lists the phases the event may lead to, or
 * says what happens to an unlisted event (_rejected_, _ignored_, or
 * _violation_: close 4000 and reconnect). Padded as `deno fmt` pads tables,
 * so a document can include it verbatim and stay formatted.
 *
 * @example
 * ```ts
 * import { connectionTableMarkdown } from "./connection_machine.ts";
 * connectionTableMarkdown().startsWith("| phase"); // true
 * ```
 */
export function connectionTableMarkdown(): string {
  const cell = (phase: ConnectionPhase, key: ConnectionEventKey): string => {
    const to = CONNECTION_TRANSITIONS[phase][key];
    if (to !== undefined) return to.join(" / ");
    const source = CONNECTION_EVENT_SOURCES[key];
    if (source === "local") return "_rejected_";
    return source === "peer" && LIVE.has(phase) ? "_violation_" : "_ignored_";
  };
  const rows = CONNECTION_PHASES.map((p) => [p, ...CONNECTION_EVENT_KEYS.map((k) => cell(p, k))]);
  return markdownTable(["phase", ...CONNECTION_EVENT_KEYS], rows);
}

/**
 * {@linkcode CONNECTION_TRANSITIONS} as a mermaid `stateDiagram-v2`: one
 * arrow per (from, to) pair, labelled with the events that take it.
 *
 * @example
 * ```ts
 * import { connectionStateDiagram } from "./connection_machine.ts";
 * connectionStateDiagram().split("\n")[0]; // "stateDiagram-v2"
 * ```
 */
export function connectionStateDiagram(): string {
  const lines = diagramArrows(CONNECTION_PHASES, CONNECTION_EVENT_KEYS, CONNECTION_TRANSITIONS);
  return ["stateDiagram-v2", "  [*] --> idle", ...lines, "  closed --> [*]"].join("\n");
}
