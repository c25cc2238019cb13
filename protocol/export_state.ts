/**
 * One download on the server, as plain values: the ports the export step
 * computes with, its limits, its state, the query it reads the data source
 * with, and the status it reports. The rules that move it are `exportStep`
 * in export_step.ts; the legal moves, as data, are in export_table.ts; the
 * server session machine (session_machine.ts) owns the downloads of a
 * connection.
 *
 * A download is, in order: `pinning` (reading the source's high-water
 * mark), `counting` (counting the rows under it), then `reading` a page
 * or `waiting` for the reader's window or the socket, until it ends
 * `complete`, `cancelled` or in `error`, or is `aborted` with its
 * connection.
 *
 * The bytes of a frame are computed here, synchronously, through ports:
 * the row encoder, gzip and SHA-256 (the digest chain, §7.1) are the
 * server's (its native `node:zlib` and `node:crypto` keep their speed),
 * and a test passes its own. Ports must not keep state between calls
 * beyond a reused buffer; an encoder's bytes are read before its next call.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { INITIAL_DIGEST, type Sha256 } from "./digest_chain.ts";
import type { ColumnSchema, ValidatedFilter } from "./filter.ts";
import { MAX_PAYLOAD_BYTES } from "./frame.ts";
import type {
  DownloadPhase,
  DownloadStatus,
  OutputFormat,
  ProgressUpdate,
  ResumePoint,
  ServerMessage,
} from "./messages.ts";
import type { RateSamples } from "./progress_state.ts";
import type { ValidatedRequest } from "./request.ts";
import type { ExportTarget } from "./export_table.ts";

/** One row from a data source: cells in the order of the schema's columns. */
export type Row = readonly unknown[];

/**
 * How a download writes its rows: what a source that writes them itself
 * needs to know ({@linkcode EncodedRows}).
 */
export interface PageEncoding {
  /** The output format. */
  readonly format: OutputFormat;
  /** The places of the written columns among the schema's, in order; absent, all of them. */
  readonly columns?: readonly number[];
  /** Whether CSV text cells are neutralised against formula injection. */
  readonly neutralizeFormulas: boolean;
}

/**
 * A page whose rows the data source wrote itself, byte for byte as the
 * download's encoder writes them (a PostgreSQL source writes its page
 * text straight into export bytes, server/postgres_record_bytes.ts): the
 * export step cuts frames from it as from cells, and only the bytes differ
 * in where they were made.
 */
export interface EncodedRows {
  /** The rows' bytes, each as the encoder writes a row that follows another. */
  readonly bytes: Uint8Array;
  /** Where each row ends in `bytes`, ascending: one per row. */
  readonly ends: readonly number[];
  /** Each row's key, ascending. */
  readonly keys: readonly (number | bigint)[];
  /**
   * Bytes at the start of `bytes` left out when the rows begin the export:
   * JSON's comma before a row that follows another, nothing otherwise.
   */
  readonly lead: number;
}

/** A page's rows as the export step takes them: cells to encode, or bytes the source wrote. */
export type PageRows = readonly Row[] | EncodedRows;

/**
 * Whether a page came written by its source.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isEncoded } from "./export_state.ts";
 * equal(isEncoded([[1, "a"]]), false);
 * equal(isEncoded({ bytes: new Uint8Array(0), ends: [], keys: [], lead: 0 }), true);
 * ```
 */
export function isEncoded(page: PageRows): page is EncodedRows {
  return !Array.isArray(page);
}

/** Which rows a download reads (the server's `ScanQuery` has this shape). */
export interface ExportQuery {
  /** Inclusive start of the time range, epoch milliseconds. */
  readonly timeFrom: number;
  /** Exclusive end of the time range, epoch milliseconds. */
  readonly timeTo: number;
  /** All must hold for a row to be included. */
  readonly filters: readonly ValidatedFilter[];
  /** Only rows with key ≤ this: the row set pinned at `download:start`. */
  readonly highWaterMark: bigint;
  /** Only rows with key > this; absent for the first page. */
  readonly after?: bigint;
}

/** What a {@linkcode RowEncoderPort} is made for. */
export interface EncoderOptions {
  /** The output format. */
  readonly format: OutputFormat;
  /** The columns of every row. */
  readonly columns: readonly ColumnSchema[];
  /** Whether CSV text cells are neutralised against formula injection. */
  readonly neutralizeFormulas: boolean;
}

/**
 * What a {@linkcode RowEncoderPort} throws for a stored value that does not
 * fit its column's type (text in an `integer` column, a decimal `NaN`, a
 * timestamp of `infinity`): the table's data is at fault, not the server,
 * and every resume would meet the same row, so the download ends with
 * `UNEXPORTABLE_VALUE` (not recoverable) instead of `INTERNAL_ERROR`. It
 * names the column; the value stays in the server's log.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { UnfitValueError } from "./export_state.ts";
 * const e = new UnfitValueError("price", "string abc does not fit decimal column price").inRow(3);
 * equal(e.column, "price");
 * equal(e.row, 3);
 * equal(e instanceof TypeError, true);
 * ```
 */
export class UnfitValueError extends TypeError {
  /** The column's name. */
  readonly column: string;
  /** The row's place in the rows given to `encodeRows`, once the encoder knows it. */
  readonly row: number | undefined;

  /** The error of a value of `column`; `message` says what the value was. */
  constructor(column: string, message: string, row?: number) {
    super(message);
    this.name = "UnfitValueError";
    this.column = column;
    this.row = row;
  }

  /** The same error (its stack the cell writer's) at the row in place `row` of the encoded rows. */
  inRow(row: number): UnfitValueError {
    const located = new UnfitValueError(this.column, this.message, row);
    located.stack = this.stack;
    return located;
  }
}

/**
 * Encodes rows as PROTOCOL.md §8 says; throws an {@linkcode UnfitValueError}
 * on a cell that does not fit its column.
 */
export interface RowEncoderPort {
  /** The bytes before the first row (the CSV header line, `[`, or nothing). */
  header(): Uint8Array;
  /** Whole rows; `first` says whether the first of them is the export's first row. */
  encodeRows(rows: readonly Row[], first: boolean): Uint8Array;
  /** The bytes after the last row. */
  footer(): Uint8Array;
}

/** The synchronous work an export does on its bytes, supplied by the shell. */
export interface ExportPorts {
  /** SHA-256 of the parts concatenated: the digest chain's hash (PROTOCOL.md §7.1). */
  readonly sha256: Sha256;
  /** One complete gzip member (RFC 1952) of the bytes, at the level given. */
  readonly gzip: (bytes: Uint8Array, level: number) => Uint8Array;
  /** A row encoder for one download. */
  readonly encoder: (options: EncoderOptions) => RowEncoderPort;
}

/** The server's tuning of its downloads. */
export interface ExportLimits {
  /** Target raw (uncompressed) payload bytes per data frame. */
  readonly frameBytes: number;
  /** Most payload bytes of one download sent and not yet acknowledged (§9.2). */
  readonly windowBytes: number;
  /** Most bytes queued on the connection's socket before its downloads wait. */
  readonly socketBufferBytes: number;
  /** gzip level for `compression: true` (1 = fastest). */
  readonly gzipLevel: number;
  /** Most rows one download may have; more is `ROW_LIMIT_EXCEEDED` before any is sent. */
  readonly maxRows?: number;
}

/** Where a running download is: what it waits for. */
export type ExportStage = "pinning" | "counting" | "reading" | "waiting";

/** How a download left its connection's running set. */
export type ExportEnd = "complete" | "cancelled" | "error" | "aborted";

/** A frame sent and not yet acknowledged: its sequence and payload bytes. */
export type UnackedFrame = readonly [sequence: number, bytes: number];

/** The whole state of one download on the server: a plain value, never mutated. */
export interface ExportState {
  /** The connection's number for this download: late answers for an earlier one are told apart. */
  readonly job: number;
  /** The download's id, in every envelope and frame about it. */
  readonly requestId: string;
  /** The request as validated (and narrowed by `authorize`). */
  readonly request: ValidatedRequest;
  /** Where a `download:resume` asked to continue. */
  readonly resume?: ResumePoint;
  /** Whether the download holds one of its identity's slots (released when it ends). */
  readonly limited: boolean;
  /** When it was admitted, epoch ms (`download:complete.durationMs` counts from here). */
  readonly startedAt: number;
  /** What it waits for while running. */
  readonly stage: ExportStage;
  /** Its phase as `status:update` reports it. */
  readonly phase: DownloadPhase;
  /** The pinned row set, once the high-water mark is read. */
  readonly query?: ExportQuery;
  /** Counting the resume's cursor row among the identity's own rows, before the rows (PROTOCOL.md §6.4). */
  readonly vetting?: boolean;
  /** Rows the export has, counted under the high-water mark. */
  readonly totalRows: number;
  /** Rows sent (from the resume point on, when resumed). */
  readonly rows: number;
  /** Payload bytes sent. */
  readonly bytes: number;
  /** The sequence number of the next frame. */
  readonly sequence: number;
  /** The cursor of the last frame sent ("" before the first). */
  readonly cursor: string;
  /** The digest chain value after the last frame sent, hex, as resume points carry it. */
  readonly digest: string;
  /** Frames sent and not yet acknowledged, oldest first. */
  readonly unacked: readonly UnackedFrame[];
  /** Their payload bytes. */
  readonly unackedBytes: number;
  /** Rows asked of the source per page: fixed for the download (PROTOCOL.md §8). */
  readonly frameRows: number;
  /** The download's encoder, from `download:start` on. */
  readonly encoder?: RowEncoderPort;
  /** Samples of its counts, for its speed. */
  readonly rate: RateSamples;
}

/**
 * Why the data source failed a read, as the shell tells it: the database is
 * `unavailable` (unreachable, gone, overloaded) or a query hit its
 * `timeout`, after which a later resume may succeed; the database `failed`
 * the query, and will every time (a changed table, a value it cannot read);
 * a stored value the source must read does not fit its column (`unfit`, an
 * {@linkcode UnfitValueError} of `column`: a key that is not an integer);
 * or anything else went wrong (`internal`: a bug).
 */
export interface SourceFailure {
  /** What went wrong. */
  readonly kind: "unavailable" | "timeout" | "failed" | "unfit" | "internal";
  /** For `unfit`, the column. */
  readonly column?: string;
}

/** What happens to one download. `sourceFailed`: see {@linkcode SourceFailure}. */
export type ExportEvent =
  | { readonly type: "highWaterMark"; readonly value: bigint }
  | { readonly type: "rowCount"; readonly rows: number }
  | { readonly type: "page"; readonly rows: PageRows }
  | ({ readonly type: "sourceFailed" } & SourceFailure)
  | { readonly type: "download:ack"; readonly sequence: number }
  | { readonly type: "download:cancel" }
  | { readonly type: "drained" }
  | { readonly type: "abort" };

/** What the shell must do for one download, in order (the session machine passes them on). */
export type ExportEffect =
  | { readonly type: "send"; readonly message: ServerMessage }
  | { readonly type: "sendFrame"; readonly requestId: string; readonly frame: Uint8Array }
  /** The first read of a download: the dataset it reads, on a server of several (§5.1). */
  | { readonly type: "readHighWaterMark"; readonly job: number; readonly dataset?: string }
  | { readonly type: "countRows"; readonly job: number; readonly query: ExportQuery }
  | {
    readonly type: "readPage";
    readonly job: number;
    readonly query: ExportQuery;
    readonly limit: number;
    /** How the rows are written, for a source that writes them itself. */
    readonly encoding: PageEncoding;
  }
  | { readonly type: "log"; readonly message: string; readonly error?: unknown };

/**
 * A progress report to batch (the session's batch decides when it goes
 * out), marked in order among the effects: after its frame, and before a
 * `download:complete`.
 */
export interface ExportProgress {
  /** What it is. */
  readonly type: "progress";
  /** The report. */
  readonly update: ProgressUpdate;
  /** Whether it is the download's last: the batch is flushed with it. */
  readonly final: boolean;
}

/** What a download's step needs from its connection. */
export interface ExportContext {
  /** The source's columns, in row order. */
  readonly columns: readonly ColumnSchema[];
  /** The index of the key column among them. */
  readonly keyIndex: number;
  /**
   * Whether a row rule narrows the download (row_filter.ts): a resume must
   * then show that its cursor's row is one of the identity's rows.
   *
   * @default {false}
   */
  readonly rowFiltered?: boolean;
  /** The server's tuning. */
  readonly limits: ExportLimits;
  /** The byte work's ports. */
  readonly ports: ExportPorts;
  /** Bytes the session counts as queued on the socket, this step's frames excluded. */
  readonly socketQueued: number;
  /** Whether the session waits for the socket to drain. */
  readonly draining: boolean;
  /** The current time, epoch milliseconds. */
  readonly now: number;
}

/** The outcome of one {@linkcode exportStep}. */
export interface ExportStep {
  /** The next state; `phase` says whether it ended (`complete`, `cancelled`, `error`). */
  readonly state: ExportState;
  /** Where the step took it: its stage, or how it ended. */
  readonly target: ExportTarget;
  /** What the shell must do, in order, with progress reports in their place. */
  readonly effects: readonly (ExportEffect | ExportProgress)[];
  /** Bytes of the data frames it sent. */
  readonly sent: number;
}

/** Raw bytes a frame may carry: 1 MiB less 64 KiB of room for gzip's worst case (§8). */
export const MAX_FRAME_RAW: number = MAX_PAYLOAD_BYTES - 65_536;

/** The most rows a page may ask for, however narrow the rows. */
const MAX_FRAME_ROWS = 100_000;

/**
 * Rows per frame, from the columns' expected widths: a pure function of the
 * request and the server's `frameBytes`, so that frames fall on the same
 * rows in every run of the same download (PROTOCOL.md §8).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { rowsPerFrame } from "./export_state.ts";
 * const columns = [{ name: "id", type: "integer" as const }];
 * equal(rowsPerFrame(columns, "csv", 1100), 100); // 11 bytes a row: 8 + 1 + a line end
 * ```
 */
export function rowsPerFrame(
  columns: readonly ColumnSchema[],
  format: OutputFormat,
  frameBytes: number,
): number {
  const WIDTH = { integer: 8, decimal: 16, timestamp: 24, text: 16, boolean: 5 } as const;
  let perRow = 2; // line end
  for (const column of columns) {
    perRow += WIDTH[column.type] + 1;
    if (format !== "csv") perRow += column.name.length + 4; // "name": and quotes
  }
  return Math.max(1, Math.min(MAX_FRAME_ROWS, Math.floor(frameBytes / perRow)));
}

/**
 * A download just admitted: it reads the high-water mark first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialExportState } from "./export_state.ts";
 * const request = {
 *   timeFrom: 0,
 *   timeTo: 1,
 *   filters: [],
 *   outputFormat: "csv" as const,
 *   compression: false,
 *   neutralizeFormulas: true,
 * };
 * const s = initialExportState({ job: 1, requestId: "dl-1", request, limited: false, now: 0, frameRows: 10 });
 * equal(s.stage, "pinning");
 * ```
 */
export function initialExportState(admitted: {
  readonly job: number;
  readonly requestId: string;
  readonly request: ValidatedRequest;
  readonly resume?: ResumePoint;
  readonly limited: boolean;
  readonly now: number;
  readonly frameRows: number;
}): ExportState {
  return {
    job: admitted.job,
    requestId: admitted.requestId,
    request: admitted.request,
    ...(admitted.resume === undefined ? {} : { resume: admitted.resume }),
    limited: admitted.limited,
    startedAt: admitted.now,
    stage: "pinning",
    phase: "requested",
    totalRows: 0,
    rows: 0,
    bytes: 0,
    sequence: 0,
    cursor: "",
    digest: INITIAL_DIGEST,
    unacked: [],
    unackedBytes: 0,
    frameRows: admitted.frameRows,
    rate: [],
  };
}

/**
 * The download as `status:update` reports one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { exportStatus, initialExportState } from "./export_state.ts";
 * const request = {
 *   timeFrom: 0,
 *   timeTo: 1,
 *   filters: [],
 *   outputFormat: "csv" as const,
 *   compression: false,
 *   neutralizeFormulas: true,
 * };
 * const s = initialExportState({ job: 1, requestId: "dl-1", request, limited: false, now: 0, frameRows: 10 });
 * equal(exportStatus(s).phase, "requested");
 * ```
 */
export function exportStatus(state: ExportState): DownloadStatus {
  return {
    requestId: state.requestId,
    phase: state.phase,
    processedRows: state.rows,
    totalRows: state.totalRows,
    processedBytes: state.bytes,
  };
}
