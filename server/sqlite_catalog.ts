/**
 * A SQLite table's columns from `PRAGMA table_info`, and what sluice makes
 * of their declared types. SQLite stores by affinity, not by declared type,
 * so only declarations whose affinity stores values exactly map on their own:
 *
 * | declared type (SQLite's affinity rules)     | sluice                                  |
 * | ------------------------------------------- | --------------------------------------- |
 * | containing `INT` (INTEGER affinity)         | `integer` (or epoch-ms timestamp)        |
 * | containing `CHAR`, `CLOB` or `TEXT`; `UUID` | `text`                                  |
 * | containing `BOOL`                           | `boolean` (0 / 1)                       |
 *
 * `REAL`, `FLOAT`, `DOUBLE` (binary floats), `NUMERIC` and `DECIMAL` (NUMERIC
 * affinity, which turns `100.50000000` into a float), `DATE`, BLOB and
 * undeclared columns are refused unless named as text columns. A decimal
 * needs the operator to say how it is stored, in `decimalColumns`: an
 * INTEGER column holding value × 10^scale, or a TEXT column holding exact
 * decimal text (with a scale, or `null` for the digits as stored).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type { Result } from "../protocol/result.ts";
import { type CatalogColumn, type CatalogOptions, schemaFromCatalog } from "./catalog.ts";
import type { SourceSchema } from "./data_source.ts";
import type { SqliteStorage } from "./sqlite_filters.ts";
import { IDENTIFIER } from "./sqlite_source.ts";

/** What the operator says about a SQLite table. */
export interface SqliteCatalogOptions extends CatalogOptions {
  /**
   * Decimal columns and their scale: an INTEGER column holds the value ×
   * 10^scale; a TEXT column holds exact decimal text, with at most `scale`
   * fraction digits, or any when the scale is `null`.
   *
   * @default {{}}
   */
  readonly decimalColumns?: Readonly<Record<string, number | null>>;
}

/** A column as `PRAGMA table_info` lists it. */
export interface SqliteCatalogColumn {
  /** Its name. */
  readonly name: string;
  /** Its declared type, as written (`""` when none). */
  readonly declared: string;
  /** Whether it is the whole primary key. */
  readonly primaryKey: boolean;
}

/** A table's schema and the storage of the columns that need one (for `SqliteSourceOptions`). */
export interface SqliteCatalogResult {
  /** What to export. */
  readonly schema: SourceSchema;
  /** Columns whose storage is not the usual one. */
  readonly storage: Readonly<Record<string, SqliteStorage>>;
}

/**
 * The columns of a table or view, or `undefined` when there is none by that name.
 *
 * @example
 * ```ts
 * import { readSqliteColumns } from "./sqlite_catalog.ts";
 * import { DatabaseSync } from "node:sqlite";
 * import { deepStrictEqual } from "node:assert/strict";
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, amount TEXT)");
 * deepStrictEqual(readSqliteColumns(db, "t"), [
 *   { name: "id", declared: "INTEGER", primaryKey: true },
 *   { name: "amount", declared: "TEXT", primaryKey: false },
 * ]);
 * db.close();
 * ```
 */
export function readSqliteColumns(
  db: DatabaseSync,
  table: string,
): SqliteCatalogColumn[] | undefined {
  if (!IDENTIFIER.test(table)) throw new TypeError(`not a plain SQL identifier: ${table}`);
  const rows = db.prepare(`PRAGMA table_info("${table}")`).all();
  if (rows.length === 0) return undefined;
  const keys = rows.filter((r) => Number(r.pk) > 0).length;
  return rows.map((r) => ({
    name: String(r.name),
    declared: String(r.type ?? ""),
    primaryKey: keys === 1 && Number(r.pk) === 1,
  }));
}

/** SQLite's affinity of a declared type (its documented rules, in their order). */
function affinity(declared: string): "integer" | "text" | "blob" | "real" | "numeric" {
  const t = declared.toUpperCase();
  if (t.includes("INT")) return "integer";
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return "text";
  if (t.includes("BLOB") || t === "") return "blob";
  if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return "real";
  return "numeric";
}

function mapped(
  column: SqliteCatalogColumn,
  decimals: Readonly<Record<string, number | null>>,
): CatalogColumn["mapped"] {
  const a = affinity(column.declared);
  const t = column.declared.toUpperCase();
  if (Object.hasOwn(decimals, column.name)) {
    const scale = decimals[column.name];
    if (a === "integer" && scale !== null) return { type: "decimal", scale };
    if (a === "text") return scale === null ? { type: "decimal" } : { type: "decimal", scale };
    return { unsupported: "a decimal must be an INTEGER of value × 10^scale, or TEXT" };
  }
  if (a === "integer") return { type: "integer" };
  if (a === "text" || t === "UUID") return { type: "text" };
  if (a === "numeric" && t.includes("BOOL")) return { type: "boolean" };
  if (a === "real") return { unsupported: "binary floating point" };
  if (a === "numeric") return { unsupported: "NUMERIC affinity may store floats" };
  return { unsupported: "no declared type" };
}

/**
 * A table's exported schema and storage from its catalog columns.
 *
 * @example
 * ```ts
 * import { sqliteSchema } from "./sqlite_catalog.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const r = sqliteSchema([
 *   { name: "id", declared: "INTEGER", primaryKey: true },
 *   { name: "ts", declared: "INTEGER", primaryKey: false },
 *   { name: "wei", declared: "TEXT", primaryKey: false },
 * ], { table: "transfers", timeColumn: "ts", decimalColumns: { wei: null } });
 * deepStrictEqual(r.ok && r.value.storage, { wei: "decimal_text" });
 * ```
 */
export function sqliteSchema(
  columns: readonly SqliteCatalogColumn[],
  options: SqliteCatalogOptions,
): Result<SqliteCatalogResult, string[]> {
  const decimals = options.decimalColumns ?? {};
  const problems: string[] = [];
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const name of Object.keys(decimals)) {
    // Named like every other column option: a name the table lacks is a mistake, not a no-op.
    if (!byName.has(name)) problems.push(`${options.table} has no column ${name}`);
    const scale = decimals[name];
    // value × 10^scale must fit 64 bits for scales up to 18; text admits the schema's 0..30.
    const max = affinity(byName.get(name)?.declared ?? "") === "integer" ? 18 : 30;
    if (scale !== null && !(Number.isInteger(scale) && scale >= 0 && scale <= max)) {
      problems.push(`decimal column ${name} needs a scale in 0..${max}`);
    }
  }
  const result = schemaFromCatalog(
    columns.map((c) => ({
      name: c.name,
      nativeType: c.declared === "" ? "(none)" : c.declared,
      mapped: mapped(c, decimals),
      primaryKey: c.primaryKey,
    })),
    options,
  );
  if (!result.ok || problems.length > 0) {
    return { ok: false, error: [...problems, ...(result.ok ? [] : result.error)] };
  }
  const storage: Record<string, SqliteStorage> = {};
  for (const c of result.value.columns) {
    const declared = byName.get(c.name)?.declared ?? "";
    const a = affinity(declared);
    if (c.type === "decimal" && a === "text") storage[c.name] = "decimal_text";
    // A UUID column has NUMERIC affinity: without the cast, a filter's "1" compares as the number 1
    // (below every text), and a UUID of digits alone is stored, and read, as an integer.
    if (c.type === "text" && a !== "text") storage[c.name] = "cast_text";
  }
  return { ok: true, value: { schema: result.value, storage } };
}
