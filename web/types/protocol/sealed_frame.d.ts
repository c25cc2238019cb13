// Generated from protocol/sealed_frame.ts by `deno task bundle`; do not edit.
/**
 * The two binary wrappers around messages, beside the data frame of
 * `frame.ts` (docs/PROTOCOL.md §16):
 *
 * - a *control frame* (type 2) carries one control message's JSON, deflated
 *   when it is larger than {@linkcode COMPRESS_THRESHOLD_BYTES}, or as it
 *   is inside an encrypted session;
 * - a *sealed frame* (type 3) carries one data or control frame encrypted
 *   with AES-256-GCM under the session key of its direction.
 *
 * ```text
 * control frame             sealed frame
 * 0  1 version = 1          0  1  version = 1
 * 1  1 type    = 2          1  1  type    = 3
 * 2  2 flags (u16)          2  2  flags (u16) = 0, all reserved
 *      bit 0 DEFLATED       4  8  counter (u64), 0 for the first sealed frame
 * 4  n JSON, or its zlib         of the direction, +1 per frame
 *      deflate (RFC 1950)   12 n  AES-256-GCM ciphertext of the inner frame
 *                           12+n 16 GCM tag
 * ```
 *
 * The sealed frame's IV is 4 zero bytes and then the counter, big-endian;
 * its additional authenticated data is its first 12 bytes. Each direction
 * has its own key, so a (key, IV) pair never repeats while the counter
 * does not. Decoding is total: bytes give a value or an
 * {@linkcode ErrorResponse}, never an exception.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ErrorResponse } from "./errors.d.ts";
import type { Result } from "./result.d.ts";
/** Frame type of a control frame (byte 1). */
export declare const FRAME_TYPE_CONTROL: number;
/** Frame type of a sealed (encrypted) frame (byte 1). */
export declare const FRAME_TYPE_SEALED: number;
/** Control-frame flag: the payload is zlib-deflated JSON. */
export declare const FLAG_DEFLATED: number;
/** Header bytes of a control frame. */
export declare const CONTROL_HEADER_BYTES: number;
/** Header bytes of a sealed frame, which are also its additional authenticated data. */
export declare const SEALED_HEADER_BYTES: number;
/** Bytes of the AES-GCM tag that ends a sealed frame. */
export declare const GCM_TAG_BYTES: number;
/**
 * Control messages whose JSON is longer than this many bytes travel
 * deflated. Below it, deflate's own overhead and the time spent are not
 * worth the bytes saved on messages that are mostly short identifiers.
 */
export declare const COMPRESS_THRESHOLD_BYTES: number;
/**
 * The largest counter a sealed frame may carry. Counters stay exact in a
 * JavaScript number; a session that would pass it must end (it would take
 * centuries at a million frames a second).
 */
export declare const MAX_COUNTER: number;
/** A decoded control frame. */
export interface ControlFrame {
    /** Whether `payload` is deflated JSON. */
    readonly deflated: boolean;
    /** The JSON bytes, or their deflate. A view into the decoded bytes. */
    readonly payload: Uint8Array;
}
/** A decoded sealed frame, before decryption. */
export interface SealedFrame {
    /** The direction's frame counter. */
    readonly counter: number;
    /** The 12 header bytes: the AES-GCM additional data. A view. */
    readonly header: Uint8Array;
    /** Ciphertext followed by the tag. A view. */
    readonly ciphertext: Uint8Array;
}
/**
 * Encodes a control frame around JSON bytes (or their deflate).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeControlFrame, encodeControlFrame } from "./sealed_frame.ts";
 * const bytes = encodeControlFrame(new TextEncoder().encode("{}"), false);
 * const r = decodeControlFrame(bytes);
 * equal(r.ok && new TextDecoder().decode(r.value.payload), "{}");
 * ```
 */
export declare function encodeControlFrame(payload: Uint8Array, deflated: boolean): Uint8Array;
/**
 * Decodes a control frame; `FRAME_*` errors for anything else.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeControlFrame } from "./sealed_frame.ts";
 * const r = decodeControlFrame(new Uint8Array([1, 2, 0, 2]));
 * equal(!r.ok && r.error.code, "FRAME_FLAGS"); // a reserved flag is set
 * ```
 */
export declare function decodeControlFrame(bytes: Uint8Array): Result<ControlFrame, ErrorResponse>;
/**
 * The 12-byte header of the sealed frame with this counter.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { sealedHeader } from "./sealed_frame.ts";
 * deepStrictEqual(sealedHeader(1), new Uint8Array([1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
 * ```
 */
export declare function sealedHeader(counter: number): Uint8Array;
/**
 * The AES-GCM IV of the sealed frame with this counter: 4 zero bytes, then
 * the counter as a big-endian u64.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { sealedIv } from "./sealed_frame.ts";
 * deepStrictEqual(sealedIv(258), new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]));
 * ```
 */
export declare function sealedIv(counter: number): Uint8Array;
/**
 * Decodes a sealed frame's header; the ciphertext is not touched.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeSealedFrame, sealedHeader } from "./sealed_frame.ts";
 * const bytes = new Uint8Array(12 + 16);
 * bytes.set(sealedHeader(7));
 * const r = decodeSealedFrame(bytes);
 * equal(r.ok && r.value.counter, 7);
 * ```
 */
export declare function decodeSealedFrame(bytes: Uint8Array): Result<SealedFrame, ErrorResponse>;
/**
 * What a binary message is, from its type byte: a data frame (`frame.ts`),
 * a control frame, a sealed frame, or an error for an unknown version or
 * type.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { binaryKind } from "./sealed_frame.ts";
 * deepStrictEqual(binaryKind(new Uint8Array([1, 3])), { ok: true, value: "sealed" });
 * ```
 */
export declare function binaryKind(bytes: Uint8Array): Result<"data" | "control" | "sealed", ErrorResponse>;
