/**
 * Sign-In with Ethereum (EIP-4361) messages: the text a wallet recognises
 * as a sign-in request, so that it shows its sign-in screen and warns when
 * the message's domain is not the site asking (docs/PROTOCOL.md §15.7).
 *
 * Only the builder lives here: sluice never reads a message a peer sends.
 * Each side builds the exact text from the facts it holds, and a signature
 * over any other text does not verify.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { keccak_256 } from "npm:@noble/hashes@2.4.0/sha3.js";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { ETHEREUM_ADDRESS } from "./hex_patterns.ts";

/** The fields of a message, as sluice fills them: every field it uses is required. */
export interface SiweFields {
  /** The RFC 3986 authority asking for the sign-in: a host, and a port when not the default. */
  readonly domain: string;
  /** The account, `0x` and 40 hex characters in any case; written EIP-55 checksummed. */
  readonly address: string;
  /** What the signature allows, for the person reading it: one line, not empty. */
  readonly statement: string;
  /** The RFC 3986 URI the sign-in is for. */
  readonly uri: string;
  /** The EIP-155 chain id, a positive whole number. */
  readonly chainId: number;
  /** At least 8 letters and digits. */
  readonly nonce: string;
  /** When the message was made, epoch milliseconds. */
  readonly issuedAt: number;
  /** When the signature stops being accepted, epoch milliseconds. */
  readonly expirationTime: number;
  /** URIs the signature binds, one `- ` line each; none: no `Resources:` line. */
  readonly resources: readonly string[];
}

/** EIP-4361's nonce: at least eight ASCII letters or digits. */
const SIWE_NONCE = /^[A-Za-z0-9]{8,}$/;

/** What a statement and a resource may hold: a line of printable ASCII. */
const ONE_LINE = /^[\x20-\x7e]+$/;

/**
 * An address in EIP-55's mixed case: each letter of the lowercase hex is
 * upper case where the same nibble of Keccak-256 of that lowercase hex
 * (as ASCII) is 8 or more. Throws a `TypeError` for anything but `0x` and
 * 40 hex characters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checksumAddress } from "./siwe_message.ts";
 * equal(
 *   checksumAddress("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"),
 *   "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
 * );
 * ```
 */
export function checksumAddress(address: string): string {
  if (!ETHEREUM_ADDRESS.test(address)) {
    throw new TypeError("an Ethereum address is 0x and 40 hex characters");
  }
  const lower = address.slice(2).toLowerCase();
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(lower)));
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    out += parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The EIP-4361 text of `fields`: the header naming the domain, the
 * checksummed address, a blank line, the statement, a blank line, then
 * `URI`, `Version: 1`, `Chain ID`, `Nonce`, `Issued At` and
 * `Expiration Time` (ISO 8601 UTC with milliseconds), and `Resources`.
 * `\n` line ends, no final newline. Throws a `TypeError` for fields that
 * break the format (a programmer's error: sluice fills them from checked
 * values).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { siweMessage } from "./siwe_message.ts";
 * const text = siweMessage({
 *   domain: "export.example.com",
 *   address: "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf",
 *   statement: "Sign in.",
 *   uri: "wss://export.example.com",
 *   chainId: 1,
 *   nonce: "0123456789abcdef",
 *   issuedAt: 0,
 *   expirationTime: 60_000,
 *   resources: ["urn:example:1"],
 * });
 * equal(
 *   text,
 *   "export.example.com wants you to sign in with your Ethereum account:\n" +
 *     "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf\n\nSign in.\n\n" +
 *     "URI: wss://export.example.com\nVersion: 1\nChain ID: 1\nNonce: 0123456789abcdef\n" +
 *     "Issued At: 1970-01-01T00:00:00.000Z\nExpiration Time: 1970-01-01T00:01:00.000Z\n" +
 *     "Resources:\n- urn:example:1",
 * );
 * ```
 */
export function siweMessage(fields: SiweFields): string {
  const lines = [fields.domain, fields.statement, fields.uri, ...fields.resources];
  if (!lines.every((line) => ONE_LINE.test(line))) {
    throw new TypeError("SIWE fields are single lines of printable ASCII");
  }
  if (!SIWE_NONCE.test(fields.nonce)) throw new TypeError("a SIWE nonce is 8+ letters or digits");
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId < 1) {
    throw new TypeError("a chain id is a positive whole number");
  }
  const out = [
    `${fields.domain} wants you to sign in with your Ethereum account:`,
    checksumAddress(fields.address),
    "",
    fields.statement,
    "",
    `URI: ${fields.uri}`,
    "Version: 1",
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${isoTime(fields.issuedAt)}`,
    `Expiration Time: ${isoTime(fields.expirationTime)}`,
  ];
  if (fields.resources.length > 0) {
    out.push("Resources:", ...fields.resources.map((resource) => `- ${resource}`));
  }
  return out.join("\n");
}
