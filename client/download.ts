/**
 * One download on the client: the pure download machine driven by the
 * connection's messages and frames, exposed as a `ReadableStream` of the
 * export's bytes, progress events, an async iterator of progress, and a
 * `done` promise. Flow control follows the reader: a frame is acknowledged
 * to the server only when the stream's consumer has taken it, so progress
 * moves only while something reads (`pipeTo` does); an iterator left
 * waiting on an unread download throws instead of hanging.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { BackoffOptions } from "../protocol/backoff.ts";
import type { MachineClock } from "../protocol/connection_state.ts";
import { step } from "../protocol/download_machine.ts";
import {
  type ClientResumePoint,
  type DownloadEffect,
  type DownloadEvent,
  type DownloadState,
  downloadStatus,
  initialDownloadState,
  resumePoint,
} from "../protocol/download_state.ts";
import { errorResponse } from "../protocol/errors.ts";
import { chainDigestAsync } from "../transport/chain_digest_async.ts";
import type { FrameHeader } from "../protocol/download_state.ts";
import type {
  ClientMessage,
  DownloadComplete,
  DownloadRequest,
  DownloadStart,
  DownloadStatus,
  ProgressUpdate,
} from "../protocol/messages.ts";
import { SluiceError } from "./sluice_error.ts";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";

/** Options of one download. */
export interface DownloadOptions {
  /** Cancels the download when aborted. */
  readonly signal?: AbortSignal;
  /**
   * The request id; a fresh random one when absent.
   *
   * @default {undefined}
   */
  readonly requestId?: string;
  /**
   * For `compression: true`: deliver the decompressed bytes instead of the
   * gzip members as sent.
   *
   * @default {false}
   */
  readonly decompress?: boolean;
  /**
   * Continues a download of the same request from where an earlier one
   * stopped: its `resumePoint()`, saved (it is plain JSON) together with the
   * request. The bytes delivered are those after the saved point. A point
   * taken after the FINAL frame (`final: true`) completes at once, without
   * asking the server: every byte was in already.
   *
   * @default {undefined}
   */
  readonly resume?: ClientResumePoint;
  /**
   * Computes the SHA-256 of the bytes `readable` delivers, for
   * {@linkcode DownloadSummary.sha256} (in JavaScript, so it costs CPU:
   * about 50–250 MB/s of it).
   *
   * @default {false}
   */
  readonly sha256?: boolean;
}

/**
 * What {@linkcode Download.pipeTo} resolves with: the server's summary
 * (`bytes` as the server sent them, gzip members included, and `digest`, the
 * protocol's digest chain over the frames, PROTOCOL.md §7.1, which is not a
 * hash of the file) and what `readable` delivered.
 */
export interface DownloadSummary extends DownloadComplete {
  /**
   * Bytes `readable` delivered: `bytes`, or with `decompress` the larger
   * decompressed count; after `resume`, only those after the resume point.
   */
  readonly deliveredBytes: number;
  /** With `sha256: true`, the SHA-256 (hex) of those bytes, what `sha256sum` says of the file. */
  readonly sha256?: string;
}

/**
 * The server refused or stopped a download for now (its database is away,
 * a limit is full: a recoverable error with `retryAfter`), and the client
 * asks again, from where the download stands, after `delayMs`.
 */
export interface DownloadRetry {
  /** What the server said. */
  readonly error: SluiceError;
  /** This attempt, from 1; a frame received resets the count. */
  readonly attempt: number;
  /** The attempts allowed in a row (the client's reconnect attempts). */
  readonly attempts: number;
  /** Milliseconds until the client asks again. */
  readonly delayMs: number;
}

/**
 * A running download, as `SluiceClient.download()` returns it. Iterating it
 * (`for await`) yields the progress updates; the server sends only as fast
 * as {@linkcode Download.readable} is read, so read it (or `pipeTo`) first:
 * an iterator waiting on bytes nothing reads throws a `TypeError`.
 */
export interface Download extends AsyncIterable<ProgressUpdate> {
  /** The id naming this download in every message and frame. */
  readonly requestId: string;
  /** The request as sent. */
  readonly request: DownloadRequest;
  /** The export's bytes, in order; read it to let the download go on. */
  readonly readable: ReadableStream<Uint8Array>;
  /**
   * The summary once every byte arrived and checked out: rows, bytes, and
   * the digest chain value that covers the whole payload (PROTOCOL.md §7.1);
   * rejects with a {@linkcode SluiceError}.
   */
  readonly done: Promise<DownloadComplete>;
  /** The server's `download:start`, once it arrived. */
  readonly started: Promise<DownloadStart>;
  /** Where the download stands now. */
  status(): DownloadStatus;
  /**
   * Where to resume after the last complete frame, and whether it was the
   * FINAL one; undefined before `download:start`.
   */
  resumePoint(): ClientResumePoint | undefined;
  /** Stops the download; `done` rejects with `CANCELLED`. */
  cancel(): void;
  /** Calls `listener` with every progress update until the download ends; returns an unsubscribe. */
  onProgress(listener: (update: ProgressUpdate) => void): () => void;
  /**
   * Calls `listener` each time the server turns the download away for now
   * and the client will ask again (see {@linkcode DownloadRetry}); once the
   * attempts are used up, `done` rejects with the server's error instead.
   * Returns an unsubscribe.
   */
  onRetry(listener: (retry: DownloadRetry) => void): () => void;
  /**
   * Pipes {@linkcode Download.readable} into `destination` and resolves with
   * the summary once both are done: the one call that saves a download.
   * Progress goes on meanwhile through `onProgress` or `for await`.
   */
  pipeTo(destination: WritableStream<Uint8Array>, options?: StreamPipeOptions): Promise<
    DownloadSummary
  >;
}

/** What a download needs from its connection. */
export interface DownloadPort {
  /** Sends a control message if the connection is open; drops it otherwise (resume covers it). */
  send(message: ClientMessage): void;
  /** Called once when the download has ended, whatever the outcome. */
  ended(requestId: string): void;
  /**
   * How the server's recoverable errors with `retryAfter` are retried (the
   * connection's reconnect policy); never when absent.
   */
  readonly retry?: BackoffOptions;
}

/** Progress updates kept for a slow iterator; older ones are dropped first. */
const PROGRESS_KEPT = 256;

const UNREAD = "progress waits for download.readable to be read: call download.pipeTo(…) " +
  "(or read download.readable) before iterating the progress";

const clock = (): MachineClock => ({ now: Date.now(), random: Math.random() });

/** The implementation behind {@linkcode Download}; the client drives it through `handle`. */
export class DownloadDriver implements Download {
  readonly requestId: string;
  readonly request: DownloadRequest;
  readonly readable: ReadableStream<Uint8Array>;
  readonly done: Promise<DownloadComplete>;
  readonly started: Promise<DownloadStart>;
  readonly #port: DownloadPort;
  readonly #decompress: boolean;
  readonly #hash: ReturnType<typeof sha256.create> | undefined;
  #delivered = 0;
  #state: DownloadState;
  /** Delivered frames not yet taken by the reader. */
  readonly #queue: { sequence: number; payload: Uint8Array }[] = [];
  #wakeReader: (() => void) | undefined;
  readonly #listeners = new Set<(update: ProgressUpdate) => void>();
  readonly #retryListeners = new Set<(retry: DownloadRetry) => void>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #progress: ProgressUpdate[] = [];
  #wakeIterator: (() => void) | undefined;
  #resolve!: (summary: DownloadComplete) => void;
  #reject!: (error: SluiceError) => void;
  #resolveStart!: (start: DownloadStart) => void;
  #ended = false;
  #controller!: ReadableStreamDefaultController<Uint8Array>;

  constructor(
    requestId: string,
    request: DownloadRequest,
    port: DownloadPort,
    options: DownloadOptions = {},
  ) {
    this.requestId = requestId;
    this.request = request;
    this.#port = port;
    this.#decompress = options.decompress === true && request.compression;
    this.#hash = options.sha256 === true ? sha256.create() : undefined;
    this.#state = initialDownloadState(requestId, request, options.resume, port.retry);
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.started = new Promise((resolve) => this.#resolveStart = resolve);
    // A caller that only awaits `done` must not see an unhandled `started`.
    this.done.catch(() => {});
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: () => this.cancel(),
    }, { highWaterMark: 0 });
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) queueMicrotask(() => this.cancel());
      else signal.addEventListener("abort", () => this.cancel(), { once: true });
    }
  }

  /**
   * Feeds a data frame, its chain value computed with Web Crypto first.
   * Frames of one download must be fed one at a time, each once the
   * previous one's promise settled (the connection's channel does so).
   */
  async frame(header: FrameHeader, payload: Uint8Array): Promise<void> {
    const digest = await chainDigestAsync(this.#state.digest, payload);
    this.handle({ type: "frame", header, payload, digest });
  }

  /** Feeds one event (a server message, a frame, or a local call) to the machine. */
  handle(event: DownloadEvent): void {
    const result = step(this.#state, event, clock());
    this.#state = result.state;
    for (const effect of result.effects) this.#apply(effect);
  }

  status(): DownloadStatus {
    return downloadStatus(this.#state);
  }

  resumePoint(): ClientResumePoint | undefined {
    return resumePoint(this.#state);
  }

  get active(): boolean {
    return !this.#ended;
  }

  cancel(): void {
    this.handle({ type: "cancel" });
  }

  onProgress(listener: (update: ProgressUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onRetry(listener: (retry: DownloadRetry) => void): () => void {
    this.#retryListeners.add(listener);
    return () => this.#retryListeners.delete(listener);
  }

  async pipeTo(
    destination: WritableStream<Uint8Array>,
    options?: StreamPipeOptions,
  ): Promise<DownloadSummary> {
    await this.readable.pipeTo(destination, options);
    const summary = await this.done;
    const sha = this.#hash === undefined ? {} : { sha256: bytesToHex(this.#hash.digest()) };
    return { ...summary, deliveredBytes: this.#delivered, ...sha };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ProgressUpdate> {
    for (;;) {
      const next = this.#progress.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      // Bytes wait and nothing reads them: the server's window fills, and the next update would
      // never come. Say so instead of hanging.
      if (this.#queue.length > 0 && !this.readable.locked) throw new TypeError(UNREAD);
      await new Promise<void>((resolve) => this.#wakeIterator = resolve);
    }
  }

  #apply(effect: DownloadEffect): void {
    switch (effect.type) {
      case "send":
        this.#port.send(effect.message);
        return;
      case "deliver":
        this.#queue.push({ sequence: this.#state.sequence - 1, payload: effect.payload });
        this.#wake();
        return;
      case "started":
        this.#resolveStart(effect.data);
        return;
      case "progress":
        this.#progress.push(effect.update);
        if (this.#progress.length > PROGRESS_KEPT) this.#progress.shift();
        for (const listener of this.#listeners) listener(effect.update);
        this.#wake();
        return;
      case "completed":
        this.#resolve(effect.summary);
        this.#end();
        return;
      case "failed": {
        const error = new SluiceError(effect.error);
        this.#reject(error);
        // Bytes not yet read are not part of any export now: the reader sees the error at once.
        this.#queue.length = 0;
        this.#controller.error(error);
        this.#end();
        return;
      }
      case "retrying": {
        const { attempt, attempts, delayMs } = effect;
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.handle({ type: "retry" }), delayMs);
        const retry = { error: new SluiceError(effect.error), attempt, attempts, delayMs };
        for (const listener of this.#retryListeners) listener(retry);
        return;
      }
      case "rejected":
        throw new SluiceError(effect.error);
      default: {
        const unreachable: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#retryTimer);
    this.#wake();
    this.#port.ended(this.requestId);
  }

  #wake(): void {
    const reader = this.#wakeReader, iterator = this.#wakeIterator;
    this.#wakeReader = this.#wakeIterator = undefined;
    reader?.();
    iterator?.();
  }

  async #pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      const frame = this.#queue.shift();
      if (frame !== undefined) {
        const bytes = this.#decompress ? await gunzipMember(frame.payload) : frame.payload;
        this.#delivered += bytes.length;
        this.#hash?.update(bytes);
        if (bytes.length > 0) controller.enqueue(bytes);
        // Acknowledge only what the reader took: this is the flow control of the protocol.
        this.handle({ type: "consumed", sequence: frame.sequence });
        if (bytes.length > 0) return;
        continue;
      }
      const { phase, error } = this.#state;
      if (phase === "complete") return controller.close();
      if (phase === "error" || phase === "cancelled") {
        return controller.error(new SluiceError(error ?? errorResponse("CANCELLED")));
      }
      await new Promise<void>((resolve) => this.#wakeReader = resolve);
    }
  }
}

/** Decompresses one complete gzip member (every frame of a compressed download is one). */
async function gunzipMember(member: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([member as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
