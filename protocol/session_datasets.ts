/**
 * The datasets of a server as its session machine sees them
 * (docs/PROTOCOL.md §5.1): which one a request reads (its
 * `searchParams.dataset`, or the server's default, the first listed), who
 * may read it, and the bounds on its requests. A server of one dataset
 * lists none: its `schema` is the only one, and a request that names a
 * dataset is refused with `UNKNOWN_DATASET`, as a name a server of several
 * does not have is.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { identityLabel } from "./auth.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { ExportLimits } from "./export_state.ts";
import type { ColumnSchema } from "./filter.ts";
import type { DownloadRequest, Identity, SignedInIdentity } from "./messages.ts";
import { type RequestLimits, validateDownloadRequest, type ValidatedRequest } from "./request.ts";
import type { Result } from "./result.ts";
import { checkRowFilter, type RowFilter, rowFilterFor } from "./row_filter.ts";
import type { SessionConfig, SessionSchema } from "./session_state.ts";

/** One dataset a request may name. */
export interface SessionDataset {
  /** Its name, as requests give it (`DATASET_NAME`). */
  readonly name: string;
  /** What it exports. */
  readonly schema: SessionSchema;
  /**
   * Who may download it, as `identityLabel`s (a signed-in identity not
   * among them, or an anonymous client, is `FORBIDDEN`); absent: whoever
   * the server lets download.
   */
  readonly allow?: ReadonlySet<string>;
  /** Bounds on its requests; each one given replaces the server's. */
  readonly requestLimits?: RequestLimits;
  /** Most rows one download of it may have, instead of the server's `maxRows`. */
  readonly maxRows?: number;
  /** Its row rule: every download is narrowed to the identity's own rows (row_filter.ts). */
  readonly rowFilter?: RowFilter;
}

/** What one download reads, as its steps need it. */
export interface DatasetView {
  /** The dataset's name; absent on a server of one dataset. */
  readonly name?: string;
  /** Its columns, in row order. */
  readonly columns: readonly ColumnSchema[];
  /** Where its key column is among them. */
  readonly keyIndex: number;
  /** The bounds on its requests. */
  readonly requestLimits: RequestLimits;
  /** The export tuning, with its row limit. */
  readonly exports: ExportLimits;
  /** Its row rule, which narrows every download of it (row_filter.ts). */
  readonly rowFilter?: RowFilter;
}

/**
 * Where a schema's key column is among its columns.
 *
 * @throws {RangeError} if it is not one of them.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { keyIndexOf } from "./session_datasets.ts";
 * equal(keyIndexOf({ columns: [{ name: "ts", type: "timestamp" }, { name: "id", type: "integer" }], keyColumn: "id" }), 1);
 * ```
 */
export function keyIndexOf(schema: SessionSchema): number {
  const index = schema.columns.findIndex((c) => c.name === schema.keyColumn);
  if (index === -1) {
    throw new RangeError(`the key column ${schema.keyColumn} is not among the columns`);
  }
  return index;
}

/**
 * Checks a configuration's datasets: names that are unique, key columns
 * among their columns, the first one's schema the config's own (the
 * default dataset is both), and row rules on columns they can filter by
 * `eq` (the config's own `rowFilter` only on a server of one dataset).
 *
 * @throws {RangeError} naming what does not hold.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { checkDatasets } from "./session_datasets.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const config = exampleSessionConfig();
 * checkDatasets(config);
 * throws(() => checkDatasets({ ...config, datasets: [] }), RangeError);
 * ```
 */
export function checkDatasets(config: SessionConfig): void {
  keyIndexOf(config.schema);
  const { datasets } = config;
  const rule = (rowFilter: RowFilter | undefined, schema: SessionSchema, name: string) => {
    const checked = rowFilter === undefined ? undefined : checkRowFilter(rowFilter, schema.columns);
    if (checked?.ok === false) throw new RangeError(`${name}: ${checked.error}`);
  };
  rule(config.rowFilter, config.schema, "config");
  if (datasets === undefined) return;
  if (config.rowFilter !== undefined) {
    throw new RangeError("rowFilter: with datasets, each dataset has its own");
  }
  if (datasets.length === 0 || datasets[0].schema !== config.schema) {
    throw new RangeError("datasets: the first is the default, whose schema is the config's");
  }
  const names = new Set<string>();
  for (const dataset of datasets) {
    if (names.has(dataset.name)) throw new RangeError(`datasets: ${dataset.name} twice`);
    names.add(dataset.name);
    keyIndexOf(dataset.schema);
    rule(dataset.rowFilter, dataset.schema, `datasets: ${dataset.name}`);
  }
}

function view(config: SessionConfig, dataset: SessionDataset | undefined): DatasetView {
  const schema = dataset?.schema ?? config.schema;
  const maxRows = dataset?.maxRows;
  const rowFilter = dataset === undefined ? config.rowFilter : dataset.rowFilter;
  return {
    ...(dataset === undefined ? {} : { name: dataset.name }),
    columns: schema.columns,
    keyIndex: keyIndexOf(schema),
    requestLimits: { ...config.requestLimits, ...dataset?.requestLimits },
    exports: maxRows === undefined ? config.exports : { ...config.exports, maxRows },
    ...(rowFilter === undefined ? {} : { rowFilter }),
  };
}

/**
 * The dataset a request reads, or why it may not: `UNKNOWN_DATASET` for a
 * name the server does not have (its `details` list the ones it has), and
 * `FORBIDDEN` for one whose allow list leaves the identity out.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { chooseDataset } from "./session_datasets.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const config = exampleSessionConfig();
 * equal(chooseDataset(config, undefined, undefined).ok, true);
 * const r = chooseDataset(config, "orders", undefined);
 * equal(!r.ok && r.error.code, "UNKNOWN_DATASET");
 * ```
 */
export function chooseDataset(
  config: SessionConfig,
  asked: string | undefined,
  identity: Identity | undefined,
): Result<DatasetView, ErrorResponse> {
  const { datasets } = config;
  const dataset = asked === undefined ? datasets?.[0] : datasets?.find((d) => d.name === asked);
  if (asked !== undefined && dataset === undefined) {
    const path = "data.searchParams.dataset";
    const names = (datasets ?? []).map((d) => d.name).join(", ");
    return {
      ok: false,
      error: errorResponse("UNKNOWN_DATASET", { path, dataset: asked, datasets: names }),
    };
  }
  const allow = dataset?.allow;
  if (allow !== undefined && (identity === undefined || !allow.has(identityLabel(identity)))) {
    return { ok: false, error: errorResponse("FORBIDDEN", { dataset: dataset!.name }) };
  }
  return { ok: true, value: view(config, dataset) };
}

/**
 * The dataset of a download admitted earlier, by the name its validated
 * request carries.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { downloadDataset } from "./session_datasets.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * equal(downloadDataset(exampleSessionConfig(), undefined).keyIndex, 0);
 * ```
 */
export function downloadDataset(config: SessionConfig, name: string | undefined): DatasetView {
  return view(
    config,
    name === undefined ? undefined : config.datasets?.find((d) => d.name === name),
  );
}

/**
 * A request as the client sent it, validated against the dataset it names
 * (`chooseDataset`) and that dataset's schema and bounds (request.ts), then
 * narrowed by the dataset's row rule for this identity (row_filter.ts),
 * which a missing claim refuses first; the result names the dataset on a
 * server of several. Every request the machine reads rows for passes here:
 * a download's, a resume's, an estimate's, and the `authorize` hook's
 * narrowed ones.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { validateAsked } from "./session_datasets.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const searchParams = { timeFrom: "2024-02-01", timeTo: "2024-01-01", filters: [] };
 * const r = validateAsked(exampleSessionConfig(), undefined, { searchParams, outputFormat: "csv", compression: false });
 * equal(!r.ok && r.error.code, "INVALID_RANGE");
 * ```
 */
export function validateAsked(
  config: SessionConfig,
  identity: SignedInIdentity | undefined,
  request: DownloadRequest,
): Result<ValidatedRequest, ErrorResponse> {
  const chosen = chooseDataset(config, request.searchParams.dataset, identity);
  if (!chosen.ok) return chosen;
  const { name, columns, requestLimits, rowFilter } = chosen.value;
  // The dataset's row rule (row_filter.ts): a missing claim refuses before anything else.
  const rule = rowFilter === undefined ? undefined : rowFilterFor(rowFilter, columns, identity);
  if (rule?.ok === false) return rule;
  const checked = validateDownloadRequest(request, columns, requestLimits);
  if (!checked.ok) return checked;
  // Added after the client's filters are checked: they cannot widen it, nor spend its place
  // among `maxFilters`.
  const filters = rule === undefined
    ? checked.value.filters
    : [...checked.value.filters, rule.value];
  return {
    ok: true,
    value: { ...checked.value, filters, ...(name === undefined ? {} : { dataset: name }) },
  };
}
