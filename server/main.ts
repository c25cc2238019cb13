/**
 * The server program behind `server.ts`: its flags and environment
 * variables, the identity key file, the demo database, the warnings about
 * who may sign in, signals, and listening. The library it runs is
 * `server/mod.ts`; this file is what only a program needs.
 *
 * @module
 */

import { parseArgs } from "node:util";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { parseAllowEntry } from "../protocol/sign_in.ts";
import { parseOrigin } from "./auth_config.ts";
import { createServer, type SluiceServer } from "./create_server.ts";
import { openDemoSource } from "./demo_data.ts";
import type { SqliteSource } from "./sqlite_source.ts";
import { createWebApp, type WebApp } from "./web_app.ts";

/** Where the demo database lives when neither `--db` nor `SLUICE_DB` says. */
const DEFAULT_DB_PATH = "data/demo.sqlite";
/** Rows of the demo table when neither `--demo-rows` nor `SLUICE_DEMO_ROWS` says. */
const DEFAULT_DEMO_ROWS = 1_000_000;
/** The identity key file's name beside the database, when nothing else names it. */
const IDENTITY_KEY_FILE_NAME = "server-identity.key";

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
  /** Who may sign in (keys and addresses, checked); `undefined`: any key. */
  readonly allow: readonly string[] | undefined;
  /** Whether clients may download without signing in. */
  readonly anonymous: boolean;
  /** Whether signed-in sessions are encrypted. */
  readonly encryption: boolean;
  /** The identity key in hex, when the environment gives it. */
  readonly identityKey: string | undefined;
  /** The origins clients dial (`--origin`), or `undefined` to take each request's. */
  readonly origins: readonly string[] | undefined;
  /** Otherwise, the file that holds it (made on first start; by default beside the database). */
  readonly identityKeyFile: string;
  /**
   * How far ahead a wallet's delegation may end, in minutes; 0 refuses
   * delegations; `undefined`: a day with `--origin`, else 0.
   */
  readonly maxDelegationMinutes: number | undefined;
}

/**
 * Reads the program's settings from flags, then environment variables
 * (`SLUICE_PORT`, `SLUICE_HOSTNAME`, `SLUICE_DB`, `SLUICE_DEMO_ROWS`,
 * `SLUICE_ALLOW`, `SLUICE_ALLOW_FILE`, `SLUICE_ANONYMOUS`,
 * `SLUICE_IDENTITY_KEY`, `SLUICE_IDENTITY_KEY_FILE`, `SLUICE_ENCRYPTION`,
 * `SLUICE_MAX_DELEGATION_MINUTES`),
 * then defaults. Throws a `TypeError` naming the bad flag or entry.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { programConfig } from "./main.ts";
 * equal(programConfig(["--port", "0", "--demo-rows", "1000"], {}).port, 0);
 * equal(programConfig([], { SLUICE_DB: "x/t.sqlite" }).identityKeyFile, "x/server-identity.key");
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
      allow: { type: "string", multiple: true },
      "allow-file": { type: "string" },
      anonymous: { type: "boolean" },
      "identity-key-file": { type: "string" },
      "no-encryption": { type: "boolean" },
      origin: { type: "string", multiple: true },
      "max-delegation-minutes": { type: "string" },
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
  const allowFile = values["allow-file"] ?? env.SLUICE_ALLOW_FILE;
  const entries = [
    ...(values.allow ?? []),
    ...(env.SLUICE_ALLOW ?? "").split(/[\s,]+/),
    ...(allowFile === undefined ? [] : allowFileEntries(allowFile)),
  ].filter((e) => e !== "");
  for (const entry of entries) {
    const parsed = parseAllowEntry(entry);
    if (!parsed.ok) throw new TypeError(`--allow: ${parsed.error}`);
  }
  const anyEntrySource = (values.allow ?? []).length > 0 || env.SLUICE_ALLOW !== undefined ||
    allowFile !== undefined;
  const db = values.db ?? env.SLUICE_DB ?? DEFAULT_DB_PATH;
  const maxDelegation = values["max-delegation-minutes"] ?? env.SLUICE_MAX_DELEGATION_MINUTES;
  const dbDir = db.includes("/") ? db.slice(0, db.lastIndexOf("/") + 1) : "";
  const origins = [...(values.origin ?? []), ...(env.SLUICE_ORIGIN ?? "").split(/[\s,]+/)]
    .filter((o) => o !== "").map(parseOrigin);
  return {
    port,
    hostname: values.hostname ?? env.SLUICE_HOSTNAME ?? "127.0.0.1",
    origins: origins.length === 0 ? undefined : origins,
    db,
    demoRows,
    allow: anyEntrySource ? entries : undefined,
    anonymous: values.anonymous ?? flag(env.SLUICE_ANONYMOUS),
    encryption: !(values["no-encryption"] ?? env.SLUICE_ENCRYPTION === "off"),
    identityKey: env.SLUICE_IDENTITY_KEY,
    identityKeyFile: values["identity-key-file"] ?? env.SLUICE_IDENTITY_KEY_FILE ??
      `${dbDir}${IDENTITY_KEY_FILE_NAME}`,
    maxDelegationMinutes: maxDelegation === undefined
      ? undefined
      : integer("--max-delegation-minutes", maxDelegation, 0, 525_600),
  };
}

function flag(text: string | undefined): boolean {
  return text !== undefined && /^(1|true|yes|on)$/i.test(text);
}

/** An allow file: one key or address per line; blank lines and `#` comments are skipped. */
function allowFileEntries(path: string): string[] {
  return Deno.readTextFileSync(path).split("\n").map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new TypeError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/**
 * The server's identity key: from `SLUICE_IDENTITY_KEY`, else from the key
 * file, which is created (mode 0600) with a new random key when missing.
 * Where the file cannot be written (a read-only deployment), a key good
 * for this process only is used, and said so.
 */
function identityKey(config: ProgramConfig): Uint8Array {
  if (config.identityKey !== undefined) return hexToBytes(config.identityKey.trim());
  try {
    return hexToBytes(Deno.readTextFileSync(config.identityKeyFile).trim());
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const key = secp.utils.randomSecretKey();
  try {
    const path = config.identityKeyFile;
    if (path.includes("/")) {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    }
    Deno.writeTextFileSync(path, `${bytesToHex(key)}\n`, { mode: 0o600, createNew: true });
    console.error(`sluice: made a new server identity key in ${path}`);
  } catch (error) {
    // Another process (a `deno serve --parallel` worker) made it first: use theirs.
    if (error instanceof Deno.errors.AlreadyExists) {
      return hexToBytes(Deno.readTextFileSync(config.identityKeyFile).trim());
    }
    console.error(
      `sluice: cannot keep an identity key in ${config.identityKeyFile} (${error}); ` +
        "using one for this process only: set SLUICE_IDENTITY_KEY to keep it stable",
    );
  }
  return key;
}

/** The server over the program's settings, saying loudly who may sign in. */
function programServer(config: ProgramConfig, source: SqliteSource): SluiceServer {
  const sluice = createServer({
    source,
    identityKey: identityKey(config),
    allow: config.allow,
    anonymous: config.anonymous,
    encryption: config.encryption,
    origin: config.origins,
    ...(config.maxDelegationMinutes === undefined
      ? {}
      : { maxDelegationMs: config.maxDelegationMinutes * 60_000 }),
  });
  console.error(`sluice: server identity key ${sluice.serverKey}`);
  if (config.allow === undefined) {
    console.error("sluice: WARNING: no allow list: ANY key that signs in may download");
  } else {
    const n = config.allow.length;
    console.error(`sluice: ${n} ${n === 1 ? "identity" : "identities"} may sign in`);
  }
  if (config.anonymous) {
    console.error("sluice: WARNING: anonymous downloads are on: no sign-in needed");
  }
  if (!config.encryption) console.error("sluice: WARNING: sessions are not encrypted");
  if (config.origins === undefined && (config.maxDelegationMinutes ?? 0) > 0) {
    console.error(
      "sluice: WARNING: wallet delegations without --origin: a delegation signed on another " +
        "site can sign in here",
    );
  } else if (config.origins === undefined) {
    console.error("sluice: wallet delegations are off without --origin; wallets sign each sign-in");
  }
  if (config.origins === undefined && !/^(127\.|::1$|localhost$)/.test(config.hostname)) {
    console.error(
      "sluice: WARNING: no --origin: challenges name whatever host a client asks for; " +
        "set --origin wss://your.host so that signatures are bound to it",
    );
  }
  return sluice;
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

/** The sluice server over `source`, and the web app that serves the page beside it. */
function serve(config: ProgramConfig, source: SqliteSource): { sluice: SluiceServer; app: WebApp } {
  const sluice = programServer(config, source);
  return { sluice, app: createWebApp({ sluice, schema: source.schema() }) };
}

let served: { sluice: SluiceServer; app: WebApp } | undefined;

/**
 * The handler `deno serve server.ts` serves: the program over the
 * environment's settings (`SLUICE_DB`, `SLUICE_DEMO_ROWS`, …; the flags
 * belong to deno there), built on the first request, since the default
 * export must exist before anything is known about how the file runs.
 */
export function servedFetch(request: Request): Response | Promise<Response> {
  if (served === undefined) {
    const config = programConfig([], Deno.env.toObject());
    served = serve(config, openSource(config));
  }
  return served.app.fetch(request);
}

/**
 * Whether this process is `deno serve`, which also runs the file as the main
 * module (`import.meta.main` is true under both) and then serves its default
 * export itself. Deno offers no API that says so (denoland/deno#25179 and
 * #29447 ask for one). What `deno serve` does with the default export comes
 * too late to decide by: it reads it once the module has evaluated (so does
 * `deno run`, to print its "did you mean deno serve?" hint), and its
 * `onListen`, which only `deno serve` calls, replaces deno's own
 * "Listening on" line. So the process's command line decides: its first
 * `run` or `serve` word is the subcommand. Where `/proc` is missing (not
 * Linux, Deno Deploy) the file is taken to run as a program.
 */
export function underDenoServe(): boolean {
  let args: string[];
  try {
    args = Deno.readTextFileSync("/proc/self/cmdline").split("\0").slice(1);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable) {
      return false;
    }
    throw error;
  }
  return args.find((arg) => arg === "run" || arg === "serve") === "serve";
}

/**
 * What the program adds when `deno serve` serves it: on SIGINT or SIGTERM,
 * `deno serve` stops by itself; first tell clients why, so they resume
 * elsewhere.
 */
export function endDownloadsOnSignal(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => served?.sluice.close());
  }
}

/**
 * The program of `deno run server.ts ARGS…`: reads the settings (exiting 2
 * with a usage line when they are wrong), opens the demo database, listens,
 * and on SIGINT or SIGTERM ends the downloads (clients resume) and exits 0.
 */
export async function main(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  let config: ProgramConfig;
  try {
    config = programConfig(args, env);
  } catch (error) {
    console.error(`sluice: ${error instanceof Error ? error.message : error}`);
    console.error(
      "usage: server.ts [--port N] [--hostname H] [--db PATH] [--demo-rows N] [--allow KEY]… " +
        "[--allow-file PATH] [--anonymous] [--identity-key-file PATH] [--origin URL]… " +
        "[--no-encryption]",
    );
    Deno.exit(2);
  }
  const source = openSource(config);
  const { sluice, app } = serve(config, source);
  // One shutdown, however many signals: `timeout … deno task start` delivers SIGTERM twice (to its
  // process group, and through deno task, which forwards it). Listened to before listening, so
  // that a signal sent once the address is printed is never the runtime's default, a plain kill.
  let stopping: Promise<never> | undefined;
  const stop = (signal: string) => {
    stopping ??= (async () => {
      console.error(`sluice: ${signal}, ending downloads (clients may resume) and shutting down`);
      await sluice.close();
      await http.shutdown();
      await source.close();
      Deno.exit(0);
    })();
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  // In the same synchronous run as the listeners: none can call `stop` before `http` is set.
  const http = Deno.serve({
    hostname: config.hostname,
    port: config.port,
    onListen: ({ hostname, port }) => {
      console.log(`sluice listening on ws://${hostname}:${port}/ (database ${config.db})`);
      console.log(`sluice page at http://${hostname}:${port}/`);
    },
  }, app.fetch);
  await http.finished;
}
