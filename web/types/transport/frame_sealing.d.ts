// Generated from transport/frame_sealing.ts by `deno task bundle`; do not edit.
/**
 * Sealing and opening the frames of one direction of a session with Web
 * Crypto's AES-256-GCM (docs/PROTOCOL.md §16). Every rule is
 * `protocol/sealed_counter.ts`'s: which counter a frame carries, its
 * header and IV, which counter is accepted next, and that the first
 * failure is for good. These classes hold that pure state and the key, and
 * run the cipher.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { ErrorResponse } from "../protocol/errors.d.ts";
import type { Result } from "../protocol/result.d.ts";
/**
 * Seals the frames of one direction. Counters are taken in call order,
 * synchronously, so frames sealed one after another carry increasing
 * counters even though encryption itself is asynchronous: send them in the
 * order `seal()` was called.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { FrameOpener, FrameSealer } from "./frame_sealing.ts";
 * const secret = new Uint8Array(32);
 * const sealer = await FrameSealer.create(secret);
 * const opener = await FrameOpener.create(secret);
 * const sealed = await sealer.seal(new Uint8Array([1, 2, 3]));
 * equal((await opener.open(sealed)).ok, true);
 * ```
 */
export declare class FrameSealer {
    #private;
    private constructor();
    /** A sealer for the direction whose 32-byte AES key is `secret`. */
    static create(secret: Uint8Array): Promise<FrameSealer>;
    /** The counter the next sealed frame will carry. */
    get nextCounter(): number;
    /**
     * Encrypts one complete inner frame into a sealed frame. Rejects with a
     * `RangeError` once the counters are exhausted.
     */
    seal(inner: Uint8Array): Promise<Uint8Array>;
}
/**
 * Opens the sealed frames of one direction, in order. Codes:
 * `REPLAYED_FRAME` for a counter already seen, `REORDERED_FRAME` for
 * one that skips ahead, `DECRYPTION_FAILED` for a wrong tag, `FRAME_*` for
 * a malformed header. After the first failure every later frame fails too.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { FrameOpener, FrameSealer } from "./frame_sealing.ts";
 * const secret = new Uint8Array(32);
 * const sealed = await (await FrameSealer.create(secret)).seal(new Uint8Array([7]));
 * const opener = await FrameOpener.create(secret);
 * deepEqual(await opener.open(sealed), { ok: true, value: new Uint8Array([7]) });
 * const again = await opener.open(sealed);
 * equal(again.ok ? "ok" : again.error.code, "REPLAYED_FRAME");
 * ```
 */
export declare class FrameOpener {
    #private;
    private constructor();
    /** An opener for the direction whose 32-byte AES key is `secret`. */
    static create(secret: Uint8Array): Promise<FrameOpener>;
    /** Decrypts the next sealed frame into the inner frame's bytes. */
    open(bytes: Uint8Array): Promise<Result<Uint8Array, ErrorResponse>>;
}
