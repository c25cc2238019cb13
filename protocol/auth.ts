/**
 * Sign-in: the canonical texts that a client's identity and the server's
 * identity sign, and the checks of those signatures (docs/PROTOCOL.md §15).
 *
 * The client signs a human-readable *challenge text* that names everything
 * the signature must not be usable without: the server's origin, the
 * identity, the single-use nonce, both ephemeral session keys and the
 * expiry. The server signs a *server proof* over the same facts with its
 * long-term identity key, so that a client that knows that key can tell
 * the real server from a man in the middle.
 *
 * Two identity kinds:
 * - `secp256k1`: ECDSA over SHA-256 of the UTF-8 text, a compact 64-byte
 *   signature `r || s` (either half of `s` is accepted: a signature made by
 *   OpenSSL need not be normalised).
 * - `ethereum`: EIP-191 `personal_sign` of the text, a 65-byte signature
 *   `r || s || v`; the address is recovered from it and compared. Its text
 *   is a Sign-In with Ethereum message (wallet_texts.ts), which binds the
 *   same facts.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { keccak_256 } from "npm:@noble/hashes@2.4.0/sha3.js";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import type { Identity, SignedInIdentity } from "./messages.ts";
import { walletSignInText } from "./wallet_texts.ts";
import { COMPACT_SIGNATURE, COMPRESSED_KEY, RECOVERABLE_SIGNATURE } from "./hex_patterns.ts";

// noble's synchronous sign() needs these; verification and recovery here pass
// `prehash: false` with our own digests, so nothing else depends on them.
secp.hashes.sha256 ??= sha256;
secp.hashes.hmacSha256 ??= (key, message) => hmac(sha256, key, message);

const encoder = new TextEncoder();

/** The facts a sign-in binds together; both signed texts are made from them. */
export interface SignInFacts {
  /** The server's origin as the client dialled it, e.g. `wss://export.example.com`. */
  readonly origin: string;
  /** Who signs in. */
  readonly identity: Identity;
  /** The server's single-use nonce, 64 lowercase hex characters. */
  readonly nonce: string;
  /** The client's ephemeral session public key, compressed, 66 lowercase hex. */
  readonly clientSessionKey: string;
  /** The server's ephemeral session public key, compressed, 66 lowercase hex. */
  readonly serverSessionKey: string;
  /** When the server issued the challenge, epoch milliseconds (a SIWE message's Issued At). */
  readonly issuedAt: number;
  /** When the nonce stops being accepted, epoch milliseconds. */
  readonly expiresAt: number;
  /** Whether the session will be sealed (so that nobody in between can turn it off). */
  readonly encryption: boolean;
  /** The EIP-155 chain id a SIWE message names (docs/PROTOCOL.md §15.7). */
  readonly chainId: number;
}

/**
 * The account an identity names, as it appears in the signed texts: the
 * compressed public key in hex, or the Ethereum address in lowercase; for
 * a token, `token` before it is verified (the challenge text's) and
 * `token:` and its subject after (what limits count by).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { identityLabel } from "./auth.ts";
 * equal(
 *   identityLabel({ kind: "ethereum", address: "0xAbC0000000000000000000000000000000000001" }),
 *   "0xabc0000000000000000000000000000000000001",
 * );
 * ```
 */
export function identityLabel(identity: Identity | SignedInIdentity): string {
  switch (identity.kind) {
    case "secp256k1":
      return identity.publicKey;
    case "ethereum":
      return identity.address.toLowerCase();
    case "token":
      return "subject" in identity ? `token:${identity.subject}` : "token";
  }
}

function factLines(facts: SignInFacts): string {
  return [
    `Origin: ${facts.origin}`,
    `Identity: ${identityLabel(facts.identity)}`,
    `Nonce: ${facts.nonce}`,
    `Client session key: ${facts.clientSessionKey}`,
    `Server session key: ${facts.serverSessionKey}`,
    `Expires: ${new Date(facts.expiresAt).toISOString()}`,
    `Encryption: ${facts.encryption ? "on" : "off"}`,
  ].join("\n");
}

/**
 * The text a client's identity signs to sign in: for an `ethereum`
 * identity the Sign-In with Ethereum message of {@linkcode walletSignInText}
 * (whoever signs it, the wallet or its delegate key), for a `secp256k1`
 * identity sluice's own text. Either is meant to be read by a person in a
 * signing prompt, and is the exact byte sequence (UTF-8, `\n` line ends, no
 * trailing newline) that is signed.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { challengeText } from "./auth.ts";
 * const text = challengeText({
 *   origin: "ws://127.0.0.1:8080",
 *   identity: { kind: "secp256k1", publicKey: "02" + "33".repeat(32) },
 *   nonce: "00".repeat(32),
 *   clientSessionKey: "02" + "11".repeat(32),
 *   serverSessionKey: "03" + "22".repeat(32),
 *   issuedAt: 0,
 *   expiresAt: 0,
 *   encryption: true,
 *   chainId: 1,
 * });
 * equal(text.split("\n")[0], "sluice sign-in v1");
 * ```
 */
export function challengeText(facts: SignInFacts): string {
  if (facts.identity.kind === "ethereum") return walletSignInText(facts);
  return `sluice sign-in v1\n${factLines(facts)}`;
}

/**
 * The text the server's long-term identity key signs in `auth:challenge`,
 * ECDSA over its SHA-256 like a `secp256k1` identity's sign-in.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { serverProofText } from "./auth.ts";
 * const text = serverProofText({
 *   origin: "ws://127.0.0.1:8080",
 *   identity: { kind: "ethereum", address: "0x0000000000000000000000000000000000000001" },
 *   nonce: "00".repeat(32),
 *   clientSessionKey: "02" + "11".repeat(32),
 *   serverSessionKey: "03" + "22".repeat(32),
 *   issuedAt: 0,
 *   expiresAt: 0,
 *   encryption: true,
 *   chainId: 1,
 * });
 * ok(text.startsWith("sluice server v1\n"));
 * ```
 */
export function serverProofText(facts: SignInFacts): string {
  return `sluice server v1\n${factLines(facts)}`;
}

/**
 * The digest EIP-191 `personal_sign` signs: Keccak-256 of
 * `"\x19Ethereum Signed Message:\n" + byteLength + text`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { personalMessageHash } from "./auth.ts";
 * equal(personalMessageHash("hello").length, 32);
 * ```
 */
export function personalMessageHash(text: string): Uint8Array {
  const body = encoder.encode(text);
  const prefix = encoder.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return keccak_256(message);
}

/**
 * The Ethereum address of a secp256k1 public key (compressed or not), in
 * lowercase: the last 20 bytes of Keccak-256 of the uncompressed point.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ethereumAddress } from "./auth.ts";
 * import * as secp from "npm:@noble/secp256k1@3.2.0";
 * const one = new Uint8Array(32);
 * one[31] = 1;
 * equal(ethereumAddress(secp.getPublicKey(one)), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
 * ```
 */
export function ethereumAddress(publicKey: Uint8Array): string {
  const point = secp.Point.fromBytes(publicKey).toBytes(false);
  return `0x${bytesToHex(keccak_256(point.subarray(1)).subarray(12))}`;
}

/**
 * Signs a text as a `secp256k1` identity (or the server's identity key)
 * does: ECDSA over SHA-256 of the UTF-8 bytes, RFC 6979 nonces, low `s`,
 * 128 hex characters.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { signText, verifyText } from "./auth.ts";
 * import * as secp from "npm:@noble/secp256k1@3.2.0";
 * import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
 * const key = secp.utils.randomSecretKey();
 * const sig = signText(key, "hello");
 * equal(sig.length, 128);
 * ok(verifyText(bytesToHex(secp.getPublicKey(key)), "hello", sig));
 * ```
 */
export function signText(secretKey: Uint8Array, text: string): string {
  const digest = sha256(encoder.encode(text));
  return bytesToHex(secp.sign(digest, secretKey, { prehash: false }));
}

/**
 * Checks a 64-byte compact signature (hex) over SHA-256 of `text` against a
 * compressed public key (hex). Total: malformed input gives `false`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { verifyText } from "./auth.ts";
 * equal(verifyText("02" + "00".repeat(32), "hello", "00".repeat(64)), false);
 * ```
 */
export function verifyText(publicKeyHex: string, text: string, signatureHex: string): boolean {
  if (!COMPRESSED_KEY.test(publicKeyHex) || !COMPACT_SIGNATURE.test(signatureHex)) {
    return false;
  }
  try {
    const digest = sha256(encoder.encode(text));
    return secp.verify(hexToBytes(signatureHex), digest, hexToBytes(publicKeyHex), {
      prehash: false,
      // Both halves of s: the signer's tool decides, and a nonce is single-use anyway.
      lowS: false,
    });
  } catch (_notAPointOrScalar) {
    return false;
  }
}

/**
 * The address that made an EIP-191 `personal_sign` signature over `text`,
 * or `undefined` when the signature is malformed or recovers no key.
 * `v` may be 27/28 (wallets) or 0/1.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { recoverPersonalSigner } from "./auth.ts";
 * equal(recoverPersonalSigner("hello", "00".repeat(65)), undefined);
 * ```
 */
export function recoverPersonalSigner(text: string, signatureHex: string): string | undefined {
  if (!RECOVERABLE_SIGNATURE.test(signatureHex)) return undefined;
  const bytes = hexToBytes(signatureHex);
  const v = bytes[64];
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return undefined;
  const recovered = new Uint8Array(65);
  recovered[0] = recovery;
  recovered.set(bytes.subarray(0, 64), 1);
  try {
    const publicKey = secp.recoverPublicKey(recovered, personalMessageHash(text), {
      prehash: false,
    });
    return ethereumAddress(publicKey);
  } catch (_noKey) {
    return undefined;
  }
}

/**
 * Whether `signatureHex` is `identity`'s signature over `text`: a compact
 * ECDSA signature for a `secp256k1` identity, an EIP-191 signature whose
 * recovered address equals the identity's for an `ethereum` one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { verifyIdentitySignature } from "./auth.ts";
 * const ethereum = { kind: "ethereum", address: "0x" + "00".repeat(19) + "01" } as const;
 * equal(verifyIdentitySignature(ethereum, "hello", "00".repeat(65)), false);
 * ```
 */
export function verifyIdentitySignature(
  identity: Identity,
  text: string,
  signatureHex: string,
): boolean {
  if (identity.kind === "secp256k1") return verifyText(identity.publicKey, text, signatureHex);
  // A token signs nothing: it is sealed to the challenge instead (PROTOCOL.md §15.8).
  if (identity.kind === "token") return false;
  return recoverPersonalSigner(text, signatureHex) === identity.address.toLowerCase();
}

/**
 * Signs a text as an Ethereum account's `personal_sign` does (EIP-191,
 * `v` = 27 or 28), for clients that hold the account's key themselves.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ethereumAddress, recoverPersonalSigner, signPersonalMessage } from "./auth.ts";
 * import * as secp from "npm:@noble/secp256k1@3.2.0";
 * const key = secp.utils.randomSecretKey();
 * const sig = signPersonalMessage(key, "hello");
 * equal(recoverPersonalSigner("hello", sig), ethereumAddress(secp.getPublicKey(key)));
 * ```
 */
export function signPersonalMessage(secretKey: Uint8Array, text: string): string {
  const recovered = secp.sign(personalMessageHash(text), secretKey, {
    prehash: false,
    format: "recovered",
  });
  const out = new Uint8Array(65);
  out.set(recovered.subarray(1), 0);
  out[64] = recovered[0] + 27;
  return bytesToHex(out);
}
