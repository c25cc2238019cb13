/**
 * The datasets of a server of several (`createServer({ datasets })`): each
 * a name that requests give (`searchParams.dataset`, PROTOCOL.md §5.1), a
 * data source, who may download it and its own limits. This file turns
 * them into what the session machine reads (`SessionDataset`) and what the
 * session shell reads rows from (a source by name).
 *
 * @module
 */

import { DATASET_NAME } from "../protocol/request_payloads.ts";
import type { SessionDataset } from "../protocol/session_datasets.ts";
import { checkRowFilter, type RowFilter } from "../protocol/row_filter.ts";
import type { SessionSchema } from "../protocol/session_state.ts";
import { parseAllowEntry } from "../protocol/sign_in.ts";
import type { DataSource } from "./data_source.ts";

/** A dataset's own limits on its requests: each one given replaces the server's. */
export interface DatasetLimits {
  /** Most rows one download may have (`ROW_LIMIT_EXCEEDED`). */
  readonly maxRowsPerRequest?: number;
  /** Most filters of one request (`TOO_MANY_FILTERS`). */
  readonly maxFilters?: number;
  /** Most values of one `in` filter (`INVALID_FILTER_VALUE`). */
  readonly maxInValues?: number;
}

/** One dataset of {@linkcode ServerOptions.datasets}. */
export interface ServerDataset {
  /**
   * What requests name it by: a letter or digit, then at most 63 letters,
   * digits, `_`, `.` or `-`.
   */
  readonly name: string;
  /** Where its rows come from. */
  readonly source: DataSource;
  /**
   * Who may download it: compressed secp256k1 public keys (66 hex) and
   * Ethereum addresses, as the server's `allow`; anyone else, and anonymous
   * clients, are refused with `FORBIDDEN`.
   *
   * @default {whoever the server lets download}
   */
  readonly allow?: Iterable<string>;
  /**
   * Its limits.
   *
   * @default {the server's}
   */
  readonly limits?: DatasetLimits;
  /**
   * Its row rule: every download of it is narrowed to the signed-in
   * identity's own rows (docs/CONFIG.md, `rowFilter`).
   *
   * @default {every row the request selects}
   */
  readonly rowFilter?: RowFilter;
}

/** What a server serves, as its sessions read it. */
export interface ServedDatasets {
  /** The default dataset's source: what a request that names none reads. */
  readonly source: DataSource;
  /** The default dataset's schema, as the machine reads it. */
  readonly schema: SessionSchema;
  /** Every dataset's source by name; absent on a server of one unnamed source. */
  readonly sources?: ReadonlyMap<string, DataSource>;
  /** Every dataset as the machine reads it, the default first. */
  readonly datasets?: readonly SessionDataset[];
  /** The row rule of a server of one unnamed source. */
  readonly rowFilter?: RowFilter;
}

function sessionSchema(source: DataSource): SessionSchema {
  const { columns, keyColumn } = source.schema();
  return { columns, keyColumn };
}

/**
 * The datasets of a server's options: one unnamed `source`, or the named
 * `datasets`, the first being the default.
 *
 * @throws {TypeError} for neither or both, a name that is not a dataset
 * name or is given twice, an allow entry that is neither a key nor an
 * address, or a row rule on a column it cannot filter by `eq` (or one
 * that is neither `{ column, claim }` nor `{ column, identity: true }`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { servedDatasets } from "./server_datasets.ts";
 * import { openDemoSource } from "./demo_data.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.sqlite`;
 * const source = openDemoSource(path, 10);
 * const served = servedDatasets({ datasets: [{ name: "trades", source, limits: { maxFilters: 2 } }] });
 * equal(served.datasets?.[0].requestLimits?.maxFilters, 2);
 * equal(served.sources?.get("trades"), source);
 * await source.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function servedDatasets(
  options: {
    readonly source?: DataSource;
    readonly datasets?: readonly ServerDataset[];
    readonly rowFilter?: RowFilter;
  },
): ServedDatasets {
  const { source, datasets, rowFilter } = options;
  if ((source === undefined) === (datasets === undefined)) {
    throw new TypeError("createServer: give a source, or datasets, not both");
  }
  if (source !== undefined) {
    const schema = sessionSchema(source);
    if (rowFilter === undefined) return { source, schema };
    return { source, schema, rowFilter: checkedRule("createServer", rowFilter, schema) };
  }
  if (rowFilter !== undefined) {
    throw new TypeError("createServer: rowFilter is for a source; each dataset has its own");
  }
  if (datasets!.length === 0) throw new TypeError("datasets: give at least one");
  const sources = new Map<string, DataSource>();
  const session = datasets!.map((d): SessionDataset => {
    if (!DATASET_NAME.test(d.name)) throw new TypeError(`datasets: "${d.name}" is not a name`);
    if (sources.has(d.name)) throw new TypeError(`datasets: ${d.name} is given twice`);
    sources.set(d.name, d.source);
    const { maxRowsPerRequest, ...requestLimits } = d.limits ?? {};
    const schema = sessionSchema(d.source);
    const rule = d.rowFilter === undefined
      ? undefined
      : checkedRule(`datasets: ${d.name}`, d.rowFilter, schema);
    return {
      name: d.name,
      schema,
      ...(rule === undefined ? {} : { rowFilter: rule }),
      ...(d.allow === undefined ? {} : { allow: allowSet(d.name, d.allow) }),
      ...(Object.keys(requestLimits).length === 0 ? {} : { requestLimits }),
      ...(maxRowsPerRequest === undefined ? {} : { maxRows: maxRowsPerRequest }),
    };
  });
  return { source: datasets![0].source, schema: session[0].schema, sources, datasets: session };
}

function allowSet(name: string, entries: Iterable<string>): Set<string> {
  const allow = new Set<string>();
  for (const entry of entries) {
    const parsed = parseAllowEntry(entry);
    if (!parsed.ok) throw new TypeError(`datasets: ${name}: allow: ${parsed.error}`);
    allow.add(parsed.value);
  }
  return allow;
}

/** A row rule as the machine reads it, checked against the columns it narrows. */
function checkedRule(at: string, rule: RowFilter, schema: SessionSchema): RowFilter {
  const { column, claim, identity } = rule as {
    column?: unknown;
    claim?: unknown;
    identity?: unknown;
  };
  const shaped = typeof column === "string" &&
    ((typeof claim === "string" && identity === undefined) ||
      (claim === undefined && identity === true));
  if (!shaped) {
    throw new TypeError(`${at}: rowFilter: { column, claim: NAME } or { column, identity: true }`);
  }
  const checked = checkRowFilter(rule, schema.columns);
  if (!checked.ok) throw new TypeError(`${at}: ${checked.error}`);
  return claim === undefined ? { column, identity: true } : { column, claim: claim as string };
}
