/**
 * The server's counts of failed sign-ins (docs/PROTOCOL.md §19.5), per
 * remote address and per identity, shared by every connection of the
 * process. The rules are `protocol/sign_in_limits.ts`'s; this holds the
 * counts and hands each connection its port
 * ({@linkcode SignInFailures.forAddress}), bound to its address.
 *
 * IPv6 addresses count by their /64 ({@linkcode addressKey}).
 *
 * @module
 */

import { addressKey } from "./address_key.ts";
import {
  DEFAULT_SIGN_IN_LIMITS,
  type FailureBudget,
  type FailureCount,
  failureWait,
  SIGN_IN_WINDOW_MS,
  type SignInLimiter,
  withFailure,
  withoutFailure,
} from "../protocol/sign_in_limits.ts";

/** Limits on failed sign-ins. */
export interface SignInLimits {
  /**
   * Failed sign-ins one remote address (an IPv6 /64) may make at once;
   * as many drain away per minute.
   *
   * @default {30}
   */
  readonly failuresPerAddress?: number;
  /**
   * Failed sign-ins for one identity (key or address), from any remote
   * address, at once; as many drain away per minute.
   *
   * @default {10}
   */
  readonly failuresPerIdentity?: number;
}

/** Past this many counts kept, those drained to nothing are forgotten (then past twice what is left). */
const SWEEP_AT = 8192;

/** Counts failed sign-ins per address and per identity, in this process. */
export class SignInFailures {
  readonly #address: FailureBudget;
  readonly #identity: FailureBudget;
  readonly #byAddress = new Map<string, FailureCount>();
  readonly #byIdentity = new Map<string, FailureCount>();
  #sweepAt = SWEEP_AT;

  /** @throws {RangeError} if a limit is not a whole number of at least 1. */
  constructor(limits: SignInLimits = {}) {
    this.#address = { max: whole("failuresPerAddress", limits), windowMs: SIGN_IN_WINDOW_MS };
    this.#identity = { max: whole("failuresPerIdentity", limits), windowMs: SIGN_IN_WINDOW_MS };
  }

  /** How many counts are kept now, of addresses and identities together. */
  get counted(): number {
    return this.#byAddress.size + this.#byIdentity.size;
  }

  /**
   * The port of one connection from `hostname` (`remoteAddr.hostname`).
   *
   * @example
   * ```ts
   * import { equal } from "node:assert/strict";
   * import { SignInFailures } from "./sign_in_failures.ts";
   * const port = new SignInFailures({ failuresPerAddress: 2 }).forAddress("192.0.2.7");
   * port.failed("alice", 0);
   * port.failed("bob", 0);
   * equal(port.wait("carol", 0), 30_000);
   * ```
   */
  forAddress(hostname: string): SignInLimiter {
    const address = addressKey(hostname);
    return {
      wait: (identity, now) =>
        Math.max(
          failureWait(this.#byAddress.get(address), this.#address, now),
          identity === undefined
            ? 0
            : failureWait(this.#byIdentity.get(identity), this.#identity, now),
        ),
      failed: (identity, now) => {
        this.#byAddress.set(address, withFailure(this.#byAddress.get(address), this.#address, now));
        if (identity !== undefined) {
          this.#byIdentity.set(
            identity,
            withFailure(this.#byIdentity.get(identity), this.#identity, now),
          );
        }
        if (this.counted > this.#sweepAt) this.#sweep(now);
      },
      answered: (identity, now) => {
        takeBack(this.#byAddress, address, this.#address, now);
        if (identity !== undefined) takeBack(this.#byIdentity, identity, this.#identity, now);
      },
    };
  }

  /**
   * Forgets the counts that drained away, so that memory follows the recent
   * failures; the next sweep waits for twice what is left, so that sweeps
   * cost a constant share of the failures however many are recent.
   */
  #sweep(now: number): void {
    forgetDrained(this.#byAddress, this.#address, now);
    forgetDrained(this.#byIdentity, this.#identity, now);
    this.#sweepAt = Math.max(SWEEP_AT, 2 * this.counted);
  }
}

function takeBack(
  counts: Map<string, FailureCount>,
  key: string,
  budget: FailureBudget,
  now: number,
): void {
  const count = counts.get(key);
  if (count !== undefined) counts.set(key, withoutFailure(count, budget, now));
}

function forgetDrained(counts: Map<string, FailureCount>, budget: FailureBudget, now: number) {
  for (const [key, count] of counts) {
    if (now - count.at >= (count.count * budget.windowMs) / budget.max) counts.delete(key);
  }
}

function whole(name: keyof SignInLimits, limits: SignInLimits): number {
  const n = limits[name] ?? DEFAULT_SIGN_IN_LIMITS[name];
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`signInLimits.${name}: a whole number of at least 1, got ${n}`);
  }
  return n;
}
