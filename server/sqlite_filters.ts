/**
 * The SQL of filters for the SQLite source: a fixed fragment per operator
 * over a declared column, with every value a bound parameter in the
 * column's storage representation (see {@linkcode "./sqlite_source.ts"}).
 *
 * Two storages differ from the usual one:
 *
 * - `decimal_text`: a `decimal` column holding exact decimal text in a TEXT
 *   column (for values beyond 64-bit integers, such as token amounts). SQLite
 *   would compare such text as text or as a float, so comparisons go through
 *   {@linkcode SQLITE_DECIMAL_COMPARE}, a function the source registers,
 *   which compares exactly; no index serves them.
 * - `cast_text`: a column of another storage exported as text, read and
 *   compared as `CAST(col AS TEXT)`.
 *
 * @module
 */

import type { SQLInputValue } from "node:sqlite";
import { type ColumnSchema, compareDecimal, type ValidatedFilter } from "../protocol/filter.ts";
import { prefixSuccessor } from "./prefix_successor.ts";

/** How a column is stored, when not in the usual representation. */
export type SqliteStorage = "decimal_text" | "cast_text";

/** A declared column and its storage. */
export interface SqliteColumn extends ColumnSchema {
  /** Its storage when not the usual one. */
  readonly storage?: SqliteStorage;
}

/** The SQL function, registered by the source, that compares a stored decimal text exactly. */
export const SQLITE_DECIMAL_COMPARE = "sluice_decimal_compare";

const DECIMAL_TEXT = /^-?[0-9]+(\.[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Past every INTEGER SQLite can store; stands in for out-of-range decimal filter values. */
const BEYOND_INT64 = 2 ** 64;

/**
 * The body of {@linkcode SQLITE_DECIMAL_COMPARE}: -1, 0 or 1 as `stored` is
 * below, equal to or above `value`; NULL when `stored` is NULL or not
 * decimal text (so no filter matches it).
 *
 * @example
 * ```ts
 * import { decimalTextCompare } from "./sqlite_filters.ts";
 * import { equal } from "node:assert/strict";
 * equal(decimalTextCompare("100.50", "100.5"), 0);
 * equal(decimalTextCompare("-123456789012345678901234567890.1", "0"), -1);
 * ```
 */
export function decimalTextCompare(stored: unknown, value: unknown): number | null {
  if (typeof stored !== "string" || !DECIMAL_TEXT.test(stored)) return null;
  return compareDecimal(stored, value as string);
}

/** What makes two filter lists need different SQL. */
export function filterShape(f: ValidatedFilter): string {
  const extra = f.operator === "in"
    ? f.values.length
    : f.operator === "prefix"
    ? Number(prefixSuccessor(f.values[0] as string) !== undefined)
    : "";
  return `${f.field}:${f.operator}:${extra}`;
}

function columnOf(f: ValidatedFilter, columns: ReadonlyMap<string, SqliteColumn>): SqliteColumn {
  const column = columns.get(f.field);
  if (column === undefined || column.filterable === false || column.type !== f.type) {
    throw new TypeError(`filter on ${f.field} was not validated against this schema`);
  }
  return column;
}

/** A column's value as SQL reads it: itself, or its text. */
export function sqliteColumnExpression(column: SqliteColumn): string {
  const quoted = `"${column.name}"`;
  return column.storage === "cast_text" ? `CAST(${quoted} AS TEXT)` : quoted;
}

const COMPARISONS = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/** The fixed SQL fragment of one filter; its values are bound in the same order by filterParams. */
export function filterCondition(
  f: ValidatedFilter,
  columns: ReadonlyMap<string, SqliteColumn>,
): string {
  const column = columnOf(f, columns);
  const exact = column.storage === "decimal_text";
  // An exact decimal comparison is `compare(col, ?) OP 0`; any other is `col OP ?`.
  // Text compares byte for byte (code point order, PROTOCOL.md §6.2) whatever the column's
  // declared collation (NOCASE, RTRIM), which a plain comparison, and a cast, would take.
  const col = exact
    ? `${SQLITE_DECIMAL_COMPARE}("${column.name}", ?)`
    : column.type === "text"
    ? `${sqliteColumnExpression(column)} COLLATE BINARY`
    : sqliteColumnExpression(column);
  const value = exact ? "0" : "?";
  const op = f.operator;
  switch (op) {
    case "eq":
    case "neq":
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return `${col} ${COMPARISONS[op]} ${value}`;
    case "in":
      return exact
        ? `(${f.values.map(() => `${col} = 0`).join(" OR ")})`
        : `${col} IN (${f.values.map(() => "?").join(", ")})`;
    case "between":
      return exact ? `(${col} >= 0 AND ${col} <= 0)` : `${col} BETWEEN ? AND ?`;
    case "prefix":
      return prefixSuccessor(f.values[0] as string) === undefined
        ? `${col} >= ?`
        : `(${col} >= ? AND ${col} < ?)`;
    default: {
      const unreachable: never = op;
      throw new TypeError(`unknown operator ${unreachable}`);
    }
  }
}

/** The parameters of {@linkcode filterCondition}'s fragments, in order. */
export function filterParams(
  filters: readonly ValidatedFilter[],
  columns: ReadonlyMap<string, SqliteColumn>,
): SQLInputValue[] {
  const out: SQLInputValue[] = [];
  for (const f of filters) {
    const column = columnOf(f, columns);
    if (f.operator === "prefix") {
      const prefix = f.values[0] as string;
      const successor = prefixSuccessor(prefix);
      out.push(prefix);
      if (successor !== undefined) out.push(successor);
      continue;
    }
    for (const v of f.values) out.push(bindValue(v, column));
  }
  return out;
}

/** A normalised filter value in the column's storage representation. */
function bindValue(value: unknown, column: SqliteColumn): SQLInputValue {
  const type = column.type;
  switch (type) {
    case "integer":
    case "timestamp":
      if (typeof value === "bigint" || Number.isSafeInteger(value)) return BigInt(value as number);
      break;
    case "decimal":
      if (typeof value !== "string") break;
      return column.storage === "decimal_text" ? value : scaleDecimal(value, column.scale ?? 0);
    case "text":
      if (typeof value === "string") return value;
      break;
    case "boolean":
      if (typeof value === "boolean") return value ? 1n : 0n;
      break;
    default: {
      const unreachable: never = type;
      throw new TypeError(`unknown column type ${unreachable}`);
    }
  }
  throw new TypeError(`filter value ${String(value)} does not fit column ${column.name}`);
}

/**
 * Canonical decimal text as an integer scaled by 10^scale, exactly; a value
 * beyond int64 becomes ±2^64, a REAL that SQLite compares exactly against
 * every INTEGER, so `lt` / `gt` stay right and `eq` matches nothing.
 *
 * @example
 * ```ts
 * import { scaleDecimal } from "./sqlite_filters.ts";
 * import { equal } from "node:assert/strict";
 * equal(scaleDecimal("100.5", 8), 10050000000n);
 * ```
 */
export function scaleDecimal(text: string, scale: number): bigint | number {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  if (fraction.length > scale || !/^[0-9]+$/.test(whole + fraction)) {
    throw new RangeError(`${text} is not a decimal with at most ${scale} fraction digits`);
  }
  const magnitude = BigInt(whole + fraction.padEnd(scale, "0"));
  const scaled = negative ? -magnitude : magnitude;
  if (scaled > INT64_MAX) return BEYOND_INT64;
  if (scaled < INT64_MIN) return -BEYOND_INT64;
  return scaled;
}
