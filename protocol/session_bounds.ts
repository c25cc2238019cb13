/**
 * What one connection may make the server hold, as rules of the server
 * session machine (PROTOCOL.md §19): how fast a client may send messages,
 * how many bytes may wait for it to read, and how long its socket may make
 * no progress. This file holds the bounds and their defaults; the rules
 * that apply them are session_overload.ts's.
 *
 * - **Incoming rate.** Every payload takes a token from a bucket that holds
 *   `maxMessagesPerSecond` and refills at that rate, and one the server
 *   refuses (answered with an error) nine more; a payload that finds it
 *   empty ends the connection (`TOO_MANY_MESSAGES`, `PROTOCOL_VIOLATION`). The
 *   transport's bound on payloads waiting to be handled stops bursts; this
 *   stops a steady flood the machine keeps up with.
 * - **Outgoing queue.** The machine counts the bytes of every message and
 *   frame it sends, as the downloads already count their frames' bytes,
 *   until the shell says what the socket still holds. Past
 *   `socketBufferBytes` it asks the shell to watch the socket drain (the
 *   downloads wait meanwhile); past `maxQueuedBytes` it reads no further
 *   message, so a peer that sends and never reads gets no more answers
 *   queued. A shell that reports more than `maxQueuedBytes` queued, or
 *   says the server as a whole holds too much while this connection waits
 *   for its socket, ends the connection (`SEND_QUEUE_FULL`, `SLOW_READER`).
 * - **Progress.** While the machine waits for the socket, a report that it
 *   holds less than the last one is progress; none for `stallTimeoutMs`
 *   aborts the connection (`READER_STALLED`, `SLOW_READER`). A graceful close
 *   would wait behind the full buffer for ever, so the close is an abort:
 *   the shell stops at once.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { SessionConfig } from "./session_state.ts";

/** A connection's bounds (PROTOCOL.md §19). */
export interface SessionBounds {
  /**
   * Most bytes queued for the client (what the socket holds, what the
   * transport has not handed it yet, and what the machine sent since).
   * Past it the machine reads no more messages, and a report of more ends
   * the connection with `SEND_QUEUE_FULL`.
   *
   * @default {8388608}
   */
  readonly maxQueuedBytes: number;
  /**
   * Milliseconds the socket may make no progress while the machine waits
   * for it to drain, before the connection is aborted with `READER_STALLED`.
   *
   * @default {30000}
   */
  readonly stallTimeoutMs: number;
  /**
   * Payloads per second a client may send, sustained; as many may come at
   * once. One more ends the connection with `TOO_MANY_MESSAGES`.
   *
   * @default {1000}
   */
  readonly maxMessagesPerSecond: number;
}

/**
 * The defaults of {@linkcode SessionBounds}. A client acknowledges each data
 * frame (a quarter MiB by default), so 1,000 messages a second leave room
 * for 250 MB/s of export with its heartbeats.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SESSION_BOUNDS } from "./session_bounds.ts";
 * equal(DEFAULT_SESSION_BOUNDS.stallTimeoutMs, 30_000);
 * ```
 */
export const DEFAULT_SESSION_BOUNDS: SessionBounds = {
  maxQueuedBytes: 8_388_608,
  stallTimeoutMs: 30_000,
  maxMessagesPerSecond: 1000,
};

/**
 * A configuration's bounds, with the defaults for any it leaves out.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sessionBounds } from "./session_bounds.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * equal(sessionBounds(exampleSessionConfig()).maxMessagesPerSecond, 1000);
 * ```
 */
export function sessionBounds(config: SessionConfig): SessionBounds {
  return config.bounds === undefined
    ? DEFAULT_SESSION_BOUNDS
    : { ...DEFAULT_SESSION_BOUNDS, ...config.bounds };
}

/** The bounds a server keeps over all its connections (PROTOCOL.md §19). */
export interface ServerBounds {
  /** Most bytes queued for all connections together. */
  readonly maxQueuedBytesTotal: number;
  /** Most connections open at once. */
  readonly maxConnections: number;
  /** Most connections open at once from one remote address. */
  readonly maxConnectionsPerAddress: number;
  /** Most messages of one connection received and waiting to be handled. */
  readonly maxWaitingMessages: number;
}

/**
 * The defaults of {@linkcode ServerBounds}: 256 MiB queued in all (32
 * connections at their own bound), 10,000 connections, 64 from one address,
 * and 256 messages waiting (a client waits for answers; hundreds in flight
 * mean a flood, not a client).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SERVER_BOUNDS } from "./session_bounds.ts";
 * equal(DEFAULT_SERVER_BOUNDS.maxConnectionsPerAddress, 64);
 * ```
 */
export const DEFAULT_SERVER_BOUNDS: ServerBounds = {
  maxQueuedBytesTotal: 268_435_456,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 64,
  maxWaitingMessages: 256,
};
