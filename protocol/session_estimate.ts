/**
 * `download:estimate` on the server (PROTOCOL.md §5.12): how big a download
 * of a request would be, before the client starts it. An estimate passes
 * every check its download would, in the same order and with the same
 * codes on `download:error` (the command gate, the dataset and its allow
 * list, the request against the schema, the `authorize` hook, which may
 * narrow it), so that it never tells of a row the download would not give;
 * then the shell reads, outside any download, the source's high-water mark,
 * the count under it, and the first {@linkcode ESTIMATE_SAMPLE_ROWS} rows.
 * The answer is built here from those: the count, the bytes the request's
 * format would write (the header, the footer, and the sampled rows' mean
 * size times the count), the first rows as the JSON format writes them, and
 * the values of text columns that have few among the sample.
 *
 * An estimate is not a download: it takes no slot of the identity's
 * limiter and is in no `status:check`. Its cost is bounded per connection:
 * the machine reads no further message until the source has answered (one
 * estimate at a time, each a count and one page of at most 100 rows).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { chosenColumns, projectedEncoder } from "./column_choice.ts";
import type { ExportPorts, ExportQuery, Row, SourceFailure } from "./export_state.ts";
import { encodeError, sourceError } from "./export_step.ts";
import type { ColumnSchema } from "./filter.ts";
import type { DownloadEstimate, DownloadRequest, PreviewCell } from "./messages.ts";
import type { ValidatedRequest } from "./request.ts";
import type { Result } from "./result.ts";
import { downloadDataset, validateAsked } from "./session_datasets.ts";
import type { SessionChange } from "./session_sign_in.ts";
import { refusedRequest } from "./session_replies.ts";
import type { PendingDownload, SessionEffect, SessionState } from "./session_state.ts";
import { utf8Length } from "./utf8_length.ts";

/** Rows of the sample an estimate reads: the preview and the mean row size come from them. */
export const ESTIMATE_SAMPLE_ROWS = 100;

/** Most rows of a preview. */
export const PREVIEW_ROWS = 20;

/** Most values offered for one text column; a column with more among the sample has none. */
export const COLUMN_VALUES = 16;

/** UTF-8 bytes the preview, and the values, may each take of the answer (64 KiB in all, §5.5). */
const PART_BYTES = 24_576;

/** Longest cell of a preview, and longest value offered: what a client's parser reads. */
const PREVIEW_CELL_CHARS = 4096;
const VALUE_CHARS = 256;

/** The machine waits for the source's answer to an estimate. */
export interface EstimateWait {
  /** What the machine waits for. */
  readonly for: "estimate";
  /** The estimate's id, which its answer carries. */
  readonly requestId: string;
  /** Its job number: a late answer for another is told apart. */
  readonly job: number;
  /** The request as validated (and narrowed by `authorize`). */
  readonly request: ValidatedRequest;
}

/** Read, outside any download: the high-water mark, the count under it, the first rows. */
export interface EstimateEffect {
  /** The effect's kind. */
  readonly type: "estimate";
  /** The job number the answer names. */
  readonly job: number;
  /** The dataset, on a server of several. */
  readonly dataset?: string;
  /** Which rows (the high-water mark is the source's own, read first). */
  readonly query: Omit<ExportQuery, "highWaterMark" | "after">;
  /** How many rows of the start to read. */
  readonly sample: number;
}

/** The source answered an estimate: the count and the sample, or the kind of its failure. */
export interface EstimatedEvent {
  /** The event's kind. */
  readonly type: "estimated";
  /** The job number of the effect. */
  readonly job: number;
  /** What it read, or how it failed. */
  readonly answer:
    | { readonly rows: number; readonly sample: readonly Row[] }
    | { readonly failed: SourceFailure };
}

/** A `download:estimate`: checked as its download would be, up to the `authorize` hook. */
export function startEstimate(
  state: SessionState,
  requestId: string,
  asked: DownloadRequest,
  now: number,
): SessionChange {
  const validated = validateAsked(state.config, state.identity, asked);
  if (!validated.ok) return refusedRequest(state, requestId, validated.error, now);
  const pending: PendingDownload = {
    job: state.nextJob,
    requestId,
    asked,
    validated: validated.value,
    estimate: true,
  };
  const next = { ...state, nextJob: state.nextJob + 1 };
  if (!state.config.authorize) return askEstimate(next, pending, validated.value, now);
  return {
    state: { ...next, waiting: { for: "authorize", pending } },
    effects: [{ type: "authorize", job: pending.job, identity: state.identity, request: asked }],
  };
}

/** The estimate may read: the shell is asked to, and the machine waits for its answer. */
export function askEstimate(
  state: SessionState,
  pending: PendingDownload,
  request: ValidatedRequest,
  _now: number,
): SessionChange {
  const { job, requestId } = pending;
  const { timeFrom, timeTo, filters, dataset } = request;
  return {
    state: { ...state, waiting: { for: "estimate", requestId, job, request } },
    effects: [{
      type: "estimate",
      job,
      ...(dataset === undefined ? {} : { dataset }),
      query: { timeFrom, timeTo, filters },
      sample: ESTIMATE_SAMPLE_ROWS,
    }],
  };
}

/** The source answered: the client hears the estimate, or why there is none. */
export function estimated(state: SessionState, event: EstimatedEvent, now: number): SessionChange {
  const wait = state.waiting;
  if (wait?.for !== "estimate" || wait.job !== event.job) return { state, effects: [] };
  const { answer } = event;
  if ("failed" in answer) {
    return refusedRequest(state, wait.requestId, sourceError(answer.failed), now);
  }
  const dataset = downloadDataset(state.config, wait.request.dataset);
  const built = estimateOf(dataset.columns, wait.request, answer.rows, answer.sample, {
    ports: state.config.ports,
    ...(dataset.exports.maxRows === undefined ? {} : { maxRows: dataset.exports.maxRows }),
  });
  if (!built.ok) {
    const refusal = encodeError(built.error, answer.sample, dataset.keyIndex);
    const change = refusedRequest(state, wait.requestId, refusal, now);
    const log: SessionEffect = {
      type: "log",
      message: `sluice: estimate ${wait.requestId} failed:`,
      error: built.error,
    };
    return { state: change.state, effects: [log, ...change.effects] };
  }
  const message = {
    event: "download:estimate" as const,
    data: built.value,
    timestamp: now,
    requestId: wait.requestId,
  };
  return { state: { ...state, waiting: undefined }, effects: [{ type: "send", message }] };
}

/**
 * The answer to an estimate, from the count and the first rows of the
 * source (whole rows, in the schema's order). Fails with what the encoder
 * threw for a cell that does not fit its column.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { estimateOf } from "./session_estimate.ts";
 * const text = new TextEncoder();
 * const encoder = () => ({
 *   header: () => new Uint8Array(0),
 *   encodeRows: (rows: readonly (readonly unknown[])[]) =>
 *     text.encode(rows.map(([id, side]) => JSON.stringify({ id, side }) + "\n").join("")),
 *   footer: () => new Uint8Array(0),
 * });
 * const ports = { sha256: () => new Uint8Array(32), gzip: (b: Uint8Array) => b, encoder };
 * const columns = [{ name: "id", type: "integer" as const }, { name: "side", type: "text" as const }];
 * const request = { timeFrom: 0, timeTo: 1, filters: [], outputFormat: "ndjson" as const, compression: false, neutralizeFormulas: true };
 * const r = estimateOf(columns, request, 4, [[1, "buy"], [2, "sell"]], { ports });
 * equal(r.ok && r.value.bytes, 2 * '{"id":1,"side":"buy"}\n'.length + 2 * '{"id":2,"side":"sell"}\n'.length);
 * deepStrictEqual(r.ok && r.value.preview, [{ id: 1, side: "buy" }, { id: 2, side: "sell" }]);
 * deepStrictEqual(r.ok && r.value.values, { side: ["buy", "sell"] });
 * ```
 */
export function estimateOf(
  columns: readonly ColumnSchema[],
  request: ValidatedRequest,
  rows: number,
  sample: readonly Row[],
  options: { readonly ports: ExportPorts; readonly maxRows?: number },
): Result<DownloadEstimate, unknown> {
  const written = chosenColumns(columns, request.columns);
  const encoder = (format: "csv" | "json" | "ndjson") =>
    projectedEncoder(
      options.ports.encoder({
        format,
        columns: written,
        neutralizeFormulas: request.neutralizeFormulas,
      }),
      request.columns,
    );
  let bytes: number;
  let preview: Record<string, PreviewCell>[];
  try {
    const format = encoder(request.outputFormat);
    const frame = format.header().length + format.footer().length;
    const body = sample.length === 0 ? 0 : format.encodeRows(sample, true).length;
    bytes = frame + (sample.length === 0 ? 0 : Math.round(body / sample.length * rows));
    const lines = new TextDecoder().decode(
      encoder("ndjson").encodeRows(sample.slice(0, PREVIEW_ROWS), true),
    );
    preview = fitted(lines.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)));
  } catch (error) {
    return { ok: false, error };
  }
  return {
    ok: true,
    value: {
      rows,
      exact: true,
      bytes,
      preview,
      values: valuesOf(columns, sample),
      ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
    },
  };
}

/** The preview's first rows that fit its share of the message, up to a cell too long. */
function fitted(rows: Record<string, PreviewCell>[]): Record<string, PreviewCell>[] {
  let used = 0;
  const out: Record<string, PreviewCell>[] = [];
  for (const row of rows) {
    const cells = Object.values(row);
    if (cells.some((c) => typeof c === "string" && c.length > PREVIEW_CELL_CHARS)) break;
    used += utf8Length(JSON.stringify(row));
    if (used > PART_BYTES) break;
    out.push(row);
  }
  return out;
}

/** Text columns with few values among the sample, and those values, sorted. */
function valuesOf(
  columns: readonly ColumnSchema[],
  sample: readonly Row[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let used = 0;
  for (const [i, column] of columns.entries()) {
    if (column.type !== "text" || column.filterable === false) continue;
    const seen = new Set<string>();
    for (const row of sample) {
      const cell = row[i];
      if (typeof cell === "string" && cell.length <= VALUE_CHARS) seen.add(cell);
      if (seen.size > COLUMN_VALUES) break;
    }
    if (seen.size === 0 || seen.size > COLUMN_VALUES) continue;
    const values = [...seen].sort();
    used += utf8Length(JSON.stringify(values)) + column.name.length;
    if (used > PART_BYTES) break;
    out[column.name] = values;
  }
  return out;
}
