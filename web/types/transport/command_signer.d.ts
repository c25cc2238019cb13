// Generated from transport/command_signer.ts by `deno task bundle`; do not edit.
/**
 * Signing and checking client commands with a session's command secret
 * (docs/PROTOCOL.md §15.3), with Web Crypto's HMAC-SHA256 or one given. What a
 * signature covers is `commandSigningInput` of
 * `protocol/session_crypto.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type SignedCommand } from "../protocol/session_crypto.d.ts";
/**
 * Signs and checks client commands with the session's command secret
 * (HMAC-SHA256, hex). A signature is checked against the one computed, in
 * time that does not depend on where they differ.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CommandSigner } from "./command_signer.ts";
 * const signer = await CommandSigner.create(new Uint8Array(32));
 * const command = {
 *   event: "status:check", data: {}, timestamp: 5, requestId: "s-1",
 *   auth: { token: "t", timestamp: 5 },
 * };
 * const signature = await signer.sign(command);
 * equal(await signer.verify(command, signature), true);
 * ```
 */
export declare class CommandSigner {
    #private;
    private constructor();
    /**
     * A signer for the 32-byte command secret of a session, with Web Crypto,
     * or with the HMAC `hmac` makes for the key (a server's synchronous
     * `node:crypto`: commands are short, and Web Crypto's asynchronous call
     * costs five times the HMAC).
     */
    static create(secret: Uint8Array, hmac?: (secret: Uint8Array) => Hmac | Promise<Hmac>): Promise<CommandSigner>;
    /** The signature of a command: 64 lowercase hex characters. */
    sign(command: SignedCommand): Promise<string>;
    /** Whether `signatureHex` is this session's signature of the command. */
    verify(command: SignedCommand, signatureHex: string): Promise<boolean>;
}
/** HMAC-SHA256 under one key. */
export type Hmac = (input: Uint8Array) => Uint8Array | Promise<Uint8Array>;
/** Web Crypto's HMAC-SHA256 under `secret`: what a signer uses unless given another. */
export declare function webHmac(secret: Uint8Array): Promise<Hmac>;
