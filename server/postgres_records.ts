/**
 * A page of rows as PostgreSQL writes it in one text, and its rows read
 * back into the cells of {@linkcode "./data_source.ts"}.
 *
 * Why one text per page: the driver spends most of a page's time on each
 * cell of each row (a message, a buffer view and a string per cell, ~130 ns
 * each), far more than PostgreSQL takes to write them; one cell per page
 * leaves it one buffer, and the scan below is a loop over its bytes.
 * Measured on 1,000,000 rows of 11 columns: 1.9 s of the driver's CPU per
 * cell against 0.4 s for the whole page text.
 *
 * ## The page text
 *
 * Rows are joined by line feeds (`string_agg`). A row's fields are
 * separated by commas (`concat_ws`), in three groups ({@linkcode PageLayout}):
 *
 * - bare: a column that is `NOT NULL` and whose text never holds a comma,
 *   a quote, a parenthesis or a line feed (integers, numerics, timestamps,
 *   booleans, UUIDs), as its output function writes it;
 * - counted: a text column, as its length in bytes and then its text
 *   (`5,a,b,c`), or `-1` alone for NULL;
 * - in a record, last: the others (a column of the first kinds that may be
 *   NULL), `ROW(…)::text` (`record_out`): NULL is nothing, and a field that
 *   is empty or holds `"`, `\`, `(`, `)`, `,` or white space is in double
 *   quotes, with each `"` and `\` inside doubled.
 *
 * Why not all in a record, the simplest: `record_out` looks at every
 * character it writes and `concat_ws` copies them; on the demo's shape
 * (seven of eleven columns bare, four counted) PostgreSQL spends about a
 * quarter less CPU on a page. A row holds line feeds only inside counted
 * texts or quotes, and the lengths and quotes say where those end, so the
 * rows are unambiguous. A table whose columns are all in the record writes
 * the whole row as one (`"a row"::text`).
 *
 * The fields' text is what the columns' output functions write for a plain
 * `SELECT`, and the cells are what the pool's type parsers make of it.
 *
 * @module
 */

import type { PostgresColumnKind } from "./postgres_query.ts";
import { parseInt8, parsePostgresTimestamp } from "./postgres_values.ts";
import { daysFromCivil } from "../protocol/time.ts";

/**
 * Where each exported column's field is in a row of the page text: their
 * places in output order, bare first, then counted, then in the record.
 */
export interface PageLayout {
  /** Written bare, first. */
  readonly bare: readonly number[];
  /** Written after their length in bytes, next. */
  readonly counted: readonly number[];
  /** In the record, `(…)`, last; none, and there is no record. */
  readonly record: readonly number[];
}

/** The layout of a page whose fields are all in the record (a plain `ROW(…)::text`). */
export function recordLayout(width: number): PageLayout {
  return { bare: [], counted: [], record: Array.from({ length: width }, (_, i) => i) };
}

const LF = 0x0a;
const QUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const MS_PER_DAY = 86_400_000;

/** What a byte is to a bare field: 0 part of it, `BARE_END` its end, `NOT_BARE` impossible in it. */
const BARE_BYTES = new Uint8Array(256);
const BARE_END = 1;
const NOT_BARE = 2;
for (const byte of [COMMA, LF]) BARE_BYTES[byte] = BARE_END;
for (const byte of [QUOTE, BACKSLASH, OPEN, CLOSE]) BARE_BYTES[byte] = NOT_BARE;

/** A field that is NULL. */
export const NULL_FIELD = 0;
/** Bare, or quoted without `""` or `\` inside: its span is its text. */
export const PLAIN_FIELD = 1;
/** Quoted, with `""` or `\x` inside standing for `"` and `x`. */
export const ESCAPED_FIELD = 2;

/** Where the fields of one row are, by output place: filled by {@linkcode scanRow}. */
export class RowSpans {
  readonly starts: Int32Array;
  readonly stops: Int32Array;
  /** `NULL_FIELD`, `PLAIN_FIELD` or `ESCAPED_FIELD`. */
  readonly forms: Uint8Array;

  /** Spans for rows of `width` fields. */
  constructor(width: number) {
    this.starts = new Int32Array(width);
    this.stops = new Int32Array(width);
    this.forms = new Uint8Array(width);
  }
}

/**
 * Reads the row that starts at `i` into `spans`, and returns where it ends
 * (its line feed, or the end of the text); -1 when the text there is not
 * a row of `layout`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RowSpans, scanRow } from "./postgres_records.ts";
 * const text = new TextEncoder().encode('7,t,3,a,b,-1,("a ""b""",)');
 * const spans = new RowSpans(6);
 * equal(scanRow(text, 0, { bare: [0, 1], counted: [2, 3], record: [4, 5] }, spans), text.length);
 * equal(spans.forms[3], 0); // NULL
 * equal(spans.stops[2] - spans.starts[2], 3); // "a,b"
 * ```
 */
export function scanRow(text: Uint8Array, i: number, layout: PageLayout, spans: RowSpans): number {
  const { starts, stops, forms } = spans;
  const { bare, counted, record } = layout;
  const n = text.length;
  // Fields left after the one at hand, each after a comma.
  let left = bare.length + counted.length + (record.length > 0 ? 1 : 0);
  for (let b = 0; b < bare.length; b++) {
    let j = i;
    for (; j < n; j++) {
      const kind = BARE_BYTES[text[j]];
      if (kind === BARE_END) break;
      if (kind === NOT_BARE) return -1;
    }
    if (j === i) return -1; // a bare field is never NULL, and never empty
    const c = bare[b];
    starts[c] = i;
    stops[c] = j;
    forms[c] = PLAIN_FIELD;
    i = j;
    if (--left > 0) {
      if (text[i] !== COMMA) return -1;
      i++;
    }
  }
  for (let k = 0; k < counted.length; k++) {
    // Its length in bytes, then a comma and that many bytes; -1 alone for NULL.
    let length = 0;
    let j = i;
    if (text[j] === 0x2d) { // -
      if (text[j + 1] !== 0x31) return -1; // only -1
      length = -1;
      j += 2;
    } else {
      for (; j < n && digit(text[j] - ZERO); j++) length = length * 10 + text[j] - ZERO;
      if (j === i || j - i > 10) return -1;
    }
    const c = counted[k];
    if (length < 0) {
      forms[c] = NULL_FIELD;
      i = j;
    } else {
      if (text[j] !== COMMA || j + 1 + length > n) return -1;
      starts[c] = j + 1;
      stops[c] = j + 1 + length;
      forms[c] = PLAIN_FIELD;
      i = j + 1 + length;
    }
    if (--left > 0) {
      if (text[i] !== COMMA) return -1;
      i++;
    }
  }
  if (record.length === 0) return i;
  if (text[i++] !== OPEN) return -1;
  for (let r = 0; r < record.length; r++) {
    const c = record[r];
    const ch = text[i];
    if (ch === COMMA || ch === CLOSE) {
      forms[c] = NULL_FIELD;
    } else if (ch === QUOTE) {
      // Quoted: up to the quote that is not doubled; `""` and `\x` stand for `"` and `x`.
      let j = i + 1;
      let form = PLAIN_FIELD;
      for (;;) {
        if (j >= n) return -1;
        const d = text[j];
        if (d === QUOTE) {
          if (text[j + 1] !== QUOTE) break;
          form = ESCAPED_FIELD;
          j += 2;
        } else if (d === BACKSLASH) {
          form = ESCAPED_FIELD;
          j += 2;
        } else {
          j++;
        }
      }
      starts[c] = i + 1;
      stops[c] = j;
      forms[c] = form;
      i = j + 1;
    } else {
      let j = i;
      for (;;) {
        if (j >= n) return -1;
        const d = text[j];
        if (d === COMMA || d === CLOSE) break;
        if (d === QUOTE || d === BACKSLASH || d === OPEN) return -1;
        j++;
      }
      starts[c] = i;
      stops[c] = j;
      forms[c] = PLAIN_FIELD;
      i = j;
    }
    if (text[i++] !== (r === record.length - 1 ? CLOSE : COMMA)) return -1;
  }
  return i;
}

/** Reads one field, `s[start, end)` with its record escapes when `escaped`, as a cell. */
type FieldReader = (s: Uint8Array, start: number, end: number, escaped: boolean) => unknown;

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Reads the row of a page that starts at `i` into `spans`, and returns
 * where the next row starts (the page's length after the last); -1 when
 * the bytes there are not a row. One for page texts
 * ({@linkcode textRows}), one for rows as PostgreSQL's protocol sends them
 * (`dataRowScanner` of postgres_wire.ts).
 */
export type RowScanner = (page: Uint8Array, i: number, spans: RowSpans) => number;

/**
 * The scanner of page texts in `layout`: {@linkcode scanRow}, and the line
 * feed between rows (never one after the last).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { RowSpans, textRows } from "./postgres_records.ts";
 * const scan = textRows({ bare: [0], counted: [], record: [] });
 * const text = new TextEncoder().encode("7\n8");
 * equal(scan(text, 0, new RowSpans(1)), 2);
 * equal(scan(text, 2, new RowSpans(1)), 3);
 * ```
 */
export function textRows(layout: PageLayout): RowScanner {
  return (text, i, spans) => {
    const end = scanRow(text, i, layout, spans);
    if (end < 0 || end === text.length) return end;
    return text[end] === LF && end + 1 < text.length ? end + 1 : -1;
  };
}

/**
 * Rows of a page from its text (`null` for an empty page, as `string_agg`
 * of no rows is NULL), each cell read by its column's kind; the text is
 * all record when no layout is given. Throws a `TypeError` on text that is
 * not rows of the layout: PostgreSQL writes none, so it is a bug.
 *
 * @example
 * ```ts
 * import { parseRecords } from "./postgres_records.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(
 *   parseRecords('(1,"2024-01-01 00:00:00.5+00",,"a ""b""",t)\n(2,"1970-01-01 00:00:00+00","",x,f)', [
 *     "integer", "timestamptz", "text", "text", "boolean",
 *   ]),
 *   [[1, 1704067200500, null, 'a "b"', true], [2, 0, "", "x", false]],
 * );
 * deepStrictEqual(
 *   parseRecords("1,t,2,x\n\n2,f,-1", ["integer", "boolean", "text"], {
 *     bare: [0, 1],
 *     counted: [2],
 *     record: [],
 *   }),
 *   [[1, true, "x\n"], [2, false, null]],
 * );
 * ```
 */
export function parseRecords(
  page: Uint8Array | string | null | undefined,
  kinds: readonly PostgresColumnKind[],
  layout: PageLayout = recordLayout(kinds.length),
): unknown[][] {
  if (page === null || page === undefined) return [];
  const text = typeof page === "string" ? utf8.encode(page) : page;
  if (text.length === 0) return malformed(0);
  return parseRows(text, kinds, textRows(layout));
}

/**
 * Rows of a page, found by `scan`, each cell read by its column's kind.
 * Throws a `TypeError` on bytes that are not rows: PostgreSQL sends none,
 * so it is a bug.
 */
export function parseRows(
  page: Uint8Array,
  kinds: readonly PostgresColumnKind[],
  scan: RowScanner,
): unknown[][] {
  const readers = kinds.map(fieldReader);
  const width = readers.length;
  const spans = new RowSpans(width);
  const rows: unknown[][] = [];
  for (let i = 0; i < page.length;) {
    const next = scan(page, i, spans);
    if (next < 0) return malformed(i);
    const row = new Array<unknown>(width);
    for (let c = 0; c < width; c++) {
      const form = spans.forms[c];
      row[c] = form === NULL_FIELD
        ? null
        : readers[c](page, spans.starts[c], spans.stops[c], form === ESCAPED_FIELD);
    }
    rows.push(row);
    i = next;
  }
  return rows;
}

function malformed(at: number): never {
  throw new TypeError(`PostgreSQL's page is malformed at byte ${at}`);
}

/** How a field of each kind becomes its cell: as the pool's type parsers read a plain `SELECT`. */
function fieldReader(kind: PostgresColumnKind): FieldReader {
  switch (kind) {
    case "integer":
    case "epoch_ms":
      return readInteger;
    case "timestamptz":
    case "timestamp":
      return timestampReader();
    case "boolean":
      return readBoolean;
    case "numeric":
    case "text":
    case "uuid":
    case "cast_text":
      return readText;
    default: {
      const unreachable: never = kind;
      throw new TypeError(`unknown column kind ${unreachable}`);
    }
  }
}

/** The field's text, its record escapes undone. */
function readText(s: Uint8Array, start: number, end: number, escaped: boolean): string {
  if (!escaped) return decoder.decode(s.subarray(start, end));
  const bytes = new Uint8Array(end - start);
  let n = 0;
  for (let k = start; k < end; k++) {
    const c = s[k];
    if (c === BACKSLASH || (c === QUOTE && s[k + 1] === QUOTE)) k++;
    bytes[n++] = s[k];
  }
  return decoder.decode(bytes.subarray(0, n));
}

/** `t` / `f`, as `boolout` writes them. */
function readBoolean(s: Uint8Array, start: number, end: number): boolean {
  if (end === start + 1) {
    if (s[start] === 0x74) return true; // t
    if (s[start] === 0x66) return false; // f
  }
  throw new TypeError(`not a PostgreSQL boolean: ${readText(s, start, end, false)}`);
}

/** Up to 15 digits and a sign, digit by digit (always a safe integer); longer ones as int8 text. */
export function readInteger(s: Uint8Array, start: number, end: number): number | bigint {
  const negative = s[start] === 0x2d; // -
  let i = negative ? start + 1 : start;
  if (end - i > 15 || i === end) return parseInt8(readText(s, start, end, false));
  let v = 0;
  for (; i < end; i++) {
    const d = s[i] - ZERO;
    if (!digit(d)) return parseInt8(readText(s, start, end, false));
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** Whether `v`, a byte minus `0`, is a digit (unsigned: below `0` is huge). */
export function digit(v: number): boolean {
  return v >>> 0 < 10;
}

/**
 * `YYYY-MM-DD HH:MI:SS[.ffffff][+00]`, the text of every timestamp of
 * years 0001 to 9999 in a UTC session, digit by digit with the day cached
 * (rows come in time order, so most share the last one's date); any other
 * text (BC, five-digit years, another offset, infinity) goes to
 * {@linkcode parsePostgresTimestamp}, whose arithmetic this repeats.
 */
function timestampReader(): FieldReader {
  let dayKey = -1;
  let dayMs = 0;
  return (s, start, end) => {
    const at = (k: number) => s[start + k] - ZERO;
    const len = end - start;
    const slow = () => parsePostgresTimestamp(readText(s, start, end, false));
    // The fields end at 19, then `.` and 1 to 6 digits, then `+00` for a timestamptz.
    let p = 19;
    let milli = 0;
    if (len > 20 && s[start + 19] === 0x2e) {
      p = 20;
      for (let scale = 100; p < len && p < 26; p++) {
        const d = at(p);
        if (!digit(d)) break;
        milli += d * scale;
        scale = scale / 10 | 0; // digits past the millisecond count for nothing: cut toward the past
      }
      if (p === 20) return slow();
    }
    const tail = len - p;
    if (
      !(tail === 0 ||
        (tail === 3 && s[start + p] === 0x2b && at(p + 1) === 0 && at(p + 2) === 0)) ||
      s[start + 4] !== 0x2d || s[start + 7] !== 0x2d || s[start + 10] !== 0x20 ||
      s[start + 13] !== 0x3a || s[start + 16] !== 0x3a
    ) {
      return slow();
    }
    const y0 = at(0), y1 = at(1), y2 = at(2), y3 = at(3), m0 = at(5), m1 = at(6), d0 = at(8);
    const d1 = at(9), h0 = at(11), h1 = at(12), i0 = at(14), i1 = at(15), s0 = at(17);
    const s1 = at(18);
    if (
      !(digit(y0) && digit(y1) && digit(y2) && digit(y3) && digit(m0) && digit(m1) &&
        digit(d0) && digit(d1) && digit(h0) && digit(h1) && digit(i0) && digit(i1) &&
        digit(s0) && digit(s1))
    ) {
      return slow();
    }
    const year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
    const month = m0 * 10 + m1;
    const day = d0 * 10 + d1;
    const key = (year * 100 + month) * 100 + day;
    if (key !== dayKey) {
      dayKey = key;
      dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
    }
    return dayMs + (((h0 * 10 + h1) * 60 + i0 * 10 + i1) * 60 + s0 * 10 + s1) * 1000 + milli;
  };
}
