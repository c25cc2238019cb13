// Generated from transport/command_signer.ts by `deno task bundle`; do not edit.
/**
 * Signing and checking client commands with a session's command secret
 * (docs/PROTOCOL.md §15.3), HMAC-SHA256 by `@noble/hashes`. What a
 * signature covers is `commandSigningInput` of
 * `protocol/session_crypto.ts`.
 *
 * Why not Web Crypto, which seals the frames: a command is a few hundred
 * bytes, and for those a Web Crypto call's own cost is most of it (Deno 2.9
 * here: about 100 µs of CPU a signature, against 15 µs in script), paid
 * once on each side for every acknowledgement, that is every frame.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type SignedCommand } from "../protocol/session_crypto.d.ts";
/**
 * Signs and checks client commands with the session's command secret
 * (HMAC-SHA256, hex), checked in constant time. Its methods answer
 * promises, as they did when they were Web Crypto's.
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
    /** A signer for the 32-byte command secret of a session. */
    static create(secret: Uint8Array): Promise<CommandSigner>;
    /** The signature of a command: 64 lowercase hex characters. */
    sign(command: SignedCommand): Promise<string>;
    /** Whether `signatureHex` is this session's signature of the command. */
    verify(command: SignedCommand, signatureHex: string): Promise<boolean>;
}
