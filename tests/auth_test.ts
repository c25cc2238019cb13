import assert from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
import { opensslKey, opensslSign } from "./_openssl.ts";
import { generateSecretKey, publicKeyOf } from "../client/mod.ts";
import {
  challengeText,
  ethereumAddress,
  identityLabel,
  recoverPersonalSigner,
  serverProofText,
  type SignInFacts,
  signPersonalMessage,
  signText,
  verifyIdentitySignature,
  verifyText,
} from "../protocol/auth.ts";

const KEY_ONE = new Uint8Array(32).fill(0, 0, 31);
KEY_ONE[31] = 1;
const KEY_ONE_HEX = bytesToHex(KEY_ONE);

const FACTS: SignInFacts = {
  origin: "ws://127.0.0.1:8080",
  identity: { kind: "ethereum", address: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf" },
  nonce: "ab".repeat(32),
  clientSessionKey: "02" + "11".repeat(32),
  serverSessionKey: "03" + "22".repeat(32),
  issuedAt: Date.UTC(2024, 2, 20, 8, 30, 0, 0),
  expiresAt: Date.UTC(2024, 2, 20, 8, 31, 0, 0),
  encryption: true,
  chainId: 1,
};

Deno.test("a key's challenge text names every fact, one per line", () => {
  const publicKey = bytesToHex(secp.getPublicKey(KEY_ONE));
  const keyFacts = { ...FACTS, identity: { kind: "secp256k1" as const, publicKey } };
  assert.equal(
    challengeText(keyFacts),
    [
      "sluice sign-in v1",
      "Origin: ws://127.0.0.1:8080",
      `Identity: ${publicKey}`,
      `Nonce: ${"ab".repeat(32)}`,
      `Client session key: 02${"11".repeat(32)}`,
      `Server session key: 03${"22".repeat(32)}`,
      "Expires: 2024-03-20T08:31:00.000Z",
      "Encryption: on",
    ].join("\n"),
  );
  assert.ok(serverProofText(FACTS).startsWith("sluice server v1\nOrigin: ws://127.0.0.1:8080\n"));
  assert.notEqual(serverProofText(FACTS).slice(16), "");
  // An Ethereum account's is a Sign-In with Ethereum message instead (siwe_message_test.ts).
  assert.match(challengeText(FACTS), /^127\.0\.0\.1:8080 wants you to sign in with your Ethereum/);
});

Deno.test("an EIP-191 signature made by viem is recovered to its address", async () => {
  const account = privateKeyToAccount(`0x${KEY_ONE_HEX}`);
  const text = challengeText(FACTS);
  const signature = (await account.signMessage({ message: text })).slice(2);
  assert.equal(recoverPersonalSigner(text, signature), account.address.toLowerCase());
  assert.ok(verifyIdentitySignature(FACTS.identity, text, signature));
  // Our own signer makes the same deterministic (RFC 6979) signature.
  assert.equal(signPersonalMessage(KEY_ONE, text), signature);
  assert.equal(ethereumAddress(secp.getPublicKey(KEY_ONE)), account.address.toLowerCase());
});

Deno.test("an EIP-191 signature made for other facts of a sign-in is refused", async () => {
  const account = privateKeyToAccount(`0x${KEY_ONE_HEX}`);
  const text = challengeText(FACTS);
  const signature = (await account.signMessage({ message: text })).slice(2);
  // Every fact the text binds: a signature made for any other is worthless here.
  const others: Partial<SignInFacts>[] = [
    { origin: "ws://evil.example" },
    { origin: "wss://127.0.0.1:8080" },
    { nonce: "cd".repeat(32) },
    { clientSessionKey: "02" + "33".repeat(32) },
    { serverSessionKey: "03" + "33".repeat(32) },
    { encryption: false },
    { issuedAt: FACTS.issuedAt + 1 },
    { expiresAt: FACTS.expiresAt + 1 },
    { chainId: 10 },
  ];
  for (const other of others) {
    assert.equal(
      verifyIdentitySignature(FACTS.identity, challengeText({ ...FACTS, ...other }), signature),
      false,
    );
  }
  const someoneElse = { kind: "ethereum" as const, address: `0x${"12".repeat(20)}` };
  assert.equal(verifyIdentitySignature(someoneElse, text, signature), false);
  // v of 0/1 is accepted like 27/28; anything else and malformed hex are not.
  const v = parseInt(signature.slice(128), 16) - 27;
  assert.ok(verifyIdentitySignature(FACTS.identity, text, signature.slice(0, 128) + `0${v}`));
  assert.equal(recoverPersonalSigner(text, signature.slice(0, 128) + "1d"), undefined);
  assert.equal(recoverPersonalSigner(text, signature.slice(2)), undefined);
  assert.equal(recoverPersonalSigner(text, "zz" + signature.slice(2)), undefined);
});

Deno.test("a secp256k1 signature made by openssl is accepted, high or low s", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { pem, publicKey } = await opensslKey(dir);
    const identity = { kind: "secp256k1" as const, publicKey };
    const text = challengeText({ ...FACTS, identity });
    const signature = await opensslSign(pem, text);
    assert.ok(verifyIdentitySignature(identity, text, signature));
    assert.equal(verifyIdentitySignature(identity, `${text} `, signature), false);
    // OpenSSL does not normalise s: the same signature with the other s must pass too.
    const s = BigInt(`0x${signature.slice(64)}`);
    const otherS = (secp.Point.CURVE().n - s).toString(16).padStart(64, "0");
    assert.ok(verifyIdentitySignature(identity, text, signature.slice(0, 64) + otherS));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a high-s signature as OpenSSL makes it signs in, and signText() makes only low s", async () => {
  // PROTOCOL.md §15.1: signers normalise to low s, verifiers take either half.
  const n = secp.Point.CURVE().n;
  const dir = await Deno.makeTempDir();
  try {
    const { pem, secretKey, publicKey } = await opensslKey(dir);
    const identity = { kind: "secp256k1" as const, publicKey };
    // OpenSSL's nonces are random, so about every other signature has a high s.
    let high: { text: string; signature: string } | undefined;
    for (let i = 0; i < 64 && high === undefined; i++) {
      const text = `${challengeText({ ...FACTS, identity })} ${i}`;
      const signature = await opensslSign(pem, text);
      if (BigInt(`0x${signature.slice(64)}`) > n / 2n) high = { text, signature };
    }
    assert.ok(high, "64 OpenSSL signatures without a high s");
    assert.ok(verifyIdentitySignature(identity, high.text, high.signature));
    for (let i = 0; i < 16; i++) {
      const ours = signText(secretKey, `${high.text} ${i}`);
      assert.ok(BigInt(`0x${ours.slice(64)}`) <= n / 2n);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("signText() makes the RFC 6979 signature and verifyText() is total", () => {
  const publicKey = bytesToHex(secp.getPublicKey(KEY_ONE));
  const signature = signText(KEY_ONE, "sluice");
  assert.equal(signature, signText(KEY_ONE, "sluice"));
  assert.ok(verifyText(publicKey, "sluice", signature));
  assert.equal(verifyText(publicKey, "sluice!", signature), false);
  for (
    const [key, sig] of [
      ["04" + "00".repeat(32), signature],
      ["02" + "ff".repeat(32), signature], // not on the curve
      [publicKey, "00".repeat(64)],
      [publicKey, "ff".repeat(64)],
      [publicKey, signature.toUpperCase()],
      [publicKey, signature + "00"],
    ]
  ) {
    assert.equal(verifyText(key, "sluice", sig), false, `${key} ${sig}`);
  }
  assert.equal(
    identityLabel({ kind: "secp256k1", publicKey }),
    publicKey,
  );
});

Deno.test("publicKeyOf() is the compressed key openssl derives; generateSecretKey() makes new keys", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-keys-" });
  try {
    const made = await opensslKey(dir);
    assert.equal(publicKeyOf(made.secretKey), made.publicKey);
    assert.equal(publicKeyOf(bytesToHex(made.secretKey)), made.publicKey);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const [a, b] = [generateSecretKey(), generateSecretKey()];
  assert.equal(a.length, 32);
  assert.notDeepStrictEqual(a, b);
  assert.match(publicKeyOf(a), /^0[23][0-9a-f]{64}$/);
  // Zero is not a secp256k1 secret key.
  assert.throws(() => publicKeyOf(new Uint8Array(32)), TypeError);
});
