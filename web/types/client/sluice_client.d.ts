// Generated from client/sluice_client.ts by `deno task bundle`; do not edit.
/**
 * The self-managing client: one WebSocket, driven by the pure
 * connection machine (connect, keep-alive, reconnect with backoff), carrying
 * any number of downloads, each driven by its own download machine. This
 * file owns the IO — the socket and the timers — and nothing else.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { DownloadEstimate, DownloadRequest, DownloadStatus } from "../protocol/messages.d.ts";
import type { ClientConfig } from "./client_builder.d.ts";
import type { ClientEvents, Listener, SessionState } from "./client_events.d.ts";
import { type Download, type DownloadOptions } from "./download.d.ts";
/**
 * A connection to a sluice server. Build one with `ClientBuilder`.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { ClientBuilder } from "../client.ts";
 * import { createServer, openDemoSource } from "../server/mod.ts";
 * // A server to talk to, in this process: 1,000 demo trades, on a free port.
 * const path = Deno.makeTempFileSync({ suffix: ".sqlite" });
 * const source = openDemoSource(path, 1000);
 * const sluice = createServer({ source, anonymous: true });
 * const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, sluice.fetch);
 *
 * const client = new ClientBuilder(`ws://127.0.0.1:${http.addr.port}/`).build();
 * await client.connect();
 * const download = client.download({
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * });
 * const csv = await new Response(download.readable).text();
 * ok(csv.startsWith("id,ts,symbol,side,price,"));
 * equal((await download.done).rows, 1000);
 * await client.close();
 *
 * await sluice.close();
 * await http.shutdown();
 * await source.close();
 * Deno.removeSync(path);
 * ```
 */
export declare class SluiceClient {
    #private;
    /** Use `ClientBuilder(url).build()`. */
    constructor(config: ClientConfig);
    /** The server URL. */
    get url(): string;
    /** Whether the connection is open now. */
    isConnected(): boolean;
    /** The session state: connected, phase, heartbeat, downloads, server health. */
    session(): SessionState;
    /** Subscribes to an event; returns the unsubscribe function. */
    on<K extends keyof ClientEvents>(name: K, listener: Listener<K>): () => void;
    /**
     * Opens the connection; resolves once it is usable, rejects with
     * `CONNECTION_FAILED` after the last reconnect attempt, or with
     * `CONNECTION_CLOSED` if `close()` comes first.
     */
    connect(): Promise<void>;
    /** Starts a download; it is sent now if connected, else as soon as the connection is up. */
    download(request: DownloadRequest, options?: DownloadOptions): Download;
    /** Asks the server where one download, or every download of this connection, stands. */
    status(requestId?: string): Promise<DownloadStatus[]>;
    /**
     * Asks the server how big a download of `request` would be, before
     * starting it (PROTOCOL.md §5.12): its rows, about how many bytes, its
     * first rows and values of its text columns. It is checked as the
     * download would be, and refused with the same codes; a server older
     * than the event refuses it with `UNKNOWN_EVENT`.
     *
     * @example
     * ```ts ignore
     * const { rows, bytes } = await client.estimate(request);
     * ```
     */
    estimate(request: DownloadRequest): Promise<DownloadEstimate>;
    /** Closes for good: no reconnect; pending downloads reject with `CONNECTION_CLOSED`. */
    close(): Promise<void>;
}
