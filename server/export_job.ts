/**
 * One download on the server: pins the row set, announces it, then reads
 * pages from the data source, encodes them, cuts them into data frames at
 * row boundaries and hands them to the connection, never running more than
 * a window of unacknowledged bytes ahead of the reader.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { setImmediate } from "node:timers";
import { gzipSync } from "node:zlib";
import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import { INITIAL_DIGEST } from "../protocol/digest_chain.ts";
import { encodeDataFrame, MAX_PAYLOAD_BYTES } from "../protocol/frame.ts";
import type {
  DownloadPhase,
  DownloadStatus,
  ProgressUpdate,
  ResumePoint,
  ServerMessage,
} from "../protocol/messages.ts";
import { progressUpdate, RateMeter } from "../protocol/progress.ts";
import type { ValidatedRequest } from "../protocol/request.ts";
import type { ColumnSchema } from "../protocol/filter.ts";
import type { DataSource, ScanQuery } from "./data_source.ts";
import { RowEncoder } from "./formats.ts";

/** Where a job's output goes: the connection it belongs to. */
export interface JobSink {
  /** Sends one binary data frame. */
  sendFrame(frame: Uint8Array): void;
  /** Sends one control message. */
  sendMessage(message: ServerMessage): void;
  /** Bytes queued on the socket and not yet written to the network. */
  bufferedAmount(): number;
  /** Reports progress, for batching (seed 000 §5.2). */
  progress(update: ProgressUpdate, final: boolean): void;
}

/** Tuning of a job; the server's options set them. */
export interface JobLimits {
  /** Target raw (uncompressed) payload bytes per data frame. */
  readonly frameBytes: number;
  /** Most payload bytes sent and not yet acknowledged by the reader. */
  readonly windowBytes: number;
  /** Most bytes queued on the socket before every job of it waits. */
  readonly socketBufferBytes: number;
  /** gzip level for `compression: true` (node:zlib, 1 = fastest). */
  readonly gzipLevel: number;
  /** Most rows one download may have (refused with ROW_LIMIT_EXCEEDED before any is sent). */
  readonly maxRows?: number;
}

/** Raw bytes a frame may carry: room left under the decoder's limit for gzip's worst case. */
const MAX_FRAME_RAW = MAX_PAYLOAD_BYTES - 65_536;
/** How often to look at the socket again when its buffer is over the limit. */
const SOCKET_POLL_MS = 2;

const utf8 = new TextEncoder();

/** A running download. Create it, then `await run()`; it never throws. */
export class ExportJob {
  readonly requestId: string;
  readonly #request: ValidatedRequest;
  readonly #source: DataSource;
  readonly #sink: JobSink;
  readonly #limits: JobLimits;
  readonly #resume: ResumePoint | undefined;
  readonly #startedAt: number;
  readonly #keyIndex: number;
  readonly #meter = new RateMeter();
  #phase: DownloadPhase = "requested";
  #total = 0;
  #rows = 0;
  #bytes = 0;
  #sequence = 0;
  /** Frames sent and not yet acknowledged: [sequence, payload bytes]. */
  #unacked: [number, number][] = [];
  #unackedBytes = 0;
  #stop: ErrorResponse | "cancel" | "abort" | undefined;
  #wake: (() => void) | undefined;

  constructor(
    requestId: string,
    request: ValidatedRequest,
    source: DataSource,
    sink: JobSink,
    limits: JobLimits,
    resume?: ResumePoint,
  ) {
    this.requestId = requestId;
    this.#request = request;
    this.#source = source;
    this.#sink = sink;
    this.#limits = limits;
    this.#resume = resume;
    this.#startedAt = Date.now();
    const schema = source.schema();
    this.#keyIndex = schema.columns.findIndex((c) => c.name === schema.keyColumn);
  }

  /** True until the job has completed, failed or been cancelled. */
  get active(): boolean {
    return this.#phase === "requested" || this.#phase === "started" ||
      this.#phase === "streaming";
  }

  /** Where the job stands, for `status:update`. */
  status(): DownloadStatus {
    return {
      requestId: this.requestId,
      phase: this.#phase,
      processedRows: this.#rows,
      totalRows: this.#total,
      processedBytes: this.#bytes,
    };
  }

  /** The reader has consumed every frame up to `sequence`; false if it was never sent. */
  ack(sequence: number): boolean {
    if (sequence >= this.#sequence) return false;
    while (this.#unacked.length > 0 && this.#unacked[0][0] <= sequence) {
      this.#unackedBytes -= this.#unacked.shift()![1];
    }
    this.#wakeUp();
    return true;
  }

  /** Stops at once; the job answers `download:cancelled`. */
  cancel(): void {
    this.#stop ??= "cancel";
    this.#wakeUp();
  }

  /**
   * Stops at once without a word: the connection is going away (closed by
   * the peer, or the server shutting down), and the client resumes elsewhere.
   */
  abort(): void {
    this.#stop ??= "abort";
    this.#wakeUp();
  }

  /** Produces the whole download, or stops early; resolves when the job has ended. */
  async run(): Promise<void> {
    try {
      await this.#produce();
    } catch (e) {
      console.error(`download ${this.requestId} failed:`, e);
      this.#stop = errorResponse("INTERNAL_ERROR");
    }
    if (this.#phase === "complete") return;
    const stop = this.#stop ?? errorResponse("INTERNAL_ERROR");
    if (stop === "cancel") {
      this.#phase = "cancelled";
      this.#send("download:cancelled", { rows: this.#rows, bytes: this.#bytes });
    } else if (stop === "abort") {
      // Left as it stands: the download is not over for the client, which resumes it.
    } else {
      this.#phase = "error";
      this.#send("download:error", stop);
    }
  }

  async #produce(): Promise<void> {
    const resume = this.#resume;
    const current = await this.#source.highWaterMark();
    const highWaterMark = resume === undefined ? current : parseKey(resume.highWaterMark);
    if (highWaterMark === undefined || highWaterMark > current) {
      this.#stop = errorResponse("RESUME_MISMATCH", { reason: "unknown high-water mark" });
      return;
    }
    let after = resume === undefined || resume.cursor === "" ? undefined : parseKey(resume.cursor);
    if (resume !== undefined && resume.cursor !== "" && after === undefined) {
      this.#stop = errorResponse("RESUME_MISMATCH", { reason: "malformed cursor" });
      return;
    }
    const { columns } = this.#source.schema();
    const request = this.#request;
    const query: ScanQuery = {
      timeFrom: request.timeFrom,
      timeTo: request.timeTo,
      filters: request.filters,
      highWaterMark,
    };
    this.#total = await this.#source.count(query);
    const maxRows = this.#limits.maxRows;
    if (maxRows !== undefined && this.#total > maxRows) {
      this.#stop = errorResponse("ROW_LIMIT_EXCEEDED", { rows: this.#total, limit: maxRows });
      return;
    }
    if (resume !== undefined) {
      this.#rows = resume.rows;
      this.#bytes = resume.bytes;
      this.#sequence = resume.sequence;
      if (this.#rows > this.#total) {
        this.#stop = errorResponse("RESUME_MISMATCH", { reason: "more rows than the export has" });
        return;
      }
    }
    if (this.#stop !== undefined) return;
    this.#phase = "started";
    this.#send("download:start", {
      totalRows: this.#total,
      columns: columns.map(({ name, type }) => ({ name, type })),
      highWaterMark: String(highWaterMark),
      outputFormat: request.outputFormat,
      compression: request.compression,
      resumed: resume !== undefined,
    });
    const encoder = new RowEncoder({
      format: request.outputFormat,
      columns,
      neutralizeFormulas: request.neutralizeFormulas,
    });
    // The digest chain (PROTOCOL.md §7.1) goes on from the client's resume point, so the
    // FINAL frame's digest covers the whole payload from byte 0 though this job sends only the rest.
    let digest: Buffer = Buffer.from(resume?.digest ?? INITIAL_DIGEST, "hex");
    const frameRows = rowsPerFrame(columns, request.outputFormat, this.#limits.frameBytes);
    let cursor = resume?.cursor ?? "";
    // The meter needs a clock that never goes back.
    this.#meter.record(performance.now(), this.#rows, this.#bytes);
    for (;;) {
      await this.#windowOpen();
      if (this.#stop !== undefined) return;
      const page = await this.#source.page({ ...query, after }, frameRows);
      if (this.#stop !== undefined) return;
      const { rows, raw } = this.#cut(encoder, page.rows, page.rows.length < frameRows);
      const final = rows === page.rows.length && page.rows.length < frameRows;
      const payload = request.compression ? gzipSync(raw, { level: this.#limits.gzipLevel }) : raw;
      if (rows > 0) {
        after = BigInt(page.rows[rows - 1][this.#keyIndex] as number | bigint);
        cursor = String(after);
      }
      digest = createHash("sha256").update(digest).update(payload).digest();
      this.#sink.sendFrame(encodeDataFrame({
        requestId: this.requestId,
        sequence: this.#sequence,
        final,
        rowOffset: this.#rows,
        rowCount: rows,
        byteOffset: this.#bytes,
        digest,
        cursor,
        payload: payload instanceof Uint8Array ? payload : new Uint8Array(payload),
      }));
      this.#phase = "streaming";
      this.#unacked.push([this.#sequence, payload.length]);
      this.#unackedBytes += payload.length;
      this.#sequence++;
      this.#rows += rows;
      this.#bytes += payload.length;
      this.#meter.record(performance.now(), this.#rows, this.#bytes);
      this.#sink.progress(
        progressUpdate(this.requestId, this.#rows, this.#total, this.#bytes, this.#meter),
        final,
      );
      if (final) break;
      // Let the connection read acks, cancels and other downloads' turns.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.#phase = "complete";
    this.#send("download:complete", {
      rows: this.#rows,
      bytes: this.#bytes,
      digest: digest.toString("hex"),
      durationMs: Date.now() - this.#startedAt,
    });
  }

  /** Waits until the reader's window and the socket's buffer have room, or the job stops. */
  async #windowOpen(): Promise<void> {
    while (this.#stop === undefined) {
      if (this.#unackedBytes >= this.#limits.windowBytes) {
        await new Promise<void>((resolve) => this.#wake = resolve);
      } else if (this.#sink.bufferedAmount() > this.#limits.socketBufferBytes) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, SOCKET_POLL_MS);
          this.#wake = done;
          function done() {
            clearTimeout(timer);
            resolve();
          }
        });
      } else return;
      this.#wake = undefined;
    }
  }

  /**
   * The bytes of the next frame: the page's rows, or, if they encode to more
   * than a frame may carry, the longest half, quarter, … of them that fits
   * (at least one row). Where frames are cut depends only on where the frame
   * starts and on the rows, so a resumed download is cut exactly where the
   * uninterrupted one was, and its gzip members are the same bytes.
   */
  #cut(
    encoder: RowEncoder,
    page: readonly (readonly unknown[])[],
    last: boolean,
  ): { rows: number; raw: Uint8Array } {
    let rows = page.length;
    for (;;) {
      const final = last && rows === page.length;
      const raw = concat(
        this.#bytes === 0 ? utf8.encode(encoder.header()) : undefined,
        encoder.encodeRows(rows === page.length ? page : page.slice(0, rows), this.#rows === 0),
        final ? utf8.encode(encoder.footer()) : undefined,
      );
      if (raw.length <= MAX_FRAME_RAW || rows === 1) return { rows, raw };
      rows = Math.ceil(rows / 2);
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #send<E extends ServerMessage["event"]>(
    event: E,
    data: Extract<ServerMessage, { event: E }>["data"],
  ): void {
    this.#sink.sendMessage(
      { event, data, timestamp: Date.now(), requestId: this.requestId } as ServerMessage,
    );
  }
}

/** The bytes of a frame: the rows, with the header before and the footer after when given. */
function concat(
  head: Uint8Array | undefined,
  rows: Uint8Array,
  tail: Uint8Array | undefined,
): Uint8Array {
  if (head === undefined && tail === undefined) return rows;
  const out = new Uint8Array((head?.length ?? 0) + rows.length + (tail?.length ?? 0));
  out.set(head ?? [], 0);
  out.set(rows, head?.length ?? 0);
  out.set(tail ?? [], out.length - (tail?.length ?? 0));
  return out;
}

/**
 * Rows per frame, from the columns' expected widths: a pure function of the
 * request and the server's `frameBytes`, so that frames fall on the same rows
 * in every run of the same download (see `#cut`).
 */
export function rowsPerFrame(
  columns: readonly ColumnSchema[],
  format: ValidatedRequest["outputFormat"],
  frameBytes: number,
): number {
  const WIDTH = { integer: 8, decimal: 16, timestamp: 24, text: 16, boolean: 5 } as const;
  let perRow = 2; // line end
  for (const column of columns) {
    perRow += WIDTH[column.type] + 1;
    if (format !== "csv") perRow += column.name.length + 4; // "name": and quotes
  }
  return Math.max(1, Math.min(100_000, Math.floor(frameBytes / perRow)));
}

/** A key as the protocol carries it (decimal text), or undefined if malformed. */
function parseKey(text: string): bigint | undefined {
  return /^(0|[1-9][0-9]{0,18})$/.test(text) ? BigInt(text) : undefined;
}
