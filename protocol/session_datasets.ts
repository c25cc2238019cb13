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
import type { DownloadRequest, Identity } from "./messages.ts";
import { type RequestLimits, validateDownloadRequest, type ValidatedRequest } from "./request.ts";
import type { Result } from "./result.ts";
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
 * among their columns, and the first one's schema the config's own (the
 * default dataset is both).
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
  if (datasets === undefined) return;
  if (datasets.length === 0 || datasets[0].schema !== config.schema) {
    throw new RangeError("datasets: the first is the default, whose schema is the config's");
  }
  const names = new Set<string>();
  for (const dataset of datasets) {
    if (names.has(dataset.name)) throw new RangeError(`datasets: ${dataset.name} twice`);
    names.add(dataset.name);
    keyIndexOf(dataset.schema);
  }
}

function view(config: SessionConfig, dataset: SessionDataset | undefined): DatasetView {
  const schema = dataset?.schema ?? config.schema;
  const maxRows = dataset?.maxRows;
  return {
    ...(dataset === undefined ? {} : { name: dataset.name }),
    columns: schema.columns,
    keyIndex: keyIndexOf(schema),
    requestLimits: { ...config.requestLimits, ...dataset?.requestLimits },
    exports: maxRows === undefined ? config.exports : { ...config.exports, maxRows },
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
 * (`chooseDataset`) and that dataset's schema and bounds (request.ts); the
 * result names the dataset on a server of several.
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
  identity: Identity | undefined,
  request: DownloadRequest,
): Result<ValidatedRequest, ErrorResponse> {
  const chosen = chooseDataset(config, request.searchParams.dataset, identity);
  if (!chosen.ok) return chosen;
  const { name, columns, requestLimits } = chosen.value;
  const checked = validateDownloadRequest(request, columns, requestLimits);
  if (!checked.ok || name === undefined) return checked;
  return { ok: true, value: { ...checked.value, dataset: name } };
}
