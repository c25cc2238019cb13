// Sealed frames with Web Crypto's AES-256-GCM: readable by an independent implementation, each
// counter once and in order, any flipped bit refused, no IV twice. The counter rules themselves are
// proven on the pure functions in sealed_counter_test.ts.
import assert from "node:assert/strict";
import { createDecipheriv } from "node:crypto";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { decodeSealedFrame, sealedHeader, sealedIv } from "../protocol/sealed_frame.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.ts";

Deno.test("a sealed frame decrypts with node:crypto's AES-256-GCM", async () => {
  const secret = hexToBytes("0f".repeat(32));
  const sealer = await FrameSealer.create(secret);
  const inner = new TextEncoder().encode("one data frame");
  await sealer.seal(new Uint8Array(1)); // counter 0
  const bytes = await sealer.seal(inner); // counter 1
  const header = bytes.subarray(0, 12);
  assert.deepEqual([...header], [...sealedHeader(1)]);
  const body = bytes.subarray(12, bytes.length - 16);
  const decipher = createDecipheriv("aes-256-gcm", secret, sealedIv(1));
  decipher.setAAD(header);
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  const plain = new Uint8Array([...decipher.update(body), ...decipher.final()]);
  assert.deepEqual(plain, inner);
});

Deno.test("an opener takes each counter once and in order, and fails for good after", async () => {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const sealer = await FrameSealer.create(secret);
  const frames = await Promise.all([0, 1, 2, 3].map((i) => sealer.seal(new Uint8Array([i]))));
  assert.equal(sealer.nextCounter, 4);

  const code = async (opener: FrameOpener, bytes: Uint8Array) => {
    const r = await opener.open(bytes);
    return r.ok ? `ok:${r.value[0]}` : r.error.code;
  };
  const inOrder = await FrameOpener.create(secret);
  for (const [i, frame] of frames.entries()) assert.equal(await code(inOrder, frame), `ok:${i}`);
  assert.equal(await code(inOrder, frames[3]), "REPLAYED_FRAME");
  assert.equal(await code(inOrder, await sealer.seal(new Uint8Array([4]))), "REPLAYED_FRAME");

  const skipping = await FrameOpener.create(secret);
  assert.equal(await code(skipping, frames[1]), "REORDERED_FRAME");
  assert.equal(await code(skipping, frames[0]), "REORDERED_FRAME", "poisoned after a failure");

  const wrongKey = await FrameOpener.create(new Uint8Array(32));
  assert.equal(await code(wrongKey, frames[0]), "DECRYPTION_FAILED");
  assert.equal(await code(wrongKey, frames[1]), "DECRYPTION_FAILED", "poisoned by a bad tag");
});

Deno.test("a flipped bit anywhere in a sealed frame fails it", async () => {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const sealed = await (await FrameSealer.create(secret)).seal(new Uint8Array(40).fill(9));
  for (let bit = 0; bit < sealed.length * 8; bit += 7) {
    const tampered = sealed.slice();
    tampered[bit >> 3] ^= 1 << (bit & 7);
    const r = await (await FrameOpener.create(secret)).open(tampered);
    assert.equal(r.ok, false, `bit ${bit}`);
  }
});

Deno.test("counters, and so IVs, never repeat across a session", async () => {
  const sealer = await FrameSealer.create(new Uint8Array(32));
  const ivs = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const bytes = await sealer.seal(new Uint8Array(0));
    const decoded = decodeSealedFrame(bytes);
    assert.ok(decoded.ok);
    ivs.add(bytesToHex(sealedIv(decoded.value.counter)));
  }
  assert.equal(ivs.size, 2000);
  assert.throws(() => sealedHeader(Number.MAX_SAFE_INTEGER + 1), RangeError);
});
