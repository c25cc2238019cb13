// Generated from protocol/canonical_json.ts by `deno task bundle`; do not edit.
/**
 * Canonical JSON: one text per value, so that two parties (a command and
 * its signature, docs/PROTOCOL.md §15.3; a saved request and the one on a
 * command line) compare or sign the same bytes.
 *
 * This module is browser compatible.
 *
 * @module
 */
/**
 * JSON with object keys sorted by UTF-16 code units at every depth, members
 * whose value is `undefined` left out, and no whitespace. Control messages
 * hold only strings, finite numbers, booleans, arrays and plain objects,
 * for which this is deterministic.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { canonicalJson } from "./canonical_json.ts";
 * equal(canonicalJson({ b: [1, { d: 2, c: "x" }], a: true }), '{"a":true,"b":[1,{"c":"x","d":2}]}');
 * ```
 */
export declare function canonicalJson(value: unknown): string;
