/**
 * PostgreSQL's text forms of the values sluice reads and binds, turned into
 * the cells of {@linkcode "./data_source.ts"} and back, exactly.
 *
 * The pool's sessions run with `TimeZone=UTC` and `DateStyle=ISO, YMD`, so
 * PostgreSQL writes a `timestamptz` as `2024-01-01 09:30:00.123456+00`, a
 * `timestamp` without the offset, and a year before 1 as `0044-03-15 … BC`.
 *
 * - **Microseconds**: a timestamp is cut to its millisecond toward the past
 *   (`.123999` → `.123`, also before 1970), which is what the export shows;
 *   filters compare that same millisecond (see {@linkcode "./postgres_query.ts"}).
 * - **`timestamp` without time zone** is read as UTC: its wall-clock text is
 *   taken as a UTC time, whatever the server's or the session's zone, and
 *   filter values are bound the same way.
 * - **`infinity` / `-infinity`** are not instants: they read as `NaN`, which
 *   no encoder writes, so an export reaching one fails instead of printing a
 *   made-up date.
 * - **`int8`** reads as a number when it is a safe integer, else a bigint;
 *   `numeric` stays the exact text PostgreSQL writes (never a float).
 *
 * @module
 */

import { daysFromCivil } from "../protocol/time.ts";

const MS_PER_DAY = 86_400_000;

/** The earliest instant PostgreSQL's timestamps hold: 4714-11-24 00:00:00 BC (Julian day 0). */
export const POSTGRES_MIN_TIMESTAMP_MS: number = daysFromCivil(-4713, 11, 24) * MS_PER_DAY;

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d)(?::(\d\d))?)?)?( BC)?$/;

/**
 * Epoch milliseconds of PostgreSQL's ISO text of a `timestamptz` or a
 * `timestamp` (read as UTC), cut to the millisecond toward the past; `NaN`
 * for `infinity`, `-infinity` or anything else.
 *
 * @example
 * ```ts
 * import { parsePostgresTimestamp } from "./postgres_values.ts";
 * import { equal } from "node:assert/strict";
 * equal(parsePostgresTimestamp("2024-01-01 00:00:00.123999+00"), 1704067200123);
 * equal(parsePostgresTimestamp("1969-12-31 23:59:59.9995"), -1);
 * ```
 */
export function parsePostgresTimestamp(text: string): number {
  const m = TIMESTAMP_TEXT.exec(text);
  if (m === null) return NaN;
  const [, y, mo, d, h, mi, s, frac = "", sign, oh = "0", om = "0", os = "0", bc] = m;
  // Year 1 BC is year 0 of the proleptic Gregorian calendar that ISO 8601 counts in.
  const year = bc === undefined ? Number(y) : 1 - Number(y);
  const offset = sign === undefined
    ? 0
    : (sign === "-" ? -1 : 1) * ((Number(oh) * 60 + Number(om)) * 60 + Number(os)) * 1000;
  return daysFromCivil(year, Number(mo), Number(d)) * MS_PER_DAY +
    ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 +
    Number(frac.slice(0, 3).padEnd(3, "0")) - offset;
}

/**
 * PostgreSQL input text of epoch milliseconds, in UTC: with `+00` for a
 * `timestamptz` (`withZone`), without for a `timestamp`. Years before 1 are
 * written with `BC`, years after 9999 with more digits, as PostgreSQL reads
 * them; `ms` is an integer of at most 2^53 (a `RangeError` otherwise), and
 * the caller keeps it at or above {@linkcode POSTGRES_MIN_TIMESTAMP_MS}.
 *
 * @example
 * ```ts
 * import { postgresTimestampText } from "./postgres_values.ts";
 * import { equal } from "node:assert/strict";
 * equal(postgresTimestampText(1704067200123, true), "2024-01-01 00:00:00.123+00");
 * equal(postgresTimestampText(Date.UTC(-43, 2, 15), false), "0044-03-15 00:00:00.000 BC");
 * ```
 */
export function postgresTimestampText(ms: number, withZone: boolean): string {
  // Up to 2^53: a filter's `t + 1 ms` past the largest safe integer is still exact, and in range.
  if (!Number.isInteger(ms) || Math.abs(ms) > 2 ** 53) {
    throw new RangeError(`not epoch milliseconds: ${ms}`);
  }
  const days = Math.floor(ms / MS_PER_DAY);
  const [year, month, day] = civilFromDays(days);
  let t = ms - days * MS_PER_DAY;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const two = (n: number) => String(n).padStart(2, "0");
  const shown = year <= 0 ? 1 - year : year;
  return `${String(shown).padStart(4, "0")}-${two(month)}-${two(day)} ` +
    `${two(Math.floor(t / 60))}:${two(t % 60)}:${two(second)}.${String(milli).padStart(3, "0")}` +
    (withZone ? "+00" : "") + (year <= 0 ? " BC" : "");
}

/**
 * An `int8` from its text: a number when it is a safe integer, else a bigint.
 *
 * @example
 * ```ts
 * import { parseInt8 } from "./postgres_values.ts";
 * import { equal } from "node:assert/strict";
 * equal(parseInt8("42"), 42);
 * equal(parseInt8("9007199254740993"), 9007199254740993n);
 * ```
 */
export function parseInt8(text: string): number | bigint {
  // Up to 15 digits (and a sign) is always below 2^53.
  if (text.length <= 16) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  const big = BigInt(text);
  return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The proleptic Gregorian date of days since 1970-01-01 (the inverse of daysFromCivil). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

/** How the driver reads one type (OIDs `from`) and binds it (as OID `to`). */
export interface DriverType {
  readonly to: number;
  readonly from: number[];
  readonly serialize: (value: unknown) => string;
  readonly parse: (text: string) => unknown;
}

/**
 * How the driver (npm:postgres) reads and binds the types whose text it
 * would otherwise turn into JavaScript values of its own: `int8` by
 * {@linkcode parseInt8}, `boolean` from `t`/`f`, `timestamp` and
 * `timestamptz` by {@linkcode parsePostgresTimestamp}, `date` as its text.
 * Every parameter is bound as text with a cast in the SQL, so every
 * serializer passes text through (the driver's own would turn the text
 * "true" into false).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DRIVER_TYPES } from "./postgres_values.ts";
 * equal(DRIVER_TYPES.int8.parse("9007199254740993"), 9007199254740993n);
 * ```
 */
export const DRIVER_TYPES: Readonly<Record<"int8" | "boolean" | "timestamp" | "date", DriverType>> =
  {
    int8: { to: 20, from: [20], serialize: String, parse: parseInt8 },
    boolean: { to: 16, from: [16], serialize: String, parse: (x: string): boolean => x === "t" },
    timestamp: { to: 1184, from: [1114, 1184], serialize: String, parse: parsePostgresTimestamp },
    date: { to: 1082, from: [1082], serialize: String, parse: (x: string): string => x },
  };
