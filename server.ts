/**
 * The sluice server: WebSocket exports of a database table, with progress.
 *
 * Three ways to run it, all serving the same thing:
 *
 * - `deno run -A server.ts [--port 8080] [--hostname 127.0.0.1] [--db PATH] [--demo-rows N]`
 * - `deno task start` (the same, with narrower permissions)
 * - `deno serve -A server.ts`, through the default export `{ fetch }`,
 *   configured by the environment variables `SLUICE_DB` and `SLUICE_DEMO_ROWS`
 *
 * Each serves the demo page at `/` (with the client as an ES module at
 * `/sluice_client.js` and the table's columns at `/schema.json`) and the
 * sluice WebSocket endpoint on every path. Embedded in any `Deno.serve` app,
 * {@linkcode createServer} gives the WebSocket endpoint alone and
 * {@linkcode createWebApp} adds the page.
 *
 * @example Embed it
 * ```ts ignore
 * import { createServer, openDemoSource } from "./server.ts";
 * const sluice = createServer({ source: openDemoSource("demo.sqlite", 10_000) });
 * Deno.serve({ hostname: "127.0.0.1", port: 8080 }, sluice.fetch);
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createServer, type SluiceServer } from "./server/create_server.ts";
import { openDemoSource } from "./server/demo_data.ts";
import type { SqliteSource } from "./server/sqlite_source.ts";
import { createWebApp, type WebApp } from "./server/web_app.ts";

export { createServer } from "./server/create_server.ts";
export type { ServerOptions, SluiceServer } from "./server/create_server.ts";
export type { DataSource, RowPage, ScanQuery, SourceSchema } from "./server/data_source.ts";
export { SqliteSource } from "./server/sqlite_source.ts";
export type { SqliteSourceOptions } from "./server/sqlite_source.ts";
export { createDemoDatabase, DEMO_SCHEMA, openDemoSource } from "./server/demo_data.ts";
export { createWebApp } from "./server/web_app.ts";
export type { WebApp, WebAppOptions } from "./server/web_app.ts";

/** Where the demo database lives when neither `--db` nor `SLUICE_DB` says. */
export const DEFAULT_DB_PATH = "data/demo.sqlite";
/** Rows of the demo table when neither `--demo-rows` nor `SLUICE_DEMO_ROWS` says. */
export const DEFAULT_DEMO_ROWS = 1_000_000;

/** Settings of the server program. */
export interface ProgramConfig {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to listen on. */
  readonly hostname: string;
  /** SQLite file holding the demo `trades` table (built there when missing). */
  readonly db: string;
  /** Rows of the demo table. */
  readonly demoRows: number;
}

/**
 * Reads the program's settings from flags, then environment variables
 * (`SLUICE_PORT`, `SLUICE_HOSTNAME`, `SLUICE_DB`, `SLUICE_DEMO_ROWS`), then
 * defaults. Throws a `TypeError` naming the bad flag.
 *
 * @example
 * ```ts ignore
 * import { programConfig } from "./server.ts";
 * programConfig(["--port", "0", "--demo-rows", "1000"], {}).port; // 0
 * ```
 */
export function programConfig(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ProgramConfig {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      hostname: { type: "string" },
      db: { type: "string" },
      "demo-rows": { type: "string" },
    },
    strict: true,
  });
  const port = integer("--port", values.port ?? env.SLUICE_PORT ?? "8080", 0, 65_535);
  const demoRows = integer(
    "--demo-rows",
    values["demo-rows"] ?? env.SLUICE_DEMO_ROWS ?? String(DEFAULT_DEMO_ROWS),
    0,
    Number.MAX_SAFE_INTEGER,
  );
  return {
    port,
    hostname: values.hostname ?? env.SLUICE_HOSTNAME ?? "127.0.0.1",
    db: values.db ?? env.SLUICE_DB ?? DEFAULT_DB_PATH,
    demoRows,
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new TypeError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** Opens (building if needed) the demo database, printing progress to stderr. */
function openSource(config: ProgramConfig): SqliteSource {
  const dir = config.db.includes("/") ? config.db.slice(0, config.db.lastIndexOf("/")) : "";
  if (dir !== "") Deno.mkdirSync(dir, { recursive: true });
  let shown = -1;
  return openDemoSource(config.db, config.demoRows, (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (percent === shown) return;
    shown = percent;
    console.error(`building demo table in ${config.db}: ${done}/${total} rows (${percent}%)`);
  });
}

let lazy: { sluice: SluiceServer; app: WebApp } | undefined;

/** The sluice server over `source`, and the web app that serves the page beside it. */
function serve(source: SqliteSource): { sluice: SluiceServer; app: WebApp } {
  const sluice = createServer({ source });
  return { sluice, app: createWebApp({ sluice, schema: source.schema() }) };
}

/**
 * The default export for `deno serve server.ts`: the server over the demo
 * database named by `SLUICE_DB` / `SLUICE_DEMO_ROWS`, opened on first use.
 */
const handler: { fetch(request: Request): Response | Promise<Response> } = {
  fetch(request: Request): Response | Promise<Response> {
    lazy ??= serve(openSource(programConfig([], Deno.env.toObject())));
    return lazy.app.fetch(request);
  },
};
export default handler;

/** `deno serve` runs this file as the main module too; it serves the default export itself. */
function underDenoServe(): boolean {
  try {
    return Deno.readTextFileSync("/proc/self/cmdline").split("\0").includes("serve");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable) {
      return false;
    }
    throw error;
  }
}

async function main(): Promise<void> {
  let config: ProgramConfig;
  try {
    config = programConfig(Deno.args, Deno.env.toObject());
  } catch (error) {
    console.error(`sluice: ${error instanceof Error ? error.message : error}`);
    console.error("usage: server.ts [--port N] [--hostname H] [--db PATH] [--demo-rows N]");
    Deno.exit(2);
  }
  const source = openSource(config);
  const { sluice, app } = serve(source);
  const http = Deno.serve({
    hostname: config.hostname,
    port: config.port,
    onListen: ({ hostname, port }) => {
      console.log(`sluice listening on ws://${hostname}:${port}/ (database ${config.db})`);
      console.log(`sluice page at http://${hostname}:${port}/`);
    },
  }, app.fetch);
  const stop = async (signal: string) => {
    console.error(`sluice: ${signal}, ending downloads (clients may resume) and shutting down`);
    await sluice.close();
    await http.shutdown();
    await source.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  await http.finished;
}

if (import.meta.main) {
  if (!underDenoServe()) await main();
  else {
    // `deno serve` stops by itself on a signal; first tell clients why, so they resume elsewhere.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, () => lazy?.sluice.close());
    }
  }
}
