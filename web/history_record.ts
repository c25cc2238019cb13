/**
 * What the page remembers of a download after the tab is closed: the
 * request (so it can be run again), the file name, and how it ended (rows,
 * size, the file's SHA-256, or the error code). A record is written when a
 * download starts and again when it ends, so one the page was closed under
 * reads as interrupted on the next visit.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadRequest } from "../protocol/messages.ts";
import { byteSize, count } from "./format.ts";

/** How many downloads the history keeps, newest first. */
export const HISTORY_LENGTH = 20;

/** How a remembered download ended; `running` while (or if never) it ended. */
export type HistoryOutcome = "running" | "done" | "cancelled" | "failed";

/** One remembered download. */
export interface HistoryRecord {
  /** The download's request id; the record's key. */
  readonly id: string;
  /** The request, as sent. */
  readonly request: DownloadRequest;
  /** The file name the page gave it. */
  readonly name: string;
  /** When it started, epoch milliseconds. */
  readonly startedAt: number;
  /** When it ended, epoch milliseconds. */
  readonly endedAt?: number;
  /** How it ended. */
  readonly outcome: HistoryOutcome;
  /** Rows written, once done. */
  readonly rows?: number;
  /** Bytes of the file, once done. */
  readonly bytes?: number;
  /** SHA-256 of the file, 64 hex, once done. */
  readonly sha256?: string;
  /** The error code, when it failed or was cancelled. */
  readonly code?: string;
}

/**
 * The records to keep: newest first, `record` replacing any of its id, at
 * most {@linkcode HISTORY_LENGTH}.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { remember } from "./history_record.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-01-02", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * const a = { id: "a", request, name: "a.csv", startedAt: 1, outcome: "running" as const };
 * const b = { ...a, id: "b", startedAt: 2 };
 * deepStrictEqual(remember([b, a], { ...a, outcome: "done" }).map((r) => r.outcome), [
 *   "running",
 *   "done",
 * ]);
 * ```
 */
export function remember(
  records: readonly HistoryRecord[],
  record: HistoryRecord,
): HistoryRecord[] {
  return [...records.filter((r) => r.id !== record.id), record]
    .sort((x, y) => y.startedAt - x.startedAt)
    .slice(0, HISTORY_LENGTH);
}

/**
 * The record with the download's end: `done` with its numbers, or the
 * outcome and code of a refusal or a cancel.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ended } from "./history_record.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-01-02", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * const start = { id: "a", request, name: "a.csv", startedAt: 1, outcome: "running" as const };
 * equal(ended(start, 5, { outcome: "failed", code: "INVALID_RANGE" }).code, "INVALID_RANGE");
 * ```
 */
export function ended(
  record: HistoryRecord,
  now: number,
  end:
    | { outcome: "done"; rows: number; bytes: number; sha256?: string }
    | { outcome: "cancelled" | "failed"; code?: string },
): HistoryRecord {
  const { code, ...rest } = end as { code?: string };
  return { ...record, ...rest, ...(code ? { code } : {}), endedAt: now };
}

/**
 * Reads a stored value back, or `undefined` when it is not a record this
 * page wrote (an older page's, or damaged): history is a convenience, and
 * a bad entry is dropped rather than trusted.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readRecord } from "./history_record.ts";
 * equal(readRecord({ id: "a", outcome: "exploded" }), undefined);
 * ```
 */
export function readRecord(value: unknown): HistoryRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<HistoryRecord>;
  const p = r.request?.searchParams;
  const ok = typeof r.id === "string" && typeof r.name === "string" &&
    typeof r.startedAt === "number" &&
    ["running", "done", "cancelled", "failed"].includes(r.outcome as string) &&
    typeof p?.timeFrom === "string" && typeof p.timeTo === "string" && Array.isArray(p.filters) &&
    ["csv", "json", "ndjson"].includes(r.request?.outputFormat as string) &&
    typeof r.request?.compression === "boolean";
  return ok ? r as HistoryRecord : undefined;
}

/**
 * How a record's outcome reads in the history list. `active` says whether
 * this tab is still running it: a `running` record that is not was cut off
 * when an earlier visit closed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { outcomeText } from "./history_record.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-01-02", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * const r = { id: "a", request, name: "a.csv", startedAt: 1, outcome: "running" as const };
 * equal(outcomeText(r, false), "Interrupted: the page was closed");
 * ```
 */
export function outcomeText(record: HistoryRecord, active: boolean): string {
  switch (record.outcome) {
    case "running":
      return active ? "Downloading" : "Interrupted: the page was closed";
    case "done": {
      const rows = count(record.rows ?? 0);
      return `Done: ${rows} rows, ${byteSize(record.bytes ?? 0)}`;
    }
    case "cancelled":
      return "Cancelled";
    case "failed":
      return `Failed${record.code === undefined ? "" : ` (${record.code})`}`;
  }
}
