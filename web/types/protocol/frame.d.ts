// Generated from protocol/frame.ts by `deno task bundle`; do not edit.
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
import { type ErrorResponse } from "./errors.d.ts";
import type { Result } from "./result.d.ts";
/** The only header version this module reads and writes (byte 0). */
export declare const FRAME_VERSION: number;
/** Frame type of a data frame (byte 1); every other type is reserved. */
export declare const FRAME_TYPE_DATA: number;
/** Flag bit marking the last data frame of a download (bits of bytes 2–3). */
export declare const FLAG_FINAL: number;
/** Size of the fixed part of the header, before requestId, cursor and payload. */
export declare const FRAME_HEADER_BYTES: number;
/** Default bound on a frame's payload: 1 MiB. */
export declare const MAX_PAYLOAD_BYTES: number;
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
export declare function encodeDataFrame(frame: DataFrame, limits?: FrameLimits): Uint8Array;
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
export declare function decodeDataFrame(bytes: Uint8Array, limits?: FrameLimits): Result<DataFrame, ErrorResponse>;
