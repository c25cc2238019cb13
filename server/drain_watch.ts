/**
 * Watches one socket drain while the session machine waits for it
 * (`awaitDrain`): it looks at what the socket and its transport hold and
 * reports `drained` once that is at most the machine's bound, and sooner
 * whenever it changed since the last look (the machine tells progress from
 * a stuck socket) or the server holds too much in all.
 *
 * Deno's WebSocket has no drain event (`bufferedAmount` only, as in
 * browsers; the WebSocketStream that has backpressure needs
 * `--unstable-net`), so the watch looks, but only while the machine waits:
 * at first every 2 ms, then twice as long each time nothing changed, up to
 * 64 ms, so that a socket stuck for the whole stall timeout costs a few
 * hundred looks, not thousands.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { SessionEvent } from "../protocol/session_state.ts";

const FIRST_LOOK_MS = 2;
const LONGEST_LOOK_MS = 64;

/** What a {@linkcode DrainWatch} looks at and tells. */
export interface DrainWatchPorts {
  /** Bytes the socket and the transport hold now. */
  buffered(): number;
  /** Whether the socket can still send (a closing one drains no more). */
  open(): boolean;
  /**
   * Each connection's fair share of the queued bytes when the server holds
   * more than its bound, all connections together; `undefined` otherwise.
   */
  overload(): number | undefined;
  /** Reports to the machine. */
  report(event: Extract<SessionEvent, { type: "drained" }>): void;
}

/**
 * One socket's watch; `watch` on each `awaitDrain`, `stop` when the
 * connection ends.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DrainWatch } from "./drain_watch.ts";
 * const reports: number[] = [];
 * const watch = new DrainWatch({
 *   buffered: () => 10,
 *   open: () => true,
 *   overload: () => undefined,
 *   report: (event) => reports.push(event.buffered),
 * });
 * watch.watch(100);
 * await new Promise((resolve) => setTimeout(resolve, 10));
 * equal(reports[0], 10);
 * watch.stop();
 * ```
 */
export class DrainWatch {
  readonly #ports: DrainWatchPorts;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** Each watch's number: a look of an earlier watch stops (one chain of looks at a time). */
  #watch = 0;
  /** What the socket held at the last look, and the wait before the next. */
  #last: { buffered: number; waitMs: number } | undefined;

  /** A watch over `ports`. */
  constructor(ports: DrainWatchPorts) {
    this.#ports = ports;
  }

  /**
   * Looks at once, then until the socket holds at most `atMost` bytes, or reports a change
   * first. The machine asks again after each report, and when it stops reading.
   */
  watch(atMost: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const watch = ++this.#watch;
    setImmediate(() => this.#look(atMost, watch));
  }

  /** No more looks. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #look(atMost: number, watch: number): void {
    if (this.#stopped || watch !== this.#watch) return;
    this.#timer = undefined;
    const ports = this.#ports;
    const buffered = ports.buffered();
    // A socket that is closing drains no more: its close event ends the session.
    if (!ports.open()) return;
    if (buffered <= atMost) {
      this.#last = undefined;
      return ports.report({ type: "drained", buffered });
    }
    const fairShare = ports.overload();
    const last = this.#last;
    if (last === undefined || buffered !== last.buffered || fairShare !== undefined) {
      this.#last = { buffered, waitMs: FIRST_LOOK_MS };
      return ports.report({
        type: "drained",
        buffered,
        ...(fairShare === undefined ? {} : { fairShare }),
      });
    }
    last.waitMs = Math.min(last.waitMs * 2, LONGEST_LOOK_MS);
    this.#timer = setTimeout(() => this.#look(atMost, watch), last.waitMs);
  }
}
