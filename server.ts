/**
 * The sluice server: WebSocket exports of a database table, with progress.
 *
 * Three ways to run it, all serving the same thing:
 *
 * - `deno run -A server.ts [--port 8080] [--hostname 127.0.0.1]
 *   [--allow KEY …] [--allow-file PATH] [--anonymous] [--identity-key-file PATH]
 *   [--origin wss://HOST …] [--no-encryption] [--max-delegation-minutes N]`
 *   and one dataset:
 *   - `[--db PATH] [--demo-rows N]`: the demo `trades` table, built in PATH
 *     when there is no file there (a file that is there is never rebuilt);
 *   - `--db FILE --table NAME`: a table or view of your SQLite file, read-only;
 *   - `--database-url postgres://… --table NAME`: one of your PostgreSQL database;
 *
 *   and, for a table, `[--columns a,b,c] [--key-column C] [--time-column C]
 *   [--timestamp-columns a,b] [--text-columns a,b] [--decimal-columns a:8,b]`
 *   (the catalog gives the rest; `--help` lists them)
 * - `deno task start` (the same, with narrower permissions)
 * - `deno serve -A server.ts`, through the default export `{ fetch }`,
 *   configured by the environment variables `SLUICE_DB`, `SLUICE_DEMO_ROWS`,
 *   `SLUICE_DATABASE_URL`, `SLUICE_TABLE`, `SLUICE_COLUMNS`, `SLUICE_KEY_COLUMN`,
 *   `SLUICE_TIME_COLUMN`, `SLUICE_TIMESTAMP_COLUMNS`, `SLUICE_TEXT_COLUMNS`,
 *   `SLUICE_DECIMAL_COLUMNS`, `SLUICE_ALLOW`, `SLUICE_ALLOW_FILE`, `SLUICE_ANONYMOUS`,
 *   `SLUICE_IDENTITY_KEY` (64 hex) or `SLUICE_IDENTITY_KEY_FILE`, `SLUICE_ORIGIN`,
 *   `SLUICE_ENCRYPTION=off` and `SLUICE_MAX_DELEGATION_MINUTES`
 *
 * Each serves the demo page at `/` (with the client as an ES module at
 * `/sluice_client.js` and the table's columns at `/schema.json`) and the
 * sluice WebSocket endpoint on every path. On Deno Deploy this file is the
 * entry point and listens by itself. The PostgreSQL driver (`npm:postgres`)
 * is loaded only when a PostgreSQL table is served.
 *
 * The program lives in `server/main.ts`; this file also re-exports the
 * library, `server/mod.ts` (`@sluice/sluice/server`), whose
 * {@linkcode createServer} gives the WebSocket endpoint alone to embed in
 * any `Deno.serve` app and {@linkcode createWebApp} adds the page.
 *
 * @example Embed it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createServer, openDemoSource } from "./server.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".sqlite" });
 * const source = openDemoSource(path, 1000);
 * const sluice = createServer({ source });
 * const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, sluice.fetch);
 * // Clients connect to ws://127.0.0.1:<port>/; a plain HTTP request is told to upgrade.
 * const response = await fetch(`http://127.0.0.1:${http.addr.port}/`);
 * equal(response.status, 426);
 * await response.body?.cancel();
 * await sluice.close();
 * await http.shutdown();
 * await source.close();
 * Deno.removeSync(path);
 * ```
 *
 * @module
 */

import { endDownloadsOnSignal, main, servedFetch, underDenoServe } from "./server/main.ts";

export * from "./server/mod.ts";

/**
 * The default export for `deno serve server.ts`: the server over the
 * dataset the environment names (`SLUICE_DB`, `SLUICE_TABLE`, …), opened on
 * first use.
 */
const handler: Deno.ServeDefaultExport = { fetch: servedFetch };
export default handler;

if (import.meta.main) {
  // `deno serve` runs this file as the main module too, then serves the default export itself.
  if (underDenoServe()) endDownloadsOnSignal();
  else await main(Deno.args, Deno.env.toObject());
}
