/**
 * From a table's columns as a database's catalog lists them to the
 * {@linkcode SourceSchema} sluice exports, with one line per problem. Each
 * backend maps its own types ({@linkcode "./sqlite_catalog.ts"},
 * {@linkcode "./postgres_catalog.ts"}); choosing the columns, the key and
 * the time column is the same for both and lives here.
 *
 * - The columns are all of the table's, in its order, or `columns` in that
 *   order. The key and the time column must be among them.
 * - The key is `keyColumn`, or else the table's primary key when that is a
 *   single integer column.
 * - The time column is `timeColumn`, or else the first exported timestamp.
 *   An integer column named as the time column, or in `timestampColumns`,
 *   holds epoch milliseconds.
 * - A column of a type sluice cannot export exactly is a problem, unless
 *   `textColumns` names it: it is then exported as text.
 *
 * @module
 */

import type { ColumnSchema } from "../protocol/filter.ts";
import type { Result } from "../protocol/result.ts";
import type { SourceSchema } from "./data_source.ts";

/** What the operator says about a table; everything else comes from its catalog. */
export interface CatalogOptions {
  /** The table or view. */
  readonly table: string;
  /**
   * The columns to export, in this order.
   *
   * @default {every column of the table, in its order}
   */
  readonly columns?: readonly string[];
  /**
   * The unique, increasing integer column that orders and resumes a download.
   *
   * @default {the primary key, when it is one integer column}
   */
  readonly keyColumn?: string;
  /**
   * The timestamp column a download's time range applies to.
   *
   * @default {the first exported timestamp column}
   */
  readonly timeColumn?: string;
  /** Integer columns holding epoch milliseconds, to export as timestamps. */
  readonly timestampColumns?: readonly string[];
  /** Columns of any type to export as text (PostgreSQL: `col::text`). */
  readonly textColumns?: readonly string[];
}

/** A column as a backend's catalog reader saw it. */
export interface CatalogColumn {
  /** Its name. */
  readonly name: string;
  /** Its type as the database writes it, for messages (`numeric(20,8)`, `REAL`). */
  readonly nativeType: string;
  /** The sluice type it maps to, or why it has none. */
  readonly mapped: Pick<ColumnSchema, "type" | "scale"> | { readonly unsupported: string };
  /** Whether it is the table's whole primary key. */
  readonly primaryKey: boolean;
}

/**
 * Chooses the exported columns, key and time column of a table.
 *
 * @example
 * ```ts
 * import { schemaFromCatalog } from "./catalog.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const r = schemaFromCatalog([
 *   { name: "id", nativeType: "bigint", mapped: { type: "integer" }, primaryKey: true },
 *   { name: "at", nativeType: "timestamptz", mapped: { type: "timestamp" }, primaryKey: false },
 *   { name: "blob", nativeType: "bytea", mapped: { unsupported: "binary" }, primaryKey: false },
 * ], { table: "t", columns: ["id", "at"] });
 * deepStrictEqual(r, {
 *   ok: true,
 *   value: {
 *     table: "t",
 *     keyColumn: "id",
 *     timeColumn: "at",
 *     columns: [{ name: "id", type: "integer" }, { name: "at", type: "timestamp" }],
 *   },
 * });
 * ```
 */
export function schemaFromCatalog(
  found: readonly CatalogColumn[],
  options: CatalogOptions,
): Result<SourceSchema, string[]> {
  const problems: string[] = [];
  const byName = new Map(found.map((c) => [c.name, c]));
  const named = [
    ...(options.columns ?? []),
    ...[options.keyColumn, options.timeColumn].filter((n) => n !== undefined),
    ...(options.timestampColumns ?? []),
    ...(options.textColumns ?? []),
  ];
  for (const name of new Set(named)) {
    if (!byName.has(name)) problems.push(`${options.table} has no column ${name}`);
  }
  if (options.columns !== undefined && new Set(options.columns).size !== options.columns.length) {
    problems.push("a column is named twice in the column list");
  }
  const selected = (options.columns ?? found.map((c) => c.name)).flatMap((n) => {
    const c = byName.get(n);
    return c === undefined ? [] : [c];
  });
  const asText = new Set(options.textColumns ?? []);
  const asTimestamp = new Set([
    ...(options.timestampColumns ?? []),
    ...(options.timeColumn === undefined ? [] : [options.timeColumn]),
  ]);
  const columns: ColumnSchema[] = [];
  for (const c of selected) {
    const m = c.mapped;
    if (asText.has(c.name)) {
      columns.push({ name: c.name, type: "text" });
    } else if ("unsupported" in m) {
      problems.push(
        `column ${c.name} has type ${c.nativeType}, which sluice cannot export exactly (${m.unsupported}); ` +
          `export it as text with --text-columns (textColumns in a config file)`,
      );
    } else if (asTimestamp.has(c.name) && m.type === "integer") {
      columns.push({ name: c.name, type: "timestamp" });
    } else if (asTimestamp.has(c.name) && m.type !== "timestamp") {
      problems.push(`column ${c.name} has type ${c.nativeType}, which cannot hold timestamps`);
    } else {
      columns.push(m.scale === undefined ? { name: c.name, type: m.type } : { ...m, name: c.name });
    }
  }
  const exported = new Map(columns.map((c) => [c.name, c]));
  const isSelected = (name: string) => selected.some((c) => c.name === name);
  const keys = found.filter((c) => c.primaryKey);
  const keyColumn = options.keyColumn ?? (keys.length === 1 ? keys[0].name : undefined);
  if (keyColumn === undefined) {
    problems.push(
      `${options.table} has no single-column primary key; name its key column with --key-column ` +
        "(keyColumn in a config file)",
    );
  } else if (byName.has(keyColumn) && !isSelected(keyColumn)) {
    problems.push(`the key column ${keyColumn} must be one of the exported columns`);
  } else if (exported.has(keyColumn) && exported.get(keyColumn)?.type !== "integer") {
    const type = byName.get(keyColumn)?.nativeType;
    problems.push(`the key column ${keyColumn} has type ${type}, not an integer type`);
  }
  const timeColumn = options.timeColumn ?? columns.find((c) => c.type === "timestamp")?.name;
  if (timeColumn === undefined) {
    problems.push(
      `${options.table} exports no timestamp column; name its time column with --time-column ` +
        "(timeColumn in a config file; an integer column of epoch milliseconds will do)",
    );
  } else if (byName.has(timeColumn) && !isSelected(timeColumn)) {
    problems.push(`the time column ${timeColumn} must be one of the exported columns`);
  } else if (asText.has(timeColumn)) {
    problems.push(`the time column ${timeColumn} cannot be exported as text`);
  }
  if (problems.length > 0 || keyColumn === undefined || timeColumn === undefined) {
    return { ok: false, error: [...new Set(problems)] };
  }
  return { ok: true, value: { table: options.table, keyColumn, timeColumn, columns } };
}
