/**
 * The options of `createServer` that bound what connections may hold
 * (docs/PROTOCOL.md §19): the bytes queued for a connection and for all of
 * them, the stall and message-rate bounds of the session machine, the
 * connection counts, the failed sign-ins of an address or an identity, and
 * the web origins whose pages may connect. They are read and checked by
 * `_connection_checks.ts` (the sign-in limits by `sign_in_failures.ts`).
 *
 * @module
 */

import type { SignInLimits } from "./sign_in_failures.ts";

/** The options of `createServer` that bound connections. */
export interface ConnectionOptions {
  /**
   * Most bytes queued for one connection that the client has not read (the
   * socket's buffer, the transport's, and what the server sent since it
   * last looked). Past it the server reads nothing more from the
   * connection; more queued ends it with `SEND_QUEUE_FULL` (close `SLOW_READER`).
   * At least twice `socketBufferBytes`.
   *
   * @default {8388608}
   */
  readonly maxQueuedBytes?: number;
  /**
   * Most bytes queued for all connections together. Over it, new
   * connections are refused (503) and every connection that waits for its
   * socket to drain is closed with `SEND_QUEUE_FULL`.
   *
   * @default {268435456}
   */
  readonly maxQueuedBytesTotal?: number;
  /**
   * Milliseconds a connection's socket may make no progress while the
   * server waits for it to drain; then the connection is aborted with
   * `READER_STALLED` (close `SLOW_READER`).
   *
   * @default {30000}
   */
  readonly stallTimeoutMs?: number;
  /**
   * Messages of one connection received and not yet handled (for example
   * while an `authorize` hook is slow); one more ends the connection with
   * `TOO_MANY_MESSAGES` (close `PROTOCOL_VIOLATION`). A client waits for
   * answers and never has many in flight.
   *
   * @default {256}
   */
  readonly maxWaitingMessages?: number;
  /**
   * Messages per second one connection may send, sustained (as many may
   * come at once); one more ends it with `TOO_MANY_MESSAGES` (close `PROTOCOL_VIOLATION`).
   *
   * @default {1000}
   */
  readonly maxMessagesPerSecond?: number;
  /**
   * Most WebSocket connections open at once; more upgrades are refused
   * with 503. A connection counts until its socket is closed.
   *
   * @default {10000}
   */
  readonly maxConnections?: number;
  /**
   * Most WebSocket connections open at once from one remote address (the
   * `remoteAddr` of the handler's second argument, as `Deno.serve` passes
   * it); more upgrades from it are refused with 429. Behind a proxy every
   * client has the proxy's address: raise it there, and bound per client
   * in the proxy.
   *
   * @default {64}
   */
  readonly maxConnectionsPerAddress?: number;
  /**
   * Failed sign-ins allowed per remote address (an IPv6 /64) and per
   * identity, draining back over a minute (docs/PROTOCOL.md §19.5): past
   * them, a sign-in is refused with `SIGN_IN_RATE_LIMITED` and `retryAfter`
   * before its challenge is made or its signature checked. Behind a proxy
   * every client has the proxy's address, as for `maxConnectionsPerAddress`.
   *
   * @default {{ failuresPerAddress: 30, failuresPerIdentity: 10 }}
   */
  readonly signInLimits?: SignInLimits;
  /**
   * The web origins whose pages may connect, e.g. `https://app.example.com`:
   * an upgrade whose `Origin` header (which browsers set, and pages cannot
   * change) is not one of them is refused with 403. Requests without an
   * `Origin` header (programs, the command-line client) are not affected.
   *
   * @default {any origin}
   */
  readonly allowedOrigins?: readonly string[];
}
