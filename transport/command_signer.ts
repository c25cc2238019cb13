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

import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { commandSigningInput, type SignedCommand } from "../protocol/session_crypto.ts";
import { HEX_32_BYTES } from "../protocol/hex_patterns.ts";

const encoder = new TextEncoder();

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
export class CommandSigner {
  readonly #mac: Hmac;

  private constructor(mac: Hmac) {
    this.#mac = mac;
  }

  /**
   * A signer for the 32-byte command secret of a session, with Web Crypto,
   * or with the HMAC `hmac` makes for the key (a server's synchronous
   * `node:crypto`: commands are short, and Web Crypto's asynchronous call
   * costs five times the HMAC).
   */
  static async create(
    secret: Uint8Array,
    hmac: (secret: Uint8Array) => Hmac | Promise<Hmac> = webHmac,
  ): Promise<CommandSigner> {
    return new CommandSigner(await hmac(secret));
  }

  /** The signature of a command: 64 lowercase hex characters. */
  async sign(command: SignedCommand): Promise<string> {
    return bytesToHex(await this.#mac(encoder.encode(commandSigningInput(command))));
  }

  /** Whether `signatureHex` is this session's signature of the command. */
  async verify(command: SignedCommand, signatureHex: string): Promise<boolean> {
    if (!HEX_32_BYTES.test(signatureHex)) return false;
    const expected = await this.#mac(encoder.encode(commandSigningInput(command)));
    const given = hexToBytes(signatureHex);
    // In time that does not depend on where the two differ.
    let differ = 0;
    for (let i = 0; i < expected.length; i++) differ |= expected[i] ^ given[i];
    return differ === 0 && given.length === expected.length;
  }
}

/** HMAC-SHA256 under one key. */
export type Hmac = (input: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** Web Crypto's HMAC-SHA256 under `secret`: what a signer uses unless given another. */
export async function webHmac(secret: Uint8Array): Promise<Hmac> {
  const key = await crypto.subtle.importKey(
    "raw",
    secret as BufferSource,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return async (input) =>
    new Uint8Array(await crypto.subtle.sign("HMAC", key, input as BufferSource));
}
