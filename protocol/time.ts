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

import type { Result } from "./result.ts";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

const MS_PER_DAY = 86_400_000;

/**
 * The furthest from 1970 a `Date` reaches, either way (the year 275760):
 * past it there is no ISO 8601 text of {@linkcode formatTimestamp}'s.
 */
export const MAX_DATE_MS = 8.64e15;

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
export function parseTimestamp(text: string): Result<number, "INVALID_DATE"> {
  const m = ISO.exec(text);
  if (m === null) return { ok: false, error: "INVALID_DATE" };
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, error: "INVALID_DATE" };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, error: "INVALID_DATE" };
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return { ok: false, error: "INVALID_DATE" };
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1000 + Number(frac.padEnd(3, "0")) - offset;
  return { ok: true, value: ms };
}

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
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? (isLeap(year) ? 29 : 28)
    : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

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
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
