/**
 * The server program behind `server.ts`: its settings
 * (`program_config.ts`), the identity key file, opening the dataset
 * (`open_dataset.ts`: the demo database, or the operator's table), the
 * warnings about who may sign in, signals, and listening. The library it
 * runs is `server/mod.ts`; this file is what only a program needs.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { type ConnectionInfo, createServer, type SluiceServer } from "./create_server.ts";
import { type DataSource, DataSourceError } from "./data_source.ts";
import { checkRowFilter } from "../protocol/row_filter.ts";
import { DatasetRefused, openDataset } from "./open_dataset.ts";
import { openDatasets } from "./open_datasets.ts";
import type { ServerDataset } from "./server_datasets.ts";
import { type ProgramConfig, programConfig, USAGE } from "./program_config.ts";
import { serveGuarded } from "./upgrade_guard.ts";
import { createWebApp, type WebApp } from "./web_app.ts";

/**
 * The server's identity key as given: `SLUICE_IDENTITY_KEY`, else the key
 * file's; `undefined` when there is no file yet ({@linkcode newIdentityKey}
 * makes one, once the dataset opened: a start that fails leaves nothing).
 * Throws {@linkcode KeyRefused} for a key that is not one.
 */
function givenIdentityKey(config: ProgramConfig): Uint8Array | undefined {
  if (config.identityKey !== undefined) return secretKey(config.identityKey, "SLUICE_IDENTITY_KEY");
  let text: string;
  try {
    text = Deno.readTextFileSync(config.identityKeyFile);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return undefined;
  }
  return secretKey(text, config.identityKeyFile);
}

/** An identity key that cannot be used: the program says so in one line and exits 2. */
class KeyRefused extends Error {}

/** A secp256k1 secret key from its 64 hex digits (a line of a file, or a variable's value). */
function secretKey(text: string, where: string): Uint8Array {
  const hex = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(hex) ? hexToBytes(hex) : undefined;
  if (key === undefined || !secp.utils.isValidSecretKey(key)) {
    throw new KeyRefused(
      `${where} holds no identity key: it takes a secp256k1 secret key as 64 hex digits ` +
        "(openssl rand -hex 32 makes one)",
    );
  }
  return key;
}

/**
 * A new identity key, kept in the key file (created, mode 0600). Where the
 * file cannot be written (a read-only deployment), a key good for this
 * process only is used, and said so.
 */
function newIdentityKey(config: ProgramConfig): Uint8Array {
  const key = secp.utils.randomSecretKey();
  try {
    const path = config.identityKeyFile;
    if (path.includes("/")) {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    }
    // Written whole beside it, then linked into place: a link is made at once or not at all, so
    // a process starting at the same moment reads the whole key or none, never half of it.
    const draft = `${path}.${Deno.pid}.${crypto.randomUUID()}`;
    Deno.writeTextFileSync(draft, `${bytesToHex(key)}\n`, { mode: 0o600, createNew: true });
    try {
      Deno.linkSync(draft, path);
    } finally {
      Deno.removeSync(draft);
    }
    console.error(`sluice: made a new server identity key in ${path}`);
  } catch (error) {
    // Another process (a `deno serve --parallel` worker) made it first: use theirs.
    if (error instanceof Deno.errors.AlreadyExists) {
      return secretKey(Deno.readTextFileSync(config.identityKeyFile), config.identityKeyFile);
    }
    console.error(
      `sluice: cannot keep an identity key in ${config.identityKeyFile} (${error}); ` +
        "using one for this process only: set SLUICE_IDENTITY_KEY to keep it stable",
    );
  }
  return key;
}

/** What the program serves: one source, or the datasets of its `--config` file. */
interface Served {
  /** The default dataset's source. */
  readonly source: DataSource;
  /** The datasets of a `--config` file, the default first. */
  readonly datasets?: readonly ServerDataset[];
  /** Where the rows come from, for the log. */
  readonly description: string;
  /** Closes every source (and shared pool). */
  close(): Promise<void>;
}

/** The server over the program's settings, saying loudly who may sign in. */
function programServer(config: ProgramConfig, served: Served, key: Uint8Array): SluiceServer {
  const sluice = createServer({
    ...(served.datasets === undefined ? { source: served.source } : { datasets: served.datasets }),
    identityKey: key,
    allow: config.allow,
    anonymous: config.anonymous,
    encryption: config.encryption,
    origin: config.origins,
    ...config.limits,
    ...config.tokens,
    ...(config.maxDelegationMinutes === undefined
      ? {}
      : { maxDelegationMs: config.maxDelegationMinutes * 60_000 }),
    ...(config.chainId === undefined ? {} : { chainId: config.chainId }),
    ...(config.rowFilter === undefined ? {} : { rowFilter: config.rowFilter }),
  });
  console.error(`sluice: server identity key ${sluice.serverKey}`);
  if (config.allow === undefined) {
    console.error("sluice: WARNING: no allow list: ANY key that signs in may download");
  } else {
    const n = config.allow.length;
    console.error(`sluice: ${n} ${n === 1 ? "identity" : "identities"} may sign in`);
  }
  const { jwtSecret, jwtPublicKey, jwksUrl } = config.tokens;
  const verifier = jwtSecret !== undefined
    ? "the HS256 secret"
    : jwtPublicKey !== undefined
    ? "the public key"
    : jwksUrl !== undefined
    ? `the keys of ${jwksUrl}`
    : undefined;
  if (verifier !== undefined) console.error(`sluice: JWTs that verify with ${verifier} sign in`);
  const rule = config.rowFilter;
  if (rule !== undefined) {
    const value = rule.claim === undefined
      ? "key, address or token subject"
      : `claim ${rule.claim}`;
    console.error(
      `sluice: each identity downloads only the rows whose ${rule.column} is its ${value}`,
    );
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

/**
 * Opens the dataset, printing the demo build's progress to stderr. Settings
 * that describe nothing to serve exit 2 with one line per problem; a
 * database that cannot be reached exits 1, saying why.
 */
async function openSource(config: ProgramConfig): Promise<Served> {
  const { dataset } = config;
  if (dataset.kind === "demo" && dataset.path.includes("/")) {
    Deno.mkdirSync(dataset.path.slice(0, dataset.path.lastIndexOf("/")), { recursive: true });
  }
  let shown = -1;
  try {
    if (config.datasets !== undefined) {
      const opened = await openDatasets(config.datasets);
      const { datasets, description } = opened;
      return { source: datasets[0].source, datasets, description, close: opened.close };
    }
    const { source, description } = await openDataset(dataset, (done, total) => {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent === shown || dataset.kind !== "demo") return;
      shown = percent;
      console.error(`building demo table in ${dataset.path}: ${done}/${total} rows (${percent}%)`);
    });
    const rule = config.rowFilter === undefined
      ? undefined
      : checkRowFilter(config.rowFilter, source.schema().columns);
    if (rule?.ok === false) {
      await source.close();
      throw new DatasetRefused([rule.error.replace(/^rowFilter\.column/, "--row-filter-column")]);
    }
    return { source, description, close: () => source.close() };
  } catch (error) {
    if (error instanceof DatasetRefused) {
      for (const line of error.problems) console.error(`sluice: ${line}`);
      Deno.exit(2);
    }
    if (error instanceof DataSourceError) {
      const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
      console.error(`sluice: ${error.message} (${cause})`);
      Deno.exit(1);
    }
    throw error;
  }
}

/** The sluice server over what is served, and the web app that serves the page beside it. */
function serve(
  config: ProgramConfig,
  served: Served,
  key: Uint8Array,
): { sluice: SluiceServer; app: WebApp } {
  const sluice = programServer(config, served, key);
  const datasets = served.datasets?.map((d) => ({ name: d.name, schema: d.source.schema() }));
  const schema = served.source.schema();
  return { sluice, app: createWebApp({ sluice, schema, ...(datasets && { datasets }) }) };
}

let served: Promise<{ sluice: SluiceServer; app: WebApp }> | undefined;
let servedNow: { sluice: SluiceServer; app: WebApp } | undefined;

/**
 * The handler `deno serve server.ts` serves: the program over the
 * environment's settings (`SLUICE_DB`, `SLUICE_TABLE`, …; the flags belong
 * to deno there), opened on the first request, since the default export
 * must exist before anything is known about how the file runs.
 */
export async function servedFetch(
  request: Request,
  info?: Deno.ServeHandlerInfo,
): Promise<Response> {
  served ??= (async () => {
    const config = programConfig([], Deno.env.toObject());
    const given = givenIdentityKey(config);
    const opened = await openSource(config);
    servedNow = serve(config, opened, given ?? newIdentityKey(config));
    return servedNow;
  })();
  // The connection's address goes on: the server counts connections per address (a Unix socket
  // has no host, and counts as one address).
  const addr = info?.remoteAddr;
  const peer: ConnectionInfo | undefined = addr !== undefined && "hostname" in addr
    ? { remoteAddr: { hostname: addr.hostname } }
    : undefined;
  return (await served).app.fetch(request, peer);
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
    Deno.addSignalListener(signal, () => servedNow?.sluice.close());
  }
}

/**
 * The program of `deno run server.ts ARGS…`: reads the settings (exiting 2
 * with a usage line when they are wrong, printing it and exiting 0 on
 * `--help`), opens the dataset, listens, and on SIGINT or SIGTERM ends the
 * downloads (clients resume) and exits 0.
 */
export async function main(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  let config: ProgramConfig;
  try {
    config = programConfig(args, env);
  } catch (error) {
    if (error instanceof DatasetRefused) {
      for (const line of error.problems) console.error(`sluice: ${line}`);
      Deno.exit(2);
    }
    console.error(`sluice: ${error instanceof Error ? error.message : error}`);
    console.error(USAGE);
    Deno.exit(2);
  }
  if (config.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  let given: Uint8Array | undefined;
  try {
    // Before the dataset opens, which for a new demo file takes a while.
    given = givenIdentityKey(config);
  } catch (error) {
    if (!(error instanceof KeyRefused)) throw error;
    console.error(`sluice: ${error.message}`);
    Deno.exit(2);
  }
  const served = await openSource(config);
  const { sluice, app } = serve(config, served, given ?? newIdentityKey(config));
  // One shutdown, however many signals: `timeout … deno task start` delivers SIGTERM twice (to its
  // process group, and through deno task, which forwards it). Listened to before listening, so
  // that a signal sent once the address is printed is never the runtime's default, a plain kill.
  let stopping: Promise<never> | undefined;
  const http = Promise.withResolvers<{ shutdown(): Promise<void> }>();
  const stop = (signal: string) => {
    stopping ??= (async () => {
      console.error(`sluice: ${signal}, ending downloads (clients may resume) and shutting down`);
      await sluice.close();
      await (await http.promise).shutdown();
      await served.close();
      Deno.exit(0);
    })();
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  const onListen = ({ hostname, port }: Deno.NetAddr) => {
    const what = served.datasets === undefined ? "database" : "datasets";
    console.log(`sluice listening on ws://${hostname}:${port}/ (${what} ${served.description})`);
    console.log(`sluice page at http://${hostname}:${port}/`);
  };
  const where = { hostname: config.hostname, port: config.port, onListen };
  // The guard bounds half-sent request heads, which Deno.serve holds for ever (PROTOCOL.md §19.2).
  const server = serveGuarded({ ...where, ...config.guard }, app.fetch);
  http.resolve(server);
  await server.finished;
  // The listener ends only in stop(), which exits the process; main() must not return before: under
  // `deno run`, server.ts (whose default export `{ fetch }` is for `deno serve`) finishing its
  // evaluation makes Deno warn "did you mean to run deno serve?".
  await stopping;
}
