/**
 * Filters checked against a data source's column schema. A filter that
 * passes comes out as a {@linkcode ValidatedFilter} whose values are
 * normalised to their column's type, ready to be bound as SQL parameters;
 * nothing else about a filter ever reaches a query.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { ColumnType, Filter, FilterOperator, FilterScalar } from "./messages.ts";
import type { Result } from "./result.ts";
import { parseTimestamp } from "./time.ts";

/** A column a data source exports and lets clients filter on. */
export interface ColumnSchema {
  /** Name in filters and output. */
  readonly name: string;
  /** Value type. */
  readonly type: ColumnType;
  /** For `decimal` columns: digits after the point, fixed. */
  readonly scale?: number;
  /**
   * Whether clients may filter on the column.
   *
   * @default {true}
   */
  readonly filterable?: boolean;
}

/** A filter value after normalisation to its column type. */
export type FilterValue = string | number | bigint | boolean;

/** A filter that passed {@linkcode validateFilters}. */
export interface ValidatedFilter {
  /** The column, as the schema names it. */
  readonly field: string;
  /** The column's type. */
  readonly type: ColumnType;
  /** The operator, known to apply to the type. */
  readonly operator: FilterOperator;
  /**
   * The operands: one for comparisons and `prefix`, two (low ≤ high) for
   * `between`, one or more for `in`. `integer` values are `bigint`,
   * `decimal` values canonical decimal text, `timestamp` values epoch
   * milliseconds, `text` strings, `boolean` booleans.
   */
  readonly values: readonly FilterValue[];
}

/** Bounds on a request's filters. */
export interface FilterLimits {
  /**
   * Most filters in one request.
   *
   * @default {32}
   */
  readonly maxFilters?: number;
  /**
   * Most values in one `in` list.
   *
   * @default {1000}
   */
  readonly maxInValues?: number;
  /**
   * Longest text value, in UTF-16 code units.
   *
   * @default {256}
   */
  readonly maxTextLength?: number;
}

/** Defaults of {@linkcode FilterLimits}. */
export const DEFAULT_FILTER_LIMITS: Required<FilterLimits> = {
  maxFilters: 32,
  maxInValues: 1000,
  maxTextLength: 256,
};

const OPERATORS_BY_TYPE: Readonly<Record<ColumnType, readonly FilterOperator[]>> = {
  integer: ["eq", "neq", "lt", "lte", "gt", "gte", "in", "between"],
  decimal: ["eq", "neq", "lt", "lte", "gt", "gte", "in", "between"],
  timestamp: ["eq", "neq", "lt", "lte", "gt", "gte", "in", "between"],
  text: ["eq", "neq", "lt", "lte", "gt", "gte", "in", "between", "prefix"],
  boolean: ["eq", "neq", "in"],
};

/**
 * The operators a column type accepts.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { operatorsFor } from "./filter.ts";
 * deepStrictEqual(operatorsFor("boolean"), ["eq", "neq", "in"]);
 * ```
 */
export function operatorsFor(type: ColumnType): readonly FilterOperator[] {
  return OPERATORS_BY_TYPE[type];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,18})$/;
const DECIMAL_TEXT = /^-?(0|[1-9][0-9]{0,29})(\.[0-9]{1,30})?$/;

/**
 * Checks every filter against the schema and normalises its values.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { validateFilters } from "./filter.ts";
 * const schema = [{ name: "symbol", type: "text" as const }];
 * const r = validateFilters([{ field: "symbol", operator: "eq", value: "BTC-USD" }], schema);
 * ok(r.ok);
 * ```
 */
export function validateFilters(
  filters: readonly Filter[],
  schema: readonly ColumnSchema[],
  limits: FilterLimits = {},
): Result<ValidatedFilter[], ErrorResponse> {
  const bounds = { ...DEFAULT_FILTER_LIMITS, ...limits };
  if (filters.length > bounds.maxFilters) {
    return fail("TOO_MANY_FILTERS", "data.searchParams.filters", {
      limit: bounds.maxFilters,
    });
  }
  const out: ValidatedFilter[] = [];
  for (const [i, filter] of filters.entries()) {
    const path = `data.searchParams.filters[${i}]`;
    const column = schema.find((c) => c.name === filter.field);
    if (column === undefined || column.filterable === false) {
      return fail("UNKNOWN_COLUMN", `${path}.field`, {
        field: filter.field,
        columns: filterableColumns(schema),
      });
    }
    if (!OPERATORS_BY_TYPE[column.type].includes(filter.operator)) {
      return fail("INVALID_OPERATOR", `${path}.operator`, {
        operator: filter.operator,
        type: column.type,
      });
    }
    const values = operands(filter, bounds);
    if (typeof values === "string") {
      return fail("INVALID_FILTER_VALUE", `${path}.value`, { reason: values });
    }
    const normalised: FilterValue[] = [];
    for (const value of values) {
      const v = normalise(value, column, bounds);
      if (typeof v === "object") {
        return fail("INVALID_FILTER_VALUE", `${path}.value`, { reason: v.reason });
      }
      normalised.push(v);
    }
    if (filter.operator === "between" && compare(normalised[0], normalised[1], column) > 0) {
      return fail("INVALID_FILTER_VALUE", `${path}.value`, {
        reason: "between needs low <= high",
      });
    }
    out.push({
      field: column.name,
      type: column.type,
      operator: filter.operator,
      values: normalised,
    });
  }
  return { ok: true, value: out };
}

function fail(
  code: "TOO_MANY_FILTERS" | "UNKNOWN_COLUMN" | "INVALID_OPERATOR" | "INVALID_FILTER_VALUE",
  path: string,
  extra: Record<string, string | number>,
): { ok: false; error: ErrorResponse } {
  return { ok: false, error: errorResponse(code, { path, ...extra }) };
}

/** Longest `columns` detail: a client reads details of up to 1024 characters (PROTOCOL.md §5.5). */
const MAX_COLUMNS_DETAIL = 1000;

/** The names a filter may use, for an `UNKNOWN_COLUMN` to list: `id, ts, symbol`, cut with `…`. */
function filterableColumns(schema: readonly ColumnSchema[]): string {
  let text = "";
  for (const column of schema) {
    if (column.filterable === false) continue;
    const next = text === "" ? column.name : `${text}, ${column.name}`;
    if (next.length > MAX_COLUMNS_DETAIL) return `${text}, …`;
    text = next;
  }
  return text;
}

/** The filter's operands as a list, or why its shape is wrong. */
function operands(
  filter: Filter,
  bounds: Required<FilterLimits>,
): readonly FilterScalar[] | string {
  const { operator, value } = filter;
  if (operator === "in") {
    if (!Array.isArray(value) || value.length === 0) return "in needs a non-empty list";
    if (value.length > bounds.maxInValues) return `in allows at most ${bounds.maxInValues} values`;
    return value;
  }
  if (operator === "between") {
    if (!Array.isArray(value) || value.length !== 2) return "between needs [low, high]";
    return value;
  }
  if (Array.isArray(value)) return `${operator} needs a single value`;
  return [value as FilterScalar];
}

function normalise(
  value: FilterScalar,
  column: ColumnSchema,
  bounds: Required<FilterLimits>,
): FilterValue | { reason: string } {
  switch (column.type) {
    case "integer": {
      if (typeof value === "number") {
        return Number.isSafeInteger(value) ? BigInt(value) : { reason: "not a safe integer" };
      }
      if (typeof value === "string" && INTEGER_TEXT.test(value)) {
        const n = BigInt(value);
        if (n >= INT64_MIN && n <= INT64_MAX) return n;
      }
      return { reason: "not a 64-bit integer" };
    }
    case "decimal": {
      // A JSON number is the double the parser made of it; it stands for the shortest decimal
      // that round-trips to it (PROTOCOL.md §6.2): 0.1 is "0.1", and 1e22, which String() writes
      // with an exponent, is its 23 digits.
      const text = typeof value === "number" && Number.isFinite(value)
        ? withoutExponent(String(value))
        : value;
      if (typeof text !== "string" || !DECIMAL_TEXT.test(text)) {
        return { reason: "not a decimal number" };
      }
      const fraction = text.split(".")[1] ?? "";
      if (column.scale !== undefined && fraction.replace(/0+$/, "").length > column.scale) {
        return { reason: `more than ${column.scale} decimal places` };
      }
      return canonicalDecimal(text);
    }
    case "timestamp": {
      if (typeof value === "number") {
        return Number.isSafeInteger(value) ? value : { reason: "not epoch milliseconds" };
      }
      if (typeof value !== "string") return { reason: "not a timestamp" };
      const parsed = parseTimestamp(value);
      return parsed.ok ? parsed.value : { reason: "not an ISO 8601 timestamp" };
    }
    case "text":
      if (typeof value !== "string") return { reason: "not text" };
      // Stored texts are UTF-8, which has no lone surrogate: one would match only by accident.
      if (!value.isWellFormed()) return { reason: "a lone surrogate, which no text holds" };
      if (value.length > bounds.maxTextLength) {
        return { reason: `longer than ${bounds.maxTextLength} characters` };
      }
      return value;
    case "boolean":
      // Text "true"/"false" too, so that command lines, which only have text, can filter.
      if (value === "true" || value === "false") return value === "true";
      return typeof value === "boolean" ? value : { reason: "not a boolean" };
    default: {
      const unreachable: never = column.type;
      throw new Error(`unknown column type ${unreachable}`);
    }
  }
}

/**
 * ECMAScript's text of a number (`1e+22`, `1.5e-7`, `-0.25`) written out in
 * plain digits (`10000000000000000000000`, `0.00000015`, `-0.25`): the same
 * value, exactly, with no exponent.
 */
function withoutExponent(text: string): string {
  const m = /^(-?)([0-9])(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(text);
  if (m === null) return text;
  const [, sign, lead, rest = "", exp] = m;
  const digits = lead + rest;
  const point = 1 + Number(exp); // digits before the point
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Drops trailing fraction zeros and a negative zero's sign: `-0.50` → `-0.5`. */
function canonicalDecimal(text: string): string {
  let [whole, fraction = ""] = text.split(".");
  fraction = fraction.replace(/0+$/, "");
  const out = fraction === "" ? whole : `${whole}.${fraction}`;
  return out === "-0" ? "0" : out;
}

/** Orders two normalised values of one column; for `between` bounds. */
function compare(a: FilterValue, b: FilterValue, column: ColumnSchema): number {
  if (column.type === "decimal") return compareDecimal(a as string, b as string);
  if (column.type === "text") return compareCodePoints(a as string, b as string);
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Orders texts by code point, as §6.2 compares them (and UTF-8 bytes sort),
 * not by UTF-16 unit as `<` does: `"\uFFFF"` comes before `"😀"`. The texts
 * are well-formed (validated before).
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++; // both took a surrogate pair here
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Compares canonical decimal texts exactly, without floating point.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { compareDecimal } from "./filter.ts";
 * equal(compareDecimal("0.1", "0.09"), 1);
 * ```
 */
export function compareDecimal(a: string, b: string): number {
  const [ia, fa = ""] = a.split(".");
  const [ib, fb = ""] = b.split(".");
  const width = Math.max(fa.length, fb.length);
  const x = BigInt(ia + fa.padEnd(width, "0"));
  const y = BigInt(ib + fb.padEnd(width, "0"));
  return x === y ? 0 : x < y ? -1 : 1;
}
