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
import {
  boolean,
  csvText,
  decimal,
  integer,
  jsonText,
  NULL_BYTES,
  put,
  readKey,
  timestamp,
} from "./_record_fields.ts";
import type { PostgresColumnKind } from "./postgres_query.ts";
import {
  ESCAPED_FIELD,
  NULL_FIELD,
  type PageLayout,
  PLAIN_FIELD,
  type RowScanner,
  RowSpans,
  textRows,
} from "./postgres_records.ts";

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;

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
export function encodeRecords(
  text: Uint8Array,
  plan: RecordPlan,
  scan: RowScanner = textRows(plan.layout),
): EncodedRows | undefined {
  const { width, order, writers, scales, keys, keyIndex, neutralize, slack } = plan;
  const csv = plan.format === "csv";
  const json = plan.format === "json";
  const spans = new RowSpans(width);
  const { starts, stops, forms } = spans;
  const ends: number[] = [];
  const rowKeys: (number | bigint)[] = [];
  const n = text.length;
  sink.pos = 0;
  let last: number | bigint | undefined;
  for (let i = 0; i < n;) {
    const rowStart = i;
    i = scan(text, i, spans);
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
  }
  return { bytes: sink.take(), ends, keys: rowKeys, lead: json ? 1 : 0 };
}
