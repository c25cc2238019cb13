// Generated from protocol/schema_document.ts by `deno task bundle`; do not edit.
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
import { type ErrorResponse } from "./errors.d.ts";
import { type ColumnSchema } from "./filter.d.ts";
import { type ColumnType, type FilterOperator } from "./messages.d.ts";
import type { Result } from "./result.d.ts";
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
export declare function schemaDocument(schema: {
    readonly timeColumn: string;
    readonly columns: readonly ColumnSchema[];
}, signIn?: {
    readonly tokens?: boolean;
}): SchemaDocument;
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
export declare function parseSchemaDocument(text: string): Result<SchemaDocument, ErrorResponse>;
