// Generated from protocol/backoff.ts by `deno task bundle`; do not edit.
/**
 * Reconnect delays: exponential backoff with jitter and a cap, as a pure
 * function of the attempt number and a random number the caller supplies
 * (docs/PROTOCOL.md §13: 5 attempts, starting from 1000 ms).
 *
 * Attempt `n` (1-based) has the ceiling `min(maxMs, baseMs * factor^(n-1))`;
 * its delay is a whole number of milliseconds drawn uniformly from
 * `[ceiling - floor(ceiling * jitter), ceiling]`, with the ceiling rounded
 * down to whole milliseconds. Randomising part of the delay away keeps many
 * clients cut off by the same outage from reconnecting in lockstep.
 *
 * These functions compute delays for any attempt; whether to make attempt
 * `n` at all (`n <= maxAttempts`) is the caller's decision.
 *
 * This module is browser compatible.
 *
 * @module
 */
/** How reconnect delays grow. */
export interface BackoffOptions {
    /**
     * Delay ceiling of attempt 1, in milliseconds; greater than 0.
     *
     * @default {1000}
     */
    baseMs?: number;
    /**
     * What each further attempt multiplies the ceiling by; at least 1.
     *
     * @default {2}
     */
    factor?: number;
    /**
     * Cap on the ceiling, in milliseconds; finite and at least `baseMs`.
     *
     * @default {30000}
     */
    maxMs?: number;
    /**
     * Fraction of the ceiling randomised away, from 0 (always the ceiling) to
     * 1 (anywhere from 0 to the ceiling).
     *
     * @default {0.5}
     */
    jitter?: number;
    /**
     * Reconnect attempts before giving up; a non-negative integer (0 never
     * reconnects).
     *
     * @default {5}
     */
    maxAttempts?: number;
}
/**
 * The defaults (PROTOCOL.md §13): 5 attempts from 1000 ms, doubling up to 30 s,
 * with half of each ceiling randomised away.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_BACKOFF } from "./backoff.ts";
 * equal(DEFAULT_BACKOFF.maxAttempts, 5);
 * ```
 */
export declare const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>>;
/**
 * Fills in the defaults and checks the options.
 *
 * @throws {RangeError} when `baseMs <= 0`, `factor < 1`, `maxMs < baseMs` or
 * not finite, `jitter` outside `[0, 1]`, or `maxAttempts` not a
 * non-negative integer: options are written by programmers, not peers.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { resolveBackoff } from "./backoff.ts";
 * deepStrictEqual(resolveBackoff({ maxAttempts: 10 }), {
 *   baseMs: 1000,
 *   factor: 2,
 *   maxMs: 30000,
 *   jitter: 0.5,
 *   maxAttempts: 10,
 * });
 * ```
 */
export declare function resolveBackoff(options?: BackoffOptions): Required<BackoffOptions>;
/**
 * The delay ceiling of an attempt: `min(maxMs, baseMs * factor^(attempt-1))`.
 * Never `Infinity` or `NaN`, however large the attempt.
 *
 * @param attempt The attempt number, an integer from 1.
 * @throws {RangeError} when `attempt` is not an integer >= 1, or the options
 * are invalid (see {@linkcode resolveBackoff}).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { backoffCeiling } from "./backoff.ts";
 * equal(backoffCeiling(3), 4000);
 * equal(backoffCeiling(1000), 30000);
 * ```
 */
export declare function backoffCeiling(attempt: number, options?: BackoffOptions): number;
/**
 * The whole milliseconds an attempt's delay may take: `max` is the ceiling
 * rounded down, `min` is `max - floor(max * jitter)`, which is
 * `ceil(max * (1 - jitter))`. Both ends are possible delays.
 *
 * @param attempt The attempt number, an integer from 1.
 * @throws {RangeError} as {@linkcode backoffCeiling} does.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { backoffBounds } from "./backoff.ts";
 * deepStrictEqual(backoffBounds(2), { min: 1000, max: 2000 });
 * deepStrictEqual(backoffBounds(2, { jitter: 0 }), { min: 2000, max: 2000 });
 * ```
 */
export declare function backoffBounds(attempt: number, options?: BackoffOptions): {
    min: number;
    max: number;
};
/**
 * The delay before an attempt, in whole milliseconds, drawn uniformly from
 * {@linkcode backoffBounds} by `random`: 0 gives the maximum and values
 * close to 1 the minimum.
 *
 * @param attempt The attempt number, an integer from 1.
 * @param random A uniform random number in `[0, 1)`, e.g. `Math.random()`
 * in the shell; this module draws none itself.
 * @throws {RangeError} when `random` is outside `[0, 1)`, or as
 * {@linkcode backoffCeiling} does.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { backoffDelay } from "./backoff.ts";
 * equal(backoffDelay(1, 0), 1000);
 * equal(backoffDelay(1, 0.5), 750);
 * equal(backoffDelay(1, 0.9999), 500);
 * ```
 */
export declare function backoffDelay(attempt: number, random: number, options?: BackoffOptions): number;
