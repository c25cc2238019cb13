/**
 * Progress accounting as plain values (docs/PROTOCOL.md
 * §9.3), for machines whose state is never mutated: the samples a speed is
 * measured over ({@linkcode RateSamples}), the `download:progress` payload
 * built from counts and a speed ({@linkcode progressFromRate}), and the
 * batch of pending updates a connection coalesces
 * ({@linkcode ProgressBatch}). Every function returns a new value and reads
 * no clock: times are arguments.
 *
 * The rules are the ones `RateMeter`, `progressUpdate` and
 * `ProgressBatcher` of progress.ts describe, as functions over values
 * rather than methods over mutable fields: the server session machine
 * keeps them in its state.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ProgressUpdate } from "./messages.ts";

/** One cumulative sample of a download's counts. */
export interface RateSample {
  /** When, in milliseconds. */
  readonly t: number;
  /** Rows processed by then. */
  readonly rows: number;
  /** Bytes processed by then. */
  readonly bytes: number;
}

/** The samples a speed is measured over, oldest first. */
export type RateSamples = readonly RateSample[];

/** How far back samples count towards a speed, by default (PROTOCOL.md §9.3's 5 s window). */
export const RATE_WINDOW_MS = 5000;

/**
 * Samples kept per window at most (plus the latest two): a speed is
 * measured between the oldest kept sample and the latest, so thinning the
 * ones between changes nothing, and memory stays flat however often a
 * download records.
 */
const MAX_SAMPLES = 64;

/**
 * `samples` with one more taken at `now`, and without those older than the
 * window before `now`. A `now` before the latest sample counts as the
 * latest's time (a wall clock stepped back must not make a speed negative).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rateOf, recordRate } from "./progress_state.ts";
 * let samples = recordRate([], 0, 0, 0);
 * samples = recordRate(samples, 2000, 10_000, 640_000);
 * equal(rateOf(samples, "rows"), 5000);
 * ```
 */
export function recordRate(
  samples: RateSamples,
  now: number,
  rows: number,
  bytes: number,
  windowMs: number = RATE_WINDOW_MS,
): RateSamples {
  const last = samples.at(-1);
  const t = last === undefined ? now : Math.max(now, last.t);
  const sample = { t, rows, bytes };
  const previous = samples.at(-2);
  const oldest = t - windowMs;
  // The latest sample is replaced rather than kept when it lies within a granule of the one
  // before, unless that one leaves the window now, which would leave a lone sample.
  const replace = last !== undefined && previous !== undefined && previous.t >= oldest &&
    last.t - previous.t < windowMs / MAX_SAMPLES;
  const next = replace ? [...samples.slice(0, -1), sample] : [...samples, sample];
  let first = 0;
  while (next[first].t < oldest) first++;
  return first === 0 ? next : next.slice(first);
}

/**
 * Rows or bytes per second between the oldest sample and the latest; 0
 * with fewer than two samples or no time between them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rateOf } from "./progress_state.ts";
 * equal(rateOf([], "bytes"), 0);
 * ```
 */
export function rateOf(samples: RateSamples, field: "rows" | "bytes"): number {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined || last.t === first.t) return 0;
  return (last[field] - first[field]) / (last.t - first.t) * 1000;
}

/**
 * A `download:progress` payload from the counts and a speed in rows per
 * second: `progress` is `processedRows / totalRows * 100`, capped at 100 and
 * not rounded (100 when the export has no rows); `speed` is rounded to 2
 * decimals; `estimatedTimeRemaining` is 0 once every row is processed, -1
 * while the speed is 0 (unknown), else the remaining rows at the unrounded
 * speed in whole milliseconds.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { progressFromRate } from "./progress_state.ts";
 * deepStrictEqual(progressFromRate("r1", 10_000, 40_000, 500_000, 5000), {
 *   requestId: "r1",
 *   progress: 25,
 *   processedRows: 10_000,
 *   totalRows: 40_000,
 *   speed: 5000,
 *   estimatedTimeRemaining: 6000,
 *   processedBytes: 500_000,
 * });
 * ```
 */
export function progressFromRate(
  requestId: string,
  processedRows: number,
  totalRows: number,
  processedBytes: number,
  rowsPerSecond: number,
): ProgressUpdate {
  const done = processedRows >= totalRows;
  return {
    requestId,
    progress: totalRows === 0 ? 100 : Math.min(100, processedRows / totalRows * 100),
    processedRows,
    totalRows,
    speed: Math.round(rowsPerSecond * 100) / 100,
    estimatedTimeRemaining: done
      ? 0
      : rowsPerSecond > 0
      ? Math.round((totalRows - processedRows) / rowsPerSecond * 1000)
      : -1,
    processedBytes,
  };
}

/** One download's pending update in a {@linkcode ProgressBatch}. */
export interface PendingProgress {
  /** The latest update of the download. */
  readonly update: ProgressUpdate;
  /** When its oldest pending update was added. */
  readonly since: number;
  /** Updates of the download added since the last flush. */
  readonly added: number;
}

/** Updates waiting to be sent: at most one per download, in the order downloads appeared. */
export interface ProgressBatch {
  /** The pending update of each download. */
  readonly pending: readonly PendingProgress[];
  /** Updates added since the last flush. */
  readonly added: number;
}

/** How a batch flushes (PROTOCOL.md §9.3's batch size and timeout). */
export interface BatchLimits {
  /** Updates added since the last flush that trigger a flush. */
  readonly maxUpdates: number;
  /** Longest time, in milliseconds, an update waits. */
  readonly maxDelayMs: number;
}

/** Seed 000 §5.2: 100 updates or 1000 ms, whichever comes first. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxUpdates: 100, maxDelayMs: 1000 };

/** A batch with nothing pending. */
export const EMPTY_BATCH: ProgressBatch = { pending: [], added: 0 };

/** A batch after a step: what is left pending, and what must be sent now. */
export interface BatchStep {
  /** The batch after the step. */
  readonly batch: ProgressBatch;
  /** Updates to send now, one per download, in the order downloads first appeared. */
  readonly flushed: readonly ProgressUpdate[];
}

/**
 * Adds an update at `now`, replacing a pending one of the same download;
 * flushes the whole batch when this makes `maxUpdates` additions.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { batchAdd, EMPTY_BATCH, progressFromRate } from "./progress_state.ts";
 * const limits = { maxUpdates: 2, maxDelayMs: 1000 };
 * let r = batchAdd(EMPTY_BATCH, progressFromRate("a", 1, 9, 0, 0), 0, limits);
 * equal(r.flushed.length, 0);
 * r = batchAdd(r.batch, progressFromRate("a", 2, 9, 0, 0), 10, limits);
 * equal(r.flushed[0].processedRows, 2);
 * ```
 */
export function batchAdd(
  batch: ProgressBatch,
  update: ProgressUpdate,
  now: number,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): BatchStep {
  const at = batch.pending.findIndex((p) => p.update.requestId === update.requestId);
  const pending = at === -1
    ? [...batch.pending, { update, since: now, added: 1 }]
    : batch.pending.map((p, i) =>
      i === at ? { update, since: Math.min(p.since, now), added: p.added + 1 } : p
    );
  const next = { pending, added: batch.added + 1 };
  return next.added >= limits.maxUpdates ? batchFlush(next) : { batch: next, flushed: [] };
}

/**
 * When the batch must be flushed: its oldest pending update's time plus
 * `maxDelayMs`; `undefined` when nothing pends.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { batchAdd, batchDeadline, EMPTY_BATCH, progressFromRate } from "./progress_state.ts";
 * equal(batchDeadline(EMPTY_BATCH), undefined);
 * const { batch } = batchAdd(EMPTY_BATCH, progressFromRate("a", 0, 9, 0, 0), 250);
 * equal(batchDeadline(batch), 1250);
 * ```
 */
export function batchDeadline(
  batch: ProgressBatch,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): number | undefined {
  if (batch.pending.length === 0) return undefined;
  return Math.min(...batch.pending.map((p) => p.since)) + limits.maxDelayMs;
}

/**
 * Flushes when the deadline is reached at `now`; else changes nothing.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { batchAdd, batchDue, EMPTY_BATCH, progressFromRate } from "./progress_state.ts";
 * const { batch } = batchAdd(EMPTY_BATCH, progressFromRate("a", 0, 9, 0, 0), 0);
 * equal(batchDue(batch, 999).flushed.length, 0);
 * equal(batchDue(batch, 1000).flushed.length, 1);
 * ```
 */
export function batchDue(
  batch: ProgressBatch,
  now: number,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): BatchStep {
  const deadline = batchDeadline(batch, limits);
  return deadline !== undefined && now >= deadline ? batchFlush(batch) : { batch, flushed: [] };
}

/**
 * Every pending update, and an empty batch: e.g. right before a
 * `download:complete`, so that its 100 % report goes first.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { batchFlush, EMPTY_BATCH } from "./progress_state.ts";
 * deepStrictEqual(batchFlush(EMPTY_BATCH), { batch: EMPTY_BATCH, flushed: [] });
 * ```
 */
export function batchFlush(batch: ProgressBatch): BatchStep {
  return { batch: EMPTY_BATCH, flushed: batch.pending.map((p) => p.update) };
}

/**
 * The batch without the pending update of a download that ended, so that
 * no stale progress follows its end; its additions no longer count towards
 * `maxUpdates`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { batchAdd, batchDrop, EMPTY_BATCH, progressFromRate } from "./progress_state.ts";
 * const { batch } = batchAdd(EMPTY_BATCH, progressFromRate("a", 0, 9, 0, 0), 0);
 * equal(batchDrop(batch, "a").pending.length, 0);
 * ```
 */
export function batchDrop(batch: ProgressBatch, requestId: string): ProgressBatch {
  const dropped = batch.pending.find((p) => p.update.requestId === requestId);
  if (dropped === undefined) return batch;
  return {
    pending: batch.pending.filter((p) => p !== dropped),
    added: batch.added - dropped.added,
  };
}
