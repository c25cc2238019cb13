// Generated from protocol/utf8_length.ts by `deno task bundle`; do not edit.
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
export declare function utf8Length(text: string, limit?: number): number;
