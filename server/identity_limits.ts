/**
 * Per-identity limits (issue 5): how many downloads one identity runs at
 * once across all its connections to this server process, and how many it
 * may start per minute. Rows per request are checked by the export job
 * once it has counted them.
 *
 * @module
 */

import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type { Result } from "../protocol/result.ts";

/** Limits that apply to each identity separately. Unset means unlimited. */
export interface IdentityLimits {
  /** Most downloads one identity runs at once, over all its connections. */
  readonly maxConcurrentDownloads?: number;
  /** Most downloads (requests and resumes) one identity starts in any 60 s. */
  readonly requestsPerMinute?: number;
  /** Most rows one download may have. */
  readonly maxRowsPerRequest?: number;
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
   * releases its slot when it ends, or the refusal with `retryAfter`.
   */
  admit(identity: string, now: number): Result<() => void, ErrorResponse> {
    const { maxConcurrentDownloads, requestsPerMinute } = this.#limits;
    const running = this.#running.get(identity) ?? 0;
    if (maxConcurrentDownloads !== undefined && running >= maxConcurrentDownloads) {
      return {
        ok: false,
        error: errorResponse("TOO_MANY_DOWNLOADS", { limit: maxConcurrentDownloads }),
      };
    }
    const recent = (this.#recent.get(identity) ?? []).filter((t) => t > now - MINUTE_MS);
    if (requestsPerMinute !== undefined && recent.length >= requestsPerMinute) {
      this.#recent.set(identity, recent);
      const retryAfter = Math.max(1, recent[0] + MINUTE_MS - now);
      return {
        ok: false,
        error: errorResponse("RATE_LIMITED", { limit: requestsPerMinute }, { retryAfter }),
      };
    }
    recent.push(now);
    this.#recent.set(identity, recent);
    if (this.#recent.size > SWEEP_AT) this.#sweep(now);
    this.#running.set(identity, running + 1);
    let released = false;
    return {
      ok: true,
      value: () => {
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
