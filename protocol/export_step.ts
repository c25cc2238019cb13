/**
 * One download on the server as a pure state machine (PROTOCOL.md §9):
 * pin the row set, plan the resume, announce `download:start`, then read a
 * page at a time while the reader's window and the socket have room, cut
 * each page into a data frame at row boundaries, chain its digest, and end
 * with `download:complete`. The shell answers its questions to the data
 * source (`readHighWaterMark`, `countRows`, `readPage`) with events; the
 * session machine routes the client's acknowledgements and cancels to it.
 *
 * The rules, each in one place:
 * - resume planning (§9.5): the client's high-water mark must be at or
 *   below the source's, its cursor a key, its rows no more than the export
 *   has; the chain goes on from its digest, the frames from its sequence,
 *   rows and bytes;
 * - flow control (§9.2): no page is read while the frames sent and not
 *   acknowledged hold `windowBytes` or more, nor while the socket holds more
 *   than `socketBufferBytes` (the session tracks it); acknowledgements are
 *   cumulative, and one of a frame never sent is refused;
 * - frame cutting (§8): a page of `frameRows` rows, or the longest half,
 *   quarter, … of it whose bytes fit {@linkcode MAX_FRAME_RAW}; the header
 *   before byte 0, the footer in the FINAL frame, which is the one cut from
 *   a short page whole;
 * - the digest chain (§7.1), with the SHA-256 port.
 *
 * A cancel is answered at once, with what was sent: a page read in flight
 * is dropped when it comes back (the download is no longer running), so no
 * frame follows `download:cancelled`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { chosenColumns, projectedEncoder } from "./column_choice.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { ServerMessage } from "./messages.ts";
import type { ValidatedFilter } from "./filter.ts";
import { progressFromRate, rateOf, recordRate } from "./progress_state.ts";
import { buildFrame, type BuiltFrame, keyOf, rowCount } from "./export_frame.ts";
import type {
  ExportContext,
  ExportEffect,
  ExportEvent,
  ExportProgress,
  ExportQuery,
  ExportState,
  ExportStep,
  PageEncoding,
  PageRows,
  RowEncoderPort,
  SourceFailure,
} from "./export_state.ts";
import { UnfitValueError } from "./export_state.ts";
import { EXPORT_TRANSITIONS, type ExportEventKey } from "./export_table.ts";

/** A key as the protocol carries it (decimal text of an unsigned 63-bit integer). */
const KEY = /^(0|[1-9][0-9]{0,18})$/;

/** The largest key: a signed 64-bit column holds no more, and no source has a larger one. */
const MAX_KEY = (1n << 63n) - 1n;

/** A key from its text, or undefined if it is not one (19 digits may still be too many). */
function parseKey(text: string): bigint | undefined {
  if (!KEY.test(text)) return undefined;
  const key = BigInt(text);
  return key <= MAX_KEY ? key : undefined;
}

/**
 * Applies one event to a running download. Pure but for the ports, which
 * compute bytes: the same state, event and context always give the same
 * result.
 *
 * @throws {Error} only if the code disagrees with {@linkcode EXPORT_TRANSITIONS}, a bug.
 *
 * @example Cancelled before it started
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialExportState } from "./export_state.ts";
 * import { exportStep } from "./export_step.ts";
 * const request = {
 *   timeFrom: 0, timeTo: 1, filters: [], outputFormat: "csv" as const,
 *   compression: false, neutralizeFormulas: true,
 * };
 * const state = initialExportState({ job: 1, requestId: "dl-1", request, limited: false, now: 0, frameRows: 10 });
 * const context = {
 *   columns: [], keyIndex: 0, now: 5, socketQueued: 0, draining: false,
 *   limits: { frameBytes: 1024, windowBytes: 4096, socketBufferBytes: 4096, gzipLevel: 1 },
 *   ports: { sha256: () => new Uint8Array(32), gzip: (b: Uint8Array) => b, encoder: () => { throw new Error("unused"); } },
 * };
 * const r = exportStep(state, { type: "download:cancel" }, context);
 * equal(r.target, "cancelled");
 * equal(r.effects[0].type, "send");
 * ```
 */
export function exportStep(
  state: ExportState,
  event: ExportEvent,
  context: ExportContext,
): ExportStep {
  const key: ExportEventKey = event.type;
  const allowed = EXPORT_TRANSITIONS[state.stage][key];
  if (allowed === undefined) return { state, target: state.stage, effects: [], sent: 0 };
  const next = listed(state, event, context);
  if (!allowed.includes(next.target)) {
    throw new Error(`export ${state.stage} --${key}--> ${next.target} is not in the table`);
  }
  return next;
}

/** The envelope fields of a message about this download, sent now. */
function message<E extends ServerMessage["event"]>(
  state: ExportState,
  context: ExportContext,
  event: E,
  data: Extract<ServerMessage, { event: E }>["data"],
): ExportEffect {
  const envelope = { event, data, timestamp: context.now, requestId: state.requestId };
  return { type: "send", message: envelope as ServerMessage };
}

function stay(state: ExportState, effects: ExportStep["effects"] = []): ExportStep {
  return { state, target: state.stage, effects, sent: 0 };
}

/** Ends the download in `error` with `download:error`. */
function fail(
  state: ExportState,
  context: ExportContext,
  error: ErrorResponse,
  log?: ExportEffect,
): ExportStep {
  return {
    state: { ...state, phase: "error", encoder: undefined },
    target: "error",
    effects: [
      ...(log === undefined ? [] : [log]),
      message(state, context, "download:error", error),
    ],
    sent: 0,
  };
}

/**
 * What a client is told of rows the encoder could not write: a value that
 * does not fit its column is `UNEXPORTABLE_VALUE`, with the column and, when
 * `page` holds it, the row's key (the table's data is at fault, and every
 * resume would meet it again); anything else is a bug, `INTERNAL_ERROR`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeError } from "./export_step.ts";
 * import { UnfitValueError } from "./export_state.ts";
 * const error = new UnfitValueError("price", "string abc does not fit decimal column price").inRow(1);
 * deepEqual(encodeError(error, [[7n, "1.00"], [9n, "abc"]], 0).details, { column: "price", key: "9" });
 * ```
 */
export function encodeError(
  error: unknown,
  page: PageRows | undefined,
  keyIndex: number,
): ErrorResponse {
  if (!(error instanceof UnfitValueError)) return errorResponse("INTERNAL_ERROR");
  const { column, row } = error;
  const cell = page === undefined || row === undefined || row >= rowCount(page)
    ? undefined
    : keyOf(page, row, keyIndex);
  // A key that is itself the value that does not fit stays in the log, as every value does.
  const key = typeof cell === "bigint" || Number.isSafeInteger(cell) ? String(cell) : undefined;
  return errorResponse("UNEXPORTABLE_VALUE", key === undefined ? { column } : { column, key });
}

/**
 * What a client is told of a failed read: whether resuming later can help
 * (PROTOCOL.md §11), never what the database said.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sourceError } from "./export_step.ts";
 * equal(sourceError({ kind: "timeout" }).code, "SOURCE_UNAVAILABLE");
 * equal(sourceError({ kind: "unfit", column: "id" }).details?.column, "id");
 * ```
 */
export function sourceError({ kind, column }: SourceFailure): ErrorResponse {
  switch (kind) {
    case "unavailable":
    case "timeout":
      return errorResponse("SOURCE_UNAVAILABLE", { reason: kind });
    case "failed":
      return errorResponse("SOURCE_FAILED");
    case "unfit":
      return errorResponse("UNEXPORTABLE_VALUE", column === undefined ? undefined : { column });
    case "internal":
      return errorResponse("INTERNAL_ERROR");
    default: {
      const never: never = kind;
      throw new Error(`unknown source failure ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Reads the next page if the window and the socket have room, else waits.
 * `sent` is what this step queued already.
 */
function pump(state: ExportState, context: ExportContext, sent: number): ExportStep {
  const socketFull = context.draining ||
    context.socketQueued + sent > context.limits.socketBufferBytes;
  if (state.unackedBytes >= context.limits.windowBytes || socketFull) {
    return { state: { ...state, stage: "waiting" }, target: "waiting", effects: [], sent };
  }
  const query = {
    ...state.query!,
    ...(state.cursor === "" ? {} : { after: BigInt(state.cursor) }),
  };
  return {
    state: { ...state, stage: "reading" },
    target: "reading",
    effects: [{
      type: "readPage",
      job: state.job,
      query,
      limit: state.frameRows,
      encoding: encodingOf(state.request),
    }],
    sent,
  };
}

function encodingOf(request: ExportState["request"]): PageEncoding {
  const { outputFormat: format, neutralizeFormulas, columns } = request;
  return columns === undefined
    ? { format, neutralizeFormulas }
    : { format, columns, neutralizeFormulas };
}

function listed(state: ExportState, event: ExportEvent, context: ExportContext): ExportStep {
  switch (event.type) {
    case "highWaterMark":
      return pinned(state, event.value, context);
    case "rowCount":
      return counted(state, event.rows, context);
    case "page":
      return paged(state, event.rows, context);
    case "sourceFailed":
      return fail(state, context, sourceError(event));
    case "download:ack": {
      const { sequence } = event;
      if (sequence >= state.sequence) {
        const error = errorResponse("INVALID_VALUE", { reason: "ack of an unsent frame" });
        return stay(state, [message(state, context, "download:error", error)]);
      }
      let drop = 0;
      let freed = 0;
      while (drop < state.unacked.length && state.unacked[drop][0] <= sequence) {
        freed += state.unacked[drop++][1];
      }
      const acked = {
        ...state,
        unacked: drop === 0 ? state.unacked : state.unacked.slice(drop),
        unackedBytes: state.unackedBytes - freed,
      };
      return state.stage === "waiting" ? pump(acked, context, 0) : stay(acked);
    }
    case "download:cancel": {
      const data = { rows: state.rows, bytes: state.bytes };
      return {
        state: { ...state, phase: "cancelled", encoder: undefined },
        target: "cancelled",
        effects: [message(state, context, "download:cancelled", data)],
        sent: 0,
      };
    }
    case "drained":
      return state.stage === "waiting" ? pump(state, context, 0) : stay(state);
    case "abort":
      // The connection is gone or going: not a word, the client resumes elsewhere.
      return { state: { ...state, encoder: undefined }, target: "aborted", effects: [], sent: 0 };
    default: {
      const never: never = event;
      throw new Error(`unknown export event ${JSON.stringify(never)}`);
    }
  }
}

/** The source's high-water mark is in: pin the row set, or refuse the resume point. */
function pinned(state: ExportState, current: bigint, context: ExportContext): ExportStep {
  const { resume, request } = state;
  const highWaterMark = resume === undefined ? current : parseKey(resume.highWaterMark);
  if (highWaterMark === undefined || highWaterMark > current) {
    return fail(
      state,
      context,
      errorResponse("RESUME_MISMATCH", { reason: "unknown high-water mark" }),
    );
  }
  const cursor = resume?.cursor ?? "";
  if (cursor !== "" && parseKey(cursor) === undefined) {
    return fail(state, context, errorResponse("RESUME_MISMATCH", { reason: "malformed cursor" }));
  }
  const query: ExportQuery = {
    timeFrom: request.timeFrom,
    timeTo: request.timeTo,
    filters: request.filters,
    highWaterMark,
  };
  // The server keeps no record of whose download this was: under a row rule, the row the client
  // last received must be one the rule selects for this identity, or the client's file would
  // hold two identities' rows (a resume point of another identity). Counted first.
  const vetting = context.rowFiltered === true && cursor !== "";
  const key = context.columns[context.keyIndex];
  const cursorRow: ValidatedFilter[] = vetting
    ? [{ field: key.name, type: key.type, operator: "eq", values: [BigInt(cursor)] }]
    : [];
  return {
    state: { ...state, stage: "counting", query, cursor, ...(vetting ? { vetting } : {}) },
    target: "counting",
    effects: [{
      type: "countRows",
      job: state.job,
      query: vetting ? { ...query, filters: [...query.filters, ...cursorRow] } : query,
    }],
    sent: 0,
  };
}

/** The rows are counted: check the limits and the resume point, then announce the download. */
function counted(state: ExportState, totalRows: number, context: ExportContext): ExportStep {
  if (state.vetting === true) {
    if (totalRows !== 1) {
      const reason = "the cursor's row is not among this identity's rows";
      return fail(state, context, errorResponse("RESUME_MISMATCH", { reason }));
    }
    return {
      state: { ...state, vetting: false },
      target: "counting",
      effects: [{ type: "countRows", job: state.job, query: state.query! }],
      sent: 0,
    };
  }
  const { maxRows } = context.limits;
  if (maxRows !== undefined && totalRows > maxRows) {
    return fail(
      state,
      context,
      errorResponse("ROW_LIMIT_EXCEEDED", { rows: totalRows, limit: maxRows }),
    );
  }
  const { resume, request } = state;
  const from = resume === undefined
    ? { rows: state.rows, bytes: state.bytes, sequence: state.sequence }
    : { rows: resume.rows, bytes: resume.bytes, sequence: resume.sequence };
  if (from.rows > totalRows) {
    return fail(
      state,
      context,
      errorResponse("RESUME_MISMATCH", { reason: "more rows than the export has" }),
    );
  }
  // The columns the request chose (column_choice.ts): the source's rows are cut down to them.
  const written = chosenColumns(context.columns, request.columns);
  let encoder: RowEncoderPort;
  try {
    encoder = projectedEncoder(
      context.ports.encoder({
        format: request.outputFormat,
        columns: written,
        neutralizeFormulas: request.neutralizeFormulas,
      }),
      request.columns,
    );
  } catch (error) {
    return fail(state, context, errorResponse("INTERNAL_ERROR"), {
      type: "log",
      message: `sluice: download ${state.requestId} failed:`,
      error,
    });
  }
  const started: ExportState = {
    ...state,
    phase: "started",
    totalRows,
    ...from,
    // The chain goes on from the client's resume point (§7.1), so the FINAL frame's digest
    // covers the whole payload from byte 0 though this connection sends only the rest.
    digest: resume === undefined ? state.digest : resume.digest,
    encoder,
    rate: recordRate([], context.now, from.rows, from.bytes),
  };
  const start = message(state, context, "download:start", {
    totalRows,
    columns: written.map(({ name, type }) => ({ name, type })),
    highWaterMark: String(state.query!.highWaterMark),
    outputFormat: request.outputFormat,
    compression: request.compression,
    resumed: resume !== undefined,
  });
  const next = pump(started, context, 0);
  return { ...next, effects: [start, ...next.effects] };
}

/** A page is in: send one frame of it, and complete after the FINAL one. */
function paged(state: ExportState, page: PageRows, context: ExportContext): ExportStep {
  let built: BuiltFrame;
  try {
    built = buildFrame(state, page, context.keyIndex, context.limits.gzipLevel, context.ports);
  } catch (error) {
    return fail(state, context, encodeError(error, page, context.keyIndex), {
      type: "log",
      message: `sluice: download ${state.requestId} failed:`,
      error,
    });
  }
  const rows = state.rows + built.rows;
  const bytes = state.bytes + built.payloadBytes;
  const rate = recordRate(state.rate, context.now, rows, bytes);
  const next: ExportState = {
    ...state,
    phase: "streaming",
    rows,
    bytes,
    sequence: state.sequence + 1,
    cursor: built.cursor,
    digest: built.digest,
    unacked: [...state.unacked, [state.sequence, built.payloadBytes]],
    unackedBytes: state.unackedBytes + built.payloadBytes,
    rate,
  };
  const update = progressFromRate(
    state.requestId,
    rows,
    state.totalRows,
    bytes,
    rateOf(rate, "rows"),
  );
  const effects: (ExportEffect | ExportProgress)[] = [
    { type: "sendFrame", requestId: state.requestId, frame: built.frame },
    { type: "progress", update, final: built.final },
  ];
  if (!built.final) {
    const pumped = pump(next, context, built.frame.length);
    return { ...pumped, effects: [...effects, ...pumped.effects] };
  }
  const complete = message(next, context, "download:complete", {
    rows,
    bytes,
    digest: built.digest,
    durationMs: context.now - state.startedAt,
  });
  return {
    state: { ...next, phase: "complete", encoder: undefined },
    target: "complete",
    effects: [...effects, complete],
    sent: built.frame.length,
  };
}
