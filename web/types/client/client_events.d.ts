// Generated from client/client_events.ts by `deno task bundle`; do not edit.
/**
 * What a {@linkcode "./sluice_client.ts"} client tells its listeners, and
 * the session state it lets a caller read.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { ConnectionPhase } from "../protocol/connection_state.d.ts";
import type { ErrorResponse } from "../protocol/errors.d.ts";
import type { DownloadStatus, SystemHealth } from "../protocol/messages.d.ts";
/** Events of a {@linkcode SluiceClient}, by name, with what listeners receive. */
export interface ClientEvents {
    /** The connection moved from one phase to another. */
    state: {
        readonly from: ConnectionPhase;
        readonly to: ConnectionPhase;
    };
    /** Reconnecting failed for the last time (docs/PROTOCOL.md §12.1). */
    "connection:failed": ErrorResponse;
    /** A heartbeat came back. */
    health: {
        readonly rttMs: number;
        readonly health: SystemHealth;
    };
    /** The server reported an error not tied to a download (`system:error`). */
    error: ErrorResponse;
}
/** The client's session state, readable at any time. */
export interface SessionState {
    /** Whether the connection is open (and authenticated, when configured). */
    readonly connected: boolean;
    /** The connection machine's phase. */
    readonly phase: ConnectionPhase;
    /** When the last heartbeat answer arrived, epoch ms. */
    readonly lastHeartbeat?: number;
    /** The last heartbeat's round-trip time, ms. */
    readonly rttMs?: number;
    /** Downloads that have not ended, with where they stand. */
    readonly activeDownloads: ReadonlyMap<string, DownloadStatus>;
    /** The server's last reported health. */
    readonly systemHealth?: SystemHealth;
}
/** A listener of the client event `K`. */
export type Listener<K extends keyof ClientEvents> = (event: ClientEvents[K]) => void;
