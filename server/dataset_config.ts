/**
 * The server program's configuration file (`--config FILE`,
 * docs/CONFIG.md): the datasets one server exports, each a table or view
 * of a SQLite file or of a PostgreSQL database whose URL is in an
 * environment variable the file names (so that no password is written in
 * it), with who may download it and its own limits. The file is read as
 * strictly as a control message: every problem is one line, `PATH:
 * what is wrong`, and all of them are reported, not only the first.
 *
 * @module
 */

import type { Result } from "../protocol/result.ts";
import { DATASET_NAME } from "../protocol/request_payloads.ts";
import { LIMIT_TABLE } from "../protocol/limit_table.ts";
import { parseAllowEntry } from "../protocol/sign_in.ts";
import { MAX_CLAIM_NAME_LENGTH, type RowFilter } from "../protocol/row_filter.ts";
import type { CatalogOptions } from "./catalog.ts";
import { type DatasetSettings, postgresUrlProblem } from "./open_dataset.ts";
import type { DatasetLimits } from "./server_datasets.ts";

/** The limits a dataset may set for its own requests: the per-request rows of the limit table. */
export const DATASET_LIMIT_NAMES: readonly string[] = LIMIT_TABLE
  .map((row) => row.option ?? "")
  .filter((option) => option === "limits.maxRowsPerRequest" || option.startsWith("requestLimits."))
  .map((option) => option.split(".")[1]);

/** One dataset of the file, checked. */
export interface ConfiguredDataset {
  /** What requests name it by (`searchParams.dataset`). */
  readonly name: string;
  /** Where its rows come from, as `openDataset` takes it. */
  readonly settings: DatasetSettings;
  /** Who may download it, checked keys and addresses; absent: whoever may sign in. */
  readonly allow?: readonly string[];
  /** Its own limits, replacing the server's for its requests. */
  readonly limits: DatasetLimits;
  /** Its row rule (docs/CONFIG.md): every download narrowed to the identity's rows. */
  readonly rowFilter?: RowFilter;
}

/** The keys a dataset may have; anything else is a problem (a typo must not go unnoticed). */
const DATASET_KEYS = [
  "name",
  "sqlite",
  "postgres",
  "table",
  "keyColumn",
  "timeColumn",
  "columns",
  "timestampColumns",
  "textColumns",
  "decimalColumns",
  "allow",
  "limits",
  "rowFilter",
] as const;

/** An environment variable's name, as the file gives the one holding a PostgreSQL URL. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Most datasets one file lists (as many as `/schema.json` may, PROTOCOL.md §17). */
const MAX_DATASETS = 64;

type Json = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a configuration file's text. `dir` is the file's directory
 * (relative SQLite paths are read from it); `env` holds the variables the
 * file names.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { datasetConfig } from "./dataset_config.ts";
 * const text = JSON.stringify({
 *   datasets: [
 *     { name: "payments", sqlite: "pay.sqlite", table: "payments", limits: { maxFilters: 4 } },
 *     { name: "trades", postgres: "TRADES_URL", table: "public.trades" },
 *   ],
 * });
 * const r = datasetConfig(text, "conf/", { TRADES_URL: "postgres://sluice@db/exchange" });
 * equal(r.ok && r.value[0].settings.kind === "sqlite" && r.value[0].settings.path, "conf/pay.sqlite");
 * const bad = datasetConfig('{"datasets":[{"name":"a b"}]}', "", {});
 * equal(!bad.ok && bad.error[0], "datasets[0].name: a letter or digit, then at most 63 letters, digits, _, . or -");
 * ```
 */
export function datasetConfig(
  text: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): Result<ConfiguredDataset[], string[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { ok: false, error: [`(file): not JSON: ${error.message}`] };
  }
  const problems: string[] = [];
  const out: ConfiguredDataset[] = [];
  if (!isRecord(value)) return { ok: false, error: ["(file): must be an object with datasets"] };
  for (const key of Object.keys(value)) {
    if (key !== "datasets") problems.push(`${key}: not a setting (the file has only datasets)`);
  }
  const list = value.datasets;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_DATASETS) {
    problems.push(`datasets: a list of 1 to ${MAX_DATASETS} datasets`);
    return { ok: false, error: problems };
  }
  const names = new Set<string>();
  list.forEach((entry, i) => {
    const at = `datasets[${i}]`;
    const name = isRecord(entry) ? entry.name : undefined;
    if (typeof name === "string" && names.has(name)) {
      problems.push(`${at}.name: ${name} is listed twice`);
    }
    if (typeof name === "string") names.add(name);
    const checked = dataset(entry, at, dir, env, problems);
    if (checked !== undefined) out.push(checked);
  });
  return problems.length === 0 ? { ok: true, value: out } : { ok: false, error: problems };
}

/** One dataset, its problems pushed to `problems`; `undefined` when it has any. */
function dataset(
  entry: unknown,
  at: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): ConfiguredDataset | undefined {
  const before = problems.length;
  const problem = (key: string, what: string) => problems.push(`${at}.${key}: ${what}`);
  if (!isRecord(entry)) {
    problems.push(`${at}: must be an object`);
    return undefined;
  }
  for (const key of Object.keys(entry)) {
    if (!(DATASET_KEYS as readonly string[]).includes(key)) problem(key, "not a dataset setting");
  }
  const name = entry.name;
  if (typeof name !== "string" || !DATASET_NAME.test(name)) {
    problem("name", "a letter or digit, then at most 63 letters, digits, _, . or -");
  }
  const text = (key: string): string | undefined => {
    const v = entry[key];
    if (v === undefined) return undefined;
    if (typeof v === "string" && v !== "") return v;
    problem(key, "a non-empty string");
    return undefined;
  };
  const names = (key: string): string[] | undefined => {
    const v = entry[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((c) => typeof c === "string" && c !== "")) return v;
    problem(key, "a list of column names");
    return undefined;
  };
  const table = text("table");
  if (entry.table === undefined) problem("table", "required: the table or view to export");
  const options: CatalogOptions = {
    table: table ?? "",
    ...defined("columns", names("columns")),
    ...defined("keyColumn", text("keyColumn")),
    ...defined("timeColumn", text("timeColumn")),
    ...defined("timestampColumns", names("timestampColumns")),
    ...defined("textColumns", names("textColumns")),
  };
  const sqlite = text("sqlite");
  const postgres = text("postgres");
  let settings: DatasetSettings | undefined;
  if ((entry.sqlite === undefined) === (entry.postgres === undefined)) {
    problem("sqlite", 'give one source: "sqlite": "FILE" or "postgres": "ENV_VARIABLE"');
  } else if (sqlite !== undefined) {
    const decimals = decimalColumns(entry.decimalColumns, problem);
    const path = sqlite.startsWith("/") ? sqlite : `${dir}${sqlite}`;
    settings = {
      kind: "sqlite",
      path,
      table: decimals === undefined ? options : { ...options, decimalColumns: decimals },
    };
  } else if (postgres !== undefined) {
    if (entry.decimalColumns !== undefined) {
      problem("decimalColumns", "SQLite only: PostgreSQL's numeric columns declare their scale");
    }
    const url = ENV_NAME.test(postgres) ? env[postgres] : undefined;
    const wrong = url === undefined || url === "" ? undefined : postgresUrlProblem(url);
    if (!ENV_NAME.test(postgres)) {
      problem("postgres", "the name of an environment variable holding the URL, not the URL");
    } else if (url === undefined || url === "") {
      problem("postgres", `${postgres} is not set: set it to postgres://user:password@host/db`);
    } else if (wrong !== undefined) {
      problem("postgres", `${postgres}'s URL ${wrong}`);
    } else settings = { kind: "postgres", url, table: options };
  }
  const allow = allowList(entry.allow, problem);
  const limits = datasetLimits(entry.limits, problem);
  const rule = entry.rowFilter === undefined ? undefined : parseRowFilter(entry.rowFilter);
  if (rule?.ok === false) problem("rowFilter", rule.error);
  if (problems.length > before || settings === undefined) return undefined;
  return {
    name: name as string,
    settings,
    ...defined("allow", allow),
    limits,
    ...defined("rowFilter", rule?.ok ? rule.value : undefined),
  };
}

function decimalColumns(
  value: unknown,
  problem: (key: string, what: string) => void,
): Record<string, number | null> | undefined {
  if (value === undefined) return undefined;
  const what = "an object of column: scale (0 to 30), or column: null for the digits as stored";
  if (!isRecord(value)) {
    problem("decimalColumns", what);
    return undefined;
  }
  const out: Record<string, number | null> = {};
  for (const [column, scale] of Object.entries(value)) {
    if (scale === null || (Number.isInteger(scale) && Number(scale) >= 0 && Number(scale) <= 30)) {
      out[column] = scale as number | null;
    } else problem(`decimalColumns.${column}`, what);
  }
  return out;
}

function allowList(
  value: unknown,
  problem: (key: string, what: string) => void,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problem("allow", "a list of public keys (66 hex) and 0x addresses");
    return undefined;
  }
  const out: string[] = [];
  value.forEach((entry, i) => {
    const parsed = typeof entry === "string" ? parseAllowEntry(entry) : undefined;
    if (parsed?.ok === true) out.push(parsed.value);
    else problem(`allow[${i}]`, parsed?.error ?? "a public key (66 hex) or a 0x address");
  });
  return out;
}

function datasetLimits(
  value: unknown,
  problem: (key: string, what: string) => void,
): DatasetLimits {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    problem("limits", `an object of ${DATASET_LIMIT_NAMES.join(", ")}`);
    return {};
  }
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(value)) {
    if (!DATASET_LIMIT_NAMES.includes(key)) {
      problem(`limits.${key}`, `not a dataset limit (${DATASET_LIMIT_NAMES.join(", ")})`);
    } else if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
      problem(`limits.${key}`, "a whole number of at least 1");
    } else out[key] = n;
  }
  return out;
}

/**
 * A row rule's setting: `{ "column": C, "claim": NAME }` or
 * `{ "column": C, "identity": true }`. Whether the column can take it is
 * known once the dataset is open (open_datasets.ts); the program's
 * `--row-filter-*` flags are read here too.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { parseRowFilter } from "./dataset_config.ts";
 * deepStrictEqual(parseRowFilter({ column: "account_id", claim: "acct" }), {
 *   ok: true,
 *   value: { column: "account_id", claim: "acct" },
 * });
 * equal(parseRowFilter({ column: "account_id" }).ok, false);
 * ```
 */
export function parseRowFilter(value: unknown): Result<RowFilter, string> {
  const what = 'an object: { "column": C, "claim": NAME } or { "column": C, "identity": true }';
  if (!isRecord(value)) return { ok: false, error: what };
  const extra = Object.keys(value).find((k) => !["column", "claim", "identity"].includes(k));
  if (extra !== undefined) {
    return { ok: false, error: `${extra}: not a rowFilter setting (${what})` };
  }
  const { column, claim, identity } = value;
  if (typeof column !== "string" || column === "") {
    return { ok: false, error: `column: the column to match, a non-empty string` };
  }
  if (claim !== undefined && identity !== undefined) {
    return { ok: false, error: "give claim or identity, not both" };
  }
  if (identity !== undefined) {
    return identity === true
      ? { ok: true, value: { column, identity: true } }
      : { ok: false, error: "identity: true (the key, address or token subject), or leave it out" };
  }
  if (typeof claim !== "string" || claim === "" || claim.length > MAX_CLAIM_NAME_LENGTH) {
    return {
      ok: false,
      error: `claim: the token claim's name, 1 to ${MAX_CLAIM_NAME_LENGTH} characters`,
    };
  }
  return { ok: true, value: { column, claim } };
}

/** `{ [key]: value }` when the value is given, else nothing (options stay minimal). */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
