/**
 * The upper end of a `prefix` filter as a range: `col >= p AND col < succ(p)`
 * selects exactly the strings that start with `p` under code point order
 * (SQLite's BINARY collation, PostgreSQL's `COLLATE "C"` in UTF-8), and an
 * index on the column serves it.
 *
 * @module
 */

/**
 * The least string above every string starting with `prefix` in code point
 * order, or `undefined` when none exists (the prefix is all U+10FFFF).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { prefixSuccessor } from "./prefix_successor.ts";
 * equal(prefixSuccessor("BTC-"), "BTC.");
 * equal(prefixSuccessor("\u{10FFFF}"), undefined);
 * ```
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = Array.from(prefix.toWellFormed(), (c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = (points.pop() as number) + 1;
    if (last <= 0x10ffff) {
      // Surrogate code points are not characters: skip from U+D7FF to U+E000.
      points.push(last === 0xd800 ? 0xe000 : last);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}
