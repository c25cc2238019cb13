// Generated from transport/token_sealing.ts by `deno task bundle`; do not edit.
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
export declare function sealToken(shared: Uint8Array, nonceHex: string, challenge: string, token: string): Promise<string>;
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
export declare function openToken(shared: Uint8Array, nonceHex: string, challenge: string, sealedToken: string): Promise<string | undefined>;
