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
import { type ColumnType, FILTER_OPERATORS, type FilterOperator } from "./messages.ts";
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

/** The body of `GET /schema.json`. */
export interface SchemaDocument {
  /** Format version of this document. */
  readonly version: 1;
  /** The `timestamp` column that `timeFrom` and `timeTo` apply to. */
  readonly timeColumn: string;
  /** The exported columns, in output order. */
  readonly columns: readonly SchemaColumn[];
  /** Present, and `true`, when the server takes token sign-ins (PROTOCOL.md §15.7). */
  readonly tokens?: true;
}

/** Most columns a document may list. */
const MAX_COLUMNS = 256;
const COLUMN_TYPES: readonly ColumnType[] = ["integer", "decimal", "text", "timestamp", "boolean"];

/**
 * The document describing a data source's columns.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { schemaDocument } from "./schema_document.ts";
 * const doc = schemaDocument({ timeColumn: "ts", columns: [{ name: "ts", type: "timestamp" }] });
 * ok(doc.columns[0].operators.includes("between"));
 * ```
 */
export function schemaDocument(
  schema: { readonly timeColumn: string; readonly columns: readonly ColumnSchema[] },
  signIn: { readonly tokens?: boolean } = {},
): SchemaDocument {
  return {
    ...(signIn.tokens === true ? { tokens: true } : {}),
    version: 1,
    timeColumn: schema.timeColumn,
    columns: schema.columns.map((c) => {
      const filterable = c.filterable !== false;
      return {
        name: c.name,
        type: c.type,
        ...(c.scale === undefined ? {} : { scale: c.scale }),
        filterable,
        operators: filterable ? [...operatorsFor(c.type)] : [],
      };
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

const yes: Check<true> = (value, path) => {
  if (value !== true) throw new Invalid("INVALID_VALUE", path, "expected true");
  return true;
};

const document: Check<SchemaDocument> = object({
  version,
  timeColumn: str({ max: 256 }),
  columns: list(column, MAX_COLUMNS),
}, { tokens: yes });

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
