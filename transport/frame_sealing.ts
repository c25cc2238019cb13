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

import type { ErrorResponse } from "../protocol/errors.ts";
import type { Result } from "../protocol/result.ts";
import {
  initialOpeningState,
  initialSealingState,
  type OpeningState,
  planOpen,
  planSeal,
  type SealingState,
  tagFailed,
} from "../protocol/sealed_counter.ts";
import { SEALED_HEADER_BYTES } from "../protocol/sealed_frame.ts";

function aesKey(secret: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret as BufferSource, "AES-GCM", false, [usage]);
}

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
export class FrameSealer {
  readonly #key: CryptoKey;
  #state: SealingState = initialSealingState();

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** A sealer for the direction whose 32-byte AES key is `secret`. */
  static async create(secret: Uint8Array): Promise<FrameSealer> {
    return new FrameSealer(await aesKey(secret, "encrypt"));
  }

  /** The counter the next sealed frame will carry. */
  get nextCounter(): number {
    return this.#state.next;
  }

  /**
   * Encrypts one complete inner frame into a sealed frame. Rejects with a
   * `RangeError` once the counters are exhausted.
   */
  async seal(inner: Uint8Array): Promise<Uint8Array> {
    const { state, plan } = planSeal(this.#state);
    this.#state = state;
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt(
        {
          name: "AES-GCM",
          iv: plan.iv as BufferSource,
          additionalData: plan.header as BufferSource,
        },
        this.#key,
        inner as BufferSource,
      ),
    );
    const out = new Uint8Array(SEALED_HEADER_BYTES + ciphertext.length);
    out.set(plan.header);
    out.set(ciphertext, SEALED_HEADER_BYTES);
    return out;
  }
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
export class FrameOpener {
  readonly #key: CryptoKey;
  #state: OpeningState = initialOpeningState();

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** An opener for the direction whose 32-byte AES key is `secret`. */
  static async create(secret: Uint8Array): Promise<FrameOpener> {
    return new FrameOpener(await aesKey(secret, "decrypt"));
  }

  /** Decrypts the next sealed frame into the inner frame's bytes. */
  async open(bytes: Uint8Array): Promise<Result<Uint8Array, ErrorResponse>> {
    // The counter is checked and taken before the first await, so frames are judged in call order.
    const { state, result } = planOpen(this.#state, bytes);
    this.#state = state;
    if (!result.ok) return result;
    const { counter, iv, header, ciphertext } = result.value;
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: iv as BufferSource, additionalData: header as BufferSource },
        this.#key,
        ciphertext as BufferSource,
      );
      return { ok: true, value: new Uint8Array(plain) };
    } catch (_tagMismatch) {
      const failed = tagFailed(this.#state, counter);
      this.#state = failed.state;
      return { ok: false, error: failed.error };
    }
  }
}
