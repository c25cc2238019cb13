/**
 * Internal: reads and checks `createServer`'s connection options
 * (connection_options.ts) into the session machine's bounds, the server's
 * counts, and its allowed web origins.
 *
 * @module
 */

import {
  DEFAULT_SERVER_BOUNDS,
  DEFAULT_SESSION_BOUNDS,
  type SessionBounds,
} from "../protocol/session_bounds.ts";
import { ConnectionGate } from "./connection_gate.ts";
import type { ConnectionOptions } from "./connection_options.ts";
import { QueuedBytesCount } from "./queued_bytes.ts";

const {
  maxQueuedBytesTotal: DEFAULT_MAX_QUEUED_BYTES_TOTAL,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  maxConnectionsPerAddress: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  maxWaitingMessages: DEFAULT_MAX_WAITING_MESSAGES,
} = DEFAULT_SERVER_BOUNDS;

/** A positive whole number, or the default. */
export function positive(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${name}: a whole number of at least 1, got ${n}`);
  }
  return n;
}

/** The options' bounds of one connection, checked. */
export function sessionBoundsOf(
  options: ConnectionOptions,
  socketBufferBytes: number,
): SessionBounds {
  const bounds = {
    maxQueuedBytes: positive(
      "maxQueuedBytes",
      options.maxQueuedBytes,
      DEFAULT_SESSION_BOUNDS.maxQueuedBytes,
    ),
    stallTimeoutMs: positive(
      "stallTimeoutMs",
      options.stallTimeoutMs,
      DEFAULT_SESSION_BOUNDS.stallTimeoutMs,
    ),
    maxMessagesPerSecond: positive(
      "maxMessagesPerSecond",
      options.maxMessagesPerSecond,
      DEFAULT_SESSION_BOUNDS.maxMessagesPerSecond,
    ),
  };
  // A download fills the socket to socketBufferBytes and a frame beyond: the bound must leave room.
  if (bounds.maxQueuedBytes < 2 * socketBufferBytes) {
    throw new RangeError(
      `maxQueuedBytes: at least twice socketBufferBytes (${
        2 * socketBufferBytes
      }), got ${bounds.maxQueuedBytes}`,
    );
  }
  return bounds;
}

/** The configured web origins (`https://host`), checked and in the form browsers send them. */
export function webOrigins(list: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (list === undefined) return undefined;
  return new Set(list.map((text) => {
    const url = URL.parse(text);
    if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new TypeError(`allowedOrigins: an http:// or https:// origin, got "${text}"`);
    }
    if (text.replace(/\/$/, "") !== url.origin) {
      throw new TypeError(`allowedOrigins: a scheme and host (and port) only, got "${text}"`);
    }
    return url.origin;
  }));
}

/** The server's count of bytes queued, at its bound. */
export function queuedBytesCount(options: ConnectionOptions): QueuedBytesCount {
  return new QueuedBytesCount(
    positive("maxQueuedBytesTotal", options.maxQueuedBytesTotal, DEFAULT_MAX_QUEUED_BYTES_TOTAL),
  );
}

/** The server's count of connections, at its bounds. */
export function connectionGate(options: ConnectionOptions): ConnectionGate {
  return new ConnectionGate({
    maxConnections: positive("maxConnections", options.maxConnections, DEFAULT_MAX_CONNECTIONS),
    maxConnectionsPerAddress: positive(
      "maxConnectionsPerAddress",
      options.maxConnectionsPerAddress,
      DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    ),
  });
}

/** A refusal of an upgrade, in plain text. */
export function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain" } });
}

/** The most messages of one connection waiting to be handled. */
export function maxWaitingMessages(options: ConnectionOptions): number {
  return positive("maxWaitingMessages", options.maxWaitingMessages, DEFAULT_MAX_WAITING_MESSAGES);
}
