/**
 * sluice streams large data exports (CSV, JSON or NDJSON, optionally
 * gzip'd) from a server to browsers, scripts and terminals over a
 * WebSocket, with live progress, and resumes them after disconnects.
 *
 * This entry point is the client and the protocol core, which run in Deno,
 * browsers and Node 22+. The server is `@sluice/sluice/server` (Deno only).
 *
 * @example
 * ```ts ignore
 * import { ClientBuilder } from "@sluice/sluice";
 * const client = new ClientBuilder("ws://127.0.0.1:8080/").build();
 * await client.connect();
 * const download = client.download({
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * });
 * console.log(await new Response(download.readable).text());
 * await client.close();
 * ```
 *
 * @module
 */

export * from "./client.ts";
export * from "./protocol/mod.ts";
