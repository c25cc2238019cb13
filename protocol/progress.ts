/**
 * Progress reporting (docs/PROTOCOL.md §9.3): a {@linkcode RateMeter} measures a
 * download's speed over a moving window, {@linkcode progressUpdate} turns
 * counts and speed into a `download:progress` payload with an ETA, and a
 * {@linkcode ProgressBatcher} coalesces updates so that a connection sends
 * at most one per download per batch.
 *
 * Nothing here reads a clock: every time is an argument, in milliseconds on
 * whatever monotonic scale the caller uses. The rules are those of
 * progress_state.ts, which keeps them as plain values for the server
 * session machine; these classes hold such values and check their input.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ProgressUpdate } from "./messages.ts";
import {
  batchAdd,
  batchDeadline,
  batchDrop,
  batchDue,
  batchFlush,
  EMPTY_BATCH,
  type ProgressBatch,
  progressFromRate,
  rateOf,
  type RateSamples,
  recordRate,
} from "./progress_state.ts";

/** Options of a {@linkcode RateMeter}. */
export interface RateWindowOptions {
  /**
   * How far back, in milliseconds, samples count towards the speed; finite
   * and greater than 0.
   *
   * @default {5000}
   */
  windowMs?: number;
}

/**
 * A download's speed over a moving window of cumulative totals.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RateMeter } from "./progress.ts";
 * const meter = new RateMeter();
 * meter.record(0, 0, 0);
 * meter.record(2000, 10_000, 640_000);
 * equal(meter.rowsPerSecond(), 5000);
 * equal(meter.bytesPerSecond(), 320000);
 * ```
 */
export class RateMeter {
  #windowMs: number;
  #samples: RateSamples = [];

  /**
   * Makes a meter with no samples.
   *
   * @throws {RangeError} when `windowMs` is not a finite number > 0.
   */
  constructor(options: RateWindowOptions = {}) {
    const windowMs = options.windowMs ?? 5000;
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new RangeError(`RateMeter windowMs must be a finite number > 0, got ${windowMs}`);
    }
    this.#windowMs = windowMs;
  }

  /**
   * Records the cumulative rows and bytes at time `now`, and forgets
   * samples older than the window before `now`.
   *
   * @throws {RangeError} when a value is negative or not finite, time goes
   * back, or a total decreases: the caller has mixed up its counters.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RateMeter } from "./progress.ts";
   * const meter = new RateMeter({ windowMs: 1000 });
   * meter.record(0, 0, 0);
   * meter.record(500, 100, 1000);
   * equal(meter.rowsPerSecond(), 200);
   * ```
   */
  record(now: number, rows: number, bytes: number): void {
    checkCount("RateMeter.record now", now);
    checkCount("RateMeter.record rows", rows);
    checkCount("RateMeter.record bytes", bytes);
    const last = this.#samples.at(-1);
    if (last !== undefined) {
      if (now < last.t) throw new RangeError(`RateMeter time went back from ${last.t} to ${now}`);
      if (rows < last.rows) {
        throw new RangeError(`RateMeter rows decreased from ${last.rows} to ${rows}`);
      }
      if (bytes < last.bytes) {
        throw new RangeError(`RateMeter bytes decreased from ${last.bytes} to ${bytes}`);
      }
    }
    this.#samples = recordRate(this.#samples, now, rows, bytes, this.#windowMs);
  }

  /**
   * Rows per second between the oldest sample in the window and the latest;
   * 0 with fewer than two samples or no time between them.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RateMeter } from "./progress.ts";
   * equal(new RateMeter().rowsPerSecond(), 0);
   * ```
   */
  rowsPerSecond(): number {
    return this.#rate("rows");
  }

  /**
   * Bytes per second, measured as {@linkcode RateMeter.rowsPerSecond} is.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { RateMeter } from "./progress.ts";
   * const meter = new RateMeter();
   * meter.record(1000, 0, 0);
   * meter.record(1250, 10, 4096);
   * equal(meter.bytesPerSecond(), 16384);
   * ```
   */
  bytesPerSecond(): number {
    return this.#rate("bytes");
  }

  #rate(field: "rows" | "bytes"): number {
    return rateOf(this.#samples, field);
  }
}

/**
 * Builds a `download:progress` payload from the counts and the meter's speed.
 *
 * - `progress` is `processedRows / totalRows * 100`, capped at 100 and not
 *   rounded (rounding could show 100 before the download is done); 100 when
 *   the export has no rows.
 * - `speed` is the meter's rows per second rounded to 2 decimals, which is
 *   all a display needs and keeps the JSON short.
 * - `estimatedTimeRemaining` is 0 once `processedRows >= totalRows`, -1 while
 *   the speed is 0 (unknown), and otherwise the remaining rows at the
 *   unrounded speed, in whole milliseconds.
 *
 * @throws {RangeError} when a count is negative or not finite.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { progressUpdate, RateMeter } from "./progress.ts";
 * const meter = new RateMeter();
 * meter.record(0, 0, 0);
 * meter.record(2000, 10_000, 500_000);
 * deepStrictEqual(progressUpdate("r1", 10_000, 40_000, 500_000, meter), {
 *   requestId: "r1",
 *   progress: 25,
 *   processedRows: 10000,
 *   totalRows: 40000,
 *   speed: 5000,
 *   estimatedTimeRemaining: 6000,
 *   processedBytes: 500000,
 * });
 * ```
 */
export function progressUpdate(
  requestId: string,
  processedRows: number,
  totalRows: number,
  processedBytes: number,
  meter: RateMeter,
): ProgressUpdate {
  checkCount("progressUpdate processedRows", processedRows);
  checkCount("progressUpdate totalRows", totalRows);
  checkCount("progressUpdate processedBytes", processedBytes);
  return progressFromRate(
    requestId,
    processedRows,
    totalRows,
    processedBytes,
    meter.rowsPerSecond(),
  );
}

/** Options of a {@linkcode ProgressBatcher}: its batch size and timeout (PROTOCOL.md §9.3). */
export interface BatcherOptions {
  /**
   * Updates added since the last flush that trigger a flush; an integer
   * >= 1.
   *
   * @default {100}
   */
  maxUpdates?: number;
  /**
   * Longest time, in milliseconds, an update waits before
   * {@linkcode ProgressBatcher.due} flushes it; finite and >= 0.
   *
   * @default {1000}
   */
  maxDelayMs?: number;
}

/**
 * Coalesces progress updates into batches of at most one update per
 * download (the latest), flushed after `maxUpdates` additions or once the
 * oldest pending update has waited `maxDelayMs`. Memory is bounded by the
 * number of distinct downloads, not by the updates added. It reads no
 * clock: the shell passes the time in and arms one timer at
 * {@linkcode ProgressBatcher.deadline}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { ProgressBatcher, progressUpdate, RateMeter } from "./progress.ts";
 * const at = (id: string, rows: number) => progressUpdate(id, rows, 100, 0, new RateMeter());
 * const batcher = new ProgressBatcher({ maxUpdates: 3 });
 * deepStrictEqual(batcher.add(at("a", 1), 0), []);
 * deepStrictEqual(batcher.add(at("b", 1), 10), []);
 * const batch = batcher.add(at("a", 2), 20);
 * deepStrictEqual(batch.map((u) => [u.requestId, u.processedRows]), [["a", 2], ["b", 1]]);
 * ```
 */
export class ProgressBatcher {
  #limits: { maxUpdates: number; maxDelayMs: number };
  #batch: ProgressBatch = EMPTY_BATCH;

  /**
   * Makes an empty batcher.
   *
   * @throws {RangeError} when `maxUpdates` is not an integer >= 1 or
   * `maxDelayMs` is not a finite number >= 0.
   */
  constructor(options: BatcherOptions = {}) {
    const maxUpdates = options.maxUpdates ?? 100;
    const maxDelayMs = options.maxDelayMs ?? 1000;
    if (!(Number.isSafeInteger(maxUpdates) && maxUpdates >= 1)) {
      throw new RangeError(`ProgressBatcher maxUpdates must be an integer >= 1, got ${maxUpdates}`);
    }
    if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= 0)) {
      throw new RangeError(
        `ProgressBatcher maxDelayMs must be a finite number >= 0, got ${maxDelayMs}`,
      );
    }
    this.#limits = { maxUpdates, maxDelayMs };
  }

  /**
   * Queues an update added at `now`, replacing any pending update of the
   * same download; returns the flushed batch when this makes `maxUpdates`
   * additions since the last flush, else `[]`.
   *
   * @throws {RangeError} when `now` is not finite.
   *
   * @example
   * ```ts
   * import { deepStrictEqual, equal } from "node:assert/strict";
   * import { ProgressBatcher, progressUpdate, RateMeter } from "./progress.ts";
   * const batcher = new ProgressBatcher();
   * deepStrictEqual(batcher.add(progressUpdate("a", 0, 9, 0, new RateMeter()), 0), []);
   * equal(batcher.pending, 1);
   * ```
   */
  add(update: ProgressUpdate, now: number): ProgressUpdate[] {
    checkTime(now);
    return this.#take(batchAdd(this.#batch, update, now, this.#limits));
  }

  /**
   * Flushes when the oldest pending update was added `maxDelayMs` or more
   * before `now`; else returns `[]`.
   *
   * @throws {RangeError} when `now` is not finite.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ProgressBatcher, progressUpdate, RateMeter } from "./progress.ts";
   * const batcher = new ProgressBatcher();
   * batcher.add(progressUpdate("a", 0, 9, 0, new RateMeter()), 0);
   * equal(batcher.due(999).length, 0);
   * equal(batcher.due(1000).length, 1);
   * ```
   */
  due(now: number): ProgressUpdate[] {
    checkTime(now);
    return this.#take(batchDue(this.#batch, now, this.#limits));
  }

  /**
   * When the shell should call {@linkcode ProgressBatcher.due}: the time
   * the oldest pending update was added plus `maxDelayMs`; `undefined` when
   * nothing pends.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ProgressBatcher, progressUpdate, RateMeter } from "./progress.ts";
   * const batcher = new ProgressBatcher();
   * equal(batcher.deadline(), undefined);
   * batcher.add(progressUpdate("a", 0, 9, 0, new RateMeter()), 250);
   * equal(batcher.deadline(), 1250);
   * ```
   */
  deadline(): number | undefined {
    return batchDeadline(this.#batch, this.#limits);
  }

  /**
   * Returns every pending update (the latest per download, in the order the
   * downloads first appeared) and empties the batcher; e.g. right before
   * `download:complete`.
   *
   * @example
   * ```ts
   * import { deepStrictEqual } from "node:assert/strict";
   * import { ProgressBatcher } from "./progress.ts";
   * deepStrictEqual(new ProgressBatcher().flush(), []);
   * ```
   */
  flush(): ProgressUpdate[] {
    return this.#take(batchFlush(this.#batch));
  }

  /**
   * Forgets the pending update of a download that has finished, so that no
   * stale progress follows its `download:complete`. The additions it made no
   * longer count towards `maxUpdates`, and the deadline moves to the oldest
   * remaining update.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ProgressBatcher, progressUpdate, RateMeter } from "./progress.ts";
   * const batcher = new ProgressBatcher();
   * batcher.add(progressUpdate("a", 0, 9, 0, new RateMeter()), 0);
   * batcher.drop("a");
   * equal(batcher.pending, 0);
   * ```
   */
  drop(requestId: string): void {
    this.#batch = batchDrop(this.#batch, requestId);
  }

  /**
   * How many updates a flush would return now: one per download with a
   * pending update.
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { ProgressBatcher } from "./progress.ts";
   * equal(new ProgressBatcher().pending, 0);
   * ```
   */
  get pending(): number {
    return this.#batch.pending.length;
  }

  #take(step: { batch: ProgressBatch; flushed: readonly ProgressUpdate[] }): ProgressUpdate[] {
    this.#batch = step.batch;
    return [...step.flushed];
  }
}

function checkTime(now: number): void {
  if (!Number.isFinite(now)) {
    throw new RangeError(`ProgressBatcher time must be a finite number, got ${now}`);
  }
}

function checkCount(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}
