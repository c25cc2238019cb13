import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import {
  backoffBounds,
  backoffCeiling,
  backoffDelay,
  type BackoffOptions,
  DEFAULT_BACKOFF,
  resolveBackoff,
} from "../protocol/backoff.ts";
import { mulberry32 } from "../server/demo_data.ts";

/** The largest double below 1, the top of what `Math.random()` returns. */
const JUST_BELOW_ONE = 1 - 2 ** -53;

Deno.test("the defaults are PROTOCOL.md §13's: 5 attempts from 1000 ms", () => {
  equal(DEFAULT_BACKOFF.maxAttempts, 5);
  equal(DEFAULT_BACKOFF.baseMs, 1000);
  deepStrictEqual(resolveBackoff(), {
    baseMs: 1000,
    factor: 2,
    maxMs: 30_000,
    jitter: 0.5,
    maxAttempts: 5,
  });
  ok(Object.isFrozen(DEFAULT_BACKOFF));
});

Deno.test("resolveBackoff keeps given options and fills the rest from the defaults", () => {
  deepStrictEqual(resolveBackoff({ baseMs: 250, jitter: 0, maxAttempts: 0 }), {
    baseMs: 250,
    factor: 2,
    maxMs: 30_000,
    jitter: 0,
    maxAttempts: 0,
  });
  equal(resolveBackoff({ baseMs: undefined }).baseMs, 1000);
});

Deno.test("ceilings double from 1000 ms and stop at the 30 s cap", () => {
  const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeiling(n));
  deepStrictEqual(ceilings, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

Deno.test("huge attempt numbers stay at the cap instead of overflowing", () => {
  for (const n of [1024, 1025, 100_000, Number.MAX_SAFE_INTEGER]) {
    equal(backoffCeiling(n), 30_000);
    deepStrictEqual(backoffBounds(n), { min: 15_000, max: 30_000 });
    equal(backoffDelay(n, 0), 30_000);
  }
  equal(backoffCeiling(5000, { factor: 1.5, maxMs: 1e300 }), 1e300);
  equal(backoffCeiling(10 ** 9, { factor: 1, baseMs: 700 }), 700);
});

Deno.test("bounds span the randomised fraction of the ceiling", () => {
  deepStrictEqual(backoffBounds(1), { min: 500, max: 1000 });
  deepStrictEqual(backoffBounds(3, { jitter: 0.25 }), { min: 3000, max: 4000 });
  deepStrictEqual(backoffBounds(2, { jitter: 1 }), { min: 0, max: 2000 });
  // A fractional ceiling is rounded down: 1000 * 1.5^2 = 2250.
  deepStrictEqual(backoffBounds(3, { factor: 1.5, jitter: 0.1 }), { min: 2025, max: 2250 });
  // 333.3 ms ceiling, a third randomised away: min = ceil(333 * 2/3) = 222.
  deepStrictEqual(backoffBounds(1, { baseMs: 333.3, jitter: 1 / 3 }), { min: 222, max: 333 });
});

Deno.test("random 0 gives the longest delay and random near 1 the shortest", () => {
  for (let n = 1; n <= 8; n++) {
    const { min, max } = backoffBounds(n);
    equal(backoffDelay(n, 0), max);
    equal(backoffDelay(n, JUST_BELOW_ONE), min);
  }
  // 1 - 2^-53 times 5 rounds to 5 in doubles: the delay must still be the minimum.
  equal(backoffDelay(1, JUST_BELOW_ONE, { baseMs: 4, jitter: 1 }), 0);
});

Deno.test("delays are whole milliseconds uniform over the bounds", () => {
  // With 5 possible delays, each fifth of [0, 1) picks one, from the top.
  const options: BackoffOptions = { baseMs: 4, jitter: 1 };
  deepStrictEqual(
    [0, 0.19, 0.2, 0.39, 0.4, 0.6, 0.8, 0.99].map((r) => backoffDelay(1, r, options)),
    [
      4,
      4,
      3,
      3,
      2,
      1,
      0,
      0,
    ],
  );
});

Deno.test("delays always lie inside their bounds (seeded sweep)", () => {
  const seed = 0x5eed_b0ff;
  const random = mulberry32(seed);
  const optionSets: BackoffOptions[] = [
    {},
    { jitter: 1 },
    { jitter: 0.1, factor: 1.7, baseMs: 123.4, maxMs: 98_765.4 },
    { baseMs: 0.5, maxMs: 3, jitter: 0.9 },
    { factor: 1, jitter: 0.33 },
    { factor: 10, maxMs: 1e12 },
  ];
  for (const options of optionSets) {
    for (let attempt = 1; attempt <= 100; attempt++) {
      const { min, max } = backoffBounds(attempt, options);
      ok(Number.isInteger(min) && Number.isInteger(max) && 0 <= min && min <= max);
      for (const r of [0, JUST_BELOW_ONE, ...Array.from({ length: 50 }, random)]) {
        const delay = backoffDelay(attempt, r, options);
        ok(
          Number.isInteger(delay) && min <= delay && delay <= max,
          `seed ${seed}: attempt ${attempt}, random ${r}, options ${
            JSON.stringify(options)
          } gave ${delay} outside [${min}, ${max}]`,
        );
      }
    }
  }
});

Deno.test("jitter 0 makes the delay the ceiling whatever the random number", () => {
  for (let n = 1; n <= 10; n++) {
    for (const r of [0, 0.25, 0.5, JUST_BELOW_ONE]) {
      equal(backoffDelay(n, r, { jitter: 0 }), backoffCeiling(n));
    }
  }
});

Deno.test("nonsense options throw RangeError", () => {
  const bad: BackoffOptions[] = [
    { baseMs: 0 },
    { baseMs: -1 },
    { baseMs: NaN },
    { baseMs: Infinity, maxMs: Infinity },
    { factor: 0.5 },
    { factor: NaN },
    { factor: Infinity },
    { maxMs: 999 },
    { maxMs: Infinity },
    { maxMs: NaN },
    { jitter: -0.1 },
    { jitter: 1.01 },
    { jitter: NaN },
    { maxAttempts: -1 },
    { maxAttempts: 2.5 },
    { maxAttempts: Infinity },
    { maxAttempts: NaN },
  ];
  for (const options of bad) {
    throws(() => resolveBackoff(options), RangeError, JSON.stringify(options));
    throws(() => backoffCeiling(1, options), RangeError);
    throws(() => backoffDelay(1, 0, options), RangeError);
  }
});

Deno.test("bad attempts and random numbers are programmer errors", () => {
  for (const attempt of [0, -1, 1.5, NaN, Infinity, 2 ** 53]) {
    throws(() => backoffCeiling(attempt), RangeError, String(attempt));
    throws(() => backoffBounds(attempt), RangeError, String(attempt));
    throws(() => backoffDelay(attempt, 0), RangeError, String(attempt));
  }
  for (const random of [-0.1, 1, 1.5, NaN, Infinity]) {
    throws(() => backoffDelay(1, random), RangeError, String(random));
  }
});
