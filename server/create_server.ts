/**
 * The server as a value: `createServer(options)` returns an object with a
 * web-standard `fetch(Request)` handler that upgrades WebSocket requests to
 * sluice sessions, and a `close()` that ends every download with an error
 * the client can resume from.
 *
 * @module
 */

import { loadavg } from "node:os";
import { errorResponse } from "../protocol/errors.ts";
import type { SystemHealth } from "../protocol/messages.ts";
import type { ParseLimits } from "../protocol/parse.ts";
import type { RequestLimits } from "../protocol/request.ts";
import type { DataSource } from "./data_source.ts";
import type { JobLimits } from "./export_job.ts";
import { Session } from "./session.ts";

/** Options of {@linkcode createServer}. */
export interface ServerOptions {
  /** Where rows come from, e.g. a {@linkcode SqliteSource}. */
  readonly source: DataSource;
  /**
   * Most downloads running at once on one connection.
   *
   * @default {8}
   */
  readonly maxDownloadsPerConnection?: number;
  /**
   * Target uncompressed bytes per data frame.
   *
   * @default {262144}
   */
  readonly frameBytes?: number;
  /**
   * Most payload bytes a download sends ahead of the reader's acknowledgements.
   *
   * @default {4194304}
   */
  readonly windowBytes?: number;
  /**
   * Most bytes queued on one socket before its downloads wait.
   *
   * @default {1048576}
   */
  readonly socketBufferBytes?: number;
  /**
   * gzip level for compressed downloads (1 fastest … 9 smallest).
   *
   * @default {1}
   */
  readonly gzipLevel?: number;
  /**
   * Bounds on requests (filters, time range).
   *
   * @default {{}}
   */
  readonly requestLimits?: RequestLimits;
  /**
   * Milliseconds a connection may stay silent (no message, no heartbeat, no
   * acknowledgement) before the server closes it with `IDLE_TIMEOUT`. Keep it
   * above the clients' heartbeat interval (15 s by default).
   *
   * @default {60000}
   */
  readonly idleTimeoutMs?: number;
  /**
   * Bounds on control messages.
   *
   * @default {{}}
   */
  readonly parseLimits?: ParseLimits;
}

/** A running sluice server: a fetch handler and its lifecycle. */
export interface SluiceServer {
  /** Handles one HTTP request: WebSocket upgrades become sessions. */
  fetch(request: Request): Response;
  /** Ends every download with SERVER_SHUTTING_DOWN and closes every connection. */
  close(): Promise<void>;
  /** Open connections. */
  readonly connections: number;
}

/**
 * Creates a server over a data source.
 *
 * @example Serve the demo database
 * ```ts ignore
 * import { createServer, openDemoSource } from "./mod.ts";
 * const server = createServer({ source: await openDemoSource("demo.sqlite", 1_000_000) });
 * Deno.serve({ hostname: "127.0.0.1", port: 8080 }, server.fetch);
 * ```
 */
export function createServer(options: ServerOptions): SluiceServer {
  const startedAt = Date.now();
  const sessions = new Set<Session>();
  let closing = false;
  const jobLimits: JobLimits = {
    frameBytes: options.frameBytes ?? 262_144,
    windowBytes: options.windowBytes ?? 4_194_304,
    socketBufferBytes: options.socketBufferBytes ?? 1_048_576,
    gzipLevel: options.gzipLevel ?? 1,
  };
  const health = (): SystemHealth => {
    let activeDownloads = 0;
    for (const s of sessions) activeDownloads += s.activeDownloads;
    return {
      status: closing ? "degraded" : "ok",
      serverTime: Date.now(),
      uptimeMs: Date.now() - startedAt,
      connections: sessions.size,
      activeDownloads,
      load: loadavg()[0],
    };
  };
  const context = {
    source: options.source,
    jobLimits,
    requestLimits: options.requestLimits ?? {},
    parseLimits: options.parseLimits ?? {},
    maxDownloads: options.maxDownloadsPerConnection ?? 8,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    health,
  };

  return {
    fetch(request: Request): Response {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("sluice: connect with a WebSocket\n", {
          status: 426,
          headers: { upgrade: "websocket", "content-type": "text/plain" },
        });
      }
      if (closing) return new Response("shutting down\n", { status: 503 });
      const { socket, response } = Deno.upgradeWebSocket(request);
      const session = new Session(socket, context);
      sessions.add(session);
      socket.addEventListener("close", () => sessions.delete(session));
      return response;
    },
    async close(): Promise<void> {
      closing = true;
      const error = errorResponse("SERVER_SHUTTING_DOWN");
      await Promise.all([...sessions].map((s) => s.close(error)));
    },
    get connections(): number {
      return sessions.size;
    },
  };
}
