/**
 * Internal: the checks {@linkcode "./sqlite_source.ts"} makes of a declared
 * schema and its storage before it opens a file.
 *
 * @module
 */

import type { SourceSchema } from "./data_source.ts";
import type { SqliteColumn, SqliteStorage } from "./sqlite_filters.ts";

/** The names a schema may use for its table and columns. */
export const IDENTIFIER: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws a `TypeError` on a schema the source cannot serve (a programmer error). */
export function checkSchema(
  schema: SourceSchema,
  columns: readonly SqliteColumn[],
  storage: Readonly<Record<string, SqliteStorage>>,
): void {
  for (const name of [schema.table, ...schema.columns.map((c) => c.name)]) {
    if (!IDENTIFIER.test(name)) throw new TypeError(`not a plain SQL identifier: ${name}`);
  }
  const byName = new Map(columns.map((c) => [c.name, c]));
  if (byName.size !== schema.columns.length) throw new TypeError("duplicate column names");
  for (const name of Object.keys(storage)) {
    if (!byName.has(name)) throw new TypeError(`storage names an undeclared column ${name}`);
  }
  const key = byName.get(schema.keyColumn);
  if (key?.type !== "integer" || key.storage !== undefined) {
    throw new TypeError(`keyColumn ${schema.keyColumn} must be an exported integer column`);
  }
  const time = byName.get(schema.timeColumn);
  if (time?.type !== "timestamp" || time.storage !== undefined) {
    throw new TypeError(`timeColumn ${schema.timeColumn} must be an exported timestamp column`);
  }
  for (const c of columns) {
    if (c.storage === "cast_text" && c.type !== "text") {
      throw new TypeError(`cast_text column ${c.name} must be declared text`);
    }
    if (c.storage === "decimal_text") {
      if (c.type !== "decimal") {
        throw new TypeError(`decimal_text column ${c.name} must be decimal`);
      }
      if (c.scale !== undefined && !(Number.isInteger(c.scale) && c.scale >= 0 && c.scale <= 30)) {
        throw new TypeError(`decimal_text column ${c.name} needs no scale or one in 0..30`);
      }
      continue;
    }
    if (c.type !== "decimal") continue;
    if (c.scale === undefined || !Number.isInteger(c.scale) || c.scale < 0 || c.scale > 18) {
      throw new TypeError(`decimal column ${c.name} needs an integer scale in 0..18`);
    }
  }
}
