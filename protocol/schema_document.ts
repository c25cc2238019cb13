/**
 * The schema document: what a server exports and lets clients filter on,
 * published over HTTP as `GET /schema.json` beside the WebSocket endpoint
 * (docs/PROTOCOL.md §17). Version 1 of the wire protocol has no event that
 * carries the schema before a download starts, and a page needs it to offer
 * filters, so it travels as a plain JSON document instead.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { type ErrorResponse, errorResponse } from "./errors.ts";
import { type ColumnSchema, operatorsFor } from "./filter.ts";
import {
  type ColumnType,
  DATASET_NAME,
  FILTER_OPERATORS,
  type FilterOperator,
} from "./messages.ts";
import type { Result } from "./result.ts";
import { bool, type Check, Invalid, list, num, object, oneOf, str } from "./_schema.ts";

/** One column of a {@linkcode SchemaDocument}. */
export interface SchemaColumn {
  /** Name in filters and output. */
  readonly name: string;
  /** Value type; decides the filter value forms (PROTOCOL.md §6.2). */
  readonly type: ColumnType;
  /** For `decimal` columns: digits after the point. */
  readonly scale?: number;
  /** Whether filters may name it. */
  readonly filterable: boolean;
  /** The operators a filter on it may use; empty when not filterable. */
  readonly operators: readonly FilterOperator[];
}

/** One dataset of a server of several (PROTOCOL.md §5.1, §17). */
export interface SchemaDataset {
  /** What `searchParams.dataset` names it by. */
  readonly name: string;
  /** Its `timestamp` column that `timeFrom` and `timeTo` apply to. */
  readonly timeColumn: string;
  /** Its exported columns, in output order. */
  readonly columns: readonly SchemaColumn[];
}

/** The body of `GET /schema.json`. */
export interface SchemaDocument {
  /** Format version of this document. */
  readonly version: 1;
  /** The `timestamp` column that `timeFrom` and `timeTo` apply to (of the default dataset). */
  readonly timeColumn: string;
  /** The exported columns, in output order (of the default dataset). */
  readonly columns: readonly SchemaColumn[];
  /**
   * A server of named datasets: every one, the default first (the one a
   * request that names none reads, whose columns are also the document's
   * own). Absent on a server of one unnamed dataset.
   */
  readonly datasets?: readonly SchemaDataset[];
  /** Present, and `true`, when the server takes token sign-ins (PROTOCOL.md §15.8). */
  readonly tokens?: true;
}

/** Most columns a document may list, per dataset. */
const MAX_COLUMNS = 256;
/** Most datasets a document may list. */
const MAX_DATASETS = 64;
const COLUMN_TYPES: readonly ColumnType[] = ["integer", "decimal", "text", "timestamp", "boolean"];

function schemaColumns(
  schema: { readonly columns: readonly ColumnSchema[] },
): SchemaColumn[] {
  return schema.columns.map((c) => {
    const filterable = c.filterable !== false;
    return {
      name: c.name,
      type: c.type,
      ...(c.scale === undefined ? {} : { scale: c.scale }),
      filterable,
      operators: filterable ? [...operatorsFor(c.type)] : [],
    };
  });
}

/**
 * The document describing a data source's columns; with `datasets`, those
 * of every dataset too, the first being the default (whose columns are
 * the document's own).
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { schemaDocument } from "./schema_document.ts";
 * const doc = schemaDocument({ timeColumn: "ts", columns: [{ name: "ts", type: "timestamp" }] });
 * ok(doc.columns[0].operators.includes("between"));
 * const trades = { name: "trades", timeColumn: "ts", columns: [{ name: "ts", type: "timestamp" as const }] };
 * equal(schemaDocument(trades, [trades]).datasets?.[0].name, "trades");
 * ```
 */
export function schemaDocument(
  schema: { readonly timeColumn: string; readonly columns: readonly ColumnSchema[] },
  datasets?: readonly {
    readonly name: string;
    readonly timeColumn: string;
    readonly columns: readonly ColumnSchema[];
  }[],
  signIn: { readonly tokens?: boolean } = {},
): SchemaDocument {
  return {
    ...(signIn.tokens === true ? { tokens: true } : {}),
    version: 1,
    timeColumn: schema.timeColumn,
    columns: schemaColumns(schema),
    ...(datasets === undefined ? {} : {
      datasets: datasets.map((d) => ({
        name: d.name,
        timeColumn: d.timeColumn,
        columns: schemaColumns(d),
      })),
    }),
  };
}

const column: Check<SchemaColumn> = object({
  name: str({ max: 256 }),
  type: oneOf(COLUMN_TYPES),
  filterable: bool,
  operators: list(oneOf(FILTER_OPERATORS), FILTER_OPERATORS.length),
}, { scale: num({ min: 0, max: 30, integer: true }) });

const version: Check<1> = (value, path) => {
  if (value !== 1) throw new Invalid("INVALID_VALUE", path, "expected 1");
  return 1;
};

const dataset: Check<SchemaDataset> = object({
  name: str({ max: 64, pattern: DATASET_NAME }),
  timeColumn: str({ max: 256 }),
  columns: list(column, MAX_COLUMNS),
});
const yes: Check<true> = (value, path) => {
  if (value !== true) throw new Invalid("INVALID_VALUE", path, "expected true");
  return true;
};

const document: Check<SchemaDocument> = object({
  version,
  timeColumn: str({ max: 256 }),
  columns: list(column, MAX_COLUMNS),
}, { datasets: list(dataset, MAX_DATASETS), tokens: yes });

/**
 * Reads a schema document from untrusted JSON text: the one place where it
 * becomes a typed value. Fails with the protocol's codes and a `path`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseSchemaDocument } from "./schema_document.ts";
 * const r = parseSchemaDocument('{"version":1,"timeColumn":"ts","columns":[]}');
 * equal(r.ok && r.value.timeColumn, "ts");
 * ```
 */
export function parseSchemaDocument(text: string): Result<SchemaDocument, ErrorResponse> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { ok: false, error: errorResponse("MALFORMED_JSON") };
  }
  try {
    return { ok: true, value: document(value, "") };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return { ok: false, error: errorResponse(error.code, { path: error.path }) };
  }
}
