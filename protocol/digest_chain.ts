/**
 * The digest chain that lets a client verify a whole download, however
 * often it was resumed, against a server that keeps no state about it
 * (docs/PROTOCOL.md §7.1). Each data frame carries the chain value after its
 * payload:
 *
 * ```text
 * digest₋₁ = 32 zero bytes
 * digestₙ  = SHA-256(digestₙ₋₁ || payloadₙ)
 * ```
 *
 * so the FINAL frame's digest, repeated by `download:complete`, commits to
 * every payload byte from byte 0 in order, and a resumed download continues
 * the chain from the digest in its resume point. Each side hashes each
 * payload byte once.
 *
 * This is the chain's one definition. The hash comes in through a
 * synchronous {@linkcode Sha256} port, so each side brings its fastest
 * one (a server its runtime's native hash, a script the
 * {@linkcode nobleSha256} implementation); a caller whose fast hash is
 * asynchronous (Web Crypto) hashes {@linkcode chainInput} itself and reads
 * the value with {@linkcode chainValue}, as `transport/chain_digest_async.ts`
 * does.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { bytesToHex, concatBytes, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { HEX_32_BYTES } from "./hex_patterns.ts";

/** Bytes of a chain value (a SHA-256 digest). */
export const DIGEST_BYTES: number = 32;

/** The chain value before a download's first frame: 32 zero bytes, as lowercase hex. */
export const INITIAL_DIGEST: string = "0".repeat(2 * DIGEST_BYTES);

/**
 * A synchronous SHA-256: the 32-byte digest of `parts` concatenated in
 * order. Taking parts lets an incremental hash skip the copy a single
 * input would need. A server may pass `node:crypto`'s, e.g.
 * `(...parts) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest()`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { nobleSha256, type Sha256 } from "./digest_chain.ts";
 * const hash: Sha256 = nobleSha256;
 * equal(hash(new Uint8Array(1), new Uint8Array(2)).length, 32);
 * ```
 */
export type Sha256 = (...parts: Uint8Array[]) => Uint8Array;

/**
 * {@linkcode Sha256} by `@noble/hashes`: plain script, so it runs anywhere,
 * at a fraction of a native hash's speed on large payloads.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
 * import { nobleSha256 } from "./digest_chain.ts";
 * equal(
 *   bytesToHex(nobleSha256(new TextEncoder().encode("a"), new TextEncoder().encode("bc"))),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", // SHA-256("abc")
 * );
 * ```
 */
export function nobleSha256(...parts: Uint8Array[]): Uint8Array {
  const hash = sha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** What the chain hashes after `previous`: its bytes, then the payload. */
function chainParts(previous: string, payload: Uint8Array): [Uint8Array, Uint8Array] {
  if (!HEX_32_BYTES.test(previous)) {
    throw new RangeError(`a chain value is 64 lowercase hex characters, got "${previous}"`);
  }
  return [hexToBytes(previous), payload];
}

/**
 * The bytes whose SHA-256 is the chain value after `payload`, as one
 * buffer (`previous || payload`), for a hash that takes a single input.
 *
 * @throws {RangeError} if `previous` is not 64 lowercase hex characters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { chainInput, INITIAL_DIGEST } from "./digest_chain.ts";
 * const input = chainInput(INITIAL_DIGEST, new Uint8Array([7]));
 * equal(input.length, 33);
 * equal(input[32], 7);
 * ```
 */
export function chainInput(previous: string, payload: Uint8Array): Uint8Array {
  return concatBytes(...chainParts(previous, payload));
}

/**
 * A SHA-256 digest as a chain value: lowercase hex, as the resume point and
 * `download:complete` carry it.
 *
 * @throws {RangeError} if `digest` is not 32 bytes (a broken hash port).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { chainValue, INITIAL_DIGEST } from "./digest_chain.ts";
 * equal(chainValue(new Uint8Array(32)), INITIAL_DIGEST);
 * ```
 */
export function chainValue(digest: Uint8Array): string {
  if (digest.length !== DIGEST_BYTES) {
    throw new RangeError(`a SHA-256 digest is ${DIGEST_BYTES} bytes, got ${digest.length}`);
  }
  return bytesToHex(digest);
}

/**
 * The chain value after `payload`: `SHA-256(previous || payload)`, where
 * `previous` is the chain value before it ({@linkcode INITIAL_DIGEST} for
 * the first frame), with the hash `sha256`. Hex in, hex out, as the resume
 * point and `download:complete` carry it.
 *
 * @throws {RangeError} if `previous` is not 64 lowercase hex characters (a
 * programmer error: parsed messages are checked already).
 *
 * @example The chain of the two frames of docs/PROTOCOL.md §14
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "./digest_chain.ts";
 * const payload = new TextEncoder().encode("id,price\n1,10.5\n2,11\n");
 * const first = chainDigest(INITIAL_DIGEST, payload, nobleSha256);
 * const last = chainDigest(first, new Uint8Array(0), nobleSha256); // the FINAL frame's
 * equal(last, "0f5719a06da45ad11d6d4977d1f432d7155cc16557aa23f0aaf7d1c538fbeb98");
 * ```
 */
export function chainDigest(previous: string, payload: Uint8Array, sha256: Sha256): string {
  return chainValue(sha256(...chainParts(previous, payload)));
}
