// Generated from protocol/token_seal.ts by `deno task bundle`; do not edit.
/**
 * The fixed points of a token's seal (docs/PROTOCOL.md §15.8): a bearer
 * token travels in `auth:authenticate` only as AES-256-GCM ciphertext
 * under a key of this connection's ECDH secret, with the challenge text as
 * additional data, so that it is never in clear on the wire and a sealed
 * token taken from one connection opens on no other. The sealing itself is
 * Web Crypto's (transport/token_sealing.ts); these are the numbers and
 * names both sides agree on.
 *
 * This module is browser compatible.
 *
 * @module
 */
/** The HKDF `info` (UTF-8) of the token key, beside the three of session_crypto.ts. */
export declare const TOKEN_SEAL_INFO = "sluice v1 token";
/**
 * The AES-GCM IV of the one seal a token key makes: 12 zero bytes. The key
 * is new on every connection (its ECDH secret and nonce are) and seals one
 * token, so an IV never repeats under a key.
 */
export declare const TOKEN_SEAL_IV: Uint8Array;
/** The longest token, in UTF-8 bytes: its seal must fit the parser's 4,096-character strings. */
export declare const MAX_TOKEN_BYTES = 3000;
/** The longest `sealedToken`: `MAX_TOKEN_BYTES` and a 16-byte tag, base64url without padding. */
export declare const MAX_SEALED_TOKEN_LENGTH: number;
/** The form of `sealedToken`: base64url (RFC 4648 §5) without padding. */
export declare const SEALED_TOKEN: RegExp;
