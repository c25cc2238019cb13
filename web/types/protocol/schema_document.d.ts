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
export declare function schemaDocument(schema: {
    readonly timeColumn: string;
    readonly columns: readonly ColumnSchema[];
}, datasets?: readonly {
    readonly name: string;
    readonly timeColumn: string;
    readonly columns: readonly ColumnSchema[];
}[], signIn?: {
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
