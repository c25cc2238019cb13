/**
 * The bytes a server has queued for all its connections together, as each
 * connection's session machine counts them, against one bound
 * (`maxQueuedBytesTotal`, docs/PROTOCOL.md §19). Over it, the server
 * refuses new connections and every connection that waits for its socket
 * to drain is closed (`SEND_QUEUE_FULL`): the peers that do not read pay,
 * not the ones that do.
 *
 * @module
 */

import type { QueuedBytes } from "./session_context.ts";

/**
 * The count, by connection.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { QueuedBytesCount } from "./queued_bytes.ts";
 * const count = new QueuedBytesCount(1000);
 * const a = {}, b = {};
 * count.report(a, 600);
 * count.report(b, 600);
 * equal(count.overloaded, true);
 * count.report(a, 0);
 * equal(count.total, 600);
 * equal(count.overloaded, false);
 * ```
 */
export class QueuedBytesCount implements QueuedBytes {
  readonly #limit: number;
  readonly #bytes = new Map<object, number>();
  #total = 0;

  /** A count that is overloaded above `limit` bytes. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Bytes queued for every connection together. */
  get total(): number {
    return this.#total;
  }

  /** Whether the total is over the bound. */
  get overloaded(): boolean {
    return this.#total > this.#limit;
  }

  /** The total over the connections that hold some bytes (0 when none does). */
  get fairShare(): number {
    return this.#bytes.size === 0 ? 0 : this.#total / this.#bytes.size;
  }

  /** What `session` has queued now; 0 forgets it. */
  report(session: object, bytes: number): void {
    this.#total += bytes - (this.#bytes.get(session) ?? 0);
    if (bytes === 0) this.#bytes.delete(session);
    else this.#bytes.set(session, bytes);
  }
}
