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
 * This module is browser compatible.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";

/** Bytes of a chain value (a SHA-256 digest). */
export const DIGEST_BYTES: number = 32;

/** The chain value before a download's first frame: 32 zero bytes, as lowercase hex. */
export const INITIAL_DIGEST: string = "0".repeat(2 * DIGEST_BYTES);

const DIGEST_HEX = /^[0-9a-f]{64}$/;

/**
 * The chain value after `payload`: `SHA-256(previous || payload)`, where
 * `previous` is the chain value before it ({@linkcode INITIAL_DIGEST} for
 * the first frame). Hex in, hex out, as the resume point and
 * `download:complete` carry it.
 *
 * @throws {RangeError} if `previous` is not 64 lowercase hex characters (a
 * programmer error: parsed messages are checked already).
 *
 * @example The chain of the two frames of docs/PROTOCOL.md §14
 * ```ts
 * import { chainDigest, INITIAL_DIGEST } from "./digest_chain.ts";
 * const first = chainDigest(INITIAL_DIGEST, new TextEncoder().encode("id,price\n1,10.5\n2,11\n"));
 * const last = chainDigest(first, new Uint8Array(0)); // the FINAL frame's, and complete's
 * last.length; // 64
 * ```
 */
export function chainDigest(previous: string, payload: Uint8Array): string {
  if (!DIGEST_HEX.test(previous)) {
    throw new RangeError(`a chain value is 64 lowercase hex characters, got "${previous}"`);
  }
  return bytesToHex(sha256.create().update(hexToBytes(previous)).update(payload).digest());
}

/**
 * {@linkcode chainDigest} with Web Crypto's SHA-256: the same value,
 * computed natively (several times faster than the script implementation
 * on large payloads), asynchronously.
 *
 * @example
 * ```ts
 * import { chainDigest, chainDigestAsync, INITIAL_DIGEST } from "./digest_chain.ts";
 * const payload = new TextEncoder().encode("id,price\n1,10.5\n");
 * (await chainDigestAsync(INITIAL_DIGEST, payload)) === chainDigest(INITIAL_DIGEST, payload); // true
 * ```
 */
export async function chainDigestAsync(previous: string, payload: Uint8Array): Promise<string> {
  if (!DIGEST_HEX.test(previous)) {
    throw new RangeError(`a chain value is 64 lowercase hex characters, got "${previous}"`);
  }
  const input = new Uint8Array(DIGEST_BYTES + payload.length);
  input.set(hexToBytes(previous));
  input.set(payload, DIGEST_BYTES);
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", input)));
}
