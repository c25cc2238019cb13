import assert from "node:assert/strict";
import { createDecipheriv } from "node:crypto";
import * as secp from "@noble/secp256k1";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import {
  binaryKind,
  decodeControlFrame,
  decodeSealedFrame,
  encodeControlFrame,
  sealedHeader,
  sealedIv,
} from "../protocol/sealed_frame.ts";
import {
  canonicalJson,
  CommandSigner,
  deriveSessionSecrets,
  FrameOpener,
  FrameSealer,
  HKDF_INFO,
  sharedSecret,
} from "../protocol/session_crypto.ts";

async function openssl(args: string[]): Promise<string> {
  const out = await new Deno.Command("openssl", { args, stdout: "piped", stderr: "piped" })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const NONCE = "5a".repeat(32);

Deno.test("the ECDH secret and HKDF secrets agree with openssl's", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pem = (name: string) => `${dir}/${name}.pem`;
    for (const name of ["a", "b"]) {
      await openssl(["ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", pem(name)]);
      await openssl(["ec", "-in", pem(name), "-pubout", "-out", pem(`${name}-pub`)]);
    }
    // The secret key of `a` as 32 bytes, from openssl's own text dump.
    const dump = await openssl(["ec", "-in", pem("a"), "-text", "-noout"]);
    const secretHex = dump.split("priv:")[1].split("pub:")[0].replace(/[^0-9a-f]/g, "")
      .padStart(64, "0").slice(-64);
    const pubDump = await openssl([
      "ec",
      "-in",
      pem("b"),
      "-text",
      "-noout",
      "-conv_form",
      "compressed",
    ]);
    const peerHex = pubDump.split("pub:")[1].split("ASN1")[0].replace(/[^0-9a-f]/g, "");
    const ours = sharedSecret(hexToBytes(secretHex), peerHex)!;
    const theirs = await new Deno.Command("openssl", {
      args: ["pkeyutl", "-derive", "-inkey", pem("a"), "-peerkey", pem("b-pub")],
      stdout: "piped",
    }).output();
    assert.equal(bytesToHex(ours), bytesToHex(theirs.stdout));

    const secrets = await deriveSessionSecrets(ours, NONCE);
    for (const [field, info] of Object.entries(HKDF_INFO)) {
      const expected = await openssl([
        "kdf",
        "-keylen",
        "32",
        "-kdfopt",
        "digest:SHA256",
        "-kdfopt",
        `hexkey:${bytesToHex(ours)}`,
        "-kdfopt",
        `hexsalt:${NONCE}`,
        "-kdfopt",
        `info:${info}`,
        "HKDF",
      ]);
      const got = secrets[field as keyof typeof secrets];
      assert.equal(bytesToHex(got), expected.trim().replace(/:/g, "").toLowerCase(), field);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sharedSecret() refuses a key that is not a curve point", () => {
  const key = secp.utils.randomSecretKey();
  assert.equal(sharedSecret(key, "02" + "ff".repeat(32)), undefined);
  assert.equal(sharedSecret(key, "04" + "11".repeat(32)), undefined);
  assert.equal(sharedSecret(key, "zz"), undefined);
});

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
  const kinds = [[1, 1], [1, 2], [1, 3], [1, 9], [7, 1], [1]].map((b) => {
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
  ]);
});

Deno.test("a command signature covers every field but itself", async () => {
  const signer = await CommandSigner.create(crypto.getRandomValues(new Uint8Array(32)));
  const command = {
    event: "download:cancel",
    data: { reason: "user" },
    timestamp: 1000,
    requestId: "dl-1",
    auth: { token: "tok", timestamp: 1000 },
  };
  const signature = await signer.sign(command);
  assert.match(signature, /^[0-9a-f]{64}$/);
  assert.ok(await signer.verify(command, signature));
  assert.ok(await signer.verify({ ...command, data: { reason: "user" } }, signature));
  for (
    const changed of [
      { ...command, event: "download:ack" },
      { ...command, data: { reason: "other" } },
      { ...command, timestamp: 1001 },
      { ...command, requestId: "dl-2" },
      { ...command, auth: { token: "tok", timestamp: 1001 } },
      { ...command, auth: { token: "tak", timestamp: 1000 } },
    ]
  ) {
    assert.equal(await signer.verify(changed, signature), false, JSON.stringify(changed));
  }
  assert.equal(await signer.verify(command, signature.toUpperCase()), false);
  const other = await CommandSigner.create(new Uint8Array(32));
  assert.equal(await other.verify(command, signature), false);
  assert.equal(
    canonicalJson({ b: 1, a: [{ y: null, x: "\u2028" }] }),
    '{"a":[{"x":"\u2028","y":null}],"b":1}',
  );
});
