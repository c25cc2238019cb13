/**
 * The binary data frame: export bytes with a fixed 66-byte big-endian
 * header that names the download, the frame's sequence number, where the
 * frame sits in the download (rows and bytes before it), the digest chain
 * value after its payload (digest_chain.ts) and the cursor to resume after
 * it. docs/PROTOCOL.md §7 is the normative description.
 *
 * ```text
 * offset size  field
 * 0      1     version          = 1 (FRAME_VERSION)
 * 1      1     type             = 1 (FRAME_TYPE_DATA); every other value is reserved
 * 2      2     flags (u16)      bit 0 FINAL; every other bit is reserved and must be 0
 * 4      4     sequence (u32)   0 for the first frame of a download, +1 per frame
 * 8      8     rowOffset (u64)  rows of the download before this frame
 * 16     4     rowCount (u32)   complete rows in this payload
 * 20     8     byteOffset (u64) payload bytes of the download before this frame
 * 28     4     payloadLength (u32)
 * 32     32    digest           SHA-256(previous digest || payload); zeros before frame 0
 * 64     1     requestIdLength  1..64
 * 65     1     cursorLength     0..255
 * 66     n     requestId        ASCII, [A-Za-z0-9._:-]
 * 66+n   m     cursor           UTF-8
 * 66+n+m p     payload
 * ```
 *
 * The decoder checks the digest's length only (any 32 bytes are well
 * formed); whether it continues the chain is the download's check, which
 * knows the previous value.
 *
 * Decoding is total: any byte array gives either a frame or an
 * {@linkcode ErrorResponse} with a `FRAME_*` code, never an exception.
 * Encoding throws `RangeError` on a frame that could not be decoded again,
 * since building one is a local programmer error.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { utf8Length } from "./utf8_length.ts";
import { type ErrorCode, type ErrorResponse, errorResponse } from "./errors.ts";
import { REQUEST_ID_PATTERN } from "./messages.ts";
import type { Result } from "./result.ts";

/** The only header version this module reads and writes (byte 0). */
export const FRAME_VERSION: number = 1;

/** Frame type of a data frame (byte 1); every other type is reserved. */
export const FRAME_TYPE_DATA: number = 1;

/** Flag bit marking the last data frame of a download (bits of bytes 2–3). */
export const FLAG_FINAL: number = 0x0001;

/** Size of the fixed part of the header, before requestId, cursor and payload. */
export const FRAME_HEADER_BYTES: number = 66;

/** Offset of the 32-byte digest in the header. */
const DIGEST_AT = 32;
/** Length of the digest field: one SHA-256 value. */
const DIGEST_LENGTH = 32;
/** Offsets of the two length bytes after the digest. */
const ID_LENGTH_AT = DIGEST_AT + DIGEST_LENGTH;
const CURSOR_LENGTH_AT = ID_LENGTH_AT + 1;

/** Default bound on a frame's payload: 1 MiB. */
export const MAX_PAYLOAD_BYTES: number = 1_048_576;

/** One data frame of a download, as encoded and decoded by this module. */
export interface DataFrame {
  /** The download this frame belongs to: 1–64 characters of `[A-Za-z0-9._:-]`. */
  readonly requestId: string;
  /** 0 for the first frame of a download, +1 per frame, continuing across resumes (u32). */
  readonly sequence: number;
  /** Whether this is the last data frame of the download (the FINAL flag). */
  readonly final: boolean;
  /** Rows of the download before this frame (a safe integer). */
  readonly rowOffset: number;
  /** Complete rows in this payload; may be 0, e.g. a JSON `]` closing frame (u32). */
  readonly rowCount: number;
  /** Payload bytes of the download before this frame (a safe integer). */
  readonly byteOffset: number;
  /**
   * The digest chain value after this frame's payload, 32 bytes:
   * SHA-256 of the previous frame's digest (32 zero bytes before the first
   * frame) followed by this payload. A decoded frame's digest is a view into
   * the decoded bytes, like its payload.
   */
  readonly digest: Uint8Array;
  /** Opaque resume cursor after the last row of this frame; at most 255 UTF-8 bytes. */
  readonly cursor: string;
  /**
   * Export bytes, cut at row boundaries (or one complete gzip member).
   * A decoded frame's payload is a view into the decoded bytes, not a copy.
   */
  readonly payload: Uint8Array;
}

/** Bounds on a data frame. */
export interface FrameLimits {
  /**
   * Largest payload, in bytes, that encoding accepts and decoding reads.
   *
   * @default {1_048_576}
   */
  readonly maxPayloadBytes?: number;
}

const MAX_U32 = 0xffff_ffff;
const MAX_REQUEST_ID_BYTES = 64;
const MAX_CURSOR_BYTES = 255;
/** Flags that a version-1 frame may set; every other bit is reserved. */
const KNOWN_FLAGS = FLAG_FINAL;
/** 2^32, to split a u64 into two u32 halves without BigInt. */
const TWO_POW_32 = 0x1_0000_0000;
/** The high u32 of Number.MAX_SAFE_INTEGER (2^53 - 1): a larger high word is unsafe. */
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;

// ignoreBOM keeps a leading U+FEFF in the cursor, so decoding inverts encoding exactly.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Whether a byte is one of REQUEST_ID_PATTERN's characters, `[A-Za-z0-9._:-]`. */
function isRequestIdByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x3a) || // 0-9 and ":"
    b === 0x2d || b === 0x2e || b === 0x5f; // "-" "." "_"
}

function resolveMaxPayload(limits: FrameLimits): number {
  const max = limits.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  if (!Number.isSafeInteger(max) || max < 0) {
    throw new RangeError(`maxPayloadBytes must be a non-negative safe integer, got ${max}`);
  }
  return max;
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in 0..${max}, got ${value}`);
  }
}

function writeU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, Math.floor(value / TWO_POW_32));
  view.setUint32(offset + 4, value % TWO_POW_32);
}

/**
 * Encodes a data frame into one freshly allocated buffer (header, requestId,
 * cursor and payload together).
 *
 * @throws {RangeError} if the frame cannot be represented: a requestId that
 * does not match `REQUEST_ID_PATTERN`, a cursor that is not well-formed
 * UTF-16 or longer than 255 UTF-8 bytes, a count or offset that is not a
 * non-negative integer in range (u32, or safe integer for the offsets), or a
 * payload larger than `limits.maxPayloadBytes`, or a digest that is not 32 bytes.
 *
 * @example Encode the first frame of a CSV download
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeDataFrame } from "./frame.ts";
 * import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "./digest_chain.ts";
 * import { hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
 * const payload = new TextEncoder().encode("id,price\n1,10.5\n2,11\n");
 * const bytes = encodeDataFrame({
 *   requestId: "dl-1",
 *   sequence: 0,
 *   final: false,
 *   rowOffset: 0,
 *   rowCount: 2,
 *   byteOffset: 0,
 *   digest: hexToBytes(chainDigest(INITIAL_DIGEST, payload, nobleSha256)),
 *   cursor: "2",
 *   payload,
 * });
 * equal(bytes.length, 66 + 4 + 1 + 21);
 * ```
 */
export function encodeDataFrame(frame: DataFrame, limits: FrameLimits = {}): Uint8Array {
  const maxPayload = resolveMaxPayload(limits);
  const { requestId, cursor, payload } = frame;
  if (typeof requestId !== "string" || !REQUEST_ID_PATTERN.test(requestId)) {
    throw new RangeError(`requestId must match ${REQUEST_ID_PATTERN}, got ${String(requestId)}`);
  }
  if (typeof cursor !== "string" || /\p{Surrogate}/u.test(cursor)) {
    throw new RangeError("cursor must be a well-formed string (no lone surrogates)");
  }
  const cursorLength = utf8Length(cursor);
  if (cursorLength > MAX_CURSOR_BYTES) {
    throw new RangeError(
      `cursor must be at most ${MAX_CURSOR_BYTES} UTF-8 bytes, got ${cursorLength}`,
    );
  }
  if (typeof frame.final !== "boolean") throw new RangeError("final must be a boolean");
  if (!(payload instanceof Uint8Array)) throw new RangeError("payload must be a Uint8Array");
  if (!(frame.digest instanceof Uint8Array) || frame.digest.length !== DIGEST_LENGTH) {
    throw new RangeError(`digest must be a Uint8Array of ${DIGEST_LENGTH} bytes`);
  }
  if (payload.length > Math.min(maxPayload, MAX_U32)) {
    throw new RangeError(`payload of ${payload.length} bytes exceeds ${maxPayload}`);
  }
  checkUint("sequence", frame.sequence, MAX_U32);
  checkUint("rowOffset", frame.rowOffset, Number.MAX_SAFE_INTEGER);
  checkUint("rowCount", frame.rowCount, MAX_U32);
  checkUint("byteOffset", frame.byteOffset, Number.MAX_SAFE_INTEGER);

  const idStart = FRAME_HEADER_BYTES;
  const cursorStart = idStart + requestId.length;
  const payloadStart = cursorStart + cursorLength;
  const bytes = new Uint8Array(payloadStart + payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, FRAME_TYPE_DATA);
  view.setUint16(2, frame.final ? FLAG_FINAL : 0);
  view.setUint32(4, frame.sequence);
  writeU64(view, 8, frame.rowOffset);
  view.setUint32(16, frame.rowCount);
  writeU64(view, 20, frame.byteOffset);
  view.setUint32(28, payload.length);
  bytes.set(frame.digest, DIGEST_AT);
  view.setUint8(ID_LENGTH_AT, requestId.length);
  view.setUint8(CURSOR_LENGTH_AT, cursorLength);
  for (let i = 0; i < requestId.length; i++) bytes[idStart + i] = requestId.charCodeAt(i);
  utf8Encoder.encodeInto(cursor, bytes.subarray(cursorStart, payloadStart));
  bytes.set(payload, payloadStart);
  return bytes;
}

function fail(code: ErrorCode, reason: string): Result<DataFrame, ErrorResponse> {
  return { ok: false, error: errorResponse(code, { reason }) };
}

/**
 * Decodes one data frame from untrusted bytes. It never throws on any input:
 * every defect gives an {@linkcode ErrorResponse} with a `FRAME_*` code, and
 * the checks run in a fixed order so that the same bytes always give the
 * same code (see docs/PROTOCOL.md §7).
 *
 * The returned `payload` and `digest` are views into `bytes`
 * (`bytes.subarray`), not copies: they share `bytes.buffer`, so changes to
 * one show in the other. Copy them with `.slice()` if the input buffer will
 * be reused.
 *
 * An accepted frame is canonical: {@linkcode encodeDataFrame} gives back
 * exactly `bytes`.
 *
 * @throws {RangeError} only if `limits.maxPayloadBytes` is not a
 * non-negative safe integer (a programmer error, not bad input).
 *
 * @example Decode what encodeDataFrame wrote
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeDataFrame, encodeDataFrame } from "./frame.ts";
 * const bytes = encodeDataFrame({
 *   requestId: "dl-1",
 *   sequence: 1,
 *   final: true,
 *   rowOffset: 2,
 *   rowCount: 0,
 *   byteOffset: 21,
 *   digest: new Uint8Array(32),
 *   cursor: "2",
 *   payload: new Uint8Array(0),
 * });
 * const r = decodeDataFrame(bytes);
 * equal(r.ok && r.value.final, true);
 * const cut = decodeDataFrame(bytes.subarray(0, 10));
 * equal(!cut.ok && cut.error.code, "FRAME_TRUNCATED");
 * ```
 */
export function decodeDataFrame(
  bytes: Uint8Array,
  limits: FrameLimits = {},
): Result<DataFrame, ErrorResponse> {
  const maxPayload = resolveMaxPayload(limits);
  const length = bytes.length;
  // 1. Version before length, so that a newer peer's short frame says "version".
  if (length === 0) return fail("FRAME_TRUNCATED", "the frame is empty");
  if (bytes[0] !== FRAME_VERSION) {
    return fail("FRAME_VERSION", `version ${bytes[0]} is not ${FRAME_VERSION}`);
  }
  if (length < FRAME_HEADER_BYTES) {
    return fail(
      "FRAME_TRUNCATED",
      `${length} bytes is shorter than the ${FRAME_HEADER_BYTES}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);

  // 2. Type and flags.
  const type = view.getUint8(1);
  if (type !== FRAME_TYPE_DATA) return fail("FRAME_TYPE", `type ${type} is reserved`);
  const flags = view.getUint16(2);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    return fail(
      "FRAME_FLAGS",
      `reserved flag bits 0x${(flags & ~KNOWN_FLAGS).toString(16)} are set`,
    );
  }

  // 3. Size, before anything else is trusted: a peer may stream a huge declared length.
  const payloadLength = view.getUint32(28);
  if (payloadLength > maxPayload) {
    return fail("FRAME_TOO_LARGE", `payload of ${payloadLength} bytes exceeds ${maxPayload}`);
  }

  // 4. Header fields.
  const idLength = view.getUint8(ID_LENGTH_AT);
  if (idLength === 0 || idLength > MAX_REQUEST_ID_BYTES) {
    return fail(
      "FRAME_FIELD",
      `requestId length ${idLength} is outside 1..${MAX_REQUEST_ID_BYTES}`,
    );
  }
  const rowOffsetHigh = view.getUint32(8);
  if (rowOffsetHigh > MAX_SAFE_HIGH_WORD) {
    return fail("FRAME_FIELD", "rowOffset exceeds Number.MAX_SAFE_INTEGER");
  }
  const byteOffsetHigh = view.getUint32(20);
  if (byteOffsetHigh > MAX_SAFE_HIGH_WORD) {
    return fail("FRAME_FIELD", "byteOffset exceeds Number.MAX_SAFE_INTEGER");
  }

  // 5. Exact length: a frame is one whole WebSocket message, nothing more or less.
  const cursorLength = view.getUint8(CURSOR_LENGTH_AT);
  const cursorStart = FRAME_HEADER_BYTES + idLength;
  const payloadStart = cursorStart + cursorLength;
  const end = payloadStart + payloadLength;
  if (end > length) {
    return fail("FRAME_TRUNCATED", `the header declares ${end} bytes but the frame has ${length}`);
  }
  if (end < length) {
    return fail("FRAME_TRAILING_BYTES", `${length - end} bytes follow the payload`);
  }

  // 6. Variable-length fields.
  let requestId = "";
  for (let i = FRAME_HEADER_BYTES; i < cursorStart; i++) {
    const b = bytes[i];
    if (!isRequestIdByte(b)) {
      return fail(
        "FRAME_FIELD",
        `requestId byte 0x${b.toString(16)} at offset ${i} is not allowed`,
      );
    }
    requestId += String.fromCharCode(b);
  }
  let cursor: string;
  try {
    cursor = utf8Decoder.decode(bytes.subarray(cursorStart, payloadStart));
  } catch (e) {
    // A fatal TextDecoder reports malformed UTF-8 only by throwing a TypeError.
    if (!(e instanceof TypeError)) throw e;
    return fail("FRAME_FIELD", "cursor is not valid UTF-8");
  }

  return {
    ok: true,
    value: {
      requestId,
      sequence: view.getUint32(4),
      final: (flags & FLAG_FINAL) !== 0,
      rowOffset: rowOffsetHigh * TWO_POW_32 + view.getUint32(12),
      rowCount: view.getUint32(16),
      byteOffset: byteOffsetHigh * TWO_POW_32 + view.getUint32(24),
      digest: bytes.subarray(DIGEST_AT, DIGEST_AT + DIGEST_LENGTH),
      cursor,
      payload: bytes.subarray(payloadStart, end),
    },
  };
}
