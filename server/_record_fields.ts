/**
 * The writers of {@linkcode "./postgres_record_bytes.ts"}: each writes one
 * non-NULL field of a page's text, `s[start, end)`, into `buf` at `pos`,
 * which has room for it (the caller reserved the worst case), as the cells
 * would come out of `formats.ts`, and returns where it ended; or -1 when it
 * cannot be sure to write what the cells would (the caller then gives up on
 * the page).
 *
 * @module
 */

import { utf8 } from "./_byte_sink.ts";
import { isFormulaStart, needsCsvQuotes } from "./_text_cells.ts";
import { digit, readInteger } from "./postgres_records.ts";

const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const BACKSLASH = 0x5c;

/** JSON's NULL. */
export const NULL_BYTES = utf8.encode("null");
/** `YYYY-MM-DD HH:MI:SS` by place: the separator there, or 0 for a digit. */
const STAMP = Uint8Array.from("0000-00-00 00:00:00", (c) => c === "0" ? 0 : c.charCodeAt(0));
const TRUE = utf8.encode("true");
const FALSE = utf8.encode("false");
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function put(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
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
export function readKey(s: Uint8Array, start: number, end: number): number | bigint | undefined {
  return integerDigits(s, start, end) < 0 ? undefined : readInteger(s, start, end);
}

/** The digits as they are; in JSON a number when safe (|n| ≤ 2^53 − 1), else a string of them. */
export function integer(
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
  pos = copyDigits(buf, pos, s, first, end);
  if (quote && pos >= 0) buf[pos++] = QUOTE;
  return pos;
}

/** `s[start, end)` copied, all digits, or -1 (checked as copied: a page given up leaves it unread). */
function copyDigits(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
): number {
  for (let k = start; k < end; k++) {
    const c = s[k];
    if (!digit(c - ZERO)) return -1;
    buf[pos++] = c;
  }
  return pos;
}

/**
 * A decimal's digits as PostgreSQL writes them (`-12.340`), with exactly
 * `scale` fraction digits when the column has one (fewer are padded, more
 * or a point at scale 0 give up), in quotes for JSON.
 */
export function decimal(
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
    pos = copyDigits(buf, pos, s, k + 1, end);
    if (pos < 0) return -1;
  }
  if (fraction === 0 && scale > 0) buf[pos++] = DOT;
  for (let f = fraction; f < scale; f++) buf[pos++] = ZERO;
  if (quote) buf[pos++] = QUOTE;
  return pos;
}

/** PostgreSQL's `t` / `f` as `true` / `false`. */
export function boolean(
  buf: Uint8Array,
  pos: number,
  s: Uint8Array,
  start: number,
  end: number,
): number {
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
export function timestamp(
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
export function csvText(
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
export function jsonText(
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
