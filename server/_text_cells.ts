/**
 * Writers of `text` cells for {@linkcode "./formats.ts"}: CSV (RFC 4180
 * quoting, formula neutralisation) and JSON strings.
 *
 * @module
 */

import type { ColumnSchema } from "../protocol/filter.ts";
import { utf8 } from "./_byte_sink.ts";
import { type CellWriter, fail } from "./_cell_writer.ts";

const EMPTY_QUOTED = utf8.encode('""');

/** `=` `+` `-` `@` TAB CR: what spreadsheets take as the start of a formula (OWASP CSV injection). */
export function isFormulaStart(c: number): boolean {
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
}

/** `,` `"` LF CR: the characters for which RFC 4180 quotes a field. */
export function needsCsvQuotes(c: number): boolean {
  return c === 0x2c || c === 0x22 || c === 0x0a || c === 0x0d;
}

/** A CSV cell as text: neutralised, then quoted by RFC 4180 when needed. */
export function csvText(text: string, neutralize: boolean): string {
  if (text.length === 0) return '""';
  if (neutralize && isFormulaStart(text.charCodeAt(0))) text = "'" + text;
  return /[,"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** ASCII cells without `,` `"` CR LF (nearly all of them) are copied char by char; others take csvText. */
export function csvTextWriter(column: ColumnSchema, neutralize: boolean): CellWriter {
  return (out, v) => {
    if (typeof v !== "string") return fail(column, v);
    const n = v.length;
    if (n === 0) return out.put(EMPTY_QUOTED);
    out.reserve(n + 1);
    const buf = out.buf;
    let pos = out.pos;
    if (neutralize && isFormulaStart(v.charCodeAt(0))) buf[pos++] = 0x27; // '
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c > 0x7f || needsCsvQuotes(c)) {
        return out.text(csvText(v, neutralize));
      }
      buf[pos++] = c;
    }
    out.pos = pos;
  };
}

/** Printable ASCII without `"` and `\` is copied; anything else goes through JSON.stringify. */
export function jsonTextWriter(column: ColumnSchema): CellWriter {
  return (out, v) => {
    if (typeof v !== "string") return fail(column, v);
    const n = v.length;
    out.reserve(n + 2);
    const buf = out.buf;
    let pos = out.pos;
    buf[pos++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x20 || c > 0x7f || c === 0x22 || c === 0x5c) return out.text(JSON.stringify(v));
      buf[pos++] = c;
    }
    buf[pos++] = 0x22;
    out.pos = pos;
  };
}
