// Generated from protocol/connection_state.ts by `deno task bundle`; do not edit.
/**
 * What a client connection is, as plain values: its phases and timers, its
 * configuration, its state, the events that happen to it and the effects
 * the shell carries out, and the state a new connection starts in. The
 * rules that move between them are `step` in connection_machine.ts; the
 * legal moves, as data, are in connection_table.ts.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type BackoffOptions } from "./backoff.d.ts";
import type { ErrorResponse } from "./errors.d.ts";
import type { PeerErrorCode } from "./peer_error_code.d.ts";
import type { AuthChallenge, AuthDelegation, AuthResult, ClientMessage, Identity, SystemHealth } from "./messages.d.ts";
/** Where a connection is in its life. */
export type ConnectionPhase = "idle" | "connecting" | "authenticating" | "open" | "reconnecting" | "failed" | "closed";
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
    /** Whether to sign in after opening (PROTOCOL.md §15.1). */
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
    /**
     * Whether the first connection gives up at once when the server cannot be
     * reached: until the connection has been open once, an attempt that fails
     * before its socket opens (nothing listens, or the WebSocket handshake
     * times out) ends in `failed` with `CONNECTION_FAILED` and
     * `details.unreachable`, instead of waiting out the backoff. For a program
     * that should say at once that a server is not there; once open, a lost
     * connection reconnects as usual.
     *
     * @default {false}
     */
    readonly failFast?: boolean;
}
/** The longest a connect attempt waits for its signer, however late the challenge expires. */
export declare const MAX_SIGNING_WAIT_MS = 300000;
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
    /** Whether the first connection gives up when the server cannot be reached. */
    readonly failFast: boolean;
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
    readonly pendingPing?: {
        readonly requestId: string;
        readonly sentAt: number;
    };
    /** Why the connection last broke or failed. */
    readonly lastError?: ErrorResponse;
    /**
     * The wait the server last asked for on `system:error` (its
     * `retryAfter`, e.g. with `SERVER_SHUTTING_DOWN`), milliseconds: no
     * reconnect comes sooner, until the connection is open again.
     */
    readonly retryAfter?: number;
}
/**
 * What happens to a connection: local calls, socket and timer news, server
 * messages. `violation` is the shell's report that the server broke the
 * protocol below the machine (a frame that cannot be read or trusted), with
 * the error code; `serverError` is a `system:error`.
 */
export type ConnectionEvent = {
    readonly type: "connect";
} | {
    readonly type: "close";
} | {
    readonly type: "opened";
} | {
    readonly type: "closed";
    readonly code: number;
    readonly reason: string;
} | {
    readonly type: "violation";
    readonly code: PeerErrorCode;
} | {
    readonly type: "challenge";
    readonly challenge: AuthChallenge;
} | {
    readonly type: "signed";
    readonly identity: Identity;
    readonly signature?: string;
    readonly delegation?: AuthDelegation;
    /** A token's seal, instead of a signature (PROTOCOL.md §15.8). */
    readonly sealedToken?: string;
} | {
    readonly type: "authResult";
    readonly result: AuthResult;
} | {
    readonly type: "timer";
    readonly name: TimerName;
} | {
    readonly type: "pong";
    readonly requestId: string;
    readonly health: SystemHealth;
} | {
    readonly type: "serverError";
    readonly error: ErrorResponse;
};
/** What the shell must do, in order. */
export type ConnectionEffect = {
    readonly type: "openSocket";
} | {
    readonly type: "closeSocket";
    readonly code: number;
    readonly reason: string;
} | {
    readonly type: "send";
    readonly message: ClientMessage;
} | {
    readonly type: "startTimer";
    readonly name: TimerName;
    readonly ms: number;
} | {
    readonly type: "cancelTimer";
    readonly name: TimerName;
} | {
    readonly type: "beginAuth";
} | {
    readonly type: "sign";
    readonly challenge: AuthChallenge;
} | {
    readonly type: "ready";
    readonly reconnected: boolean;
} | {
    readonly type: "health";
    readonly rttMs: number;
    readonly health: SystemHealth;
} | {
    readonly type: "failed";
    readonly error: ErrorResponse;
} | {
    readonly type: "stateChanged";
    readonly from: ConnectionPhase;
    readonly to: ConnectionPhase;
} | {
    readonly type: "rejected";
    readonly error: ErrorResponse;
};
/**
 * A new connection that has never connected.
 *
 * @throws {RangeError} on a heartbeat interval, heartbeat timeout or
 * handshake timeout that is not a positive finite number, or invalid backoff
 * options.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialConnectionState } from "./connection_state.ts";
 * const s = initialConnectionState({ authenticate: false });
 * equal(s.phase, "idle");
 * equal(s.config.heartbeatIntervalMs, 15000);
 * ```
 */
export declare function initialConnectionState(config: ConnectionConfig): ConnectionState;
/**
 * Whether the connection is usable.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialConnectionState, isConnected } from "./connection_state.ts";
 * equal(isConnected(initialConnectionState({ authenticate: false })), false);
 * ```
 */
export declare function isConnected(state: ConnectionState): boolean;
