/**
 * One WebSocket connection on the server: parses what the client sends,
 * answers every bad message with its code and keeps serving, runs the
 * connection's downloads side by side, and batches their progress.
 *
 * @module
 */

import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type {
  ClientMessage,
  DownloadRequest,
  DownloadStatus,
  ProgressUpdate,
  ResumePoint,
  ServerMessage,
  SystemHealth,
} from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { parseClientMessage, type ParseLimits } from "../protocol/parse.ts";
import { ProgressBatcher } from "../protocol/progress.ts";
import { type RequestLimits, validateDownloadRequest } from "../protocol/request.ts";
import type { DataSource } from "./data_source.ts";
import { ExportJob, type JobLimits } from "./export_job.ts";

/** What a session needs from the server that owns it. */
export interface SessionContext {
  readonly source: DataSource;
  readonly jobLimits: JobLimits;
  readonly requestLimits: RequestLimits;
  readonly parseLimits: ParseLimits;
  /** Most downloads running at once on one connection. */
  readonly maxDownloads: number;
  /** A connection that sends nothing for this long is closed with IDLE_TIMEOUT. */
  readonly idleTimeoutMs: number;
  /** The server's health, for `connection:health`. */
  health(): SystemHealth;
}

/** Finished downloads remembered per connection, for `status:check` and late acks. */
const FINISHED_KEPT = 64;

/** The server side of one connection. */
export class Session {
  readonly #socket: WebSocket;
  readonly #context: SessionContext;
  readonly #jobs = new Map<string, { job: ExportJob; done: Promise<void> }>();
  readonly #finished = new Map<string, DownloadStatus>();
  readonly #batcher = new ProgressBatcher();
  #batchTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastHeard = Date.now();
  #closed = false;

  constructor(socket: WebSocket, context: SessionContext) {
    this.#socket = socket;
    this.#context = context;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => this.#receive(event.data));
    socket.addEventListener("close", () => this.#shutdown());
    this.#watchIdle(context.idleTimeoutMs);
  }

  /** Closes the connection once the client has been silent for `ms` (heartbeats count). */
  #watchIdle(ms: number): void {
    this.#idleTimer = setTimeout(() => {
      const silent = Date.now() - this.#lastHeard;
      if (silent < ms) return this.#watchIdle(ms - silent);
      this.#idleTimer = undefined;
      this.close(errorResponse("IDLE_TIMEOUT", { idleMs: silent }), 4408);
    }, ms);
  }

  /** Downloads running now. */
  get activeDownloads(): number {
    return this.#jobs.size;
  }

  /**
   * Stops every download where it stands, tells the client why on
   * `system:error` (a recoverable error, so it reconnects and resumes), and
   * closes the socket with `code`; resolves when all jobs have stopped.
   */
  async close(error: ErrorResponse, code = 1001): Promise<void> {
    // Said first: under `deno serve` the runtime closes the sockets soon after a signal.
    this.#systemError("server", error);
    await this.#shutdown();
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, error.code);
  }

  async #shutdown(): Promise<void> {
    const running = [...this.#jobs.values()];
    for (const { job } of running) job.abort();
    await Promise.all(running.map((r) => r.done));
    this.#closed = true;
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #receive(data: unknown): void {
    this.#lastHeard = Date.now();
    if (typeof data !== "string") {
      this.#systemError(
        "client",
        errorResponse("UNEXPECTED_EVENT", {
          reason: "binary messages travel from server to client only",
        }),
      );
      return;
    }
    const parsed = parseClientMessage(data, this.#context.parseLimits);
    if (!parsed.ok) {
      const { error, event, requestId } = parsed.error;
      if (requestId !== undefined && event?.startsWith("download:")) {
        this.#send({ event: "download:error", data: error, timestamp: Date.now(), requestId });
      } else this.#systemError(requestId ?? "client", error);
      return;
    }
    this.#dispatch(parsed.value);
  }

  #dispatch(message: ClientMessage): void {
    const { requestId } = message;
    switch (message.event) {
      case "download:request":
        return this.#start(requestId, message.data);
      case "download:resume":
        return this.#start(requestId, message.data.request, message.data.resume);
      case "download:cancel": {
        const running = this.#jobs.get(requestId);
        if (running !== undefined) running.job.cancel();
        else if (!this.#finished.has(requestId)) this.#downloadError(requestId, "UNKNOWN_REQUEST");
        return;
      }
      case "download:ack": {
        const running = this.#jobs.get(requestId);
        if (running !== undefined) {
          if (!running.job.ack(message.data.sequence)) {
            this.#downloadError(requestId, "INVALID_VALUE", { reason: "ack of an unsent frame" });
          }
        } else if (!this.#finished.has(requestId)) {
          this.#downloadError(requestId, "UNKNOWN_REQUEST");
        }
        return;
      }
      case "status:check": {
        const target = message.data.requestId;
        const downloads = target === undefined
          ? this.#statuses()
          : this.#statuses().filter((s) => s.requestId === target);
        if (target !== undefined && downloads.length === 0) {
          this.#downloadError(requestId, "UNKNOWN_REQUEST", { requestId: target });
        } else {
          this.#send({
            event: "status:update",
            data: { downloads },
            timestamp: Date.now(),
            requestId,
          });
        }
        return;
      }
      case "connection:health":
        this.#send({
          event: "connection:health",
          data: this.#context.health(),
          timestamp: Date.now(),
          requestId,
        });
        return;
      case "auth:nonce":
      case "auth:authenticate":
        this.#systemError(
          requestId,
          errorResponse("UNEXPECTED_EVENT", {
            reason: "this server does not offer authentication",
          }),
        );
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #start(requestId: string, request: DownloadRequest, resume?: ResumePoint): void {
    if (this.#jobs.has(requestId)) return this.#downloadError(requestId, "DUPLICATE_REQUEST");
    if (this.#jobs.size >= this.#context.maxDownloads) {
      return this.#downloadError(requestId, "TOO_MANY_DOWNLOADS", {
        limit: this.#context.maxDownloads,
      });
    }
    const { source, requestLimits, jobLimits } = this.#context;
    const validated = validateDownloadRequest(request, source.schema().columns, requestLimits);
    if (!validated.ok) {
      this.#send({
        event: "download:error",
        data: validated.error,
        timestamp: Date.now(),
        requestId,
      });
      return;
    }
    this.#finished.delete(requestId);
    const job = new ExportJob(
      requestId,
      validated.value,
      source,
      {
        sendFrame: (frame) => this.#sendBinary(frame),
        sendMessage: (m) => this.#send(m),
        bufferedAmount: () => this.#socket.bufferedAmount,
        progress: (update, final) => this.#progress(update, final),
      },
      jobLimits,
      resume,
    );
    const done = job.run().finally(() => {
      this.#jobs.delete(requestId);
      this.#batcher.drop(requestId);
      this.#finished.set(requestId, job.status());
      if (this.#finished.size > FINISHED_KEPT) {
        this.#finished.delete(this.#finished.keys().next().value!);
      }
    });
    this.#jobs.set(requestId, { job, done });
  }

  #statuses(): DownloadStatus[] {
    return [...this.#finished.values(), ...[...this.#jobs.values()].map((r) => r.job.status())];
  }

  #progress(update: ProgressUpdate, final: boolean): void {
    const now = Date.now();
    const batch = [...this.#batcher.add(update, now), ...(final ? this.#batcher.flush() : [])];
    this.#sendProgress(batch);
    this.#armBatchTimer(now);
  }

  #armBatchTimer(now: number): void {
    const deadline = this.#batcher.deadline();
    if (deadline === undefined || this.#batchTimer !== undefined || this.#closed) return;
    this.#batchTimer = setTimeout(() => {
      this.#batchTimer = undefined;
      const at = Date.now();
      this.#sendProgress(this.#batcher.due(at));
      this.#armBatchTimer(at);
    }, Math.max(0, deadline - now));
  }

  #sendProgress(batch: readonly ProgressUpdate[]): void {
    for (const update of batch) {
      this.#send({
        event: "download:progress",
        data: update,
        timestamp: Date.now(),
        requestId: update.requestId,
      });
    }
  }

  #downloadError(
    requestId: string,
    code: Parameters<typeof errorResponse>[0],
    details?: Record<string, string | number>,
  ): void {
    this.#send({
      event: "download:error",
      data: errorResponse(code, details),
      timestamp: Date.now(),
      requestId,
    });
  }

  #systemError(requestId: string, error: ErrorResponse): void {
    this.#send({ event: "system:error", data: error, timestamp: Date.now(), requestId });
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(encodeMessage(message));
  }

  #sendBinary(frame: Uint8Array): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(frame);
  }
}
