// Generated from protocol/download_state.ts by `deno task bundle`; do not edit.
/**
 * What one download is on the client, as plain values: its state, the
 * events that happen to it and the effects the shell carries out, the state
 * a download starts in (fresh or from a saved resume point), and the views
 * of it the client reports (`status:update`) and saves (its resume point).
 * The rules that move between them are `step` in download_machine.ts; the
 * legal moves, as data, are in download_table.ts.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type BackoffOptions } from "./backoff.d.ts";
import type { ErrorResponse } from "./errors.d.ts";
import type { DataFrame } from "./frame.d.ts";
import type { ClientMessage, DownloadCancelled, DownloadComplete, DownloadPhase, DownloadRequest, DownloadStart, DownloadStatus, ProgressUpdate, ResumePoint } from "./messages.d.ts";
/** The header fields of a data frame the machine checks; a decoded {@linkcode DataFrame} fits. */
export type FrameHeader = Pick<DataFrame, "sequence" | "rowOffset" | "rowCount" | "byteOffset" | "final" | "digest" | "cursor">;
/** The whole state of one download: a plain value, never mutated. */
export interface DownloadState {
    /** Where the download is. */
    readonly phase: DownloadPhase;
    /** The download's id, in every envelope and frame about it. */
    readonly requestId: string;
    /** The request, exactly as first sent. */
    readonly request: DownloadRequest;
    /**
     * Whether `send` came: the download is asked for, and goes out as soon as
     * a connection is open (now, or on its `resume`).
     */
    readonly submitted: boolean;
    /** Whether `download:request` (or `download:resume`) went out on the current connection. */
    readonly requestSent: boolean;
    /** The server's last `download:start`. */
    readonly start?: DownloadStart;
    /**
     * The pinned high-water mark, from the first `download:start` or from a
     * saved resume point; every later start must carry the same.
     */
    readonly highWaterMark?: string;
    /** When the last `download:request` or `download:resume` went out, epoch ms. */
    readonly sentAt?: number;
    /** The sequence number the next frame must have. */
    readonly sequence: number;
    /** Rows received. */
    readonly rows: number;
    /** Payload bytes received. */
    readonly bytes: number;
    /** The cursor of the last frame ("" before the first). */
    readonly cursor: string;
    /** The digest chain value after the last frame, hex ({@linkcode INITIAL_DIGEST} before the first). */
    readonly digest: string;
    /** Whether the FINAL frame arrived (then the download never resumes, PROTOCOL.md §9.5). */
    readonly final: boolean;
    /** The server's summary, once `complete`. */
    readonly summary?: DownloadComplete;
    /** Why the download ended, in `error` or `cancelled`. */
    readonly error?: ErrorResponse;
    /**
     * How a recoverable `download:error` that carries `retryAfter` is retried
     * (PROTOCOL.md §9.5): `maxAttempts` in a row, each after the longer of
     * the backoff's delay and `retryAfter`. Undefined: never, the error ends
     * the download.
     */
    readonly retry?: Required<BackoffOptions>;
    /** Server errors retried since the last frame arrived (a frame is progress, and resets it). */
    readonly attempt: number;
}
/** What happens to a download: server messages, frames, and the reader's calls. */
export type DownloadEvent = {
    readonly type: "send";
    /** Whether the connection is open now: the request goes out now, or on `resume`. */
    readonly connected: boolean;
} | {
    readonly type: "start";
    readonly data: DownloadStart;
} | {
    readonly type: "frame";
    readonly header: FrameHeader;
    readonly payload: Uint8Array;
    /**
     * `chainDigest(state digest, payload)` when the shell computed it
     * already (e.g. with Web Crypto, several times faster than in script);
     * the machine computes it otherwise, with `nobleSha256`.
     */
    readonly digest?: string;
} | {
    readonly type: "progress";
    readonly update: ProgressUpdate;
} | {
    readonly type: "complete";
    readonly summary: DownloadComplete;
} | {
    readonly type: "error";
    readonly error: ErrorResponse;
} | {
    readonly type: "cancel";
} | {
    readonly type: "cancelled";
    readonly data: DownloadCancelled;
} | {
    readonly type: "consumed";
    readonly sequence: number;
} | {
    readonly type: "resume";
} | {
    readonly type: "disconnected";
}
/** The delay a `retrying` effect asked for is over: ask the server again. */
 | {
    readonly type: "retry";
};
/** What the shell must do, in order. */
export type DownloadEffect = {
    readonly type: "send";
    readonly message: ClientMessage;
} | {
    readonly type: "deliver";
    readonly payload: Uint8Array;
} | {
    readonly type: "started";
    readonly data: DownloadStart;
} | {
    readonly type: "progress";
    readonly update: ProgressUpdate;
} | {
    readonly type: "completed";
    readonly summary: DownloadComplete;
} | {
    readonly type: "failed";
    readonly error: ErrorResponse;
} | {
    /**
     * The server refused or stopped the download for now (`error`): feed
     * `retry` after `delayMs`. Attempt `attempt` of `attempts`.
     */
    readonly type: "retrying";
    readonly error: ErrorResponse;
    readonly attempt: number;
    readonly attempts: number;
    readonly delayMs: number;
} | {
    readonly type: "rejected";
    readonly error: ErrorResponse;
};
/**
 * A {@linkcode ResumePoint} as the client keeps it: the wire's fields, plus
 * whether the FINAL frame is in. A plain JSON value: save it with the
 * request to continue later. A point with `final: true` is never sent: the
 * download is complete there, and continuing from it completes at once.
 */
export interface ClientResumePoint extends ResumePoint {
    /**
     * Whether the FINAL frame was received: every byte is in.
     *
     * @default {false}
     */
    readonly final?: boolean;
}
/**
 * A download that has not been sent yet; `step(state, { type: "send",
 * connected: true })` produces its `download:request`, or, given a `resume`
 * point saved from an earlier run, its `download:resume` from there (or,
 * from a point after the FINAL frame, completes at once). Sent while not
 * connected, it waits for the connection's `resume`. With `retry`, a
 * recoverable `download:error` carrying `retryAfter` is asked again that
 * many times in a row (see {@linkcode DownloadState.retry}); without it, it
 * ends the download.
 *
 * @throws {RangeError} when `retry` is invalid (see `resolveBackoff`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialDownloadState } from "./download_state.ts";
 * const s = initialDownloadState("dl-1", {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * });
 * equal(s.phase, "requested");
 * ```
 */
export declare function initialDownloadState(requestId: string, request: DownloadRequest, resume?: ClientResumePoint, retry?: BackoffOptions): DownloadState;
/**
 * Where the download stands after its last complete frame, with whether
 * that frame was the FINAL one; undefined before the first
 * `download:start`, since there is no pinned high-water mark to resume. A
 * plain JSON value: save it with the request to continue later.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialDownloadState, resumePoint } from "./download_state.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * equal(resumePoint(initialDownloadState("dl-1", request)), undefined);
 * ```
 */
export declare function resumePoint(state: DownloadState): ClientResumePoint | undefined;
/**
 * The resume point as `download:resume` carries it: `final` stays with the
 * client (see {@linkcode resumePoint} for the one it keeps).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialDownloadState, wireResumePoint } from "./download_state.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * equal(wireResumePoint(initialDownloadState("dl-1", request)), undefined); // nothing pinned yet
 * ```
 */
export declare function wireResumePoint(state: DownloadState): ResumePoint | undefined;
/**
 * The download as `status:update` reports one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { downloadStatus, initialDownloadState } from "./download_state.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * equal(downloadStatus(initialDownloadState("dl-1", request)).totalRows, 0);
 * ```
 */
export declare function downloadStatus(state: DownloadState): DownloadStatus;
