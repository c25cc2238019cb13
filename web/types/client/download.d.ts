// Generated from client/download.ts by `deno task bundle`; do not edit.
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
import type { BackoffOptions } from "../protocol/backoff.d.ts";
import { type ClientResumePoint, type DownloadEvent } from "../protocol/download_state.d.ts";
import type { FrameHeader } from "../protocol/download_state.d.ts";
import type { ClientMessage, DownloadComplete, DownloadRequest, DownloadStart, DownloadStatus, ProgressUpdate } from "../protocol/messages.d.ts";
import { SluiceError } from "./sluice_error.d.ts";
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
    pipeTo(destination: WritableStream<Uint8Array>, options?: StreamPipeOptions): Promise<DownloadSummary>;
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
/** The implementation behind {@linkcode Download}; the client drives it through `handle`. */
export declare class DownloadDriver implements Download {
    #private;
    readonly requestId: string;
    readonly request: DownloadRequest;
    readonly readable: ReadableStream<Uint8Array>;
    readonly done: Promise<DownloadComplete>;
    readonly started: Promise<DownloadStart>;
    constructor(requestId: string, request: DownloadRequest, port: DownloadPort, options?: DownloadOptions);
    /**
     * Feeds a data frame, its chain value computed with Web Crypto first.
     * Frames of one download must be fed one at a time, each once the
     * previous one's promise settled (the connection's channel does so).
     */
    frame(header: FrameHeader, payload: Uint8Array): Promise<void>;
    /** Feeds one event (a server message, a frame, or a local call) to the machine. */
    handle(event: DownloadEvent): void;
    status(): DownloadStatus;
    resumePoint(): ClientResumePoint | undefined;
    get active(): boolean;
    cancel(): void;
    onProgress(listener: (update: ProgressUpdate) => void): () => void;
    onRetry(listener: (retry: DownloadRetry) => void): () => void;
    pipeTo(destination: WritableStream<Uint8Array>, options?: StreamPipeOptions): Promise<DownloadSummary>;
    [Symbol.asyncIterator](): AsyncIterator<ProgressUpdate>;
}
