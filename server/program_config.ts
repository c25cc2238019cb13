/**
 * The server program's settings: its flags, then the environment
 * variables that stand for them (under `deno serve` the flags are deno's),
 * then the defaults. Which dataset it serves is one of three: the demo
 * table (no `--table`), a table of a SQLite file (`--db FILE --table
 * NAME`), or one of a PostgreSQL database (`--database-url URL --table
 * NAME`); or it serves the several datasets a file lists (`--config
 * FILE`, dataset_config.ts).
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type GuardLimits,
  guardLimits,
  LIMIT_FLAG_OPTIONS,
  type LimitOptions,
  limitOptions,
} from "./limit_flags.ts";
import { TOKEN_FLAG_OPTIONS, tokenOptions } from "./token_flags.ts";
import type { TokenOptions } from "./token_verifier.ts";
import { parseAllowEntry } from "../protocol/sign_in.ts";
import { parseOrigin } from "./auth_config.ts";
import type { CatalogOptions } from "./catalog.ts";
import { DatasetRefused, type DatasetSettings, postgresUrlProblem } from "./open_dataset.ts";
import { type ConfiguredDataset, datasetConfig, parseRowFilter } from "./dataset_config.ts";
import type { RowFilter } from "../protocol/row_filter.ts";

/** Where the demo database lives when neither `--db` nor `SLUICE_DB` says. */
const DEFAULT_DB_PATH = "data/demo.sqlite";
/** Rows of the demo table when neither `--demo-rows` nor `SLUICE_DEMO_ROWS` says. */
const DEFAULT_DEMO_ROWS = 1_000_000;
/** The identity key file's name, beside the SQLite file (or in `data/`), unless named. */
const IDENTITY_KEY_FILE_NAME = "server-identity.key";

/** The program's usage, as `--help` and a wrong flag print it. */
export const USAGE = `usage: server.ts [--port N] [--hostname H] [--allow KEY]… [--allow-file PATH]
         [--anonymous] [--identity-key-file PATH] [--origin URL]… [--no-encryption]
         [--max-delegation-minutes N] [--chain-id N] [--allowed-origins URL]…
         [--jwt-secret-file FILE | --jwt-public-key PEM-FILE | --jwks-url URL]
         [--jwt-issuer ISS]… [--jwt-audience AUD]… [--jwt-clock-skew-ms N]
         [--row-filter-column C (--row-filter-claim NAME | --row-filter-identity)]
         [--max-… N, --…-timeout-ms N: the limits of docs/PROTOCOL.md §19]
       and one dataset:
         [--db PATH] [--demo-rows N]               the demo table, built in PATH if missing
         --db FILE --table NAME [TABLE FLAGS]       a table or view of a SQLite file
         --database-url postgres://… --table NAME [TABLE FLAGS]
       or several: --config FILE                   the datasets FILE lists (docs/CONFIG.md)
       TABLE FLAGS: [--columns a,b,c] [--key-column C] [--time-column C]
         [--timestamp-columns a,b] [--text-columns a,b] [--decimal-columns a:SCALE,b (SQLite)]
       Every flag has an environment variable (SLUICE_PORT, SLUICE_TABLE, …): see README.md.`;

/** Settings of the server program. */
export interface ProgramConfig {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to listen on. */
  readonly hostname: string;
  /** What the server exports: its one dataset, or the first (the default) of `datasets`. */
  readonly dataset: DatasetSettings;
  /** The datasets of `--config FILE`, checked, the default first; absent without one. */
  readonly datasets?: readonly ConfiguredDataset[];
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
  /** The chain id wallets' sign-in messages name (PROTOCOL.md §15.7); `undefined`: 1. */
  readonly chainId: number | undefined;
  /** Whether `--help` was asked for (everything else is then the defaults). */
  readonly help: boolean;
  /** The limits the flags set (docs/PROTOCOL.md §19), and the allowed page origins. */
  readonly limits: LimitOptions;
  /** The upgrade guard's limits (server/upgrade_guard.ts), from their flags. */
  readonly guard: GuardLimits;
  /** How bearer tokens are verified (docs/PROTOCOL.md §15.8); empty: no tokens taken. */
  readonly tokens: TokenOptions;
  /** The one dataset's row rule (`--row-filter-column` with `--row-filter-claim` or `-identity`). */
  readonly rowFilter?: RowFilter;
}

const OPTIONS = {
  help: { type: "boolean" },
  port: { type: "string" },
  hostname: { type: "string" },
  db: { type: "string" },
  "demo-rows": { type: "string" },
  "database-url": { type: "string" },
  table: { type: "string" },
  columns: { type: "string" },
  "key-column": { type: "string" },
  "time-column": { type: "string" },
  "timestamp-columns": { type: "string" },
  "text-columns": { type: "string" },
  "decimal-columns": { type: "string" },
  allow: { type: "string", multiple: true },
  "allow-file": { type: "string" },
  anonymous: { type: "boolean" },
  "identity-key-file": { type: "string" },
  "no-encryption": { type: "boolean" },
  origin: { type: "string", multiple: true },
  "max-delegation-minutes": { type: "string" },
  "chain-id": { type: "string" },
  config: { type: "string" },
  "row-filter-column": { type: "string" },
  "row-filter-claim": { type: "string" },
  "row-filter-identity": { type: "boolean" },
} as const;

/** The flags that describe a table, and the variables that stand for them. */
const TABLE_FLAGS = {
  columns: "SLUICE_COLUMNS",
  "key-column": "SLUICE_KEY_COLUMN",
  "time-column": "SLUICE_TIME_COLUMN",
  "timestamp-columns": "SLUICE_TIMESTAMP_COLUMNS",
  "text-columns": "SLUICE_TEXT_COLUMNS",
  "decimal-columns": "SLUICE_DECIMAL_COLUMNS",
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the program's settings from flags, then environment variables
 * (`SLUICE_PORT`, `SLUICE_HOSTNAME`, `SLUICE_DB`, `SLUICE_DEMO_ROWS`,
 * `SLUICE_DATABASE_URL`, `SLUICE_TABLE`, `SLUICE_COLUMNS`,
 * `SLUICE_KEY_COLUMN`, `SLUICE_TIME_COLUMN`, `SLUICE_TIMESTAMP_COLUMNS`,
 * `SLUICE_TEXT_COLUMNS`, `SLUICE_DECIMAL_COLUMNS`, `SLUICE_ALLOW`,
 * `SLUICE_ALLOW_FILE`, `SLUICE_ANONYMOUS`, `SLUICE_IDENTITY_KEY`,
 * `SLUICE_IDENTITY_KEY_FILE`, `SLUICE_ENCRYPTION`, `SLUICE_ORIGIN`,
 * `SLUICE_MAX_DELEGATION_MINUTES`, `SLUICE_CONFIG`, `SLUICE_ROW_FILTER_*`, and the `SLUICE_JWT_*`
 * of token_flags.ts), then defaults. Throws a `TypeError` naming the bad
 * flag or entry, or the flags that do not go together, and a
 * `DatasetRefused` listing every problem of a `--config` file.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { programConfig } from "./program_config.ts";
 * equal(programConfig(["--port", "0", "--demo-rows", "1000"], {}).port, 0);
 * equal(programConfig([], { SLUICE_DB: "x/t.sqlite" }).identityKeyFile, "x/server-identity.key");
 * deepStrictEqual(
 *   programConfig(["--db", "pay.sqlite", "--table", "payments", "--time-column", "paid_at"], {}).dataset,
 *   { kind: "sqlite", path: "pay.sqlite", table: { table: "payments", timeColumn: "paid_at" } },
 * );
 * ```
 */
export function programConfig(args: readonly string[], env: Env): ProgramConfig {
  const { values } = parseArgs({
    args: [...args],
    options: { ...OPTIONS, ...LIMIT_FLAG_OPTIONS, ...TOKEN_FLAG_OPTIONS },
    strict: true,
  });
  const port = integer("--port", values.port ?? env.SLUICE_PORT ?? "8080", 0, 65_535);
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
  const configFile = values.config ?? env.SLUICE_CONFIG;
  const datasets = configFile === undefined ? undefined : configured(configFile, values, env);
  const dataset = datasets?.[0].settings ?? datasetSettings(values, env);
  const rowFilter = rowFilterFlags(values, env, configFile !== undefined);
  const maxDelegation = values["max-delegation-minutes"] ?? env.SLUICE_MAX_DELEGATION_MINUTES;
  const chainId = values["chain-id"] ?? env.SLUICE_CHAIN_ID;
  const origins = [...(values.origin ?? []), ...(env.SLUICE_ORIGIN ?? "").split(/[\s,]+/)]
    .filter((o) => o !== "").map(parseOrigin);
  return {
    port,
    hostname: values.hostname ?? env.SLUICE_HOSTNAME ?? "127.0.0.1",
    origins: origins.length === 0 ? undefined : origins,
    dataset,
    ...(datasets === undefined ? {} : { datasets }),
    allow: anyEntrySource ? entries : undefined,
    anonymous: values.anonymous ?? flag(env.SLUICE_ANONYMOUS),
    encryption: !(values["no-encryption"] ?? env.SLUICE_ENCRYPTION === "off"),
    identityKey: env.SLUICE_IDENTITY_KEY,
    identityKeyFile: values["identity-key-file"] ?? env.SLUICE_IDENTITY_KEY_FILE ??
      `${
        configFile !== undefined
          ? directoryOf(configFile)
          : dataset.kind === "postgres"
          ? "data/"
          : directoryOf(dataset.path)
      }${IDENTITY_KEY_FILE_NAME}`,
    maxDelegationMinutes: maxDelegation === undefined
      ? undefined
      : integer("--max-delegation-minutes", maxDelegation, 0, 525_600),
    chainId: chainId === undefined
      ? undefined
      : integer("--chain-id", chainId, 1, Number.MAX_SAFE_INTEGER),
    help: values.help ?? false,
    limits: limitOptions(values, env),
    guard: guardLimits(values, env),
    tokens: tokenOptions(values, env),
    ...(rowFilter === undefined ? {} : { rowFilter }),
  };
}

/**
 * The row rule of `--row-filter-column C` with `--row-filter-claim NAME`
 * or `--row-filter-identity` (`SLUICE_ROW_FILTER_COLUMN`,
 * `SLUICE_ROW_FILTER_CLAIM`, `SLUICE_ROW_FILTER_IDENTITY`), read as a
 * file's `rowFilter` is; with `--config`, each dataset's is in the file.
 */
function rowFilterFlags(values: Values, env: Env, config: boolean): RowFilter | undefined {
  const column = values["row-filter-column"] ?? env.SLUICE_ROW_FILTER_COLUMN;
  const claim = values["row-filter-claim"] ?? env.SLUICE_ROW_FILTER_CLAIM;
  const identity = values["row-filter-identity"] ?? flag(env.SLUICE_ROW_FILTER_IDENTITY);
  if (column === undefined && claim === undefined && !identity) return undefined;
  if (config) {
    throw new TypeError('--config lists the datasets: a row rule is a dataset\'s "rowFilter"');
  }
  if (column === undefined) {
    throw new TypeError(
      `--row-filter-${identity ? "identity" : "claim"} needs --row-filter-column C`,
    );
  }
  if ((claim === undefined) === !identity) {
    throw new TypeError(
      "--row-filter-column needs --row-filter-claim NAME or --row-filter-identity",
    );
  }
  const parsed = parseRowFilter(identity ? { column, identity } : { column, claim });
  if (!parsed.ok) throw new TypeError(`--row-filter: ${parsed.error}`);
  return parsed.value;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];

/** The flags and variables that describe the one dataset a `--config` file replaces. */
const ONE_DATASET = {
  db: "SLUICE_DB",
  "database-url": "SLUICE_DATABASE_URL",
  table: "SLUICE_TABLE",
  "demo-rows": "SLUICE_DEMO_ROWS",
  ...TABLE_FLAGS,
} as const;

/**
 * The datasets of a `--config` file. A file that is not there, or flags
 * of one dataset beside it, are a `TypeError` (a usage error); a file that
 * says something wrong is a `DatasetRefused` with every problem, each line
 * starting with the file's name and the setting's path.
 */
function configured(path: string, values: Values, env: Env): ConfiguredDataset[] {
  const beside = (Object.keys(ONE_DATASET) as (keyof typeof ONE_DATASET)[])
    .find((name) => (values[name] ?? env[ONE_DATASET[name]]) !== undefined);
  if (beside !== undefined) {
    throw new TypeError(`--config lists the datasets: --${beside} belongs in its file`);
  }
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new TypeError(`--config: no file at ${path}`);
  }
  const read = datasetConfig(text, directoryOf(path), env);
  if (!read.ok) throw new DatasetRefused(read.error.map((line) => `${path}: ${line}`));
  return read.value;
}

/** Which dataset the flags name, refusing flags that do not go together. */
function datasetSettings(values: Values, env: Env): DatasetSettings {
  const db = values.db ?? env.SLUICE_DB;
  const url = values["database-url"] ?? env.SLUICE_DATABASE_URL;
  const table = values.table ?? env.SLUICE_TABLE;
  const demoRows = values["demo-rows"] ?? env.SLUICE_DEMO_ROWS;
  const given = (Object.keys(TABLE_FLAGS) as (keyof typeof TABLE_FLAGS)[])
    .filter((name) => (values[name] ?? env[TABLE_FLAGS[name]]) !== undefined);
  if (db !== undefined && url !== undefined) {
    throw new TypeError("--db and --database-url name two databases: give one");
  }
  if (table === undefined) {
    if (url !== undefined) throw new TypeError("--database-url needs --table NAME");
    if (given.length > 0) {
      throw new TypeError(`--${given[0]} describes a table: it needs --table NAME`);
    }
    return {
      kind: "demo",
      path: db ?? DEFAULT_DB_PATH,
      rows: integer(
        "--demo-rows",
        demoRows ?? String(DEFAULT_DEMO_ROWS),
        0,
        Number.MAX_SAFE_INTEGER,
      ),
    };
  }
  if (demoRows !== undefined) {
    throw new TypeError("--demo-rows sizes the demo table: with --table nothing is built");
  }
  const list = (name: keyof typeof TABLE_FLAGS): string[] | undefined => {
    const text = values[name] ?? env[TABLE_FLAGS[name]];
    return text?.split(",").map((c) => c.trim()).filter((c) => c !== "");
  };
  const one = (name: "key-column" | "time-column") => values[name] ?? env[TABLE_FLAGS[name]];
  const options: CatalogOptions = {
    table,
    ...defined("columns", list("columns")),
    ...defined("keyColumn", one("key-column")),
    ...defined("timeColumn", one("time-column")),
    ...defined("timestampColumns", list("timestamp-columns")),
    ...defined("textColumns", list("text-columns")),
  };
  if (url !== undefined) {
    const wrong = postgresUrlProblem(url);
    if (wrong !== undefined) throw new TypeError(`--database-url ${wrong}`);
    if (given.includes("decimal-columns")) {
      throw new TypeError(
        "--decimal-columns is for SQLite: PostgreSQL's numeric columns declare their own scale",
      );
    }
    return { kind: "postgres", url, table: options };
  }
  if (db === undefined) {
    throw new TypeError("--table needs --db FILE (SQLite) or --database-url URL (PostgreSQL)");
  }
  const decimals = list("decimal-columns");
  return {
    kind: "sqlite",
    path: db,
    table: decimals === undefined ? options : { ...options, decimalColumns: scales(decimals) },
  };
}

/** `{ [key]: value }` when the value is given, else nothing (options stay minimal). */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `a:8,b` as `{ a: 8, b: null }`: a column and its scale, or none for the digits as stored. */
function scales(entries: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const entry of entries) {
    const [name, scale, extra] = entry.split(":");
    if (extra !== undefined || name === "") {
      throw new TypeError(`--decimal-columns takes name:scale or name, got "${entry}"`);
    }
    out[name] = scale === undefined ? null : integer(`--decimal-columns ${name}`, scale, 0, 30);
  }
  return out;
}

function directoryOf(path: string): string {
  return path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
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
