/**
 * The server download's legal moves as data, in the manner of h11: for
 * each stage and event, where the event may lead ({@linkcode EXPORT_TRANSITIONS}),
 * and the error codes each event may answer with ({@linkcode EXPORT_ANSWERS}).
 * export_step.ts checks every step against them; docs/PROTOCOL.md §12.4 is
 * rendered from them (by _machine_docs.ts).
 *
 * An event the table does not list for a stage is a late answer to a
 * question the download no longer asks, and is ignored.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorCode } from "./errors.ts";
import type { ExportEnd, ExportStage } from "./export_state.ts";

/**
 * What happens to a download: the data source's answers, the client's
 * commands about it, the socket draining, and its connection ending.
 */
export type ExportEventKey =
  | "highWaterMark"
  | "rowCount"
  | "page"
  | "sourceFailed"
  | "download:ack"
  | "download:cancel"
  | "drained"
  | "abort";

/** Where an event may take a download: a stage, or an end. */
export type ExportTarget = ExportStage | ExportEnd;

/** For one stage, where each legal event may lead. */
export type ExportRow = Readonly<Partial<Record<ExportEventKey, readonly ExportTarget[]>>>;

/**
 * Every legal move, as data.
 *
 * @example What may a page read lead to?
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { EXPORT_TRANSITIONS } from "./export_table.ts";
 * deepStrictEqual(EXPORT_TRANSITIONS.reading.page, ["reading", "waiting", "complete", "error"]);
 * ```
 */
export const EXPORT_TRANSITIONS: Readonly<Record<ExportStage, ExportRow>> = {
  pinning: {
    // A resume whose high-water mark or cursor the server cannot honour ends here.
    highWaterMark: ["counting", "error"],
    sourceFailed: ["error"],
    // Nothing is sent yet, so every acknowledgement is of an unsent frame.
    "download:ack": ["pinning"],
    "download:cancel": ["cancelled"],
    drained: ["pinning"],
    abort: ["aborted"],
  },
  counting: {
    // download:start goes out here, unless a limit or the resume point forbids it; under a row
    // rule, a resume's first count is of its cursor's row, then the rows are counted.
    rowCount: ["counting", "reading", "waiting", "error"],
    sourceFailed: ["error"],
    "download:ack": ["counting"],
    "download:cancel": ["cancelled"],
    drained: ["counting"],
    abort: ["aborted"],
  },
  reading: {
    page: ["reading", "waiting", "complete", "error"],
    sourceFailed: ["error"],
    // The read in flight goes on; the window is looked at again when it is back.
    "download:ack": ["reading"],
    "download:cancel": ["cancelled"],
    drained: ["reading"],
    abort: ["aborted"],
  },
  waiting: {
    "download:ack": ["reading", "waiting"],
    "download:cancel": ["cancelled"],
    drained: ["reading", "waiting"],
    abort: ["aborted"],
  },
};

/** Every stage, in documentation order. */
export const EXPORT_STAGES: readonly ExportStage[] = Object.keys(
  EXPORT_TRANSITIONS,
) as ExportStage[];

/**
 * The codes a `download:error` may carry after each event, in
 * documentation order (the table's columns).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { EXPORT_ANSWERS } from "./export_table.ts";
 * deepStrictEqual(EXPORT_ANSWERS.rowCount, [
 *   "ROW_LIMIT_EXCEEDED",
 *   "RESUME_MISMATCH",
 *   "INTERNAL_ERROR",
 * ]);
 * ```
 */
export const EXPORT_ANSWERS: Readonly<Record<ExportEventKey, readonly ErrorCode[]>> = {
  highWaterMark: ["RESUME_MISMATCH"],
  // INTERNAL_ERROR: the encoder port cannot encode these columns.
  rowCount: ["ROW_LIMIT_EXCEEDED", "RESUME_MISMATCH", "INTERNAL_ERROR"],
  // A stored value that does not fit its column (the data's fault), or a broken port (a bug).
  page: ["UNEXPORTABLE_VALUE", "INTERNAL_ERROR"],
  // The database gone or slow (resume later), refusing the query (every time), a key the source
  // cannot read as an integer (every time), or a bug.
  sourceFailed: ["SOURCE_UNAVAILABLE", "SOURCE_FAILED", "UNEXPORTABLE_VALUE", "INTERNAL_ERROR"],
  "download:ack": ["INVALID_VALUE"],
  "download:cancel": [],
  drained: [],
  abort: [],
};

/** Every event key, in documentation order. */
export const EXPORT_EVENT_KEYS: readonly ExportEventKey[] = Object.keys(
  EXPORT_ANSWERS,
) as ExportEventKey[];
