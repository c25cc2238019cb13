// Generated from protocol/result.ts by `deno task bundle`; do not edit.
/**
 * The result of an operation that can fail on bad input: pure functions
 * return it instead of throwing, and throw only on programmer errors.
 *
 * This module is browser compatible.
 *
 * @module
 */
/**
 * Success with a value, or failure with an error.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import type { Result } from "./result.ts";
 * const half = (n: number): Result<number, string> =>
 *   n % 2 === 0 ? { ok: true, value: n / 2 } : { ok: false, error: "odd" };
 * deepStrictEqual(half(4), { ok: true, value: 2 });
 * deepStrictEqual(half(3), { ok: false, error: "odd" });
 * ```
 */
export type Result<T, E> = {
    readonly ok: true;
    readonly value: T;
} | {
    readonly ok: false;
    readonly error: E;
};
