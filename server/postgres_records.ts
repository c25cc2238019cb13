/**
 * A page of rows as PostgreSQL writes it in one text: each row's record
 * (`r::text`, `record_out`), the records joined by line feeds
 * (`string_agg`), and turned back into the cells of
 * {@linkcode "./data_source.ts"} here.
 *
 * Why one text per page: the driver spends most of a page's time on each
 * cell of each row (a message, a buffer view and a string per cell, ~130 ns
 * each), far more than PostgreSQL takes to write them; one cell per page
 * leaves it one string to decode, and the scan below is a loop over char
 * codes. Measured on 1,000,000 rows of 11 columns: 1.9 s of the driver's
 * CPU per cell against 0.4 s for the whole page text.
 *
 * A record's fields are the same text the columns' output functions write
 * for a plain `SELECT` (the cells read as they always did). `record_out`
 * writes NULL as nothing, and puts in double quotes a field that is empty
 * or holds `"`, `\`, `(`, `)`, `,` or white space, doubling each `"` and
 * `\` inside. Row texts never hold a bare line feed outside quotes, so the
 * line feeds that join them are unambiguous.
 *
 * @module
 */

import type { PostgresColumnKind } from "./postgres_query.ts";
import { parseInt8, parsePostgresTimestamp } from "./postgres_values.ts";
import { daysFromCivil } from "../protocol/time.ts";

/** Reads one field's text, `s.slice(start, end)`, as a cell. */
type FieldReader = (s: string, start: number, end: number) => unknown;

const LF = 0x0a;
const QUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const MS_PER_DAY = 86_400_000;

/**
 * Rows of a page from its records' text (`undefined` for an empty page,
 * as `string_agg` of no rows is NULL), each cell read by its column's
 * kind. Throws a `TypeError` on text that is not records of `kinds.length`
 * fields: PostgreSQL writes none, so it is a bug.
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
 * ```
 */
export function parseRecords(
  text: string | null | undefined,
  kinds: readonly PostgresColumnKind[],
): unknown[][] {
  if (text === null || text === undefined) return [];
  const readers = kinds.map(fieldReader);
  const width = readers.length;
  const rows: unknown[][] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) !== OPEN) return malformed(i);
    i++;
    const row = new Array<unknown>(width);
    for (let c = 0; c < width; c++) {
      const ch = text.charCodeAt(i);
      if (ch === COMMA || ch === CLOSE) {
        row[c] = null;
      } else if (ch === QUOTE) {
        // Quoted: up to the quote that is not doubled; `""` and `\x` stand for `"` and `x`.
        let j = i + 1;
        let start = j;
        let unescaped: string | undefined;
        for (;;) {
          const d = text.charCodeAt(j);
          if (d === QUOTE) {
            if (text.charCodeAt(j + 1) !== QUOTE) break;
            unescaped = (unescaped ?? "") + text.slice(start, j + 1);
            j += 2;
            start = j;
          } else if (d === BACKSLASH) {
            unescaped = (unescaped ?? "") + text.slice(start, j);
            start = j + 1;
            j += 2;
          } else if (d !== d) { // NaN: past the end
            return malformed(i);
          } else {
            j++;
          }
        }
        if (unescaped === undefined) {
          row[c] = readers[c](text, i + 1, j);
        } else {
          const field = unescaped + text.slice(start, j);
          row[c] = readers[c](field, 0, field.length);
        }
        i = j + 1;
      } else {
        let j = i;
        for (;;) {
          const d = text.charCodeAt(j);
          if (d === COMMA || d === CLOSE) break;
          if (d !== d || d === QUOTE || d === BACKSLASH || d === OPEN) return malformed(j);
          j++;
        }
        row[c] = readers[c](text, i, j);
        i = j;
      }
      const sep = text.charCodeAt(i++);
      if (sep !== (c === width - 1 ? CLOSE : COMMA)) return malformed(i - 1);
    }
    rows.push(row);
    if (i === n) return rows;
    if (text.charCodeAt(i++) !== LF) return malformed(i - 1);
  }
}

function malformed(at: number): never {
  throw new TypeError(`PostgreSQL's record text is malformed at ${at}`);
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

function readText(s: string, start: number, end: number): string {
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** `t` / `f`, as `boolout` writes them. */
function readBoolean(s: string, start: number, end: number): boolean {
  if (end === start + 1) {
    const c = s.charCodeAt(start);
    if (c === 0x74) return true; // t
    if (c === 0x66) return false; // f
  }
  throw new TypeError(`not a PostgreSQL boolean: ${s.slice(start, end)}`);
}

/** Up to 15 digits and a sign, digit by digit (always a safe integer); longer ones as int8 text. */
function readInteger(s: string, start: number, end: number): number | bigint {
  const negative = s.charCodeAt(start) === 0x2d; // -
  let i = negative ? start + 1 : start;
  if (end - i > 15 || i === end) return parseInt8(s.slice(start, end));
  let v = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (!digit(d)) return parseInt8(s.slice(start, end));
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/**
 * `YYYY-MM-DD HH:MI:SS[.ffffff][+00]`, the text of every timestamp of
 * years 0001 to 9999 in a UTC session, digit by digit with the day cached
 * (rows come in time order, so most share the last one's date); any other
 * text (BC, five-digit years, another offset, infinity) goes to
 * {@linkcode parsePostgresTimestamp}, whose arithmetic this repeats.
 */
/** Whether `v`, a char code minus `0`, is a digit (unsigned: below `0` is huge). */
function digit(v: number): boolean {
  return v >>> 0 < 10;
}

function timestampReader(): FieldReader {
  let dayKey = -1;
  let dayMs = 0;
  return (s, start, end) => {
    const at = (k: number) => s.charCodeAt(start + k) - ZERO;
    const len = end - start;
    // The fields end at 19, then `.` and 1 to 6 digits, then `+00` for a timestamptz.
    let p = 19;
    let milli = 0;
    if (len > 20 && s.charCodeAt(start + 19) === 0x2e) {
      p = 20;
      for (let scale = 100; p < len && p < 26; p++) {
        const d = at(p);
        if (!digit(d)) break;
        milli += d * scale;
        scale = scale / 10 | 0; // digits past the millisecond count for nothing: cut toward the past
      }
      if (p === 20) return parsePostgresTimestamp(s.slice(start, end));
    }
    const tail = len - p;
    if (
      !(tail === 0 || (tail === 3 && s.charCodeAt(start + p) === 0x2b && at(p + 1) === 0 &&
        at(p + 2) === 0)) ||
      s.charCodeAt(start + 4) !== 0x2d || s.charCodeAt(start + 7) !== 0x2d ||
      s.charCodeAt(start + 10) !== 0x20 || s.charCodeAt(start + 13) !== 0x3a ||
      s.charCodeAt(start + 16) !== 0x3a
    ) {
      return parsePostgresTimestamp(s.slice(start, end));
    }
    const y0 = at(0), y1 = at(1), y2 = at(2), y3 = at(3), m0 = at(5), m1 = at(6), d0 = at(8);
    const d1 = at(9), h0 = at(11), h1 = at(12), i0 = at(14), i1 = at(15), s0 = at(17);
    const s1 = at(18);
    if (
      !(digit(y0) && digit(y1) && digit(y2) && digit(y3) && digit(m0) && digit(m1) &&
        digit(d0) && digit(d1) && digit(h0) && digit(h1) && digit(i0) && digit(i1) &&
        digit(s0) && digit(s1))
    ) {
      return parsePostgresTimestamp(s.slice(start, end));
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
