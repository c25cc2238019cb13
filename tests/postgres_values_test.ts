import { equal, ok, throws } from "node:assert/strict";
import { mulberry32 } from "../server/demo_data.ts";
import {
  parseInt8,
  parsePostgresTimestamp,
  POSTGRES_MIN_TIMESTAMP_MS,
  postgresTimestampText,
} from "../server/postgres_values.ts";

const SEED = 20261202;

/** Date.UTC without its mapping of years 0..99 to 1900..1999. */
function utc(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}
const JS_MAX_MS = 8.64e15;

Deno.test("timestamp text round-trips every millisecond from 4714 BC to the end of JS dates", () => {
  const random = mulberry32(SEED);
  const span = JS_MAX_MS - POSTGRES_MIN_TIMESTAMP_MS;
  const cases = [
    POSTGRES_MIN_TIMESTAMP_MS,
    -1,
    0,
    1,
    JS_MAX_MS,
    Date.UTC(0, 1, 29),
    Date.UTC(1, 0, 1) - 1,
  ];
  for (let i = 0; i < 5000; i++) {
    cases.push(POSTGRES_MIN_TIMESTAMP_MS + Math.floor(random() * span));
  }
  for (const ms of cases) {
    for (const withZone of [true, false]) {
      const text = postgresTimestampText(ms, withZone);
      equal(parsePostgresTimestamp(text), ms, `seed ${SEED}: ${ms} as ${text}`);
    }
  }
});

Deno.test("timestamp text is PostgreSQL's: BC years, long years, zones, microseconds cut toward the past", () => {
  equal(postgresTimestampText(POSTGRES_MIN_TIMESTAMP_MS, true), "4714-11-24 00:00:00.000+00 BC");
  equal(postgresTimestampText(utc(0, 0, 1), false), "0001-01-01 00:00:00.000 BC");
  equal(postgresTimestampText(utc(1, 0, 1) - 1, false), "0001-12-31 23:59:59.999 BC");
  equal(parsePostgresTimestamp("10000-01-01 00:00:00+00"), Date.UTC(10000, 0, 1));
  equal(parsePostgresTimestamp("0044-03-15 12:00:00+00 BC"), Date.UTC(-43, 2, 15, 12));
  equal(parsePostgresTimestamp("2024-01-01 05:30:00+05:30"), Date.UTC(2024, 0, 1));
  equal(parsePostgresTimestamp("2023-12-31 16:00:00-08"), Date.UTC(2024, 0, 1));
  equal(parsePostgresTimestamp("2024-01-01 00:00:00.5"), Date.UTC(2024, 0, 1) + 500);
  equal(parsePostgresTimestamp("2024-01-01 00:00:00.000999+00"), Date.UTC(2024, 0, 1));
  equal(parsePostgresTimestamp("1969-12-31 23:59:59.999999+00"), -1);
  for (const text of ["infinity", "-infinity", "2024-01-01", "2024-01-01T00:00:00Z", ""]) {
    ok(Number.isNaN(parsePostgresTimestamp(text)), text);
  }
  throws(() => postgresTimestampText(1.5, true), RangeError);
});

Deno.test("int8 text becomes a number when safe and a bigint beyond", () => {
  equal(parseInt8("0"), 0);
  equal(parseInt8("-9007199254740991"), -9007199254740991);
  equal(parseInt8("9007199254740992"), 9007199254740992n);
  equal(parseInt8("-9223372036854775808"), -(2n ** 63n));
  equal(parseInt8("9223372036854775807"), 2n ** 63n - 1n);
  equal(parseInt8("000000000000000000042"), 42);
});
