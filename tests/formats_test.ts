import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import type { ColumnSchema } from "../protocol/filter.ts";
import { RowEncoder } from "../server/formats.ts";
import { mulberry32 } from "../server/demo_data.ts";

const SEED = 4180;

/** A cell as a strict RFC 4180 reader sees it: its text, and whether it was quoted. */
interface Cell {
  value: string;
  quoted: boolean;
}

/**
 * A small RFC 4180 parser, independent of the encoder: records end with
 * CRLF, quoted fields may hold anything with `""` for a quote, unquoted
 * fields hold no `"` CR or LF. Throws on anything else.
 */
function parseCsv(text: string): Cell[][] {
  const records: Cell[][] = [];
  let record: Cell[] = [];
  let i = 0;
  while (i < text.length) {
    let cell: Cell;
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      cell = { value, quoted: true };
    } else {
      let value = "";
      while (i < text.length && text[i] !== "," && text[i] !== "\r") {
        if (text[i] === '"' || text[i] === "\n") throw new Error(`bare ${text[i]} at ${i}`);
        value += text[i++];
      }
      cell = { value, quoted: false };
    }
    record.push(cell);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r" && text[i + 1] === "\n") {
      records.push(record);
      record = [];
      i += 2;
      continue;
    }
    throw new Error(`expected , or CRLF at ${i}`);
  }
  if (record.length > 0) throw new Error("last record lacks CRLF");
  return records;
}

const values = (records: Cell[][]) => records.map((r) => r.map((c) => c.value));

/** Exact decimal text of `scaled` / 10^scale by BigInt division (independent of the encoder). */
function decimalText(scaled: bigint, scale: number): string {
  const sign = scaled < 0n ? "-" : "";
  const abs = scaled < 0n ? -scaled : scaled;
  const unit = 10n ** BigInt(scale);
  if (scale === 0) return `${sign}${abs}`;
  return `${sign}${abs / unit}.${String(abs % unit).padStart(scale, "0")}`;
}

const COLUMNS: ColumnSchema[] = [
  { name: "id", type: "integer" },
  { name: "ts", type: "timestamp" },
  { name: "price", type: "decimal", scale: 8 },
  { name: "maker", type: "boolean" },
  { name: "note", type: "text" },
];

const encode = (
  format: "csv" | "json" | "ndjson",
  rows: unknown[][],
  neutralizeFormulas = true,
) => {
  const e = new RowEncoder({ format, columns: COLUMNS, neutralizeFormulas });
  return e.header() + e.rows(rows, true) + e.footer();
};

Deno.test("CSV has a header, CRLF line ends, and quotes only cells that need it", () => {
  const csv = encode("csv", [
    [1, 0, 10050000000, 1, "plain"],
    [2, 1, -5, 0, "a,b"],
    [3, 2, 0, 1, 'say "hi"'],
    [4, 3, 1, 0, "two\nlines"],
    [5, 4, 2, 1, "cr\rhere"],
    [6, 5, 3, 0, ""],
    [7, null, null, null, null],
  ]);
  equal(
    csv,
    "id,ts,price,maker,note\r\n" +
      "1,1970-01-01T00:00:00.000Z,100.50000000,true,plain\r\n" +
      '2,1970-01-01T00:00:00.001Z,-0.00000005,false,"a,b"\r\n' +
      '3,1970-01-01T00:00:00.002Z,0.00000000,true,"say ""hi"""\r\n' +
      '4,1970-01-01T00:00:00.003Z,0.00000001,false,"two\nlines"\r\n' +
      '5,1970-01-01T00:00:00.004Z,0.00000002,true,"cr\rhere"\r\n' +
      '6,1970-01-01T00:00:00.005Z,0.00000003,false,""\r\n' +
      "7,,,,\r\n",
  );
  const parsed = parseCsv(csv);
  deepStrictEqual(parsed[6].map((c) => c.value), [
    "6",
    "1970-01-01T00:00:00.005Z",
    "0.00000003",
    "false",
    "",
  ]);
  // NULL and the empty string stay apart: one unquoted, the other quoted.
  deepStrictEqual([parsed[6][4].quoted, parsed[7][4].quoted], [true, false]);
});

Deno.test("formula neutralisation prefixes risky text cells and never touches numbers", () => {
  const risky = ["=1+1", "+1", "-5", "@SUM(A1)", "\tx", "\rx", "=1,2", "-"];
  const rows = risky.map((s, i) => [-i, 0, -150000000, 0, s]);
  const on = values(parseCsv(encode("csv", rows, true))).slice(1);
  const off = values(parseCsv(encode("csv", rows, false))).slice(1);
  deepStrictEqual(on.map((r) => r[4]), risky.map((s) => "'" + s));
  deepStrictEqual(off.map((r) => r[4]), risky);
  for (const r of [...on, ...off]) equal(r[2], "-1.50000000");
  deepStrictEqual(on.map((r) => r[0]), risky.map((_, i) => String(-i)));
  // Safe starts stay as they are, also with neutralisation on.
  const safe = ["a=1", " =1", "'quoted", "1-2", "é=", "😀"];
  deepStrictEqual(
    values(parseCsv(encode("csv", safe.map((s) => [1, 0, 0, 0, s])))).slice(1).map((r) => r[4]),
    safe,
  );
  // The prefix goes inside the quotes.
  equal(encode("csv", [[1, 0, 0, 0, "=1,2"]]).split("\r\n")[1].split(",", 4).length, 4);
  ok(encode("csv", [[1, 0, 0, 0, "=1,2"]]).endsWith(`,"'=1,2"\r\n`));
});

Deno.test("random rows survive a CSV round trip through an independent RFC 4180 parser", () => {
  const random = mulberry32(SEED);
  const alphabet = [
    "a",
    "Z",
    "0",
    ",",
    '"',
    "\r",
    "\n",
    "=",
    "+",
    "-",
    "@",
    "\t",
    " ",
    "é",
    "€",
    "😀",
    "'",
  ];
  for (const neutralize of [true, false]) {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const length = Math.floor(random() * 8);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)])
        .join("");
      return [
        i,
        Math.floor(random() * 4e12),
        Math.floor((random() - 0.5) * 2e15),
        i % 2,
        random() < 0.1 ? null : text,
      ];
    });
    const encoder = new RowEncoder({
      format: "csv",
      columns: COLUMNS,
      neutralizeFormulas: neutralize,
    });
    const csv = encoder.header() + encoder.rows(rows.slice(0, 250), true) +
      encoder.rows(rows.slice(250), false);
    const parsed = parseCsv(csv);
    equal(parsed.length, 501, `seed ${SEED}`);
    for (const [i, row] of rows.entries()) {
      const got = parsed[i + 1];
      const note = row[4] as string | null;
      const risky = note !== null && /^[=+\-@\t\r]/.test(note);
      const expected = [
        String(row[0]),
        new Date(row[1] as number).toISOString(),
        decimalText(BigInt(row[2] as number), 8),
        row[3] === 1 ? "true" : "false",
        note === null ? "" : neutralize && risky ? "'" + note : note,
      ];
      deepStrictEqual(got.map((c) => c.value), expected, `seed ${SEED}, row ${i}`);
      if (note === null) equal(got[4].quoted, false);
      if (note === "") equal(got[4].quoted, true);
    }
  }
});

Deno.test("decimals are exact with exactly `scale` fraction digits, from numbers, bigints and text", () => {
  const random = mulberry32(SEED + 1);
  for (let scale = 0; scale <= 12; scale++) {
    const columns: ColumnSchema[] = [{ name: "d", type: "decimal", scale }];
    const csv = new RowEncoder({ format: "csv", columns });
    const json = new RowEncoder({ format: "ndjson", columns });
    const cases: (number | bigint)[] = [
      0,
      1,
      -1,
      9,
      10,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
    ];
    cases.push(2n ** 63n - 1n, -(2n ** 63n), 10n ** 30n + 7n);
    for (let i = 0; i < 300; i++) {
      const magnitude = 10 ** Math.floor(random() * 16);
      cases.push(Math.floor((random() - 0.5) * 2 * magnitude));
    }
    for (const v of cases) {
      const expected = decimalText(BigInt(v), scale);
      const label = `seed ${SEED + 1}, scale ${scale}, value ${v}`;
      equal(csv.rows([[v]], true), `${expected}\r\n`, label);
      equal(JSON.parse(json.rows([[v]], true)).d, expected, label);
    }
  }
  // Exact text from a backend with native decimals is padded, never rounded.
  const text = new RowEncoder({
    format: "csv",
    columns: [{ name: "d", type: "decimal", scale: 4 }],
  });
  equal(text.rows([["100.5"], ["-0.0001"], ["7"]], true), "100.5000\r\n-0.0001\r\n7.0000\r\n");
  throws(() => text.rows([["0.00001"]], true), TypeError);
});

/** What a decimal text cell must become, by pattern and padding (independent of the encoder). */
function decimalFromText(text: string, scale: number | undefined): string | undefined {
  const m = /^(-?[0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (m === null) return undefined;
  if (scale === undefined) return text;
  const fraction = m[2] ?? "";
  if (fraction.length > scale) return undefined;
  return scale === 0 ? m[1] : `${m[1]}.${fraction.padEnd(scale, "0")}`;
}

Deno.test("decimal text cells are padded to the scale or refused, in CSV and JSON alike", () => {
  const random = mulberry32(SEED + 5);
  const pick = (chars: string) => chars[Math.floor(random() * chars.length)];
  const texts = ["0", "-0", "7", "-7.5", "00.10", "1.", ".5", "-.5", "-", "", "1.2.3", "+1", "1e5"];
  texts.push("NaN", "Infinity", "-Infinity", " 1", "1 ", "١", "1,5", "9".repeat(40));
  texts.push(`-${"1".repeat(30)}.${"2".repeat(30)}`);
  for (let i = 0; i < 3000; i++) {
    const length = 1 + Math.floor(random() * 12);
    let text = "";
    for (let k = 0; k < length; k++) text += pick(i % 5 === 0 ? "0123456789.-+e x" : "0123456789");
    if (i % 3 === 0) text = `${text}.${"0123456789".slice(Math.floor(random() * 10))}`;
    texts.push(i % 2 === 0 ? `-${text}` : text);
  }
  for (const scale of [undefined, 0, 1, 2, 8, 12, 30]) {
    const columns: ColumnSchema[] = [{ name: "d", type: "decimal", scale }];
    const csv = new RowEncoder({ format: "csv", columns });
    const json = new RowEncoder({ format: "ndjson", columns });
    for (const text of texts) {
      const expected = decimalFromText(text, scale);
      const label = `seed ${SEED + 5}, scale ${scale}, text ${JSON.stringify(text)}`;
      if (expected === undefined) {
        throws(() => csv.rows([[text]], true), TypeError, label);
        throws(() => json.rows([[text]], true), TypeError, label);
      } else {
        equal(csv.rows([[text], [null]], true), `${expected}\r\n\r\n`, label);
        equal(json.rows([[text]], true), `{"d":"${expected}"}\n`, label);
      }
    }
  }
});

Deno.test("a decimal column without a scale writes text cells as they are, and integers as scale 0", () => {
  const columns: ColumnSchema[] = [{ name: "d", type: "decimal" }];
  const csv = new RowEncoder({ format: "csv", columns });
  const wide = "-123456789012345678901234567890.123456789012345678901234567890";
  equal(
    csv.rows([["12.340"], [wide], ["0.000000000000000000000000000001"], [7], [-12n]], true),
    `12.340\r\n${wide}\r\n0.000000000000000000000000000001\r\n7\r\n-12\r\n`,
  );
  const json = new RowEncoder({ format: "ndjson", columns });
  equal(json.rows([[wide], [null]], true), `{"d":"${wide}"}\n{"d":null}\n`);
  throws(() => csv.rows([["NaN"]], true), TypeError);
  throws(() => csv.rows([["1e5"]], true), TypeError);
  throws(() => csv.rows([[1.5]], true), TypeError);
});

Deno.test("timestamps are ISO 8601 UTC with milliseconds, in and out of time order", () => {
  const random = mulberry32(SEED + 2);
  const encoder = new RowEncoder({ format: "csv", columns: [{ name: "t", type: "timestamp" }] });
  const times = [
    0,
    1,
    86_399_999,
    86_400_000,
    -1,
    -86_400_001,
    951_782_400_000,
    253_402_300_799_999,
  ];
  times.push(253_402_300_800_000, 8.64e15, -8.64e15);
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 2000; i++) {
    t += Math.floor(random() * 40_000_000);
    times.push(i % 50 === 0 ? Math.floor(random() * 253_402_300_800_000) : t);
  }
  const lines = encoder.rows(times.map((ms) => [ms]), true).split("\r\n");
  deepStrictEqual(
    lines.slice(0, -1),
    times.map((ms) => new Date(ms).toISOString()),
    `seed ${SEED + 2}`,
  );
});

Deno.test("JSON is one array of objects that parses, with exact decimals and big integers as strings", () => {
  const columns: ColumnSchema[] = [...COLUMNS, { name: "big", type: "integer" }];
  const encoder = new RowEncoder({ format: "json", columns });
  const row = (
    i: number,
  ) => [i, 1_704_067_200_000 + i, 10n ** 20n + BigInt(i), i % 2, `n"${i}\n`, 2n ** 60n];
  const pages = [[row(1), row(2)], [], [row(3)], [[4, 0, -1, 0, null, 9007199254740991n]]];
  let text = encoder.header();
  let first = true;
  for (const page of pages) {
    text += encoder.rows(page, first);
    first &&= page.length === 0;
  }
  text += encoder.footer();
  ok(text.startsWith("[\n{") && text.endsWith("}\n]\n"));
  const parsed = JSON.parse(text);
  equal(parsed.length, 4);
  deepStrictEqual(parsed[0], {
    id: 1,
    ts: "2024-01-01T00:00:00.001Z",
    price: "1000000000000.00000001",
    maker: true,
    note: 'n"1\n',
    big: String(2n ** 60n),
  });
  deepStrictEqual(parsed[3], {
    id: 4,
    ts: "1970-01-01T00:00:00.000Z",
    price: "-0.00000001",
    maker: false,
    note: null,
    big: 9007199254740991,
  });
  deepStrictEqual(Object.keys(parsed[2]), columns.map((c) => c.name));
  // Empty export.
  equal(encoder.header() + encoder.footer(), "[\n]\n");
  deepStrictEqual(JSON.parse(encoder.header() + encoder.rows([], true) + encoder.footer()), []);
});

Deno.test("NDJSON is one valid object per line, each ending in a newline", () => {
  const rows = Array.from(
    { length: 50 },
    (_, i) => [i, i, i * 3, 1, i % 7 === 0 ? null : `line\u2028${i}\u0000`],
  );
  const encoder = new RowEncoder({ format: "ndjson", columns: COLUMNS });
  const text = encoder.header() + encoder.rows(rows.slice(0, 20), true) +
    encoder.rows(rows.slice(20), false) +
    encoder.footer();
  ok(text.endsWith("}\n"));
  const lines = text.slice(0, -1).split("\n");
  equal(lines.length, 50);
  deepStrictEqual(lines.map((l) => JSON.parse(l).note), rows.map((r) => r[4]));
  deepStrictEqual(
    lines.map((l) => JSON.parse(l).price),
    rows.map((r) => decimalText(BigInt(r[2] as number), 8)),
  );
});

Deno.test("encodeRows gives the UTF-8 bytes of rows(), also for cells larger than the buffer", () => {
  const random = mulberry32(SEED + 3);
  const huge = 'é,😀"'.repeat(100_000);
  const rows = [[1, 0, 1, 1, huge], [2, 0, 2, 0, "x".repeat(200_000)], [3, 0, 3, 1, "\ud800 lone"]];
  for (const format of ["csv", "json", "ndjson"] as const) {
    const encoder = new RowEncoder({ format, columns: COLUMNS });
    const page = [
      ...rows,
      ...Array.from(
        { length: 3000 },
        (_, i) => [i, i * 1000, Math.floor(random() * 1e12), i % 2, "ab"],
      ),
    ];
    const bytes = encoder.encodeRows(page, true);
    deepStrictEqual(bytes, new TextEncoder().encode(encoder.rows(page, true)));
    ok(
      new TextDecoder().decode(bytes).includes(
        format === "csv" ? huge.replaceAll('"', '""') : JSON.stringify(huge),
      ),
    );
  }
});

Deno.test("cells that do not fit their column type throw a TypeError", () => {
  const encoder = (type: ColumnSchema["type"]) =>
    new RowEncoder({ format: "csv", columns: [{ name: "c", type, scale: 2 }] });
  throws(() => encoder("decimal").rows([[1.5]], true), TypeError);
  throws(() => encoder("decimal").rows([["1e5"]], true), TypeError);
  throws(() => encoder("integer").rows([["12"]], true), TypeError);
  throws(() => encoder("integer").rows([[2 ** 60]], true), TypeError);
  throws(() => encoder("boolean").rows([[2]], true), TypeError);
  throws(() => encoder("timestamp").rows([["2024-01-01"]], true), TypeError);
  // PostgreSQL's infinity (read as NaN) and times past the year 275760, which no ISO text of
  // JavaScript's can show: refused naming the column, like any other cell that does not fit.
  for (const t of [NaN, Infinity, 8.64e15 + 1, -8.64e15 - 1, Number.MAX_SAFE_INTEGER]) {
    throws(() => encoder("timestamp").rows([[t]], true), /timestamp column c/, String(t));
  }
  throws(() => encoder("text").rows([[5]], true), TypeError);
  throws(() => encoder("text").rows([["a", "b"]], true), TypeError);
  throws(() => new RowEncoder({ format: "csv", columns: [] }), TypeError);
});
