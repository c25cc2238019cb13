/**
 * A page of PostgreSQL records (postgres_records.ts) written straight into
 * export bytes: the UTF-8 of the page text in, CSV, JSON or NDJSON out,
 * byte for byte what {@linkcode "./formats.ts"} writes for the same rows'
 * cells, without ever making the cells.
 *
 * Why: making a page's cells (a string per text field, a number per
 * timestamp, an array per row) and then writing them out again was most of
 * the server's work on a PostgreSQL export (measured on 1,000,000 rows of
 * 11 columns: 0.2 s decoding the page text, 0.3 s reading records into
 * cells, 0.3 s writing them, 0.2 s collecting the garbage, out of 2.1 s).
 * Every field of a record is already the text an export writes, or close
 * to it: integers and decimals are copied, `t` / `f` become `true` /
 * `false`, a timestamp's text is rearranged (its digits past the
 * millisecond cut, as the cells cut them), and text is unquoted from the
 * record and quoted again for CSV or JSON.
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
import type { PostgresColumnKind } from "./postgres_query.ts";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const BACKSLASH = 0x5c;

/** How a field was written in its record. */
const NULL_FIELD = 0;
/** Unquoted, or quoted without `""` or `\` inside: the span is the value. */
const PLAIN_FIELD = 1;
/** Quoted, with `""` or `\x` inside standing for `"` and `x`. */
const ESCAPED_FIELD = 2;

/**
 * Writes one non-NULL field, `s[start, end)`, as its column's export text;
 * false when it cannot be sure to write what the cells would.
 */
type FieldWriter = (
  out: Sink,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
) => boolean;

/** What {@linkcode encodeRecords} needs for one schema and one encoding, made once per download. */
export interface RecordPlan {
  readonly format: PageEncoding["format"];
  /** Fields in each record. */
  readonly width: number;
  /** The key's field. */
  readonly keyIndex: number;
  /** The written fields, in output order. */
  readonly order: readonly number[];
  /** Their writers. */
  readonly writers: readonly FieldWriter[];
  /** JSON: the bytes before each written value (`{"a":`, `,"b":`). */
  readonly keys: readonly Uint8Array[];
}

/**
 * The plan for records of `columns` stored as `kinds`, written in
 * `encoding`; `undefined` when a column's pairing of type and storage is
 * one this module does not write (those pages go through cells).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { recordPlan } from "./postgres_record_bytes.ts";
 * const columns = [{ name: "id", type: "integer" as const }];
 * equal(recordPlan(columns, ["integer"], 0, { format: "csv", neutralizeFormulas: true })?.width, 1);
 * equal(recordPlan(columns, ["epoch_ms"], 0, { format: "csv", neutralizeFormulas: true }), undefined);
 * ```
 */
export function recordPlan(
  columns: readonly ColumnSchema[],
  kinds: readonly PostgresColumnKind[],
  keyIndex: number,
  encoding: PageEncoding,
): RecordPlan | undefined {
  if (kinds[keyIndex] !== "integer") return undefined;
  const order = encoding.columns ?? columns.map((_, i) => i);
  const csv = encoding.format === "csv";
  const writers: FieldWriter[] = [];
  for (const i of order) {
    const writer = fieldWriter(columns[i], kinds[i], csv, encoding.neutralizeFormulas);
    if (writer === undefined) return undefined;
    writers.push(writer);
  }
  const keys = order.map((c, i) =>
    utf8.encode(`${i === 0 ? "{" : ","}${JSON.stringify(columns[c].name)}:`)
  );
  return { format: encoding.format, width: kinds.length, keyIndex, order, writers, keys };
}

function fieldWriter(
  column: ColumnSchema,
  kind: PostgresColumnKind,
  csv: boolean,
  neutralize: boolean,
): FieldWriter | undefined {
  switch (column.type) {
    case "integer":
      return kind === "integer" ? (csv ? writeInteger : writeJsonInteger) : undefined;
    case "decimal":
      return kind === "numeric" ? decimalWriter(column.scale, !csv) : undefined;
    case "timestamp":
      return kind === "timestamptz" || kind === "timestamp"
        ? timestampWriter(kind === "timestamptz", !csv)
        : undefined;
    case "boolean":
      return kind === "boolean" ? writeBoolean : undefined;
    case "text":
      return kind === "text" || kind === "uuid" || kind === "cast_text"
        ? (csv ? (neutralize ? writeNeutralCsvText : writeCsvText) : writeJsonText)
        : undefined;
    default:
      return undefined;
  }
}

/** Reused across pages: grows to the largest page's bytes. */
const sink = new Sink();

/**
 * The rows of a page's records text (its UTF-8 bytes) as export bytes, or
 * `undefined` when a field is not one this module writes, the keys do not
 * ascend, or the text is not records of `plan.width` fields: the caller
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
 * const plan = recordPlan(columns, ["integer", "text"], 0, { format: "csv", neutralizeFormulas: true })!;
 * const page = encodeRecords(new TextEncoder().encode('(1,"a, b")\n(2,=x)'), plan)!;
 * equal(new TextDecoder().decode(page.bytes), "1,\"a, b\"\r\n2,'=x\r\n");
 * equal(page.ends.length, 2);
 * equal(page.keys[1], 2);
 * ```
 */
export function encodeRecords(text: Uint8Array, plan: RecordPlan): EncodedRows | undefined {
  const { width, order, writers, keys, keyIndex } = plan;
  const csv = plan.format === "csv";
  const json = plan.format === "json";
  const out = sink;
  out.pos = 0;
  const starts = new Int32Array(width);
  const stops = new Int32Array(width);
  const forms = new Uint8Array(width);
  const ends: number[] = [];
  const rowKeys: (number | bigint)[] = [];
  const n = text.length;
  let last: number | bigint | undefined;
  let i = 0;
  while (i < n) {
    if (text[i++] !== OPEN) return undefined;
    for (let c = 0; c < width; c++) {
      const ch = text[i];
      if (ch === COMMA || ch === CLOSE) {
        forms[c] = NULL_FIELD;
      } else if (ch === QUOTE) {
        let j = i + 1;
        let form = PLAIN_FIELD;
        for (;;) {
          if (j >= n) return undefined;
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
          if (j >= n) return undefined;
          const d = text[j];
          if (d === COMMA || d === CLOSE) break;
          if (d === QUOTE || d === BACKSLASH || d === OPEN) return undefined;
          j++;
        }
        starts[c] = i;
        stops[c] = j;
        forms[c] = PLAIN_FIELD;
        i = j;
      }
      if (text[i++] !== (c === width - 1 ? CLOSE : COMMA)) return undefined;
    }
    if (forms[keyIndex] !== PLAIN_FIELD) return undefined;
    const key = readKey(text, starts[keyIndex], stops[keyIndex]);
    if (key === undefined || (last !== undefined && key <= last)) return undefined;
    last = key;
    if (json) {
      out.byte(COMMA);
      out.byte(LF);
    }
    for (let o = 0; o < order.length; o++) {
      const c = order[o];
      if (csv) {
        if (o > 0) out.byte(COMMA);
      } else {
        out.put(keys[o]);
      }
      const form = forms[c];
      if (form === NULL_FIELD) {
        if (!csv) out.put(NULL_BYTES);
      } else if (!writers[o](out, text, starts[c], stops[c], form === ESCAPED_FIELD)) {
        return undefined;
      }
    }
    if (csv) {
      out.byte(CR);
      out.byte(LF);
    } else {
      out.byte(0x7d); // }
      if (!json) out.byte(LF);
    }
    ends.push(out.pos);
    rowKeys.push(key);
    if (i === n) break;
    if (text[i++] !== LF) return undefined;
  }
  return { bytes: out.buf.slice(0, out.pos), ends, keys: rowKeys, lead: json ? 1 : 0 };
}

const NULL_BYTES = utf8.encode("null");
const TRUE = utf8.encode("true");
const FALSE = utf8.encode("false");
const EMPTY_QUOTED = utf8.encode('""');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Whether `v`, a byte minus `0`, is a digit (unsigned: below `0` is huge). */
function digit(v: number): boolean {
  return v >>> 0 < 10;
}

/** Digits after an optional minus sign: where they start, or -1 if `s[start, end)` is not that. */
function integerDigits(s: Uint8Array, start: number, end: number): number {
  const first = s[start] === MINUS ? start + 1 : start;
  if (first === end || end - first > 19) return -1;
  for (let k = first; k < end; k++) if (!digit(s[k] - ZERO)) return -1;
  return first;
}

/** A key: a number up to 15 digits, else a bigint (either compares with the other). */
function readKey(s: Uint8Array, start: number, end: number): number | bigint | undefined {
  const first = integerDigits(s, start, end);
  if (first < 0) return undefined;
  if (end - first > 15) return BigInt(String.fromCharCode(...s.subarray(start, end)));
  let v = 0;
  for (let k = first; k < end; k++) v = v * 10 + s[k] - ZERO;
  return first > start ? -v : v;
}

function copy(out: Sink, s: Uint8Array, start: number, end: number): void {
  out.reserve(end - start);
  const buf = out.buf;
  let pos = out.pos;
  for (let k = start; k < end; k++) buf[pos++] = s[k];
  out.pos = pos;
}

function writeInteger(out: Sink, s: Uint8Array, start: number, end: number): boolean {
  if (integerDigits(s, start, end) < 0) return false;
  copy(out, s, start, end);
  return true;
}

/** JSON: a number when safe (|n| ≤ 2^53 − 1), else a string of its digits. */
function writeJsonInteger(out: Sink, s: Uint8Array, start: number, end: number): boolean {
  const first = integerDigits(s, start, end);
  if (first < 0) return false;
  const safe = end - first <= 15 ||
    BigInt(String.fromCharCode(...s.subarray(first, end))) <= MAX_SAFE;
  if (!safe) out.byte(QUOTE);
  copy(out, s, start, end);
  if (!safe) out.byte(QUOTE);
  return true;
}

/**
 * A decimal's digits as PostgreSQL writes them (`-12.340`), with exactly
 * `scale` fraction digits when the column has one (fewer are padded, more
 * or a point at scale 0 give up), in quotes for JSON.
 */
function decimalWriter(scale: number | undefined, quote: boolean): FieldWriter {
  return (out, s, start, end) => {
    let k = s[start] === MINUS ? start + 1 : start;
    const whole = k;
    while (k < end && digit(s[k] - ZERO)) k++;
    if (k === whole) return false;
    let fraction = 0;
    if (k < end) {
      if (s[k] !== DOT || k + 1 === end) return false;
      for (let f = k + 1; f < end; f++) if (!digit(s[f] - ZERO)) return false;
      fraction = end - k - 1;
    }
    if (scale !== undefined && (fraction > scale || (scale === 0 && k < end))) return false;
    out.reserve(end - start + (scale ?? 0) + 3);
    if (quote) out.byte(QUOTE);
    copy(out, s, start, end);
    if (scale !== undefined) {
      if (fraction === 0 && scale > 0) out.byte(DOT);
      for (let f = fraction; f < scale; f++) out.byte(ZERO);
    }
    if (quote) out.byte(QUOTE);
    return true;
  };
}

function writeBoolean(out: Sink, s: Uint8Array, start: number, end: number): boolean {
  if (end !== start + 1) return false;
  if (s[start] === 0x74) out.put(TRUE); // t
  else if (s[start] === 0x66) out.put(FALSE); // f
  else return false;
  return true;
}

/** Where each fixed character of `YYYY-MM-DD HH:MI:SS` is, and what it is. */
const SEPARATORS = [[4, MINUS], [7, MINUS], [10, 0x20], [13, 0x3a], [16, 0x3a]] as const;
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/**
 * `YYYY-MM-DD HH:MI:SS[.ffffff]`, with `+00` for a timestamptz (a UTC
 * session), of the years 1970 to 9999, as `YYYY-MM-DDTHH:MI:SS.mmmZ`: the
 * digits past the millisecond are cut, as the cells cut them (toward the
 * past, which after 1970 is toward zero). Any other text gives up.
 */
function timestampWriter(zoned: boolean, quote: boolean): FieldWriter {
  return (out, s, start, end) => {
    let tail = end - start - 19;
    if (zoned) {
      if (tail < 3 || s[end - 3] !== 0x2b || s[end - 2] !== ZERO || s[end - 1] !== ZERO) {
        return false;
      }
      tail -= 3;
    }
    // The fraction: nothing, or a point and 1 to 6 digits.
    if (tail !== 0 && (tail < 2 || tail > 7 || s[start + 19] !== DOT)) return false;
    for (const [at, c] of SEPARATORS) if (s[start + at] !== c) return false;
    for (const at of DIGITS) if (!digit(s[start + at] - ZERO)) return false;
    for (let k = 1; k < tail; k++) if (!digit(s[start + 19 + k] - ZERO)) return false;
    if (
      s[start] === ZERO || (s[start] === 0x31 && s[start + 1] !== 0x39) ||
      (s[start] === 0x31 && s[start + 2] < 0x37)
    ) return false; // before 1970
    out.reserve(26);
    const buf = out.buf;
    let pos = out.pos;
    if (quote) buf[pos++] = QUOTE;
    for (let k = 0; k < 19; k++) buf[pos++] = s[start + k];
    buf[pos - 9] = 0x54; // T
    buf[pos++] = DOT;
    for (let k = 1; k <= 3; k++) buf[pos++] = k < tail ? s[start + 19 + k] : ZERO;
    buf[pos++] = 0x5a; // Z
    if (quote) buf[pos++] = QUOTE;
    out.pos = pos;
    return true;
  };
}

/** `=` `+` `-` `@` TAB CR: what spreadsheets take as the start of a formula (as _text_cells.ts). */
function isFormulaStart(c: number): boolean {
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === CR;
}

function writeCsvText(
  out: Sink,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
): boolean {
  return csvText(out, s, start, end, escaped, false);
}

function writeNeutralCsvText(
  out: Sink,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
): boolean {
  return csvText(out, s, start, end, escaped, true);
}

/**
 * RFC 4180 as _text_cells.ts writes it: `""` for the empty text, a `'`
 * before a formula's start when neutralising, and quotes (with `"`
 * doubled) around a text holding `,` `"` CR or LF. The record's own
 * escapes (`""`, `\x`) are undone on the way.
 */
function csvText(
  out: Sink,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
  neutralize: boolean,
): boolean {
  if (start === end) {
    out.put(EMPTY_QUOTED);
    return true;
  }
  let quoted = false;
  for (let k = start; k < end; k++) {
    const c = s[k];
    if (c === COMMA || c === QUOTE || c === CR || c === LF) {
      quoted = true;
      break;
    }
  }
  out.reserve(2 * (end - start) + 3);
  const buf = out.buf;
  let pos = out.pos;
  if (quoted) buf[pos++] = QUOTE;
  const first = escaped && s[start] === BACKSLASH ? s[start + 1] : s[start];
  if (neutralize && isFormulaStart(first)) buf[pos++] = 0x27; // '
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
  out.pos = pos;
  return true;
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
function writeJsonText(
  out: Sink,
  s: Uint8Array,
  start: number,
  end: number,
  escaped: boolean,
): boolean {
  out.reserve(6 * (end - start) + 2);
  const buf = out.buf;
  let pos = out.pos;
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
  out.pos = pos;
  return true;
}
