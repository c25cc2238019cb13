// parseRecords on record texts written as PostgreSQL's record_out writes them; that it agrees
// with the cells of a plain SELECT on a real server is proven in tests/postgres_pages_test.ts.
import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { mulberry32 } from "../server/demo_data.ts";
import { parseRecords } from "../server/postgres_records.ts";
import {
  parsePostgresTimestamp,
  POSTGRES_MIN_TIMESTAMP_MS,
  postgresTimestampText,
} from "../server/postgres_values.ts";

const SEED = 20261201;

/** A field as record_out writes it: quoted when empty or holding `"\(), ` or white space. */
function field(text: string | null): string {
  if (text === null) return "";
  if (text !== "" && !/["\\(),\s]/.test(text)) return text;
  return `"${text.replaceAll(/["\\]/g, (c) => c + c)}"`;
}

Deno.test("record fields: NULL is nothing, empty is quoted, quotes and backslashes are doubled", () => {
  const texts = [
    "",
    " ",
    "a,b",
    'a"b',
    '""',
    "a\\b",
    "\\",
    "(x)",
    "tab\there",
    "line\nfeed",
    "cr\r\n",
    "\v\f",
    "café ☕ 取引 🚀",
    "NULL",
    "plain",
  ];
  const rows = texts.map((t, i) => [i + 1, t, null]);
  const text = rows.map((r) => `(${r[0]},${field(r[1] as string)},)`).join("\n");
  deepStrictEqual(parseRecords(text, ["integer", "text", "text"]), rows);
  deepStrictEqual(parseRecords(null, ["integer"]), []);
  deepStrictEqual(parseRecords("(,)", ["text", "boolean"]), [[null, null]]);
});

Deno.test("record fields become the cells a plain SELECT gives: integers, numerics, booleans", () => {
  deepStrictEqual(
    parseRecords(
      "(-9223372036854775808,9007199254740993,-9007199254740991,123456789012345,-0.0000000001,NaN,t)\n" +
        "(9223372036854775807,0,-32768,-123456789012345,123456789012345678901234567890.1234567890,-Infinity,f)",
      ["integer", "integer", "integer", "epoch_ms", "numeric", "numeric", "boolean"],
    ),
    [
      [
        -(2n ** 63n),
        9007199254740993n,
        -9007199254740991,
        123456789012345,
        "-0.0000000001",
        "NaN",
        true,
      ],
      [
        2n ** 63n - 1n,
        0,
        -32768,
        -123456789012345,
        "123456789012345678901234567890.1234567890",
        "-Infinity",
        false,
      ],
    ],
  );
});

/** A timestamp's text as PostgreSQL writes it in UTC: trailing zeros of the fraction dropped. */
function postgresText(ms: number, micros: number, withZone: boolean): string {
  const base = postgresTimestampText(ms, false); // "… HH:MM:SS.mmm" then maybe " BC"
  const bc = base.endsWith(" BC");
  const plain = bc ? base.slice(0, -3) : base;
  const fraction = `${plain.slice(-3)}${String(micros).padStart(3, "0")}`.replace(/0+$/, "");
  return `${plain.slice(0, -4)}${fraction === "" ? "" : `.${fraction}`}${withZone ? "+00" : ""}${
    bc ? " BC" : ""
  }`;
}

Deno.test("timestamp fields read as parsePostgresTimestamp reads them, BC and long years included", () => {
  const random = mulberry32(SEED);
  const max = 8.64e15; // the last instant of JavaScript dates
  const texts = ["infinity", "-infinity", "2024-01-01 05:30:00+05:30", "2023-12-31 16:00:00-08"];
  const at = [POSTGRES_MIN_TIMESTAMP_MS, -1, 0, 1, Date.UTC(9999, 11, 31, 23, 59, 59, 999), max];
  for (let i = 0; i < 4000; i++) {
    // Mostly 1970 to 2100, where exports live; a tenth anywhere PostgreSQL can hold.
    at.push(
      i % 10 === 0
        ? POSTGRES_MIN_TIMESTAMP_MS + Math.floor(random() * (max - POSTGRES_MIN_TIMESTAMP_MS))
        : Math.floor(random() * 4.1e12),
    );
  }
  for (const [i, ms] of at.entries()) {
    const micros = i % 3 === 0 ? 0 : Math.floor(random() * 1000);
    texts.push(postgresText(ms, micros, true), postgresText(ms, micros, false));
  }
  // In one page, as rows come: the day cache must never carry a date to the wrong row.
  const record = texts.map((t, i) => `(${i},${field(t)},${field(t)})`).join("\n");
  const rows = parseRecords(record, ["integer", "timestamptz", "timestamp"]);
  equal(rows.length, texts.length);
  for (const [i, text] of texts.entries()) {
    const expected = parsePostgresTimestamp(text);
    deepStrictEqual(rows[i], [i, expected, expected], `seed ${SEED}: ${text}`);
  }
});

Deno.test("text that is not records of the columns' width is refused", () => {
  const kinds = ["integer", "text"] as const;
  for (const text of ["", "1,a", "(1,a", "(1,a)(2,b)", "(1,a,b)", "(1)", '(1,"a)', "(1,a)\n"]) {
    throws(() => parseRecords(text, kinds), TypeError, JSON.stringify(text));
  }
  throws(() => parseRecords("(1,x)", ["integer", "boolean"]), TypeError);
});
