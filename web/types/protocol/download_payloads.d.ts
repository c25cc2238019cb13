// Generated from protocol/download_payloads.ts by `deno task bundle`; do not edit.
/**
 * The payloads of a download's life after its request (docs/PROTOCOL.md
 * §5): `download:start` and the columns it announces, `download:progress`,
 * `download:complete`, `download:cancelled`, `download:ack`, and the resume
 * point that `download:resume` carries.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { DownloadRequest, OutputFormat } from "./request_payloads.d.ts";
/** Types a column of a data source can have. */
export type ColumnType = "integer" | "decimal" | "text" | "timestamp" | "boolean";
/** A column as `download:start` announces it. */
export interface ColumnInfo {
    /** Column name; also the CSV header cell and the JSON key. */
    readonly name: string;
    /** How its values are written. */
    readonly type: ColumnType;
}
/** Payload of `download:start`. */
export interface DownloadStart {
    /** Rows the export will contain, counted at start under the high-water mark. */
    readonly totalRows: number;
    /** The columns, in output order. */
    readonly columns: readonly ColumnInfo[];
    /** The last key the export may include; rows added later are not exported. */
    readonly highWaterMark: string;
    /** The format the bytes are in. */
    readonly outputFormat: OutputFormat;
    /** Whether the bytes are gzip members. */
    readonly compression: boolean;
    /** True when this answers a `download:resume`. */
    readonly resumed: boolean;
}
/** The payload of `download:progress` (PROTOCOL.md §5.3), with the bytes sent so far. */
export interface ProgressUpdate {
    /** The download this is about. */
    readonly requestId: string;
    /** Percent done, 0 to 100. */
    readonly progress: number;
    /** Rows sent so far. */
    readonly processedRows: number;
    /** Rows the export will contain. */
    readonly totalRows: number;
    /** Rows per second over a moving window. */
    readonly speed: number;
    /** Milliseconds until done at the current speed; -1 while unknown. */
    readonly estimatedTimeRemaining: number;
    /** Payload bytes sent so far. */
    readonly processedBytes: number;
}
/** Payload of `download:complete`. */
export interface DownloadComplete {
    /** Rows in the export. */
    readonly rows: number;
    /** Payload bytes of the export, as sent (compressed when gzip'd). */
    readonly bytes: number;
    /**
     * The digest chain value after the FINAL frame (the FINAL frame's
     * `digest`), lowercase hex: it covers every payload byte of the download
     * from byte 0, in order, however often it was resumed (§7.1).
     */
    readonly digest: string;
    /** Milliseconds from `download:request` to the last byte. */
    readonly durationMs: number;
}
/** Payload of `download:cancelled`. */
export interface DownloadCancelled {
    /** Rows sent before the download stopped. */
    readonly rows: number;
    /** Payload bytes sent before the download stopped. */
    readonly bytes: number;
}
/** Payload of `download:ack`: frames up to `sequence` are consumed. */
export interface DownloadAck {
    /** The highest data-frame sequence number the reader has consumed. */
    readonly sequence: number;
}
/** Where a download stands after its last complete data frame. */
export interface ResumePoint {
    /** The high-water mark of `download:start`. */
    readonly highWaterMark: string;
    /** The cursor of the last complete frame ("" before the first). */
    readonly cursor: string;
    /** The sequence number the next frame must have. */
    readonly sequence: number;
    /** Rows received so far. */
    readonly rows: number;
    /** Payload bytes received so far. */
    readonly bytes: number;
    /**
     * The digest chain value after the last complete frame, lowercase hex
     * (64 zeros before the first frame); the server continues the chain from it.
     */
    readonly digest: string;
}
/** Payload of `download:resume`: the original request and where to go on. */
export interface DownloadResume {
    /** The request exactly as first sent. */
    readonly request: DownloadRequest;
    /** Where the client stands. */
    readonly resume: ResumePoint;
}
