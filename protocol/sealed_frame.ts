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

import { type ErrorResponse, errorResponse } from "./errors.ts";
import { FRAME_TYPE_DATA, FRAME_VERSION } from "./frame.ts";
import type { Result } from "./result.ts";

/** Frame type of a control frame (byte 1). */
export const FRAME_TYPE_CONTROL: number = 2;

/** Frame type of a sealed (encrypted) frame (byte 1). */
export const FRAME_TYPE_SEALED: number = 3;

/** Control-frame flag: the payload is zlib-deflated JSON. */
export const FLAG_DEFLATED: number = 0x0001;

/** Header bytes of a control frame. */
export const CONTROL_HEADER_BYTES: number = 4;

/** Header bytes of a sealed frame, which are also its additional authenticated data. */
export const SEALED_HEADER_BYTES: number = 12;

/** Bytes of the AES-GCM tag that ends a sealed frame. */
export const GCM_TAG_BYTES: number = 16;

/**
 * Control messages whose JSON is longer than this many bytes travel
 * deflated. Below it, deflate's own overhead and the time spent are not
 * worth the bytes saved on messages that are mostly short identifiers.
 */
export const COMPRESS_THRESHOLD_BYTES: number = 1024;

/**
 * The largest counter a sealed frame may carry. Counters stay exact in a
 * JavaScript number; a session that would pass it must end (it would take
 * centuries at a million frames a second).
 */
export const MAX_COUNTER: number = Number.MAX_SAFE_INTEGER;

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

function header(type: number, flags: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes[0] = FRAME_VERSION;
  bytes[1] = type;
  new DataView(bytes.buffer).setUint16(2, flags);
  return bytes;
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
export function encodeControlFrame(payload: Uint8Array, deflated: boolean): Uint8Array {
  const bytes = header(
    FRAME_TYPE_CONTROL,
    deflated ? FLAG_DEFLATED : 0,
    CONTROL_HEADER_BYTES + payload.length,
  );
  bytes.set(payload, CONTROL_HEADER_BYTES);
  return bytes;
}

function checkHeader(bytes: Uint8Array, type: number, size: number): ErrorResponse | undefined {
  if (bytes.length < size) return errorResponse("FRAME_TRUNCATED", { length: bytes.length });
  if (bytes[0] !== FRAME_VERSION) return errorResponse("FRAME_VERSION", { version: bytes[0] });
  if (bytes[1] !== type) return errorResponse("FRAME_TYPE", { type: bytes[1] });
  return undefined;
}

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
export function decodeControlFrame(bytes: Uint8Array): Result<ControlFrame, ErrorResponse> {
  const bad = checkHeader(bytes, FRAME_TYPE_CONTROL, CONTROL_HEADER_BYTES);
  if (bad) return { ok: false, error: bad };
  const flags = new DataView(bytes.buffer, bytes.byteOffset).getUint16(2);
  if ((flags & ~FLAG_DEFLATED) !== 0) {
    return { ok: false, error: errorResponse("FRAME_FLAGS", { flags }) };
  }
  return {
    ok: true,
    value: {
      deflated: (flags & FLAG_DEFLATED) !== 0,
      payload: bytes.subarray(CONTROL_HEADER_BYTES),
    },
  };
}

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
export function sealedHeader(counter: number): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError(`sealed frame counter ${counter} is not a safe non-negative integer`);
  }
  const bytes = header(FRAME_TYPE_SEALED, 0, SEALED_HEADER_BYTES);
  new DataView(bytes.buffer).setBigUint64(4, BigInt(counter));
  return bytes;
}

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
export function sealedIv(counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, BigInt(counter));
  return iv;
}

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
export function decodeSealedFrame(bytes: Uint8Array): Result<SealedFrame, ErrorResponse> {
  const bad = checkHeader(bytes, FRAME_TYPE_SEALED, SEALED_HEADER_BYTES + GCM_TAG_BYTES);
  if (bad) return { ok: false, error: bad };
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const flags = view.getUint16(2);
  if (flags !== 0) return { ok: false, error: errorResponse("FRAME_FLAGS", { flags }) };
  const counter = view.getBigUint64(4);
  if (counter > BigInt(MAX_COUNTER)) {
    return { ok: false, error: errorResponse("FRAME_FIELD", { field: "counter" }) };
  }
  return {
    ok: true,
    value: {
      counter: Number(counter),
      header: bytes.subarray(0, SEALED_HEADER_BYTES),
      ciphertext: bytes.subarray(SEALED_HEADER_BYTES),
    },
  };
}

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
export function binaryKind(
  bytes: Uint8Array,
): Result<"data" | "control" | "sealed", ErrorResponse> {
  // The version before the length, as a data frame's (PROTOCOL.md §7): a newer peer's short
  // message still says which version it speaks.
  if (bytes.length === 0) return { ok: false, error: errorResponse("FRAME_TRUNCATED") };
  if (bytes[0] !== FRAME_VERSION) {
    return { ok: false, error: errorResponse("FRAME_VERSION", { version: bytes[0] }) };
  }
  if (bytes.length < 2) return { ok: false, error: errorResponse("FRAME_TRUNCATED") };
  switch (bytes[1]) {
    case FRAME_TYPE_DATA:
      return { ok: true, value: "data" };
    case FRAME_TYPE_CONTROL:
      return { ok: true, value: "control" };
    case FRAME_TYPE_SEALED:
      return { ok: true, value: "sealed" };
    default:
      return { ok: false, error: errorResponse("FRAME_TYPE", { type: bytes[1] }) };
  }
}
