/**
 * sluice streams large data exports (CSV, JSON or NDJSON, optionally
 * gzip'd) from a server to browsers, scripts and terminals over a
 * WebSocket, with live progress, and resumes them after disconnects.
 *
 * This entry point is the client, which runs in Deno, browsers and Node 22+:
 * the same API as `@sluice/sluice/client`. The server is
 * `@sluice/sluice/server` (Deno only); the protocol core, for writing
 * another client or server, is `@sluice/sluice/protocol`.
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

// One list for the client's entry points: client/mod.ts names each export, and
// tests/exports_test.ts pins it, so widening the API is a deliberate change.
export * from "./client/mod.ts";
