import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { ERROR_CODES, ERROR_TABLE, type ErrorResponse } from "../protocol/errors.ts";
import {
  type DataFrame,
  decodeDataFrame,
  encodeDataFrame,
  FLAG_FINAL,
  FRAME_HEADER_BYTES,
  FRAME_TYPE_DATA,
  FRAME_VERSION,
  MAX_PAYLOAD_BYTES,
} from "../protocol/frame.ts";
import { REQUEST_ID_PATTERN } from "../protocol/messages.ts";
import type { Result } from "../protocol/result.ts";
import { mulberry32 } from "../server/demo_data.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

// The digest chain of vectors A and B, computed with Python's hashlib rather than our code:
// sha256(b"\0" * 32 + b"id,price\n1,10.5\n2,11\n"), then sha256(DIGEST_A + b"").
const DIGEST_A = "6e6f9aaf696ef5277832b244c2341309f9b9b1d10737375fb62ede990be7b212";
const DIGEST_B = "0f5719a06da45ad11d6d4977d1f432d7155cc16557aa23f0aaf7d1c538fbeb98";

const base: DataFrame = {
  requestId: "dl-1",
  sequence: 0,
  final: false,
  rowOffset: 0,
  rowCount: 2,
  byteOffset: 0,
  digest: hexToBytes(DIGEST_A),
  cursor: "2",
  payload: utf8("id,price\n1,10.5\n2,11\n"),
};

/** The error code of a failed decode, or "ok". */
function codeOf(r: Result<DataFrame, ErrorResponse>): string {
  return r.ok ? "ok" : r.error.code;
}

/** A valid frame with raw header bytes patched afterwards. */
function patched(patch: (view: DataView, bytes: Uint8Array) => void, frame = base): Uint8Array {
  const bytes = encodeDataFrame(frame);
  patch(new DataView(bytes.buffer), bytes);
  return bytes;
}

const FRAME_CODES = new Set<string>(ERROR_CODES.filter((c) => c.startsWith("FRAME_")));

// Vector A, written out field by field by hand rather than by the encoder.
const VECTOR_A_HEX = "01" + "01" + "0000" + "00000000" + // version, type, flags, sequence
  "0000000000000000" + "00000002" + // rowOffset, rowCount
  "0000000000000000" + "00000015" + // byteOffset, payloadLength = 21
  DIGEST_A + // digest
  "04" + "01" + "646c2d31" + "32" + // lengths, "dl-1", "2"
  "69642c70726963650a" + "312c31302e350a" + "322c31310a"; // "id,price\n" "1,10.5\n" "2,11\n"

// Vector B: the FINAL frame closing the download of vector A, with an empty payload.
const VECTOR_B_HEX = "01" + "01" + "0001" + "00000001" + // version, type, flags = FINAL, sequence 1
  "0000000000000002" + "00000000" + // rowOffset 2, rowCount 0
  "0000000000000015" + "00000000" + // byteOffset 21, payloadLength 0
  DIGEST_B + // digest
  "04" + "01" + "646c2d31" + "32";

const vectorB: DataFrame = {
  requestId: "dl-1",
  sequence: 1,
  final: true,
  rowOffset: 2,
  rowCount: 0,
  byteOffset: 21,
  digest: hexToBytes(DIGEST_B),
  cursor: "2",
  payload: new Uint8Array(0),
};

Deno.test("the constants match the documented layout", () => {
  equal(FRAME_VERSION, 1);
  equal(FRAME_TYPE_DATA, 1);
  equal(FLAG_FINAL, 0x0001);
  equal(FRAME_HEADER_BYTES, 66);
  equal(MAX_PAYLOAD_BYTES, 1_048_576);
});

Deno.test("test vectors A and B encode to their published hex and decode back", () => {
  equal(base.payload.length, 21, "vector B's byteOffset is vector A's payload length");
  equal(bytesToHex(encodeDataFrame(base)), VECTOR_A_HEX);
  equal(bytesToHex(encodeDataFrame(vectorB)), VECTOR_B_HEX);
  equal(VECTOR_A_HEX.length / 2, 92);
  equal(VECTOR_B_HEX.length / 2, 71);
  deepStrictEqual(decodeDataFrame(hexToBytes(VECTOR_A_HEX)), { ok: true, value: base });
  deepStrictEqual(decodeDataFrame(hexToBytes(VECTOR_B_HEX)), { ok: true, value: vectorB });
});

Deno.test("frames round-trip through encode and decode", () => {
  const frames: DataFrame[] = [
    base,
    vectorB,
    { ...base, cursor: "", payload: new Uint8Array(0), rowCount: 0 },
    { ...base, cursor: "ts=2024-01-01T00:00:00.000Z;id=é€😀", final: true },
    { ...base, cursor: "\uFEFFleading byte-order mark is kept" },
    { ...base, requestId: "A".repeat(64), cursor: "x".repeat(255) },
    { ...base, cursor: "€".repeat(85) }, // 255 UTF-8 bytes
    { ...base, cursor: "😀".repeat(63) + "abc" }, // 255 UTF-8 bytes
    { ...base, requestId: "aZ09._:-" },
    {
      ...base,
      sequence: 0xffff_ffff,
      rowOffset: Number.MAX_SAFE_INTEGER,
      rowCount: 0xffff_ffff,
      byteOffset: Number.MAX_SAFE_INTEGER,
    },
    { ...base, rowOffset: 2 ** 32, byteOffset: 2 ** 32 - 1 },
    { ...base, rowOffset: 2 ** 40 + 12345, byteOffset: 2 ** 52 + 1 },
    { ...base, payload: new Uint8Array(MAX_PAYLOAD_BYTES).fill(0xab) },
  ];
  for (const frame of frames) {
    const bytes = encodeDataFrame(frame);
    const expectedLength = FRAME_HEADER_BYTES + frame.requestId.length +
      utf8(frame.cursor).length + frame.payload.length;
    equal(bytes.length, expectedLength);
    deepStrictEqual(decodeDataFrame(bytes), { ok: true, value: frame });
  }
});

Deno.test("a frame inside a larger buffer decodes from its own offset", () => {
  const frame = encodeDataFrame(base);
  const big = new Uint8Array(frame.length + 17).fill(0xee);
  big.set(frame, 9);
  deepStrictEqual(decodeDataFrame(big.subarray(9, 9 + frame.length)), { ok: true, value: base });
});

Deno.test("the decoded payload is a view into the input, not a copy", () => {
  const bytes = encodeDataFrame(base);
  const r = decodeDataFrame(bytes);
  ok(r.ok);
  const { payload } = r.value;
  equal(payload.buffer, bytes.buffer);
  equal(payload.byteOffset, bytes.length - base.payload.length);
  bytes[bytes.length - 1] = 0x21;
  equal(payload[payload.length - 1], 0x21);
});

Deno.test("the digest is carried verbatim at bytes 32..63, and decodes as a view like the payload", () => {
  const digest = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const bytes = encodeDataFrame({ ...base, digest });
  deepStrictEqual(bytes.subarray(32, 64), digest);
  const r = decodeDataFrame(bytes);
  ok(r.ok);
  deepStrictEqual(r.value.digest, digest);
  equal(r.value.digest.buffer, bytes.buffer);
  equal(r.value.digest.byteOffset, 32);
  // Whether a digest continues the chain is the download's check, not the decoder's.
  equal(codeOf(decodeDataFrame(encodeDataFrame({ ...base, digest: new Uint8Array(32) }))), "ok");
});

Deno.test("each crafted defect gives its FRAME_* code", () => {
  const cases: [string, Uint8Array, string][] = [
    ["empty input", new Uint8Array(0), "FRAME_TRUNCATED"],
    ["version 0", patched((v) => v.setUint8(0, 0)), "FRAME_VERSION"],
    ["version 2", patched((v) => v.setUint8(0, 2)), "FRAME_VERSION"],
    ["one byte of version 2", Uint8Array.of(2), "FRAME_VERSION"],
    ["version 2 with a short header", new Uint8Array(10).fill(2), "FRAME_VERSION"],
    ["65 header bytes", encodeDataFrame(base).subarray(0, 65), "FRAME_TRUNCATED"],
    ["type 0", patched((v) => v.setUint8(1, 0)), "FRAME_TYPE"],
    ["type 2", patched((v) => v.setUint8(1, 2)), "FRAME_TYPE"],
    [
      "type 255 and reserved flags",
      patched((v) => {
        v.setUint8(1, 255);
        v.setUint16(2, 0xffff);
      }),
      "FRAME_TYPE",
    ],
    ["flag bit 1", patched((v) => v.setUint16(2, 0x0002)), "FRAME_FLAGS"],
    ["flag bit 15 with FINAL", patched((v) => v.setUint16(2, 0x8001)), "FRAME_FLAGS"],
    [
      "payloadLength one over the default limit, without the bytes",
      patched((v) => v.setUint32(28, MAX_PAYLOAD_BYTES + 1)),
      "FRAME_TOO_LARGE",
    ],
    ["payloadLength 2^32-1", patched((v) => v.setUint32(28, 0xffff_ffff)), "FRAME_TOO_LARGE"],
    ["requestIdLength 0", patched((v) => v.setUint8(64, 0)), "FRAME_FIELD"],
    ["requestIdLength 65", patched((v) => v.setUint8(64, 65)), "FRAME_FIELD"],
    ["rowOffset 2^53", patched((v) => v.setUint32(8, 0x20_0000)), "FRAME_FIELD"],
    [
      "byteOffset 2^64-1",
      patched((v) => {
        v.setUint32(20, 0xffff_ffff);
        v.setUint32(24, 0xffff_ffff);
      }),
      "FRAME_FIELD",
    ],
    ["payloadLength one too long", patched((v) => v.setUint32(28, 22)), "FRAME_TRUNCATED"],
    ["cursorLength one too long", patched((v) => v.setUint8(65, 2)), "FRAME_TRUNCATED"],
    ["requestIdLength one too long", patched((v) => v.setUint8(64, 5)), "FRAME_TRUNCATED"],
    ["payloadLength one too short", patched((v) => v.setUint32(28, 20)), "FRAME_TRAILING_BYTES"],
    ["a space in the requestId", patched((_, b) => b[67] = 0x20), "FRAME_FIELD"],
    ["a slash in the requestId", patched((_, b) => b[66] = 0x2f), "FRAME_FIELD"],
    ["a NUL in the requestId", patched((_, b) => b[69] = 0x00), "FRAME_FIELD"],
    ["a non-ASCII requestId byte", patched((_, b) => b[68] = 0xc3), "FRAME_FIELD"],
    ["cursor byte 0xff", patched((_, b) => b[70] = 0xff), "FRAME_FIELD"],
    ["cursor lone continuation byte", patched((_, b) => b[70] = 0x80), "FRAME_FIELD"],
    ["cursor cut inside a sequence", patched((_, b) => b[70] = 0xe2), "FRAME_FIELD"],
  ];
  const cursorFrame = (hex: string) => {
    const cursorBytes = hexToBytes(hex);
    const bytes = encodeDataFrame({ ...base, cursor: "x".repeat(cursorBytes.length) });
    bytes.set(cursorBytes, FRAME_HEADER_BYTES + base.requestId.length);
    return bytes;
  };
  cases.push(
    ["overlong NUL in the cursor", cursorFrame("c080"), "FRAME_FIELD"],
    ["encoded surrogate in the cursor", cursorFrame("eda080"), "FRAME_FIELD"],
    ["code point above U+10FFFF in the cursor", cursorFrame("f4908080"), "FRAME_FIELD"],
  );
  for (const [name, bytes, code] of cases) {
    const r = decodeDataFrame(bytes);
    equal(codeOf(r), code, name);
    if (!r.ok) {
      equal(r.error.recoverable, ERROR_TABLE[code as keyof typeof ERROR_TABLE].recoverable);
      equal(typeof r.error.details?.reason, "string", name);
    }
  }
});

Deno.test("requestId bytes are accepted exactly when REQUEST_ID_PATTERN accepts them", () => {
  for (let b = 0; b < 256; b++) {
    const bytes = patched((_, x) => x[67] = b);
    const expected = REQUEST_ID_PATTERN.test(String.fromCharCode(b)) ? "ok" : "FRAME_FIELD";
    equal(codeOf(decodeDataFrame(bytes)), expected, `byte 0x${b.toString(16)}`);
  }
});

Deno.test("every strict prefix is truncated and one extra byte is trailing", () => {
  for (const frame of [base, vectorB, { ...base, cursor: "é😀", final: true }]) {
    const bytes = encodeDataFrame(frame);
    for (let n = 0; n < bytes.length; n++) {
      equal(codeOf(decodeDataFrame(bytes.subarray(0, n))), "FRAME_TRUNCATED", `prefix ${n}`);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    equal(codeOf(decodeDataFrame(longer)), "FRAME_TRAILING_BYTES");
  }
});

Deno.test("payloads over the limit are refused on decode and throw on encode", () => {
  const limits = { maxPayloadBytes: 8 };
  const nine = { ...base, payload: new Uint8Array(9) };
  const eight = { ...base, payload: new Uint8Array(8) };
  equal(codeOf(decodeDataFrame(encodeDataFrame(nine), limits)), "FRAME_TOO_LARGE");
  equal(codeOf(decodeDataFrame(encodeDataFrame(eight), limits)), "ok");
  equal(codeOf(decodeDataFrame(encodeDataFrame(eight), { maxPayloadBytes: 0 })), "FRAME_TOO_LARGE");
  throws(() => encodeDataFrame(nine, limits), RangeError);
  encodeDataFrame(eight, limits);
  const overDefault = { ...base, payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1) };
  throws(() => encodeDataFrame(overDefault), RangeError);
  const big = encodeDataFrame(overDefault, { maxPayloadBytes: MAX_PAYLOAD_BYTES + 1 });
  equal(codeOf(decodeDataFrame(big)), "FRAME_TOO_LARGE");
});

Deno.test("encoding an unrepresentable frame throws RangeError", () => {
  const bad: Partial<Record<keyof DataFrame, unknown>>[] = [
    { requestId: "" },
    { requestId: "a".repeat(65) },
    { requestId: "has space" },
    { requestId: "slash/" },
    { requestId: "é" },
    { cursor: "x".repeat(256) },
    { cursor: "é".repeat(128) }, // 256 UTF-8 bytes
    { cursor: "😀".repeat(64) }, // 256 UTF-8 bytes
    { cursor: "lone \uD800 surrogate" },
    { cursor: "\uDC00" },
    { sequence: -1 },
    { sequence: 1.5 },
    { sequence: 2 ** 32 },
    { sequence: Number.NaN },
    { rowCount: 2 ** 32 },
    { rowCount: -1 },
    { rowOffset: Number.MAX_SAFE_INTEGER + 1 },
    { rowOffset: Number.POSITIVE_INFINITY },
    { byteOffset: -1 },
    { byteOffset: 0.5 },
    { final: 1 },
    { payload: [1, 2, 3] },
    { digest: new Uint8Array(31) },
    { digest: new Uint8Array(33) },
    { digest: DIGEST_A },
    { digest: undefined },
  ];
  for (const fields of bad) {
    throws(
      () => encodeDataFrame({ ...base, ...fields } as DataFrame),
      RangeError,
      Deno.inspect(fields),
    );
  }
  throws(() => encodeDataFrame(base, { maxPayloadBytes: -1 }), RangeError);
  throws(() => decodeDataFrame(new Uint8Array(0), { maxPayloadBytes: Number.NaN }), RangeError);
});

Deno.test("random bytes and mutated frames never make decode throw", () => {
  const seed = 0x5eed_f4a3;
  const random = mulberry32(seed);
  const byte = () => Math.floor(random() * 256);
  const check = (bytes: Uint8Array, label: string) => {
    let r: Result<DataFrame, ErrorResponse>;
    try {
      r = decodeDataFrame(bytes, { maxPayloadBytes: 64 });
    } catch (e) {
      throw new Error(`seed ${seed} ${label}: decode threw on ${bytesToHex(bytes)}`, { cause: e });
    }
    if (r.ok) {
      // An accepted frame is canonical: encoding it gives back the same bytes.
      const again = bytesToHex(encodeDataFrame(r.value, { maxPayloadBytes: 64 }));
      equal(again, bytesToHex(bytes), `seed ${seed} ${label}`);
    } else {
      ok(FRAME_CODES.has(r.error.code), `seed ${seed} ${label}: ${r.error.code}`);
    }
    return codeOf(r);
  };

  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const bytes = new Uint8Array(Math.floor(random() * 112));
    for (let j = 0; j < bytes.length; j++) bytes[j] = byte();
    // Half the inputs get a plausible start so that fuzzing reaches the later checks.
    if (random() < 0.5 && bytes.length >= FRAME_HEADER_BYTES) {
      bytes.set([1, 1, 0, random() < 0.5 ? 1 : 0], 0);
      const view = new DataView(bytes.buffer);
      view.setUint32(28, Math.floor(random() * 40));
      view.setUint8(64, 1 + Math.floor(random() * 8));
      view.setUint8(65, Math.floor(random() * 8));
    }
    seen.add(check(bytes, `random array ${i}`));
  }

  const valid = encodeDataFrame({ ...base, cursor: "é😀", payload: utf8("a,b\n") });
  for (let i = 0; i < 5000; i++) {
    const bytes = valid.slice();
    const at = Math.floor(random() * bytes.length);
    bytes[at] = (bytes[at] + 1 + Math.floor(random() * 255)) % 256;
    seen.add(check(bytes, `mutation ${i} at ${at}`));
  }
  // The fuzz reached every check, including acceptance.
  for (const code of [...FRAME_CODES, "ok"]) ok(seen.has(code), `seed ${seed}: never saw ${code}`);
});
