/**
 * Sealing a bearer token to one connection (docs/PROTOCOL.md §15.8), with
 * Web Crypto: the key is HKDF-SHA256 of the connection's ECDH secret,
 * salted with the nonce, `info` `sluice v1 token`; the token's UTF-8 bytes
 * are AES-256-GCM encrypted under it with the IV of token_seal.ts and the
 * challenge text's UTF-8 bytes as additional data; `sealedToken` is the
 * ciphertext and its 16-byte tag, base64url without padding.
 *
 * The challenge text names the origin, the nonce, both session keys, the
 * expiry and the encryption choice, so a seal opens only on the connection
 * it was made for, and only if both sides agree on all of them.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { base64urlnopad } from "npm:@scure/base@1.2.6";
import { MAX_TOKEN_BYTES, TOKEN_SEAL_INFO, TOKEN_SEAL_IV } from "../protocol/token_seal.ts";

const encoder = new TextEncoder();

async function tokenKey(shared: Uint8Array, nonceHex: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", shared as BufferSource, "HKDF", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: hexToBytes(nonceHex) as BufferSource,
      info: encoder.encode(TOKEN_SEAL_INFO),
    },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

function gcm(challenge: string): AesGcmParams {
  return {
    name: "AES-GCM",
    iv: TOKEN_SEAL_IV as BufferSource,
    additionalData: encoder.encode(challenge),
  };
}

/**
 * Seals `token` for the connection whose ECDH secret is `shared` (the
 * x-coordinate, 32 bytes) and whose challenge text is `challenge`.
 *
 * @throws {RangeError} if the token is empty or over `MAX_TOKEN_BYTES` bytes.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openToken, sealToken } from "./token_sealing.ts";
 * const shared = new Uint8Array(32).fill(7);
 * const sealed = await sealToken(shared, "5a".repeat(32), "challenge", "my.jwt.token");
 * equal(await openToken(shared, "5a".repeat(32), "challenge", sealed), "my.jwt.token");
 * equal(await openToken(shared, "5a".repeat(32), "another challenge", sealed), undefined);
 * ```
 */
export async function sealToken(
  shared: Uint8Array,
  nonceHex: string,
  challenge: string,
  token: string,
): Promise<string> {
  const bytes = encoder.encode(token);
  if (bytes.length === 0 || bytes.length > MAX_TOKEN_BYTES) {
    throw new RangeError(`a token is 1 to ${MAX_TOKEN_BYTES} bytes of UTF-8`);
  }
  const key = await tokenKey(shared, nonceHex);
  const sealed = await crypto.subtle.encrypt(gcm(challenge), key, bytes as BufferSource);
  return base64urlnopad.encode(new Uint8Array(sealed));
}

/**
 * Opens a sealed token, or gives `undefined` when it does not open with
 * these keys and this challenge (another connection's, changed on the way,
 * not base64url, not UTF-8). Total: never throws for bad input.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openToken } from "./token_sealing.ts";
 * equal(await openToken(new Uint8Array(32), "00".repeat(32), "c", "AAAA"), undefined);
 * ```
 */
export async function openToken(
  shared: Uint8Array,
  nonceHex: string,
  challenge: string,
  sealedToken: string,
): Promise<string | undefined> {
  let sealed: Uint8Array;
  try {
    sealed = base64urlnopad.decode(sealedToken);
  } catch (_notBase64url) {
    return undefined;
  }
  const key = await tokenKey(shared, nonceHex);
  let opened: ArrayBuffer;
  try {
    opened = await crypto.subtle.decrypt(gcm(challenge), key, sealed as BufferSource);
  } catch (_tagMismatch) {
    return undefined;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(opened);
  } catch (_notUtf8) {
    return undefined;
  }
}
