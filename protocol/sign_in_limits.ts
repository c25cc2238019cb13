/**
 * The rules of the limits on failed sign-ins (docs/PROTOCOL.md §19.5), as
 * pure functions of a count and the time: each remote address and each
 * identity has a budget of `max` failures, which drains back at `max` per
 * `windowMs` (a leaky bucket: a burst of `max`, then one every
 * `windowMs / max`). While one more failure would not fit, a sign-in from
 * that address or for that identity is refused before its signature is
 * checked, with how long to wait.
 *
 * A challenge is charged as a failure when it is made (it costs the server
 * a key pair and a signature, and an unanswered one is a failure too), and
 * the charge taken back when its answer comes, which is charged again if
 * refused. A success takes nothing else off a count: an attacker can always sign in with a key of
 * its own, so a success that cleared its address's failures would buy it a
 * fresh budget for each key it makes.
 *
 * Also the port through which the session machine asks and tells the
 * server's shared counts ({@linkcode SignInLimiter}): the counts of every
 * connection of a process live in the shell (server/sign_in_failures.ts).
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * The reference server's budgets: failed sign-ins at once, and drained back
 * per {@linkcode SIGN_IN_WINDOW_MS}. An address gets more than an identity:
 * several people may share one (a NAT), while an identity is one key.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_SIGN_IN_LIMITS } from "./sign_in_limits.ts";
 * equal(DEFAULT_SIGN_IN_LIMITS.failuresPerAddress, 30);
 * ```
 */
export const DEFAULT_SIGN_IN_LIMITS = {
  failuresPerAddress: 30,
  failuresPerIdentity: 10,
} as const;

/** The window a budget drains back over: a minute. */
export const SIGN_IN_WINDOW_MS = 60_000;

/** A budget of failures: `max` at once, draining back at `max` per `windowMs`. */
export interface FailureBudget {
  /** Most failures at once; also how many drain away per `windowMs`. */
  readonly max: number;
  /** The window, in milliseconds. */
  readonly windowMs: number;
}

/** A count of recent failures, as it stood at `at`. */
export interface FailureCount {
  /** Failures not yet drained away (fractional as they drain). */
  readonly count: number;
  /** When it was counted, epoch milliseconds. */
  readonly at: number;
}

/**
 * The failures left of `count` at `now`, after draining.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { failuresAt } from "./sign_in_limits.ts";
 * const budget = { max: 10, windowMs: 60_000 };
 * equal(failuresAt({ count: 10, at: 0 }, budget, 30_000), 5);
 * equal(failuresAt(undefined, budget, 30_000), 0);
 * ```
 */
export function failuresAt(
  count: FailureCount | undefined,
  budget: FailureBudget,
  now: number,
): number {
  if (count === undefined) return 0;
  const drained = (Math.max(0, now - count.at) * budget.max) / budget.windowMs;
  return Math.max(0, count.count - drained);
}

/**
 * How long until one more failure fits in the budget, in whole
 * milliseconds: 0 when it fits now.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { failureWait } from "./sign_in_limits.ts";
 * const budget = { max: 10, windowMs: 60_000 };
 * equal(failureWait({ count: 9, at: 0 }, budget, 0), 0);
 * equal(failureWait({ count: 10, at: 0 }, budget, 0), 6000);
 * equal(failureWait({ count: 10, at: 0 }, budget, 6000), 0);
 * ```
 */
export function failureWait(
  count: FailureCount | undefined,
  budget: FailureBudget,
  now: number,
): number {
  const over = failuresAt(count, budget, now) - (budget.max - 1);
  return over <= 0 ? 0 : Math.ceil((over * budget.windowMs) / budget.max);
}

/**
 * The count after one more failure at `now` (never above `max`: a failure
 * that came in while over the budget, from a sign-in admitted before the
 * others failed, does not lengthen the wait).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { withFailure } from "./sign_in_limits.ts";
 * const budget = { max: 10, windowMs: 60_000 };
 * deepStrictEqual(withFailure(undefined, budget, 5), { count: 1, at: 5 });
 * deepStrictEqual(withFailure({ count: 10, at: 0 }, budget, 0), { count: 10, at: 0 });
 * ```
 */
export function withFailure(
  count: FailureCount | undefined,
  budget: FailureBudget,
  now: number,
): FailureCount {
  return { count: Math.min(budget.max, failuresAt(count, budget, now) + 1), at: now };
}

/**
 * The count with one failure taken back at `now`: the one charged for a
 * challenge, once its answer came.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { withoutFailure } from "./sign_in_limits.ts";
 * const budget = { max: 10, windowMs: 60_000 };
 * deepStrictEqual(withoutFailure({ count: 3, at: 0 }, budget, 0), { count: 2, at: 0 });
 * deepStrictEqual(withoutFailure(undefined, budget, 5), { count: 0, at: 5 });
 * ```
 */
export function withoutFailure(
  count: FailureCount | undefined,
  budget: FailureBudget,
  now: number,
): FailureCount {
  return { count: Math.max(0, failuresAt(count, budget, now) - 1), at: now };
}

/**
 * What the session machine asks of the server's failure counts, for the
 * remote address of its own connection (the shell binds it). Synchronous,
 * as quinn-proto's crypto is: the counts are shared by every connection of
 * the process, so they live in the shell, and the machine consults them
 * before any signature work.
 */
export interface SignInLimiter {
  /**
   * How long a sign-in of `identity` (its `identityLabel`; undefined for a
   * token, counted by address only) from this connection's address must
   * wait, in milliseconds; 0 to go on.
   */
  wait(identity: string | undefined, now: number): number;
  /**
   * A sign-in of `identity` from this connection's address failed at `now`,
   * or may still: the machine charges a failure when it makes a challenge.
   */
  failed(identity: string | undefined, now: number): void;
  /**
   * The challenge charged for `identity` was answered: the charge is taken
   * back (the machine charges a refused answer again).
   */
  answered(identity: string | undefined, now: number): void;
}
