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
