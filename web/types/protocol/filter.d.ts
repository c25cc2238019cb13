// Generated from protocol/filter.ts by `deno task bundle`; do not edit.
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
import { type ErrorResponse } from "./errors.d.ts";
import type { ColumnType, Filter, FilterOperator } from "./messages.d.ts";
import type { Result } from "./result.d.ts";
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
export declare const DEFAULT_FILTER_LIMITS: Required<FilterLimits>;
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
export declare function operatorsFor(type: ColumnType): readonly FilterOperator[];
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
export declare function validateFilters(filters: readonly Filter[], schema: readonly ColumnSchema[], limits?: FilterLimits): Result<ValidatedFilter[], ErrorResponse>;
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
export declare function compareDecimal(a: string, b: string): number;
