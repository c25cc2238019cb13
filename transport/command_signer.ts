/**
 * Signing and checking client commands with a session's command secret
 * (docs/PROTOCOL.md §15.3), with Web Crypto's HMAC-SHA256. What a
 * signature covers is `commandSigningInput` of
 * `protocol/session_crypto.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { commandSigningInput, type SignedCommand } from "../protocol/session_crypto.ts";
import { HEX_32_BYTES } from "../protocol/hex_patterns.ts";

const encoder = new TextEncoder();

/**
 * Signs and checks client commands with the session's command secret
 * (HMAC-SHA256, hex). Checking is Web Crypto's, in constant time.
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
  readonly #key: CryptoKey;

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** A signer for the 32-byte command secret of a session. */
  static async create(secret: Uint8Array): Promise<CommandSigner> {
    const key = await crypto.subtle.importKey(
      "raw",
      secret as BufferSource,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    return new CommandSigner(key);
  }

  /** The signature of a command: 64 lowercase hex characters. */
  async sign(command: SignedCommand): Promise<string> {
    const input = encoder.encode(commandSigningInput(command));
    return bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", this.#key, input)));
  }

  /** Whether `signatureHex` is this session's signature of the command. */
  async verify(command: SignedCommand, signatureHex: string): Promise<boolean> {
    if (!HEX_32_BYTES.test(signatureHex)) return false;
    const input = encoder.encode(commandSigningInput(command));
    return await crypto.subtle.verify(
      "HMAC",
      this.#key,
      hexToBytes(signatureHex) as BufferSource,
      input,
    );
  }
}
