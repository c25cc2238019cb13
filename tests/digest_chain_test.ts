import { deepEqual, equal, notEqual, throws } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import {
  chainDigest as chainDigestWith,
  chainInput,
  chainValue,
  DIGEST_BYTES,
  INITIAL_DIGEST,
  nobleSha256,
  type Sha256,
} from "../protocol/digest_chain.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The chain with the script hash, which most of these tests prove. */
const chainDigest = (previous: string, payload: Uint8Array) =>
  chainDigestWith(previous, payload, nobleSha256);

/** node:crypto's native SHA-256 as the port, as a server passes it. */
const nodeSha256: Sha256 = (...parts) =>
  parts.reduce((hash, part) => hash.update(part), createHash("sha256")).digest();

/** The chain computed with node:crypto, independently of the module under test. */
function reference(payloads: Uint8Array[]): string {
  let digest: Uint8Array = new Uint8Array(32);
  for (const payload of payloads) {
    digest = createHash("sha256").update(digest).update(payload).digest();
  }
  return Buffer.from(digest).toString("hex");
}

Deno.test("the chain starts from 32 zero bytes", () => {
  equal(DIGEST_BYTES, 32);
  equal(INITIAL_DIGEST, "00".repeat(32));
});

Deno.test("the chain of PROTOCOL.md §14's frames matches values computed with Python's hashlib", () => {
  // python3: a = sha256(b"\0" * 32 + b"id,price\n1,10.5\n2,11\n"); b = sha256(a.digest())
  const a = chainDigest(INITIAL_DIGEST, utf8("id,price\n1,10.5\n2,11\n"));
  equal(a, "6e6f9aaf696ef5277832b244c2341309f9b9b1d10737375fb62ede990be7b212");
  equal(
    chainDigest(a, new Uint8Array(0)),
    "0f5719a06da45ad11d6d4977d1f432d7155cc16557aa23f0aaf7d1c538fbeb98",
  );
});

Deno.test("the chain agrees with node:crypto over many frames of every size", () => {
  const payloads = Array.from(
    { length: 40 },
    (_, i) => Uint8Array.from({ length: i * 97 }, (_, j) => (i * 31 + j) % 256),
  );
  let digest = INITIAL_DIGEST;
  for (const payload of payloads) digest = chainDigest(digest, payload);
  equal(digest, reference(payloads));
});

Deno.test("the chain commits to where frames are cut, not only to the bytes", () => {
  // Why frames must fall on the same rows in every run (PROTOCOL.md §8): the same bytes cut
  // elsewhere give another final digest.
  const whole = chainDigest(INITIAL_DIGEST, utf8("a\nb\n"));
  const split = chainDigest(chainDigest(INITIAL_DIGEST, utf8("a\n")), utf8("b\n"));
  notEqual(whole, split);
  equal(split, reference([utf8("a\n"), utf8("b\n")]));
});

Deno.test("a previous value that is not 64 lowercase hex characters is a programmer error", () => {
  for (const bad of ["", "00", INITIAL_DIGEST.toUpperCase().replace(/0/g, "A"), "0".repeat(65)]) {
    throws(() => chainDigest(bad, new Uint8Array(0)), RangeError, bad);
  }
});

Deno.test("the chain with node:crypto's hash as the port gives the script hash's values", () => {
  let script = INITIAL_DIGEST;
  let native = INITIAL_DIGEST;
  for (const size of [0, 1, 55, 56, 64, 1000, 262_144]) {
    const payload = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
    script = chainDigest(script, payload);
    native = chainDigestWith(native, payload, nodeSha256);
    equal(native, script, `${size} bytes`);
  }
});

Deno.test("chainInput is the previous value's bytes then the payload, checked the same way", () => {
  const previous = chainDigest(INITIAL_DIGEST, utf8("a\n"));
  const input = chainInput(previous, utf8("b\n"));
  deepEqual([...input], [...Buffer.from(previous, "hex"), ...utf8("b\n")]);
  equal(chainValue(nobleSha256(input)), chainDigest(previous, utf8("b\n")));
  throws(() => chainInput("xyz", new Uint8Array(0)), RangeError);
});

Deno.test("a hash port that does not give 32 bytes is a programmer error", () => {
  throws(
    () => chainDigestWith(INITIAL_DIGEST, new Uint8Array(0), () => new Uint8Array(31)),
    RangeError,
  );
  throws(() => chainValue(new Uint8Array(33)), RangeError);
});
