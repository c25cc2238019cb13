// The pure rules of session cryptography: the ECDH secret's refusals, canonical JSON, the signing
// input, and the layouts of control and sealed frames. The Web Crypto half is tested in
// session_secrets_test.ts (with the ECDH secret against openssl's), frame_sealing_test.ts and
// command_signer_test.ts; the counter rules in sealed_counter_test.ts.
import assert from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import {
  binaryKind,
  decodeControlFrame,
  decodeSealedFrame,
  encodeControlFrame,
  sealedHeader,
} from "../protocol/sealed_frame.ts";
import { canonicalJson } from "../protocol/canonical_json.ts";
import { commandSigningInput, sharedSecret } from "../protocol/session_crypto.ts";

Deno.test("sharedSecret() refuses a key that is not a curve point", () => {
  const key = secp.utils.randomSecretKey();
  assert.equal(sharedSecret(key, "02" + "ff".repeat(32)), undefined);
  assert.equal(sharedSecret(key, "04" + "11".repeat(32)), undefined);
  assert.equal(sharedSecret(key, "zz"), undefined);
});

Deno.test("control and sealed frames decode totally", () => {
  const json = new TextEncoder().encode('{"event":"x"}');
  const frame = decodeControlFrame(encodeControlFrame(json, true));
  assert.ok(frame.ok && frame.value.deflated && frame.value.payload.length === json.length);
  const cases: [number[], string][] = [
    [[1, 2, 0], "FRAME_TRUNCATED"],
    [[2, 2, 0, 0], "FRAME_VERSION"],
    [[1, 3, 0, 0], "FRAME_TYPE"],
    [[1, 2, 0, 2], "FRAME_FLAGS"],
  ];
  for (const [bytes, code] of cases) {
    const r = decodeControlFrame(new Uint8Array(bytes));
    assert.equal(r.ok ? "ok" : r.error.code, code, `${bytes}`);
  }
  const short = decodeSealedFrame(new Uint8Array([1, 3, 0, 0, ...new Array(20).fill(0)]));
  assert.equal(short.ok ? "ok" : short.error.code, "FRAME_TRUNCATED");
  const flagged = new Uint8Array(28);
  flagged.set(sealedHeader(0));
  flagged[3] = 1;
  const r = decodeSealedFrame(flagged);
  assert.equal(r.ok ? "ok" : r.error.code, "FRAME_FLAGS");
  const huge = new Uint8Array(28);
  huge.set([1, 3, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const h = decodeSealedFrame(huge);
  assert.equal(h.ok ? "ok" : h.error.code, "FRAME_FIELD");
  const kinds = [[1, 1], [1, 2], [1, 3], [1, 9], [7, 1], [1], [7], []].map((b) => {
    const k = binaryKind(new Uint8Array(b));
    return k.ok ? k.value : k.error.code;
  });
  assert.deepEqual(kinds, [
    "data",
    "control",
    "sealed",
    "FRAME_TYPE",
    "FRAME_VERSION",
    "FRAME_TRUNCATED",
    "FRAME_VERSION",
    "FRAME_TRUNCATED",
  ]);
});

Deno.test("canonical JSON sorts keys at every depth and drops no value but undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: [{ y: null, x: "\u2028" }] }),
    '{"a":[{"x":"\u2028","y":null}],"b":1}',
  );
  assert.equal(canonicalJson({ b: undefined, a: 1 }), '{"a":1}');
});

Deno.test("a command's signing input is all of it but the signature, canonically", () => {
  const command = {
    event: "download:cancel",
    data: { reason: "user" },
    timestamp: 1000,
    requestId: "dl-1",
    auth: { token: "tok", timestamp: 1000, signature: "ab".repeat(32) },
  };
  assert.equal(
    commandSigningInput(command),
    '{"auth":{"timestamp":1000,"token":"tok"},"data":{"reason":"user"},"event":"download:cancel",' +
      '"requestId":"dl-1","timestamp":1000}',
  );
});
