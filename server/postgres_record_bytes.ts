/**
 * A page of PostgreSQL's page text (postgres_records.ts) written straight
 * into export bytes: the UTF-8 of the page text in, CSV, JSON or NDJSON out,
 * byte for byte what {@linkcode "./formats.ts"} writes for the same rows'
 * cells, without ever making the cells.
 *
 * Why: making a page's cells (a string per text field, a number per
 * timestamp, an array per row) and then writing them out again was most of
 * the server's work on a PostgreSQL export (measured on 1,000,000 rows of
 * 11 columns: 0.2 s decoding the page text, 0.3 s reading records into
 * cells, 0.3 s writing them, 0.2 s collecting the garbage, out of 2.1 s).
 * Every field of a row is already the text an export writes, or close to
 * it: integers and decimals are copied, `t` / `f` become `true` / `false`,
 * a timestamp's text is rearranged (its digits past the millisecond cut,
 * as the cells cut them), and text is taken as counted (or unquoted from
 * a record) and quoted again for CSV or JSON.
 *
 * Only what is certain to come out the same is written here: a field
 * outside the common forms (a decimal `NaN`, a timestamp before 1970 or
 * with another offset, integers stored as epoch milliseconds, keys out of
 * order) makes {@linkcode encodeRecords} give up on the page, and the caller
 * reads that page into cells as before (the encoders then write it, or
 * refuse a value that does not fit its column). A schema with a column of
 * another pairing of type and storage never comes here
 * ({@linkcode recordPlan} is `undefined`). `tests/postgres_record_bytes_test.ts`
 * compares the two ways on every kind of value.
 *
 * @module
 */

import type { EncodedRows, PageEncoding } from "../protocol/export_state.ts";
import type { ColumnSchema } from "../protocol/filter.ts";
import { Sink, utf8 } from "./_byte_sink.ts";
import { isFormulaStart, needsCsvQuotes } from "./_text_cells.ts";
import type { PostgresColumnKind } from "./postgres_query.ts";
import {
  digit,
  ESCAPED_FIELD,
  NULL_FIELD,
  type PageLayout,
  PLAIN_FIELD,
  readInteger,
  RowSpans,
  scanRow,
} from "./postgres_records.ts";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const BACKSLASH = 0x5c;

/** What a written column's fields become: one of these writers each. */
const INTEGER = 0;
const DECIMAL = 1;
const TIMESTAMP = 2;
const TIMESTAMPTZ = 3;
const BOOLEAN = 4;
const TEXT = 5;
type Writer =
  | typeof INTEGER
  | typeof DECIMAL
  | typeof TIMESTAMP
  | typeof TIMESTAMPTZ
  | typeof BOOLEAN
  | typeof TEXT;

/** What a source's page text holds. */
export interface PageShape {
  /** The exported columns, in output order. */
  readonly columns: readonly ColumnSchema[];
  /** How each is stored. */
  readonly kinds: readonly PostgresColumnKind[];
  /** Where their fields are in a row. */
  readonly layout: PageLayout;
  /** The key's place among them. */
  readonly keyIndex: number;
}

/** What {@linkcode encodeRecords} needs for one schema and one encoding, made once per download. */
export interface RecordPlan {
  readonly format: PageEncoding["format"];
  readonly neutralize: boolean;
  /** Fields in each row. */
  readonly width: number;
  /** Where they are in a row of the page text. */
  readonly layout: PageLayout;
  /** The key's field. */
  readonly keyIndex: number;
  /** The written fields, in output order. */
  readonly order: readonly number[];
  /** Their writers. */
  readonly writers: readonly Writer[];
  /** Their decimal scales (-1: none, the digits as they are). */
  readonly scales: readonly number[];
  /** JSON: the bytes before each written value (`{"a":`, `,"b":`). */
  readonly keys: readonly Uint8Array[];
  /** Most bytes a row writes beyond six times its text's. */
  readonly slack: number;
}

/**
 * The plan for pages of `shape` written in `encoding`; `undefined` when a
 * column's pairing of type and storage is one this module does not write
 * (those pages go through cells).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { recordPlan } from "./postgres_record_bytes.ts";
 * const columns = [{ name: "id", type: "integer" as const }];
 * const layout = { bare: [0], counted: [], record: [] };
 * const csv = { format: "csv" as const, neutralizeFormulas: true };
 * equal(recordPlan({ columns, kinds: ["integer"], layout, keyIndex: 0 }, csv)?.width, 1);
 * equal(recordPlan({ columns, kinds: ["epoch_ms"], layout, keyIndex: 0 }, csv), undefined);
 * ```
 */
export function recordPlan(shape: PageShape, encoding: PageEncoding): RecordPlan | undefined {
  const { columns, kinds, layout, keyIndex } = shape;
  if (kinds[keyIndex] !== "integer") return undefined;
  const order = encoding.columns ?? columns.map((_, i) => i);
  const writers: Writer[] = [];
  for (const i of order) {
    const writer = writerOf(columns[i], kinds[i]);
    if (writer === undefined) return undefined;
    writers.push(writer);
  }
  const scales = order.map((i) => columns[i].scale ?? -1);
  const keys = order.map((c, i) =>
    utf8.encode(`${i === 0 ? "{" : ","}${JSON.stringify(columns[c].name)}:`)
  );
  let slack = 8;
  for (const [i, key] of keys.entries()) slack += key.length + Math.max(scales[i], 0) + 32;
  return {
    format: encoding.format,
    neutralize: encoding.neutralizeFormulas,
    width: kinds.length,
    layout,
    keyIndex,
    order,
    writers,
    scales,
    keys,
    slack,
  };
}

function writerOf(column: ColumnSchema, kind: PostgresColumnKind): Writer | undefined {
  switch (column.type) {
    case "integer":
      return kind === "integer" ? INTEGER : undefined;
    case "decimal":
      return kind === "numeric" ? DECIMAL : undefined;
    case "timestamp":
      return kind === "timestamptz" ? TIMESTAMPTZ : kind === "timestamp" ? TIMESTAMP : undefined;
    case "boolean":
      return kind === "boolean" ? BOOLEAN : undefined;
    case "text":
      return kind === "text" || kind === "uuid" || kind === "cast_text" ? TEXT : undefined;
    default:
      return undefined;
  }
}

/** Reused across pages: grows to the largest page's bytes. */
const sink = new Sink();

/**
 * The rows of a page's text (its UTF-8 bytes) as export bytes, or
 * `undefined` when a field is not one this module writes, the keys do not
 * ascend, or the text is not rows of the plan's layout: the caller
 * then reads the page into cells, which sorts the rows, writes what
 * fits, and reports what is malformed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeRecords, recordPlan } from "./postgres_record_bytes.ts";
 * const columns = [
 *   { name: "id", type: "integer" as const },
 *   { name: "note", type: "text" as const },
 * ];
 * const layout = { bare: [0], counted: [1], record: [] };
 * const shape = { columns, kinds: ["integer", "text"] as const, layout, keyIndex: 0 };
 * const plan = recordPlan(shape, { format: "csv", neutralizeFormulas: true })!;
 * const page = encodeRecords(new TextEncoder().encode("1,4,a, b\n2,2,=x"), plan)!;
 * equal(new TextDecoder().decode(page.bytes), "1,\"a, b\"\r\n2,'=x\r\n");
 * equal(page.ends.length, 2);
 * equal(page.keys[1], 2);
 * ```
 */
export function encodeRecords(text: Uint8Array, plan: RecordPlan): EncodedRows | undefined {
  const { width, layout, order, writers, scales, keys, keyIndex, neutralize, slack } = plan;
  const csv = plan.format === "csv";
  const json = plan.format === "json";
  const spans = new RowSpans(width);
  const { starts, stops, forms } = spans;
  const ends: number[] = [];
  const rowKeys: (number | bigint)[] = [];
  const n = text.length;
  sink.pos = 0;
  let last: number | bigint | undefined;
  let i = 0;
  for (;;) {
    const rowStart = i;
    i = scanRow(text, i, layout, spans);
    if (i < 0) return undefined;
    if (forms[keyIndex] !== PLAIN_FIELD) return undefined;
    const key = readKey(text, starts[keyIndex], stops[keyIndex]);
    if (key === undefined || (last !== undefined && key <= last)) return undefined;
    last = key;
    // The row: every written field by its column's writer, into room enough for the worst case.
    sink.reserve(6 * (i - rowStart) + slack);
    const buf = sink.buf;
    let pos = sink.pos;
    if (json) {
      buf[pos++] = COMMA;
      buf[pos++] = LF;
    }
    for (let o = 0; o < order.length; o++) {
      const c = order[o];
      if (csv) {
        if (o > 0) buf[pos++] = COMMA;
      } else {
        pos = put(buf, pos, keys[o]);
      }
      const form = forms[c];
      if (form === NULL_FIELD) {
        if (!csv) pos = put(buf, pos, NULL_BYTES);
        continue;
      }
      const start = starts[c];
      const end = stops[c];
      const escaped = form === ESCAPED_FIELD;
      switch (writers[o]) {
        case INTEGER:
          pos = escaped ? -1 : integer(buf, pos, text, start, end, !csv);
          break;
        case DECIMAL:
          pos = escaped ? -1 : decimal(buf, pos, text, start, end, scales[o], !csv);
          break;
        case TIMESTAMP:
        case TIMESTAMPTZ:
          pos = escaped
            ? -1
            : timestamp(buf, pos, text, start, end, writers[o] === TIMESTAMPTZ, !csv);
          break;
        case BOOLEAN:
          pos = escaped ? -1 : boolean(buf, pos, text, start, end);
          break;
        case TEXT:
          pos = csv
            ? csvText(buf, pos, text, start, end, escaped, neutralize)
            : jsonText(buf, pos, text, start, end, escaped);
          break;
      }
      if (pos < 0) return undefined;
    }
    if (csv) {
      buf[pos++] = CR;
      buf[pos++] = LF;
    } else {
      buf[pos++] = 0x7d; // }
      if (!json) buf[pos++] = LF;
    }
    sink.pos = pos;
    ends.push(pos);
    rowKeys.push(key);
    if (i === n) break;
    if (text[i++] !== LF) return undefined;
  }
  return { bytes: sink.take(), ends, keys: rowKeys, lead: json ? 1 : 0 };
}

// The writers below write one non-NULL field, `s[start, end)`, into `buf` at `pos`, which has room
// for it (encodeRecords reserved the worst case), and return where they ended; or -1 when they
// cannot be sure to write what the cells would.

const NULL_BYTES = utf8.encode("null");
/** `YYYY-MM-DD HH:MI:SS` by place: the separator there, or 0 for a digit. */
const STAMP = Uint8Array.from("0000-00-00 00:00:00", (c) => c === "0" ? 0 : c.charCodeAt(0));
const TRUE = utf8.encode("true");
const FALSE = utf8.encode("false");
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function put(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) buf[pos++] = bytes[k];
  return pos;
}

/** Digits after an optional minus sign: where they start, or -1 if `s[start, end)` is not that. */
function integerDigits(s: Uint8Array, start: number, end: number): number {
  const first = s[start] === MINUS ? start + 1 : start;
  if (first === end || end - first > 19) return -1;
  for (let k = first; k < end; k++) if (!digit(s[k] - ZERO)) return -1;
  return first;
}

/** A key as the cells read it (a number when safe, else a bigint), or `undefined` if not digits. */
function readKey(s: Uint8Array, start: number, end: number): number | bigint | undefined {
  return integerDigits(s, start, end) < 0 ? undefined : readInteger(s, start, end);
}

/** The digits as they are; in JSON a number when safe (|n| ≤ 2^53 − 1), else a string of them. */
function integer(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
  json: boolean,
): number {
  const first = s[start] === MINUS ? start + 1 : start;
  if (first === end || end - first > 19) return -1;
  // BigInt() takes digits only: a longer field is checked before, not as it is copied.
  const quote = json && end - first > 15 && integerDigits(s, start, end) >= 0 &&
    BigInt(String.fromCharCode(...s.subarray(first, end))) > MAX_SAFE;
  if (quote) buf[pos++] = QUOTE;
  if (first > start) buf[pos++] = MINUS;
  // Checked as copied: a page given up leaves what was written unread.
  for (let k = first; k < end; k++) {
    const c = s[k];
    if (!digit(c - ZERO)) return -1;
    buf[pos++] = c;
  }
  if (quote) buf[pos++] = QUOTE;
  return pos;
}

/**
 * A decimal's digits as PostgreSQL writes them (`-12.340`), with exactly
 * `scale` fraction digits when the column has one (fewer are padded, more
 * or a point at scale 0 give up), in quotes for JSON.
 */
function decimal(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
  scale: number,
  quote: boolean,
): number {
  if (quote) buf[pos++] = QUOTE;
  let k = start;
  if (s[k] === MINUS) buf[pos++] = s[k++];
  const whole = k;
  // Checked as copied: a page given up leaves what was written unread.
  for (; k < end; k++) {
    const c = s[k];
    if (!digit(c - ZERO)) break;
    buf[pos++] = c;
  }
  if (k === whole) return -1;
  const fraction = k < end ? end - k - 1 : 0;
  if (k < end) {
    if (s[k] !== DOT || fraction === 0 || scale === 0 || (scale > 0 && fraction > scale)) return -1;
    buf[pos++] = DOT;
    for (k++; k < end; k++) {
      const c = s[k];
      if (!digit(c - ZERO)) return -1;
      buf[pos++] = c;
    }
  }
  if (fraction === 0 && scale > 0) buf[pos++] = DOT;
  for (let f = fraction; f < scale; f++) buf[pos++] = ZERO;
  if (quote) buf[pos++] = QUOTE;
  return pos;
}

function boolean(buf: Uint8Array, pos: number, s: Uint8Array, start: number, end: number): number {
  if (end !== start + 1) return -1;
  const c = s[start];
  if (c === 0x74) return put(buf, pos, TRUE); // t
  if (c === 0x66) return put(buf, pos, FALSE); // f
  return -1;
}

/**
 * `YYYY-MM-DD HH:MI:SS[.ffffff]`, with `+00` for a timestamptz (a UTC
 * session), of the years 1970 to 9999, as `YYYY-MM-DDTHH:MI:SS.mmmZ`: the
 * digits past the millisecond are cut, as the cells cut them (toward the
 * past, which after 1970 is toward zero). Any other text gives up.
 */
function timestamp(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
  zoned: boolean,
  quote: boolean,
): number {
  let tail = end - start - 19;
  if (zoned) {
    if (tail < 3 || s[end - 3] !== 0x2b || s[end - 2] !== ZERO || s[end - 1] !== ZERO) return -1;
    tail -= 3;
  }
  // The fraction: nothing, or a point and 1 to 6 digits.
  if (tail !== 0 && (tail < 2 || tail > 7 || s[start + 19] !== DOT)) return -1;
  for (let k = 1; k < tail; k++) if (!digit(s[start + 19 + k] - ZERO)) return -1;
  const year = (s[start] - ZERO) * 1000 + (s[start + 1] - ZERO) * 100 +
    (s[start + 2] - ZERO) * 10 + s[start + 3] - ZERO;
  if (year < 1970) return -1; // or not digits: checked below
  if (quote) buf[pos++] = QUOTE;
  // Checked as copied: a page given up leaves what was written unread.
  for (let k = 0; k < 19; k++) {
    const c = s[start + k];
    const want = STAMP[k];
    if (want === 0 ? !digit(c - ZERO) : c !== want) return -1;
    buf[pos++] = c;
  }
  buf[pos - 9] = 0x54; // T, where the space was
  buf[pos++] = DOT;
  for (let k = 1; k <= 3; k++) buf[pos++] = k < tail ? s[start + 19 + k] : ZERO;
  buf[pos++] = 0x5a; // Z
  if (quote) buf[pos++] = QUOTE;
  return pos;
}

/**
 * RFC 4180 as _text_cells.ts writes it: `""` for the empty text, a `'`
 * before a formula's start when neutralising, and quotes (with `"`
 * doubled) around a text holding `,` `"` CR or LF. The record's own
 * escapes (`""`, `\x`) are undone on the way.
 */
function csvText(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
  neutralize: boolean,
): number {
  if (start === end) {
    buf[pos++] = QUOTE;
    buf[pos++] = QUOTE;
    return pos;
  }
  const first = escaped && s[start] === BACKSLASH ? s[start + 1] : s[start];
  const guard = neutralize && isFormulaStart(first);
  if (!escaped) {
    // Most texts need no quotes: copied as they are while looking for a byte that needs them.
    let at = pos;
    if (guard) buf[at++] = 0x27; // '
    let k = start;
    for (; k < end && !needsCsvQuotes(s[k]); k++) buf[at++] = s[k];
    if (k === end) return at;
  }
  // Here an unescaped text needs quotes; an escaped one may (its `""` is a quote).
  const quoted = !escaped || anyNeedsCsvQuotes(s, start, end);
  if (quoted) buf[pos++] = QUOTE;
  if (guard) buf[pos++] = 0x27; // '
  for (let k = start; k < end; k++) {
    let c = s[k];
    if (escaped) {
      if (c === BACKSLASH) c = s[++k];
      else if (c === QUOTE) k++; // the first of `""`
    }
    buf[pos++] = c;
    if (c === QUOTE) buf[pos++] = QUOTE;
  }
  if (quoted) buf[pos++] = QUOTE;
  return pos;
}

function anyNeedsCsvQuotes(s: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (needsCsvQuotes(s[k])) return true;
  return false;
}

const HEX = utf8.encode("0123456789abcdef");
/** JSON.stringify's short escapes, by control character; 0 for `\u00XX`. */
const SHORT_ESCAPES = new Uint8Array(0x20);
SHORT_ESCAPES[0x08] = 0x62; // \b
SHORT_ESCAPES[0x09] = 0x74; // \t
SHORT_ESCAPES[0x0a] = 0x6e; // \n
SHORT_ESCAPES[0x0c] = 0x66; // \f
SHORT_ESCAPES[0x0d] = 0x72; // \r

/**
 * A JSON string as `JSON.stringify` writes it: `"` and `\` escaped,
 * control characters as `\n`-style or `\u00XX` escapes, everything else
 * (UTF-8 of any character) as it is. The record's own escapes are undone.
 */
function jsonText(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
): number {
  buf[pos++] = QUOTE;
  for (let k = start; k < end; k++) {
    let c = s[k];
    if (escaped) {
      if (c === BACKSLASH) c = s[++k];
      else if (c === QUOTE) k++;
    }
    if (c === QUOTE || c === BACKSLASH) {
      buf[pos++] = BACKSLASH;
      buf[pos++] = c;
    } else if (c < 0x20) {
      buf[pos++] = BACKSLASH;
      const short = SHORT_ESCAPES[c];
      if (short !== 0) {
        buf[pos++] = short;
      } else {
        buf[pos++] = 0x75; // u
        buf[pos++] = ZERO;
        buf[pos++] = ZERO;
        buf[pos++] = HEX[c >> 4];
        buf[pos++] = HEX[c & 15];
      }
    } else {
      buf[pos++] = c;
    }
  }
  buf[pos++] = QUOTE;
  return pos;
}
