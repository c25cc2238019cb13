// Generated from protocol/session_crypto.ts by `deno task bundle`; do not edit.
/**
 * The rules of session cryptography (docs/PROTOCOL.md §15.2, §15.3,
 * §16): the keys a signed-in connection agrees on and the bytes a command
 * signature covers. The AES-GCM, HKDF and HMAC work itself is Web
 * Crypto's, in `transport/` (`session_secrets.ts`, `frame_sealing.ts`,
 * `command_signer.ts`); the counter rules of sealed frames are
 * `sealed_counter.ts`.
 *
 * 1. Both sides make an ephemeral secp256k1 key for the connection and
 *    exchange the public halves in `auth:nonce` / `auth:challenge`. The
 *    shared secret is the x-coordinate of their ECDH point (32 bytes,
 *    {@linkcode sharedSecret}).
 * 2. HKDF-SHA256 with the nonce (32 bytes) as salt expands it into three
 *    32-byte secrets ({@linkcode SessionSecrets}), told apart by their
 *    `info` strings ({@linkcode HKDF_INFO}): one AES key per direction, and
 *    the HMAC key of command signatures.
 * 3. Each command is signed with HMAC-SHA256 over
 *    {@linkcode commandSigningInput}: its canonical JSON
 *    (`canonical_json.ts`) without the signature.
 *
 * Randomness (the ephemeral keys, the nonce) comes in from the caller.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { MessageAuth } from "./messages.d.ts";
/** The HKDF `info` strings (UTF-8) of the three session secrets. */
export declare const HKDF_INFO: {
    readonly clientToServer: "sluice v1 client-to-server";
    readonly serverToClient: "sluice v1 server-to-client";
    readonly commands: "sluice v1 commands";
};
/** The three 32-byte secrets of a session. Never log them. */
export interface SessionSecrets {
    /** AES-256-GCM key of frames the client sends. */
    readonly clientToServer: Uint8Array;
    /** AES-256-GCM key of frames the server sends. */
    readonly serverToClient: Uint8Array;
    /** HMAC-SHA256 key of command signatures. */
    readonly commands: Uint8Array;
}
/**
 * The ECDH shared secret of a secret key and a peer's public key (hex):
 * the x-coordinate of the shared point, or `undefined` when the peer's key
 * is not a point on the curve.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sharedSecret } from "./session_crypto.ts";
 * import * as secp from "npm:@noble/secp256k1@3.2.0";
 * import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
 * const a = secp.utils.randomSecretKey();
 * const b = secp.utils.randomSecretKey();
 * const ab = sharedSecret(a, bytesToHex(secp.getPublicKey(b)))!;
 * const ba = sharedSecret(b, bytesToHex(secp.getPublicKey(a)))!;
 * equal(bytesToHex(ab), bytesToHex(ba));
 * equal(sharedSecret(a, "02" + "00".repeat(32)), undefined); // not a point on the curve
 * ```
 */
export declare function sharedSecret(secretKey: Uint8Array, peerPublicKeyHex: string): Uint8Array | undefined;
/** The part of a command that its signature covers: all of it but the signature. */
export interface SignedCommand {
    /** The event. */
    readonly event: string;
    /** Its payload. */
    readonly data: unknown;
    /** The envelope's timestamp. */
    readonly timestamp: number;
    /** The envelope's request id. */
    readonly requestId: string;
    /** `auth` without its signature. */
    readonly auth: Omit<MessageAuth, "signature">;
}
/**
 * The bytes a command signature covers: the canonical JSON of the command
 * with `auth.signature` left out.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { commandSigningInput } from "./session_crypto.ts";
 * const input = commandSigningInput({
 *   event: "status:check", data: {}, timestamp: 5, requestId: "s-1",
 *   auth: { token: "t", timestamp: 5 },
 * });
 * equal(
 *   input,
 *   '{"auth":{"timestamp":5,"token":"t"},"data":{},"event":"status:check","requestId":"s-1","timestamp":5}',
 * );
 * ```
 */
export declare function commandSigningInput(command: SignedCommand): string;
