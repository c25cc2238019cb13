/**
 * The writer of `timestamp` cells for {@linkcode "./formats.ts"}: ISO 8601
 * UTC with milliseconds, digit by digit.
 *
 * @module
 */

import type { ColumnSchema } from "../protocol/filter.ts";
import { formatTimestamp, MAX_DATE_MS } from "../protocol/time.ts";
import { utf8 } from "./_byte_sink.ts";
import { type CellWriter, fail } from "./_cell_writer.ts";

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on `toISOString` writes six-digit years. */
const FAST_LIMIT_MS = 253_402_300_800_000;

/**
 * {@linkcode formatTimestamp}'s text, with the date part cached: export rows
 * come in time order, so most rows reuse the last `YYYY-MM-DDT` and only the
 * time of day is written digit by digit. Outside 1970..9999 it calls
 * `formatTimestamp`.
 */
export function timestampWriter(column: ColumnSchema, quote: boolean): CellWriter {
  let day = NaN;
  let prefix = new Uint8Array(0);
  return (out, v) => {
    if (typeof v !== "number" || !(Math.abs(v) <= MAX_DATE_MS) || !Number.isInteger(v)) {
      return fail(column, v);
    }
    if (v < 0 || v >= FAST_LIMIT_MS) {
      return out.text(quote ? `"${formatTimestamp(v)}"` : formatTimestamp(v));
    }
    const d = Math.floor(v / MS_PER_DAY);
    if (d !== day) {
      day = d;
      prefix = utf8.encode((quote ? '"' : "") + formatTimestamp(d * MS_PER_DAY).slice(0, 11));
    }
    out.put(prefix);
    out.reserve(14);
    let t = (v - d * MS_PER_DAY) | 0; // below 86,400,000: 32-bit from here on
    const milli = t % 1000;
    t = (t - milli) / 1000;
    const second = t % 60;
    t = (t - second) / 60;
    const minute = t % 60;
    const hour = (t - minute) / 60;
    const buf = out.buf;
    const p = out.pos;
    buf[p] = 0x30 + ((hour / 10) | 0);
    buf[p + 1] = 0x30 + (hour % 10);
    buf[p + 2] = 0x3a; // :
    buf[p + 3] = 0x30 + ((minute / 10) | 0);
    buf[p + 4] = 0x30 + (minute % 10);
    buf[p + 5] = 0x3a;
    buf[p + 6] = 0x30 + ((second / 10) | 0);
    buf[p + 7] = 0x30 + (second % 10);
    buf[p + 8] = 0x2e; // .
    buf[p + 9] = 0x30 + ((milli / 100) | 0);
    buf[p + 10] = 0x30 + (((milli / 10) | 0) % 10);
    buf[p + 11] = 0x30 + (milli % 10);
    buf[p + 12] = 0x5a; // Z
    out.pos = p + 13;
    if (quote) buf[out.pos++] = 0x22;
  };
}
