// An independent reference for the filter tests: JS predicates over the rows of _sqlite_table.ts,
// with SQL's NULL rule, code point order for text and string arithmetic for decimals.
import type { ColumnSchema } from "../protocol/filter.ts";
import type { Filter, FilterScalar } from "../protocol/messages.ts";
import { type Row, SCALE, SCHEMA, T0, TEXTS } from "./_sqlite_table.ts";

/** Scaled integer of decimal text, by string arithmetic (independent of the source's). */
export function scaled(text: string): number {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const n = Number(whole + fraction.padEnd(SCALE, "0"));
  return negative ? -n : n;
}

/** SQLite's BINARY order on TEXT is UTF-8 byte order, i.e. code point order (not UTF-16). */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** A filter operand in the stored representation of its column. */
export function stored(column: ColumnSchema, value: FilterScalar): number | string {
  switch (column.type) {
    case "text":
      return value as string;
    case "decimal":
      return scaled(value as string);
    case "boolean":
      return value ? 1 : 0;
    case "integer":
      return Number(value);
    case "timestamp":
      return typeof value === "number" ? value : Date.parse(value as string);
  }
}

export function compareCell(
  column: ColumnSchema,
  cell: number | string,
  value: FilterScalar,
): number {
  const other = stored(column, value);
  return typeof cell === "string"
    ? compareCodePoints(cell, other as string)
    : cell - (other as number);
}

/** Orders `between` operands as the validator does (text: UTF-16 order, like JS `<`). */
export function ordered(column: ColumnSchema, a: FilterScalar, b: FilterScalar): FilterScalar[] {
  const [x, y] = [stored(column, a), stored(column, b)];
  return x <= y ? [a, b] : [b, a];
}

export function matches(row: Row, filter: Filter): boolean {
  const i = SCHEMA.columns.findIndex((c) => c.name === filter.field);
  const cell = row[i];
  return cell !== null && keeps(cell, filter, (v) => compareCell(SCHEMA.columns[i], cell, v));
}

/**
 * Whether a filter keeps a cell, given how the cell compares with an operand (negative, zero,
 * positive): SQL's rules, written without SQL. NULL matches nothing, `neq` included.
 */
export function keeps(cell: unknown, filter: Filter, cmp: (v: FilterScalar) => number): boolean {
  if (cell === null) return false;
  const one = filter.value as FilterScalar;
  const list = filter.value as readonly FilterScalar[];
  switch (filter.operator) {
    case "eq":
      return cmp(one) === 0;
    case "neq":
      return cmp(one) !== 0;
    case "lt":
      return cmp(one) < 0;
    case "lte":
      return cmp(one) <= 0;
    case "gt":
      return cmp(one) > 0;
    case "gte":
      return cmp(one) >= 0;
    case "in":
      return list.some((v) => cmp(v) === 0);
    case "between":
      return cmp(list[0]) >= 0 && cmp(list[1]) <= 0;
    case "prefix":
      return (cell as string).startsWith(one as string);
  }
}

/** Operands to try per column: values present in the data and values absent from it. */
export const OPERANDS: Record<string, FilterScalar[]> = {
  id: [1, 17, 150, 300, 301],
  ts: [T0, T0 + 3_000_000, "2024-01-02T00:00:00.000Z", T0 + 1e9],
  n: [-3, 0, 2, 5, 42],
  d: ["-1.5", "0.1", "0.0999", "0.1001", "1.005", "0", "-0.0001", "12.3456", "99999999"],
  s: [...TEXTS, "BTC-", "BT", "😀", "x' OR 1=1 --", "zzz"],
  b: [true, false],
};
