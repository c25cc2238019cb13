// Generated from transport/session_secrets.ts by `deno task bundle`; do not edit.
/**
 * The session's secrets from its ECDH shared secret (docs/PROTOCOL.md
 * §15.2), with Web Crypto's HKDF-SHA256. The parameters are the
 * protocol's: the sign-in nonce as salt and the `info` strings of
 * `HKDF_INFO` in `protocol/session_crypto.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type SessionSecrets } from "../protocol/session_crypto.d.ts";
/**
 * Expands an ECDH shared secret into the session's secrets with
 * HKDF-SHA256, salted with the sign-in nonce (64 hex characters).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deriveSessionSecrets } from "./session_secrets.ts";
 * const s = await deriveSessionSecrets(new Uint8Array(32), "00".repeat(32));
 * equal(s.clientToServer.length, 32);
 * ```
 */
export declare function deriveSessionSecrets(shared: Uint8Array, nonceHex: string): Promise<SessionSecrets>;
