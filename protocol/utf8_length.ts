/**
 * The UTF-8 length of a string without encoding it: what a bound on bytes
 * needs to know before (or instead of) making the bytes.
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * Bytes `text` takes in UTF-8, as `TextEncoder` writes it (a lone surrogate
 * becomes U+FFFD, 3 bytes). Given a `limit`, it answers only "more than
 * `limit`?": the result is above `limit` exactly when the bytes are, and it
 * stops counting once past it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { utf8Length } from "./utf8_length.ts";
 * equal(utf8Length("id,€"), 6);
 * equal(utf8Length("😀"), 4);
 * equal(utf8Length("\uD800x"), 4);
 * equal(utf8Length("€".repeat(100), 10) > 10, true);
 * ```
 */
export function utf8Length(text: string, limit: number = Infinity): number {
  if (limit !== Infinity) {
    // Each UTF-16 unit is 1 to 3 bytes: these two answer the question at once.
    if (text.length > limit || text.length * 3 <= limit) return text.length;
  }
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
