/**
 * What one server connection is, as plain values: its phases, its
 * configuration (with the ports its downloads compute bytes with), its
 * state, the events that happen to it and the effects the shell carries
 * out (defined in session_events.ts, exported here too), the state a new
 * connection starts in, and the one deadline its shell
 * keeps a timer for ({@linkcode nextDeadline}, as quinn-proto's
 * `poll_timeout`). The rules that move between them are `step` in
 * session_machine.ts; the legal moves, as data, are in session_table.ts.
 *
 * Phases follow the sign-in (PROTOCOL.md §15): a connection is a `guest`
 * until it asks for a challenge (`challenged`); a right answer makes the
 * shell derive the session's keys (`opening`), after which it is
 * `signedIn`; `closed` is the end, whoever ended it. Downloads run in any
 * phase where the connection is admitted (signed in, or anonymous access on).
 *
 * While the machine waits for an answer it cannot go on without
 * ({@linkcode SessionWait}: the `authorize` hook, a command's signature
 * check, the session keys, the identity limiter, the server's health), it
 * reads no further message: {@linkcode readsInput} is false, and the shell
 * holds incoming messages in its transport, whose bound on waiting payloads
 * stops a flood (`TOO_MANY_MESSAGES`).
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ExportLimits, ExportPorts, ExportState } from "./export_state.ts";
import type { ColumnSchema } from "./filter.ts";
import type {
  ClientMessage,
  DownloadRequest,
  DownloadStatus,
  ResumePoint,
  SignedInIdentity,
} from "./messages.ts";
import type { ParseLimits } from "./parse.ts";
import { batchDeadline, EMPTY_BATCH, type ProgressBatch } from "./progress_state.ts";
import type { RequestLimits, ValidatedRequest } from "./request.ts";
import type { RowFilter } from "./row_filter.ts";
import { type SessionBounds, sessionBounds } from "./session_bounds.ts";
import { checkDatasets, keyIndexOf, type SessionDataset } from "./session_datasets.ts";
import type { EstimateWait } from "./session_estimate.ts";
import type { CommandState, IssuedChallenge } from "./sign_in.ts";
import type { SignInLimiter } from "./sign_in_limits.ts";

/** Where a connection is in its life. */
export type SessionPhase = "guest" | "challenged" | "opening" | "signedIn" | "closed";

/** What the source exports, as the machine needs it. */
export interface SessionSchema {
  /** The exported columns, in row order. */
  readonly columns: readonly ColumnSchema[];
  /** The unique, ordered `integer` column: cursors and high-water marks are its values. */
  readonly keyColumn: string;
}

/** The server's sign-in settings, with the origin this connection's challenges name. */
export interface SessionSignIn {
  /** The server's long-term identity key (32 bytes). Never logged. */
  readonly identityKey: Uint8Array;
  /** Its compressed public key, hex. */
  readonly serverKey: string;
  /** Allowed identities as `identityLabel`s; `undefined`: any key that signs. */
  readonly allow: ReadonlySet<string> | undefined;
  /** Whether clients may download without signing in. */
  readonly anonymous: boolean;
  /** Whether signed-in sessions are sealed. */
  readonly encryption: boolean;
  /** The origin this connection's challenges name, e.g. `wss://export.example.com`. */
  readonly origin: string;
  /** How long a nonce is good for. */
  readonly nonceTtlMs: number;
  /** How long a connection may stay without signing in, when anonymous access is off. */
  readonly signInTimeoutMs: number;
  /** How far ahead a wallet's delegation may end; 0 refuses delegations. */
  readonly maxDelegationMs: number;
  /** The EIP-155 chain id wallets' sign-in messages name (PROTOCOL.md §15.7). */
  readonly chainId: number;
  /** Whether the server verifies bearer tokens (PROTOCOL.md §15.8); else `AUTH_TOKEN_UNSUPPORTED`. */
  readonly tokens?: boolean;
  /** How long a signed-in session is good for. */
  readonly sessionTtlMs: number;
  /** How far a command's timestamp may be from the server's clock. */
  readonly commandWindowMs: number;
  /** The server's counts of failed sign-ins, for this connection's address; none: no limit. */
  readonly limiter?: SignInLimiter;
}

/** How a connection behaves: the server's options, as one connection sees them. */
export interface SessionConfig {
  /** What the source exports: the default dataset, which a request that names none reads. */
  readonly schema: SessionSchema;
  /** A server of several datasets: every one, the default first (session_datasets.ts). */
  readonly datasets?: readonly SessionDataset[];
  /** A server of one dataset: its row rule (row_filter.ts); with `datasets`, each has its own. */
  readonly rowFilter?: RowFilter;
  /** Sign-in settings. */
  readonly signIn: SessionSignIn;
  /** Tuning of downloads. */
  readonly exports: ExportLimits;
  /** Bounds on requests (filters, time range). */
  readonly requestLimits: RequestLimits;
  /** Bounds on control messages. */
  readonly parseLimits: ParseLimits;
  /** Most downloads running at once on the connection. */
  readonly maxDownloads: number;
  /** A connection that sends nothing for this long is closed with `IDLE_TIMEOUT`. */
  readonly idleTimeoutMs: number;
  /** Whether the server has an `authorize` hook to ask about every download. */
  readonly authorize: boolean;
  /** The byte work of downloads. */
  readonly ports: ExportPorts;
  /** What one connection may make the server hold (session_bounds.ts); defaults for the rest. */
  readonly bounds?: Partial<SessionBounds>;
}

/**
 * The randomness one connection may need, drawn by the shell when the
 * connection opens: one challenge and one sign-in per connection at most
 * (a second `auth:nonce` is `AUTH_IN_PROGRESS`), so these bytes suffice.
 */
export interface SessionEntropy {
  /** 48 random bytes: the seed of the ephemeral session key (FIPS 186-5's extra 16 bytes). */
  readonly sessionKeySeed: Uint8Array;
  /** 32 random bytes: the challenge's nonce. */
  readonly nonce: Uint8Array;
  /** 16 random bytes: the session token of `auth:result`. */
  readonly token: Uint8Array;
}

/** A download request between its admission checks: it has a job number, no export yet. */
export interface PendingDownload {
  /** The job number the export will have. */
  readonly job: number;
  /** The download's id. */
  readonly requestId: string;
  /** The request as the client sent it. */
  readonly asked: DownloadRequest;
  /** It validated (before `authorize` narrowed it). */
  readonly validated: ValidatedRequest;
  /** Where a `download:resume` asked to continue. */
  readonly resume?: ResumePoint;
  /** It is a `download:estimate` (session_estimate.ts), which reads once admitted. */
  readonly estimate?: true;
}

/** An answer the machine waits for before it reads the next message. */
export type SessionWait =
  | { readonly for: "verify"; readonly message: ClientMessage; readonly timestamp: number }
  | { readonly for: "authorize"; readonly pending: PendingDownload }
  | { readonly for: "admit"; readonly pending: PendingDownload; readonly request: ValidatedRequest }
  | {
    readonly for: "session";
    readonly requestId: string;
    readonly identity: SignedInIdentity;
    readonly commands: CommandState;
  }
  | { readonly for: "token"; readonly requestId: string; readonly shared: Uint8Array }
  | { readonly for: "health"; readonly requestId: string }
  | EstimateWait;

/** The whole state of a connection: a plain value, never mutated. */
export interface SessionState {
  /** Where the connection is. */
  readonly phase: SessionPhase;
  /** The configuration. */
  readonly config: SessionConfig;
  /** The index of the key column among the schema's columns. */
  readonly keyIndex: number;
  /** Randomness not yet used; each part is dropped once used. */
  readonly entropy: Partial<SessionEntropy>;
  /** When the client was last heard from (any payload at all), epoch ms. */
  readonly lastHeard: number;
  /** When an unsigned connection is closed with `SIGN_IN_TIMEOUT`, while it may be. */
  readonly signInDeadline?: number;
  /** The challenge issued, once asked for (there is one per connection). */
  readonly challenge?: IssuedChallenge;
  /** The ephemeral session secret, from the challenge until the answer uses it. */
  readonly sessionSecret?: Uint8Array;
  /** Who signed in. */
  readonly identity?: SignedInIdentity;
  /** What signed commands are checked against, once signed in. */
  readonly commands?: CommandState;
  /** The answer waited for, if any. */
  readonly waiting?: SessionWait;
  /** Running downloads, in the order they were admitted. */
  readonly downloads: readonly ExportState[];
  /** Finished downloads remembered for `status:check` and late acks, oldest first. */
  readonly finished: readonly DownloadStatus[];
  /** Progress reports waiting to be sent. */
  readonly progress: ProgressBatch;
  /** Frame bytes counted as queued on the socket since the shell last said how many are. */
  readonly socketQueued: number;
  /** Whether the machine waits for the socket to drain. */
  readonly draining: boolean;
  /** While it waits: when it aborts the connection unless the socket makes progress first. */
  readonly drainDeadline?: number;
  /** While it waits: what the shell last said the socket holds. */
  readonly socketBuffered?: number;
  /** Tokens left of the incoming rate (session_bounds.ts); a full bucket when absent. */
  readonly tokens?: number;
  /** When the tokens were counted. */
  readonly tokensAt?: number;
  /** The next job number. */
  readonly nextJob: number;
}

export type {
  AdmitVerdict,
  AuthorizeAnswer,
  ExportSourceEvent,
  SessionEffect,
  SessionEvent,
} from "./session_events.ts";

/**
 * A new connection, heard from at `now`.
 *
 * @throws {RangeError} if a schema's key column is not one of its columns, or
 * the datasets are not as `checkDatasets` says.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialSessionState, nextDeadline } from "./session_state.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const s = initialSessionState(exampleSessionConfig({ anonymous: false }), 0, {
 *   sessionKeySeed: new Uint8Array(48).fill(1),
 *   nonce: new Uint8Array(32),
 *   token: new Uint8Array(16),
 * });
 * equal(s.phase, "guest");
 * equal(nextDeadline(s), 60_000); // the sign-in deadline, as early as the idle one
 * ```
 */
export function initialSessionState(
  config: SessionConfig,
  now: number,
  entropy: SessionEntropy,
): SessionState {
  checkDatasets(config);
  return {
    phase: "guest",
    config,
    keyIndex: keyIndexOf(config.schema),
    entropy,
    lastHeard: now,
    ...(config.signIn.anonymous ? {} : { signInDeadline: now + config.signIn.signInTimeoutMs }),
    downloads: [],
    finished: [],
    progress: EMPTY_BATCH,
    socketQueued: 0,
    draining: false,
    nextJob: 1,
  };
}

/**
 * When the shell must step the machine with `timeout` next: the earliest of
 * the sign-in, idle and stall deadlines and the progress batch's;
 * `undefined` once closed. A shell keeps one timer at this time; a timeout
 * that finds nothing due changes nothing, so a deadline that moved later
 * needs no new timer.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialSessionState, nextDeadline } from "./session_state.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const entropy = { sessionKeySeed: new Uint8Array(48), nonce: new Uint8Array(32), token: new Uint8Array(16) };
 * equal(nextDeadline(initialSessionState(exampleSessionConfig(), 1000, entropy)), 61_000);
 * ```
 */
export function nextDeadline(state: SessionState): number | undefined {
  if (state.phase === "closed") return undefined;
  let deadline = state.lastHeard + state.config.idleTimeoutMs;
  if (state.signInDeadline !== undefined) deadline = Math.min(deadline, state.signInDeadline);
  if (state.drainDeadline !== undefined) deadline = Math.min(deadline, state.drainDeadline);
  const batch = batchDeadline(state.progress);
  return batch === undefined ? deadline : Math.min(deadline, batch);
}

/**
 * Whether the shell may hand the machine the next message (`text`,
 * `binary`): not while it waits for an answer, nor while more than
 * `maxQueuedBytes` wait for the client to read them, nor once closed. Any
 * other event is taken at any time, `undecodable` included (the transport's
 * bound on waiting payloads is noticed while the machine waits).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialSessionState, readsInput } from "./session_state.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const entropy = { sessionKeySeed: new Uint8Array(48), nonce: new Uint8Array(32), token: new Uint8Array(16) };
 * equal(readsInput(initialSessionState(exampleSessionConfig(), 0, entropy)), true);
 * ```
 */
export function readsInput(state: SessionState): boolean {
  return state.waiting === undefined && state.phase !== "closed" &&
    state.socketQueued <= sessionBounds(state.config).maxQueuedBytes;
}

/**
 * Whether commands may run: signed in, or anonymous access is on.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { admitted, initialSessionState } from "./session_state.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const entropy = { sessionKeySeed: new Uint8Array(48), nonce: new Uint8Array(32), token: new Uint8Array(16) };
 * equal(admitted(initialSessionState(exampleSessionConfig({ anonymous: false }), 0, entropy)), false);
 * ```
 */
export function admitted(state: SessionState): boolean {
  return state.identity !== undefined || state.config.signIn.anonymous;
}
