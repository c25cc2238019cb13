// Generated from protocol/time.ts by `deno task bundle`; do not edit.
/**
 * The one timestamp form of the protocol: ISO 8601 in UTC with
 * milliseconds (`2024-03-20T09:30:00.000Z`) on output, and epoch
 * milliseconds where a number is asked for. Input accepts a date
 * (`2024-03-20`, midnight UTC) or a date-time with seconds, up to three
 * fraction digits, and `Z` or a `±HH:MM` offset; anything else, and any
 * date that does not exist (`2024-02-30`), is refused.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { Result } from "./result.d.ts";
/**
 * The furthest from 1970 a `Date` reaches, either way (the year 275760):
 * past it there is no ISO 8601 text of {@linkcode formatTimestamp}'s.
 */
export declare const MAX_DATE_MS = 8640000000000000;
/**
 * Parses ISO 8601 text to epoch milliseconds, refusing impossible dates.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseTimestamp } from "./time.ts";
 * deepStrictEqual(parseTimestamp("2024-01-01"), { ok: true, value: 1704067200000 });
 * deepStrictEqual(parseTimestamp("2024-02-30"), { ok: false, error: "INVALID_DATE" });
 * ```
 */
export declare function parseTimestamp(text: string): Result<number, "INVALID_DATE">;
/**
 * Formats epoch milliseconds as ISO 8601 UTC with milliseconds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { formatTimestamp } from "./time.ts";
 * equal(formatTimestamp(1704067200000), "2024-01-01T00:00:00.000Z");
 * ```
 */
export declare function formatTimestamp(ms: number): string;
/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm): any year, month 1–12, day 1–31, unchecked.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { daysFromCivil } from "./time.ts";
 * equal(daysFromCivil(1970, 1, 1), 0);
 * equal(daysFromCivil(2024, 3, 1), 19783);
 * equal(daysFromCivil(-4713, 11, 24), -2440588);
 * ```
 */
export declare function daysFromCivil(year: number, month: number, day: number): number;
