/**
 * Per-identity limits (issue 5): how many downloads one identity runs at
 * once across all its connections to this server process, and how many it
 * may start per minute. Rows per request are checked by the download once
 * it has counted them. The limiter counts, the server session machine
 * answers: it turns a refusal into `TOO_MANY_DOWNLOADS` or `RATE_LIMITED`
 * (`protocol/session_downloads.ts`).
 *
 * @module
 */

import type { AdmitVerdict } from "../protocol/session_state.ts";

/** Limits that apply to each identity separately. Unset means unlimited. */
export interface IdentityLimits {
  /** Most downloads one identity runs at once, over all its connections. */
  readonly maxConcurrentDownloads?: number;
  /** Most downloads (requests and resumes) one identity starts in any 60 s. */
  readonly requestsPerMinute?: number;
  /** Most rows one download may have. */
  readonly maxRowsPerRequest?: number;
}

/** What {@linkcode IdentityLimiter.admit} says. */
export interface Admission {
  /** Admitted, or the limit that refuses. */
  readonly verdict: AdmitVerdict;
  /** Gives the slot back when the download ends; only when admitted. */
  readonly release?: () => void;
}

const MINUTE_MS = 60_000;
/** Past this many remembered identities, those with nothing recent are forgotten. */
const SWEEP_AT = 4096;

/** Counts each identity's running and recent downloads in this process. */
export class IdentityLimiter {
  readonly #limits: IdentityLimits;
  readonly #running = new Map<string, number>();
  readonly #recent = new Map<string, number[]>();

  constructor(limits: IdentityLimits) {
    this.#limits = limits;
  }

  /**
   * Admits a download for `identity` at `now`, giving the function that
   * releases its slot when it ends; or says which limit refuses it, and for
   * a rate when to retry.
   */
  admit(identity: string, now: number): Admission {
    const { maxConcurrentDownloads, requestsPerMinute } = this.#limits;
    const running = this.#running.get(identity) ?? 0;
    if (maxConcurrentDownloads !== undefined && running >= maxConcurrentDownloads) {
      return { verdict: { ok: false, limit: "concurrent", max: maxConcurrentDownloads } };
    }
    const recent = (this.#recent.get(identity) ?? []).filter((t) => t > now - MINUTE_MS);
    if (requestsPerMinute !== undefined && recent.length >= requestsPerMinute) {
      this.#recent.set(identity, recent);
      const retryAfter = Math.max(1, recent[0] + MINUTE_MS - now);
      return { verdict: { ok: false, limit: "rate", max: requestsPerMinute, retryAfter } };
    }
    recent.push(now);
    this.#recent.set(identity, recent);
    if (this.#recent.size > SWEEP_AT) this.#sweep(now);
    this.#running.set(identity, running + 1);
    let released = false;
    return {
      verdict: { ok: true },
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#running.get(identity) ?? 1) - 1;
        if (left === 0) this.#running.delete(identity);
        else this.#running.set(identity, left);
      },
    };
  }

  #sweep(now: number): void {
    for (const [identity, times] of this.#recent) {
      if (times[times.length - 1] <= now - MINUTE_MS) this.#recent.delete(identity);
    }
  }
}
