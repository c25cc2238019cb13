/**
 * Session cryptography (seed 000 §4; docs/PROTOCOL.md §16): the keys a
 * signed-in connection derives, the sealing of every frame after sign-in
 * with AES-256-GCM, and the MAC that signs each client command.
 *
 * 1. Both sides make an ephemeral secp256k1 key for the connection and
 *    exchange the public halves in `auth:nonce` / `auth:challenge`. The
 *    shared secret is the x-coordinate of their ECDH point (32 bytes).
 * 2. HKDF-SHA256 with the nonce (32 bytes) as salt expands it into three
 *    32-byte secrets, told apart by their `info` strings
 *    ({@linkcode HKDF_INFO}): one AES key per direction, and the HMAC key
 *    of command signatures.
 * 3. A {@linkcode FrameSealer} numbers the frames of its direction from 0;
 *    a {@linkcode FrameOpener} accepts exactly the next number, so a
 *    replayed, dropped or reordered frame is caught before decryption, and
 *    a tampered one by the GCM tag. The first failure poisons the opener:
 *    the session must end.
 *
 * Randomness (the ephemeral keys, the nonce) comes in from the caller. The
 * AES and HKDF work is Web Crypto's (`crypto.subtle`), present in Deno,
 * browsers and Node.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "@noble/secp256k1";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { MessageAuth } from "./messages.ts";
import type { Result } from "./result.ts";
import {
  decodeSealedFrame,
  MAX_COUNTER,
  SEALED_HEADER_BYTES,
  sealedHeader,
  sealedIv,
} from "./sealed_frame.ts";

/** The HKDF `info` strings (UTF-8) of the three session secrets. */
export const HKDF_INFO = {
  clientToServer: "sluice v1 client-to-server",
  serverToClient: "sluice v1 server-to-client",
  commands: "sluice v1 commands",
} as const;

/** The three 32-byte secrets of a session. Never log them. */
export interface SessionSecrets {
  /** AES-256-GCM key of frames the client sends. */
  readonly clientToServer: Uint8Array;
  /** AES-256-GCM key of frames the server sends. */
  readonly serverToClient: Uint8Array;
  /** HMAC-SHA256 key of command signatures. */
  readonly commands: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * The ECDH shared secret of a secret key and a peer's public key (hex):
 * the x-coordinate of the shared point, or `undefined` when the peer's key
 * is not a point on the curve.
 *
 * @example
 * ```ts
 * import { sharedSecret } from "./session_crypto.ts";
 * import * as secp from "@noble/secp256k1";
 * import { bytesToHex } from "@noble/hashes/utils.js";
 * const a = secp.utils.randomSecretKey();
 * const b = secp.utils.randomSecretKey();
 * const ab = sharedSecret(a, bytesToHex(secp.getPublicKey(b)))!;
 * const ba = sharedSecret(b, bytesToHex(secp.getPublicKey(a)))!;
 * bytesToHex(ab) === bytesToHex(ba); // true
 * ```
 */
export function sharedSecret(
  secretKey: Uint8Array,
  peerPublicKeyHex: string,
): Uint8Array | undefined {
  if (!/^0[23][0-9a-f]{64}$/.test(peerPublicKeyHex)) return undefined;
  try {
    return secp.getSharedSecret(secretKey, hexToBytes(peerPublicKeyHex)).subarray(1);
  } catch (_notOnCurve) {
    return undefined;
  }
}

/**
 * Expands an ECDH shared secret into the session's secrets with
 * HKDF-SHA256, salted with the sign-in nonce (64 hex characters).
 *
 * @example
 * ```ts
 * import { deriveSessionSecrets } from "./session_crypto.ts";
 * const s = await deriveSessionSecrets(new Uint8Array(32), "00".repeat(32));
 * s.clientToServer.length; // 32
 * ```
 */
export async function deriveSessionSecrets(
  shared: Uint8Array,
  nonceHex: string,
): Promise<SessionSecrets> {
  const ikm = await crypto.subtle.importKey("raw", shared as BufferSource, "HKDF", false, [
    "deriveBits",
  ]);
  const salt = hexToBytes(nonceHex);
  const expand = async (info: string) =>
    new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: encoder.encode(info) },
        ikm,
        256,
      ),
    );
  return {
    clientToServer: await expand(HKDF_INFO.clientToServer),
    serverToClient: await expand(HKDF_INFO.serverToClient),
    commands: await expand(HKDF_INFO.commands),
  };
}

function aesKey(secret: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret as BufferSource, "AES-GCM", false, [usage]);
}

/**
 * Seals the frames of one direction. Counters are taken in call order,
 * synchronously, so frames sealed one after another carry increasing
 * counters even though encryption itself is asynchronous: send them in the
 * order `seal()` was called.
 *
 * @example
 * ```ts
 * import { FrameOpener, FrameSealer } from "./session_crypto.ts";
 * const secret = new Uint8Array(32);
 * const sealer = await FrameSealer.create(secret);
 * const opener = await FrameOpener.create(secret);
 * const sealed = await sealer.seal(new Uint8Array([1, 2, 3]));
 * (await opener.open(sealed)).ok; // true
 * ```
 */
export class FrameSealer {
  readonly #key: CryptoKey;
  #next = 0;

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** A sealer for the direction whose 32-byte AES key is `secret`. */
  static async create(secret: Uint8Array): Promise<FrameSealer> {
    return new FrameSealer(await aesKey(secret, "encrypt"));
  }

  /** The counter the next sealed frame will carry. */
  get nextCounter(): number {
    return this.#next;
  }

  /** Encrypts one complete inner frame into a sealed frame. */
  async seal(inner: Uint8Array): Promise<Uint8Array> {
    if (this.#next > MAX_COUNTER) throw new RangeError("sealed frame counter exhausted");
    const counter = this.#next++;
    const header = sealedHeader(counter);
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt(
        {
          name: "AES-GCM",
          iv: sealedIv(counter) as BufferSource,
          additionalData: header as BufferSource,
        },
        this.#key,
        inner as BufferSource,
      ),
    );
    const out = new Uint8Array(SEALED_HEADER_BYTES + ciphertext.length);
    out.set(header);
    out.set(ciphertext, SEALED_HEADER_BYTES);
    return out;
  }
}

/**
 * Opens the sealed frames of one direction, in order. Codes:
 * `REPLAYED_FRAME` for a counter already seen, `REORDERED_FRAME` for
 * one that skips ahead, `DECRYPTION_FAILED` for a wrong tag, `FRAME_*` for
 * a malformed header. After the first failure every later frame fails too.
 *
 * @example
 * ```ts
 * import { FrameOpener, FrameSealer } from "./session_crypto.ts";
 * const secret = new Uint8Array(32);
 * const sealed = await (await FrameSealer.create(secret)).seal(new Uint8Array([7]));
 * const opener = await FrameOpener.create(secret);
 * await opener.open(sealed); // { ok: true, value: Uint8Array [7] }
 * (await opener.open(sealed)).ok; // false: REPLAYED_FRAME
 * ```
 */
export class FrameOpener {
  readonly #key: CryptoKey;
  #expected = 0;
  #failed: ErrorResponse | undefined;

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** An opener for the direction whose 32-byte AES key is `secret`. */
  static async create(secret: Uint8Array): Promise<FrameOpener> {
    return new FrameOpener(await aesKey(secret, "decrypt"));
  }

  /** Decrypts the next sealed frame into the inner frame's bytes. */
  async open(bytes: Uint8Array): Promise<Result<Uint8Array, ErrorResponse>> {
    if (this.#failed) return { ok: false, error: this.#failed };
    const decoded = decodeSealedFrame(bytes);
    if (!decoded.ok) return this.#fail(decoded.error);
    const { counter, header, ciphertext } = decoded.value;
    if (counter !== this.#expected) {
      const code = counter < this.#expected ? "REPLAYED_FRAME" : "REORDERED_FRAME";
      return this.#fail(errorResponse(code, { counter, expected: this.#expected }));
    }
    this.#expected++;
    try {
      const plain = await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: sealedIv(counter) as BufferSource,
          additionalData: header as BufferSource,
        },
        this.#key,
        ciphertext as BufferSource,
      );
      return { ok: true, value: new Uint8Array(plain) };
    } catch (_tagMismatch) {
      return this.#fail(errorResponse("DECRYPTION_FAILED", { counter }));
    }
  }

  #fail(error: ErrorResponse): Result<never, ErrorResponse> {
    this.#failed ??= error;
    return { ok: false, error: this.#failed };
  }
}

/**
 * JSON with object keys sorted by UTF-16 code units at every depth and no
 * whitespace: the canonical encoding command signatures cover. Control
 * messages hold only strings, finite numbers, booleans, arrays and plain
 * objects, for which this is deterministic.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./session_crypto.ts";
 * canonicalJson({ b: [1, { d: 2, c: "x" }], a: true }); // '{"a":true,"b":[1,{"c":"x","d":2}]}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

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
 * import { commandSigningInput } from "./session_crypto.ts";
 * commandSigningInput({
 *   event: "status:check", data: {}, timestamp: 5, requestId: "s-1",
 *   auth: { token: "t", timestamp: 5 },
 * });
 * // '{"auth":{"timestamp":5,"token":"t"},"data":{},"event":"status:check","requestId":"s-1","timestamp":5}'
 * ```
 */
export function commandSigningInput(command: SignedCommand): string {
  return canonicalJson({
    event: command.event,
    data: command.data,
    timestamp: command.timestamp,
    requestId: command.requestId,
    auth: { token: command.auth.token, timestamp: command.auth.timestamp },
  });
}

/**
 * Signs and checks client commands with the session's command secret
 * (HMAC-SHA256, hex). Checking is Web Crypto's, in constant time.
 *
 * @example
 * ```ts
 * import { CommandSigner } from "./session_crypto.ts";
 * const signer = await CommandSigner.create(new Uint8Array(32));
 * const command = {
 *   event: "status:check", data: {}, timestamp: 5, requestId: "s-1",
 *   auth: { token: "t", timestamp: 5 },
 * };
 * const signature = await signer.sign(command);
 * await signer.verify(command, signature); // true
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
    if (!/^[0-9a-f]{64}$/.test(signatureHex)) return false;
    const input = encoder.encode(commandSigningInput(command));
    return await crypto.subtle.verify(
      "HMAC",
      this.#key,
      hexToBytes(signatureHex) as BufferSource,
      input,
    );
  }
}
