// Generated from protocol/sealed_counter.ts by `deno task bundle`; do not edit.
/**
 * The counter rules of sealed frames (docs/PROTOCOL.md §16), as pure state
 * stepped by pure functions; the cipher itself is the caller's.
 *
 * - The sealing end numbers its direction's frames from 0, +1 per frame,
 *   and derives each frame's header and IV from its counter alone, so a
 *   (key, IV) pair never repeats while the counter does not:
 *   {@linkcode planSeal}.
 * - The opening end accepts exactly the next counter. A smaller one is
 *   `REPLAYED_FRAME`, a larger one `REORDERED_FRAME`, both caught before
 *   any decryption; a malformed header is its `FRAME_*` code
 *   ({@linkcode planOpen}), and a tag that fails `DECRYPTION_FAILED`
 *   ({@linkcode tagFailed}). The first failure is for good: every later
 *   frame fails with it, and the session must end.
 *
 * @example Seal and open three frames, with AES-GCM left to the caller
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialOpeningState, initialSealingState, planOpen, planSeal } from "./sealed_counter.ts";
 * let sealing = initialSealingState();
 * let opening = initialOpeningState();
 * for (let i = 0; i < 3; i++) {
 *   const sealed = planSeal(sealing);
 *   sealing = sealed.state;
 *   // The caller encrypts with sealed.plan.iv and sealed.plan.header as additional data.
 *   const frame = new Uint8Array(12 + 16);
 *   frame.set(sealed.plan.header);
 *   const opened = planOpen(opening, frame);
 *   opening = opened.state;
 *   equal(opened.result.ok && opened.result.value.counter, i);
 * }
 * ```
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ErrorResponse } from "./errors.d.ts";
import type { Result } from "./result.d.ts";
/** The sealing end of one direction: the counter its next frame carries. */
export interface SealingState {
    /** The next frame's counter. */
    readonly next: number;
}
/** What encrypting one frame takes besides the key and the inner frame. */
export interface SealPlan {
    /** The frame's counter. */
    readonly counter: number;
    /** Its 12 header bytes: the start of the sealed frame and its additional data. */
    readonly header: Uint8Array;
    /** Its 12-byte AES-GCM IV. */
    readonly iv: Uint8Array;
}
/** The opening end of one direction: the counter it accepts next, or why it stopped. */
export interface OpeningState {
    /** The only counter the next frame may carry. */
    readonly expected: number;
    /** The first failure; once set, every frame fails with it. */
    readonly failure: ErrorResponse | undefined;
}
/** What decrypting one accepted sealed frame takes besides the key. */
export interface OpenPlan {
    /** The frame's counter. */
    readonly counter: number;
    /** Its 12 header bytes, the AES-GCM additional data. A view. */
    readonly header: Uint8Array;
    /** Its 12-byte AES-GCM IV. */
    readonly iv: Uint8Array;
    /** Ciphertext followed by the tag. A view. */
    readonly ciphertext: Uint8Array;
}
/**
 * The sealing end before its direction's first frame.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialSealingState } from "./sealed_counter.ts";
 * equal(initialSealingState().next, 0);
 * ```
 */
export declare function initialSealingState(): SealingState;
/**
 * Takes the next counter: the plan of the frame to seal now, and the state
 * after it. Frames must leave in the order their plans were taken.
 *
 * @throws {RangeError} past {@linkcode MAX_COUNTER}: the session must end
 * (it would take centuries at a million frames a second).
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { initialSealingState, planSeal } from "./sealed_counter.ts";
 * const first = planSeal(initialSealingState());
 * const second = planSeal(first.state);
 * equal(second.plan.counter, 1);
 * deepEqual([...second.plan.iv], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
 * ```
 */
export declare function planSeal(state: SealingState): {
    state: SealingState;
    plan: SealPlan;
};
/**
 * The opening end before its direction's first frame.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialOpeningState } from "./sealed_counter.ts";
 * equal(initialOpeningState().expected, 0);
 * ```
 */
export declare function initialOpeningState(): OpeningState;
/**
 * Checks a received sealed frame's header and counter, before decryption:
 * the plan to decrypt it when it is the next frame, the failure otherwise
 * (which stops the opening end for good). An accepted frame moves the
 * expected counter on whether or not its tag then verifies.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialOpeningState, planOpen } from "./sealed_counter.ts";
 * import { sealedHeader } from "./sealed_frame.ts";
 * const frame = (counter: number) => {
 *   const bytes = new Uint8Array(12 + 16);
 *   bytes.set(sealedHeader(counter));
 *   return bytes;
 * };
 * const first = planOpen(initialOpeningState(), frame(0));
 * const again = planOpen(first.state, frame(0));
 * equal(again.result.ok ? "ok" : again.result.error.code, "REPLAYED_FRAME");
 * const later = planOpen(again.state, frame(1));
 * equal(later.result.ok ? "ok" : later.result.error.code, "REPLAYED_FRAME"); // for good
 * ```
 */
export declare function planOpen(state: OpeningState, bytes: Uint8Array): {
    state: OpeningState;
    result: Result<OpenPlan, ErrorResponse>;
};
/**
 * Records that the frame with `counter`, accepted by {@linkcode planOpen},
 * failed its tag: `DECRYPTION_FAILED`, and the opening end stops for good.
 * The error given back is the first failure of the direction.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialOpeningState, tagFailed } from "./sealed_counter.ts";
 * const { state, error } = tagFailed(initialOpeningState(), 0);
 * equal(error.code, "DECRYPTION_FAILED");
 * equal(state.failure?.code, "DECRYPTION_FAILED");
 * ```
 */
export declare function tagFailed(state: OpeningState, counter: number): {
    state: OpeningState;
    error: ErrorResponse;
};
