// A page of PostgreSQL records written straight into export bytes (server/postgres_record_bytes.ts)
// against the way it replaces: the same records read into cells (server/postgres_records.ts) and
// written by the encoders (server/formats.ts). Records are written here as record_out writes them,
// from random values of every form the fast path writes, in every format, with and without formula
// neutralising, whole and cut down to chosen columns; and each form it must give up on makes it give
// up (the page then goes through the cells). tests/postgres_pages_test.ts does the same on pages a
// real PostgreSQL wrote.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import type { PageEncoding } from "../protocol/export_state.ts";
import type { ColumnSchema } from "../protocol/filter.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { encodeRecords, recordPlan } from "../server/postgres_record_bytes.ts";
import type { PostgresColumnKind } from "../server/postgres_query.ts";
import { type PageLayout, parseRecords, recordLayout } from "../server/postgres_records.ts";
import { encodedRows } from "./_session_driver.ts";

const COLUMNS: readonly ColumnSchema[] = [
  { name: "id", type: "integer" },
  { name: "ts", type: "timestamp" },
  { name: "local", type: "timestamp" },
  { name: "big", type: "integer" },
  { name: "price", type: "decimal", scale: 8 },
  { name: "whole", type: "decimal", scale: 0 },
  { name: "free", type: "decimal" },
  { name: "flag", type: "boolean" },
  { name: "note", type: "text" },
  { name: "u", type: "text" },
  { name: "j", type: "text" },
  { name: 'ключ "q"', type: "text" },
];
const KINDS: readonly PostgresColumnKind[] = [
  "integer",
  "timestamptz",
  "timestamp",
  "integer",
  "numeric",
  "numeric",
  "numeric",
  "boolean",
  "text",
  "uuid",
  "cast_text",
  "text",
];

const CHARS = [
  ..."abcXYZ019",
  ...',"\\() \t\n\r\v\f',
  ..."=+-@'",
  "é",
  "☕",
  "取",
  "🚀",
  "\u0001",
  "\u001f",
  "\u007f",
  "\u2028",
];

/** A field as record_out writes it: quoted when empty or holding `"` `\` `(` `)` `,` or space. */
function field(text: string | null): string {
  if (text === null) return "";
  if (text !== "" && !/["\\(),\s\v]/.test(text)) return text;
  return `"${text.replaceAll('"', '""').replaceAll("\\", "\\\\")}"`;
}

/** A row's values; the columns in `bare` are never NULL (only NOT NULL columns are written bare). */
function values(next: () => number, id: number, bare: readonly number[] = []): (string | null)[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const digits = (n: number) => Array.from({ length: n }, () => pick([..."0123456789"])).join("");
  let column = 1; // the first value that may be NULL is column 2's
  const maybe = (v: string) => (next() < 0.1 && !bare.includes(++column)) ? null : v;
  const year = 1970 + Math.floor(next() * 8030);
  const two = (n: number) => String(n).padStart(2, "0");
  const fraction = pick(["", ".5", ".12", ".123", ".1234", ".000503", ".999999"]);
  const time = `${year}-${two(1 + Math.floor(next() * 12))}-${two(1 + Math.floor(next() * 28))} ` +
    `${two(Math.floor(next() * 24))}:${two(Math.floor(next() * 60))}:${
      two(Math.floor(next() * 60))
    }${fraction}`;
  const text = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => pick(CHARS)).join("") +
    (next() < 0.3 ? pick(CHARS) : "");
  return [
    String(id),
    time + "+00",
    maybe(time),
    maybe(
      pick(["0", "-1", "9007199254740991", "9007199254740992", "-9007199254740993"]) ??
        digits(5),
    ),
    maybe(`${pick(["", "-"])}${digits(1 + Math.floor(next() * 12))}.${digits(8)}`),
    maybe(`${pick(["", "-"])}${digits(1 + Math.floor(next() * 30))}`),
    maybe(
      `${pick(["", "-"])}${digits(1 + Math.floor(next() * 30))}.${
        digits(1 + Math.floor(next() * 12))
      }`,
    ),
    maybe(pick(["t", "f"])),
    maybe(text()),
    maybe(`a0eebc99-9c0b-4ef8-bb6d-6bb9bd38${String(id % 10000).padStart(4, "0")}`),
    maybe(JSON.stringify({ text: text() })),
    maybe(text()),
  ];
}

/** Rows as PostgreSQL writes a page of `layout` (server/postgres_records.ts). */
function records(rows: readonly (string | null)[][], layout = ALL_RECORD): string {
  return rows.map((r) => {
    const bare = layout.bare.map((i) => r[i]!);
    const counted = layout.counted.map((i) => {
      const text = r[i];
      return text === null ? "-1" : `${utf8.encode(text).length},${text}`;
    });
    const record = layout.record.map((i) => field(r[i]));
    return [...bare, ...counted, ...(record.length > 0 ? [`(${record.join(",")})`] : [])]
      .join(",");
  }).join("\n");
}

const ALL_RECORD = recordLayout(COLUMNS.length);
/** The source's layout for this table if every column but the texts were NOT NULL. */
const BARE_FIRST: PageLayout = {
  bare: [0, 1, 2, 3, 4, 5, 6, 7, 9],
  counted: [8, 10, 11],
  record: [],
};
/** The key bare, the texts counted, the others in a record (as when they may be NULL). */
const MIXED: PageLayout = { bare: [0], counted: [8, 10, 11], record: [1, 2, 3, 4, 5, 6, 7, 9] };
/** The texts in the record too (no counted field). */
const BARE_KEY: PageLayout = {
  bare: [0],
  counted: [],
  record: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const LAYOUTS = [ALL_RECORD, BARE_FIRST, MIXED, BARE_KEY];

function plan(encoding: PageEncoding, layout = ALL_RECORD) {
  return recordPlan({ columns: COLUMNS, kinds: KINDS, layout, keyIndex: 0 }, encoding);
}

const utf8 = new TextEncoder();

const ENCODINGS: PageEncoding[] = [];
for (const format of ["csv", "json", "ndjson"] as const) {
  for (const neutralizeFormulas of [true, false]) {
    ENCODINGS.push({ format, neutralizeFormulas });
    ENCODINGS.push({ format, neutralizeFormulas, columns: [8, 0, 11, 4, 1] });
  }
}

Deno.test("records written as export bytes are the encoders' bytes for their cells", () => {
  const next = mulberry32(20261201);
  for (const layout of LAYOUTS) {
    for (let round = 0; round < 20; round++) {
      const rows = Array.from(
        { length: 50 },
        (_, i) => values(next, round * 1000 + i * 7 + 1, layout.bare),
      );
      const text = records(rows, layout);
      for (const encoding of ENCODINGS) {
        const page = encodeRecords(utf8.encode(text), plan(encoding, layout)!);
        ok(page !== undefined, `round ${round}: ${text}`);
        // What the encoders write for the same rows' cells, a row at a time.
        const want = encodedRows(parseRecords(text, KINDS, layout), encoding, COLUMNS);
        equal(new TextDecoder().decode(page.bytes), new TextDecoder().decode(want.bytes));
        deepStrictEqual(page, want);
        deepStrictEqual(page.keys, rows.map((r) => Number(r[0])));
      }
    }
  }
});

Deno.test("keys beyond 2^53 are bigints, and JSON writes unsafe integers as strings", () => {
  const text = "9007199254740993,(-9007199254740993)\n9223372036854775807,(9007199254740991)";
  const columns: ColumnSchema[] = [{ name: "id", type: "integer" }, { name: "n", type: "integer" }];
  const layout = { bare: [0], counted: [], record: [1] };
  const plan = recordPlan({ columns, kinds: ["integer", "integer"], layout, keyIndex: 0 }, {
    format: "json",
    neutralizeFormulas: true,
  })!;
  const page = encodeRecords(utf8.encode(text), plan)!;
  deepStrictEqual(page.keys, [9007199254740993n, 9223372036854775807n]);
  equal(
    new TextDecoder().decode(page.bytes),
    ',\n{"id":"9007199254740993","n":"-9007199254740993"}' +
      ',\n{"id":"9223372036854775807","n":9007199254740991}',
  );
});

Deno.test("a page holding what the fast path does not write is left to the cells", () => {
  const base = values(mulberry32(7), 1);
  const at = (column: number, value: string | null) =>
    records([base.map((v, i) => i === column ? value : v)]);
  const cases: [string, string][] = [
    ["a decimal NaN", at(4, "NaN")],
    // Fields are checked as they are copied: a wrong byte anywhere in one gives the page up.
    ["a decimal with a letter in its digits", at(4, "12a4.5")],
    ["a decimal with a letter in its fraction", at(4, "12.5x")],
    ["a decimal of two points", at(6, "1.2.3")],
    ["a lone minus sign", at(6, "-")],
    ["an integer with a letter", at(3, "12x4")],
    ["an integer of a minus sign alone", at(3, "-")],
    ["a long integer with a letter (JSON tells safe ones by BigInt)", at(3, "12345678901234567x")],
    ["a timestamp with a letter in its day", at(1, "2024-01-0x 00:00:00+00")],
    ["a timestamp with a T already", at(1, "2024-01-01T00:00:00+00")],
    ["a timestamp with slashes", at(2, "2024/01/01 00:00:00")],
    ["a timestamp with a letter in its fraction", at(2, "2024-01-01 00:00:00.12x")],
    ["a decimal with more digits than its scale", at(4, "1.123456789")],
    ["a point at scale 0", at(5, "12.5")],
    ["an unscaled Infinity", at(6, "Infinity")],
    ["a timestamp before 1970", at(1, "1969-12-31 23:59:59.999999+00")],
    ["a year before 1000", at(2, "0999-01-01 00:00:00")],
    ["a BC timestamp", at(1, "0044-03-15 12:00:00+00 BC")],
    ["a five-digit year", at(1, "10000-01-01 00:00:00+00")],
    ["another offset", at(1, "2024-01-01 00:00:00+05")],
    ["infinity", at(1, "infinity")],
    ["a boolean that is not t or f", at(7, "x")],
    ["a NULL key", at(0, null)],
    ["keys out of order", records([values(mulberry32(1), 5), values(mulberry32(2), 4)])],
    ["a repeated key", records([values(mulberry32(1), 5), values(mulberry32(2), 5)])],
    ["a record short of fields", "(1,2)"],
    ["text that is not records", "1,2,3"],
    ["an unterminated quote", '(1,"abc'],
    ["a trailing line feed", `${records([base])}\n`],
  ];
  // Every column written: a field of a column a download does not write is never looked at.
  for (const encoding of ENCODINGS.filter((e) => e.columns === undefined)) {
    for (const [what, text] of cases) {
      equal(encodeRecords(utf8.encode(text), plan(encoding)!), undefined, what);
    }
  }
  // Rows not of the layout: a bare field missing, empty, quoted, or a record where none is; a
  // length that is not one, or longer than what is left.
  const layout: PageLayout = { bare: [0, 1], counted: [3], record: [2] };
  const shape = {
    columns: [...COLUMNS.slice(0, 3), COLUMNS[8]],
    kinds: [...KINDS.slice(0, 3), KINDS[8]],
    layout,
    keyIndex: 0,
  };
  const csv = recordPlan(shape, ENCODINGS[0])!;
  const good = "1,2024-01-01 00:00:00+00,3,a\nb,(2024-01-01 00:00:00)";
  ok(encodeRecords(utf8.encode(good), csv) !== undefined);
  deepStrictEqual(parseRecords(good, shape.kinds, layout)[0][3], "a\nb");
  for (
    const text of [
      "1,3,a\nb,(2024-01-01 00:00:00)",
      "1,,3,a\nb,(2024-01-01 00:00:00)",
      '1,"2024-01-01 00:00:00+00",3,a\nb,(2024-01-01 00:00:00)',
      "1,2024-01-01 00:00:00+00,3,a\nb",
      "1,2024-01-01 00:00:00+00,3,a\nb,2024-01-01 00:00:00",
      "1,2024-01-01 00:00:00+00,4,a\nb,(2024-01-01 00:00:00)",
      "1,2024-01-01 00:00:00+00,9,a\nb,(x)",
      "1,2024-01-01 00:00:00+00,-2,(2024-01-01 00:00:00)",
      "1,2024-01-01 00:00:00+00,x,a\nb,(2024-01-01 00:00:00)",
      "1,2024-01-01 00:00:00+00,3a\nb,(2024-01-01 00:00:00)",
    ]
  ) {
    equal(encodeRecords(utf8.encode(text), csv), undefined, text);
    throws(() => parseRecords(text, shape.kinds, layout), TypeError, text);
  }
});

Deno.test("a schema the fast path does not write has no plan", () => {
  const encoding: PageEncoding = { format: "csv", neutralizeFormulas: true };
  const id: ColumnSchema = { name: "id", type: "integer" };
  const ts: ColumnSchema = { name: "ts", type: "timestamp" };
  const of = (columns: ColumnSchema[], kinds: PostgresColumnKind[]) =>
    recordPlan({ columns, kinds, layout: recordLayout(kinds.length), keyIndex: 0 }, encoding);
  equal(of([id, ts], ["integer", "epoch_ms"]), undefined);
  equal(of([id, { name: "d", type: "decimal", scale: 2 }], ["integer", "integer"]), undefined);
  equal(of([id], ["numeric"]), undefined);
  ok(of([id, ts], ["integer", "timestamp"]) !== undefined);
});
