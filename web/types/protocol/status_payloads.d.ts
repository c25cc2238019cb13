// Generated from protocol/status_payloads.ts by `deno task bundle`; do not edit.
/**
 * The payloads of the status and health events (docs/PROTOCOL.md §5):
 * `status:check` and `status:update` with the phases they report, and
 * `connection:health` in both directions.
 *
 * This module is browser compatible.
 *
 * @module
 */
/** The phases of a download, as `status:update` reports them. */
export type DownloadPhase = "requested" | "started" | "streaming" | "complete" | "error" | "cancelled";
/** One download in a `status:update`. */
export interface DownloadStatus {
    /** The download. */
    readonly requestId: string;
    /** Where it is in its life. */
    readonly phase: DownloadPhase;
    /** Rows sent so far. */
    readonly processedRows: number;
    /** Rows the export will contain (0 before `download:start`). */
    readonly totalRows: number;
    /** Payload bytes sent so far. */
    readonly processedBytes: number;
}
/** Payload of `status:check`: one download, or all when `requestId` is absent. */
export interface StatusCheck {
    /** The download to report on. */
    readonly requestId?: string;
}
/** Payload of `status:update`. */
export interface StatusUpdate {
    /** The downloads asked about. */
    readonly downloads: readonly DownloadStatus[];
}
/** Payload of a client's `connection:health` ping; it carries nothing. */
export type HealthPing = Record<string, never>;
/** `SystemHealth`: the server's answer to a ping (PROTOCOL.md §5.10). */
export interface SystemHealth {
    /** `degraded` when the server sheds load. */
    readonly status: "ok" | "degraded";
    /** The server's clock, epoch milliseconds. */
    readonly serverTime: number;
    /** Milliseconds since the server started. */
    readonly uptimeMs: number;
    /** Open WebSocket connections. */
    readonly connections: number;
    /** Downloads in progress, all connections together. */
    readonly activeDownloads: number;
    /** The host's one-minute load average. */
    readonly load: number;
}
