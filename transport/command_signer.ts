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

import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { commandSigningInput, type SignedCommand } from "../protocol/session_crypto.ts";
import { HEX_32_BYTES } from "../protocol/hex_patterns.ts";
import { sameText } from "../protocol/sign_in.ts";

const encoder = new TextEncoder();

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
export class CommandSigner {
  readonly #secret: Uint8Array;

  private constructor(secret: Uint8Array) {
    this.#secret = secret;
  }

  /** A signer for the 32-byte command secret of a session. */
  static create(secret: Uint8Array): Promise<CommandSigner> {
    if (secret.length !== 32) {
      return Promise.reject(new RangeError(`a command secret is 32 bytes, got ${secret.length}`));
    }
    return Promise.resolve(new CommandSigner(secret.slice()));
  }

  /** The signature of a command: 64 lowercase hex characters. */
  sign(command: SignedCommand): Promise<string> {
    return Promise.resolve().then(() => this.#mac(command));
  }

  /** Whether `signatureHex` is this session's signature of the command. */
  verify(command: SignedCommand, signatureHex: string): Promise<boolean> {
    return Promise.resolve().then(() =>
      HEX_32_BYTES.test(signatureHex) && sameText(this.#mac(command), signatureHex)
    );
  }

  #mac(command: SignedCommand): string {
    return bytesToHex(hmac(sha256, this.#secret, encoder.encode(commandSigningInput(command))));
  }
}
