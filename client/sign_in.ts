/**
 * The client's half of sign-in (docs/PROTOCOL.md §15): who it is, the
 * ephemeral session key of each connection, the checks of the server's
 * challenge (origin, and the server's identity key when pinned), the
 * signature, and, once signed in, the keys that seal frames and sign
 * commands.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import {
  challengeText,
  serverProofText,
  type SignInFacts,
  signText,
  verifyText,
} from "../protocol/auth.ts";
import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type {
  AuthChallenge,
  AuthDelegation,
  AuthNonce,
  ClientMessage,
  Identity,
} from "../protocol/messages.ts";
import type { Result } from "../protocol/result.ts";
import { sharedSecret } from "../protocol/session_crypto.ts";
import { CommandSigner } from "../transport/command_signer.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.ts";
import { deriveSessionSecrets } from "../transport/session_secrets.ts";
import { sealToken } from "../transport/token_sealing.ts";
import {
  type DelegatedSignature,
  MIN_DELEGATION_MS,
  type WalletDelegate,
  walletSignature,
} from "./delegation.ts";

/**
 * An Ethereum account that signs EIP-191 `personal_sign` messages. An
 * ethers `Wallet` fits as it is; a viem account (whose `signMessage` takes
 * `{ message }`) or a browser wallet (`personal_sign` through
 * `window.ethereum.request`) through a two-line wrapper.
 *
 * @example A viem account
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EthereumSigner } from "./sign_in.ts";
 * import { recoverPersonalSigner } from "../protocol/auth.ts";
 * import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
 * const account = privateKeyToAccount(`0x${"01".repeat(32)}`);
 * const signer: EthereumSigner = {
 *   address: account.address,
 *   signMessage: (message) => account.signMessage({ message }),
 * };
 * const signature = await signer.signMessage("hello"); // "0x" and 130 hex
 * equal(recoverPersonalSigner("hello", signature.slice(2)), account.address.toLowerCase());
 * ```
 */
export interface EthereumSigner {
  /** The account's address, `0x` and 40 hex characters. */
  readonly address: string;
  /** Signs the UTF-8 text as `personal_sign` does; gives the 65-byte signature as hex. */
  signMessage(message: string): Promise<string>;
}

/**
 * Where a token comes from: the token itself, or a function asked for one
 * before every sign-in (so a reconnect an hour later gets a fresh one).
 */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * How a client proves who it is: a secret key, an Ethereum signer that
 * signs each challenge itself or, with a `delegate`, once per delegation,
 * or a bearer token of the operator's own login (PROTOCOL.md §15.8).
 */
export type Credentials =
  | { readonly kind: "keypair"; readonly secretKey: Uint8Array }
  | {
    readonly kind: "signer";
    readonly signer: EthereumSigner;
    readonly delegate?: WalletDelegate;
  }
  | { readonly kind: "token"; readonly token: TokenSource };

/** A signed challenge, as `auth:authenticate` carries it. */
export interface SignedChallenge {
  /** Who signs in. */
  readonly identity: Identity;
  /** The signature over the challenge text; absent for a token. */
  readonly signature?: string;
  /** A token's seal to this connection, instead of a signature. */
  readonly sealedToken?: string;
  /** The delegation whose key made `signature`, when a delegate signed. */
  readonly delegation?: AuthDelegation;
}

/** The identity that credentials sign in as. */
function credentialsIdentity(credentials: Credentials): Identity {
  switch (credentials.kind) {
    case "keypair":
      return { kind: "secp256k1", publicKey: bytesToHex(secp.getPublicKey(credentials.secretKey)) };
    case "signer":
      return { kind: "ethereum", address: credentials.signer.address };
    case "token":
      return { kind: "token" };
  }
}

/**
 * A new secp256k1 secret key, 32 bytes from the platform's secure random
 * source: a lasting identity to keep (in a file, a browser's storage) and
 * sign in with through `withKeypair`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { generateSecretKey, publicKeyOf } from "./sign_in.ts";
 * const secretKey = generateSecretKey();
 * equal(secretKey.length, 32);
 * equal(publicKeyOf(secretKey).length, 66);
 * ```
 */
export function generateSecretKey(): Uint8Array {
  return secp.utils.randomSecretKey();
}

/**
 * The identity a secret key signs in as: its compressed public key, 66 hex
 * characters, the form `server.ts --allow` takes. Throws for anything but a
 * valid secret key (32 bytes, or 64 hex characters).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { publicKeyOf } from "./sign_in.ts";
 * equal(
 *   publicKeyOf("01".repeat(32)),
 *   "031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f",
 * );
 * ```
 */
export function publicKeyOf(secretKey: Uint8Array | string): string {
  return bytesToHex(secp.getPublicKey(secretKeyFrom(secretKey)));
}

/** Reads a secret key given as 32 bytes or 64 hex characters (an optional `0x` allowed). */
export function secretKeyFrom(key: Uint8Array | string): Uint8Array {
  const bytes = typeof key === "string" ? hexToBytes(key.trim().replace(/^0x/i, "")) : key;
  if (!secp.utils.isValidSecretKey(bytes)) {
    throw new TypeError("not a secp256k1 secret key: 32 bytes, 64 hex characters");
  }
  return bytes;
}

/** The origin of a `ws:`/`wss:` URL as challenges name it, e.g. `wss://host:8443`. */
export function dialledOrigin(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/** What a signed-in connection uses from then on. */
export interface Established {
  /** Seals what the client sends and opens what it receives; absent when not encrypted. */
  readonly seal?: { readonly sealer: FrameSealer; readonly opener: FrameOpener };
  /** Adds `auth` to each command. */
  readonly authorize: (message: ClientMessage) => Promise<ClientMessage>;
}

/** The sign-in of one connection: made on `beginAuth`, dropped with the socket. */
export class ConnectionSignIn {
  readonly #credentials: Credentials;
  readonly #origin: string;
  readonly #serverKey: string | undefined;
  readonly #sessionSecret = secp.utils.randomSecretKey();
  readonly #identity: Identity;
  #facts: SignInFacts | undefined;
  #encryption = false;
  /** What the delegate signed, when it signed. */
  #delegated: DelegatedSignature | undefined;

  constructor(credentials: Credentials, url: string, serverKey: string | undefined) {
    this.#credentials = credentials;
    this.#origin = dialledOrigin(url);
    this.#serverKey = serverKey;
    this.#identity = credentialsIdentity(credentials);
  }

  /** The payload of `auth:nonce`. */
  nonce(): AuthNonce {
    return {
      identity: this.#identity,
      sessionKey: bytesToHex(secp.getPublicKey(this.#sessionSecret)),
    };
  }

  /**
   * Checks the challenge (the origin the client dialled; the server's
   * identity key and its proof when the client pins one) and signs it.
   */
  async sign(challenge: AuthChallenge): Promise<Result<SignedChallenge, ErrorResponse>> {
    if (challenge.origin !== this.#origin) {
      return {
        ok: false,
        error: errorResponse("ORIGIN_MISMATCH", {
          dialled: this.#origin,
          named: challenge.origin.slice(0, 256),
        }),
      };
    }
    const facts: SignInFacts = {
      origin: this.#origin,
      identity: this.#identity,
      nonce: challenge.nonce,
      clientSessionKey: this.nonce().sessionKey,
      serverSessionKey: challenge.sessionKey,
      issuedAt: challenge.issuedAt,
      expiresAt: challenge.expiresAt,
      encryption: challenge.encryption,
      chainId: challenge.chainId,
    };
    const pinned = this.#serverKey;
    const credentials = this.#credentials;
    // A token goes only to a server that proved the key it names over this challenge (§15.8).
    const proven = pinned ?? (credentials.kind === "token" ? challenge.serverKey : undefined);
    if (
      proven !== undefined &&
      (challenge.serverKey !== proven ||
        !verifyText(proven, serverProofText(facts), challenge.serverSignature))
    ) {
      return { ok: false, error: errorResponse("SERVER_KEY_MISMATCH") };
    }
    this.#facts = facts;
    this.#encryption = challenge.encryption;
    const text = challengeText(facts);
    if (credentials.kind === "token") return await this.#sealToken(credentials.token, facts);
    if (credentials.kind === "keypair") {
      return {
        ok: true,
        value: { identity: this.#identity, signature: signText(credentials.secretKey, text) },
      };
    }
    // A delegate signs only for a server that takes delegations (§15.5); else the wallet does.
    const maxMs = challenge.maxDelegationMs ?? 0;
    if (credentials.delegate === undefined || maxMs < MIN_DELEGATION_MS) {
      const signature = await walletSignature(credentials.signer, text);
      return { ok: true, value: { identity: this.#identity, signature } };
    }
    const site = { origin: this.#origin, chainId: challenge.chainId };
    const delegated = this.#delegated = await credentials.delegate.sign(site, text, maxMs);
    const { signature, delegation } = delegated;
    return { ok: true, value: { identity: this.#identity, signature, delegation } };
  }

  /** Asks for the token and seals it to this connection's secret and challenge. */
  async #sealToken(
    source: TokenSource,
    facts: SignInFacts,
  ): Promise<Result<SignedChallenge, ErrorResponse>> {
    const shared = sharedSecret(this.#sessionSecret, facts.serverSessionKey);
    if (shared === undefined) {
      const reason = "not a curve point";
      return {
        ok: false,
        error: errorResponse("INVALID_VALUE", { path: "data.sessionKey", reason }),
      };
    }
    let sealedToken: string;
    try {
      const token = typeof source === "string" ? source : await source();
      sealedToken = await sealToken(shared, facts.nonce, challengeText(facts), token.trim());
    } catch (error) {
      const reason = `no token to send: ${error instanceof Error ? error.message : String(error)}`;
      return { ok: false, error: errorResponse("AUTH_TOKEN_MALFORMED", { reason }) };
    }
    return { ok: true, value: { identity: this.#identity, sealedToken } };
  }

  /** Learns why the server refused the sign-in: a delegation it refused is told so. */
  refused(error: ErrorResponse): void {
    const credentials = this.#credentials;
    const delegated = this.#delegated;
    if (credentials.kind !== "signer" || delegated === undefined) return;
    if (error.code === "AUTH_DELEGATION_EXPIRED" || error.code === "AUTH_DELEGATION_TOO_LONG") {
      credentials.delegate?.refused(delegated.delegation, delegated.fresh);
    }
  }

  /**
   * The keys of the signed-in session, from the challenge that was signed
   * and the server's `auth:result` token.
   */
  async establish(token: string): Promise<Result<Established, ErrorResponse>> {
    const facts = this.#facts;
    const shared = facts && sharedSecret(this.#sessionSecret, facts.serverSessionKey);
    if (facts === undefined || shared === undefined) {
      return {
        ok: false,
        error: errorResponse("INVALID_VALUE", { path: "data.sessionKey", reason: "unusable" }),
      };
    }
    const secrets = await deriveSessionSecrets(shared, facts.nonce);
    const signer = await CommandSigner.create(secrets.commands);
    let last = 0;
    const authorize = async (message: ClientMessage): Promise<ClientMessage> => {
      // Strictly increasing, so that two commands in one millisecond are not replays.
      const timestamp = last = Math.max(Date.now(), last + 1);
      const auth = { token, timestamp };
      const signature = await signer.sign({ ...message, auth });
      return { ...message, auth: { ...auth, signature } };
    };
    const seal = this.#encryption
      ? {
        sealer: await FrameSealer.create(secrets.clientToServer),
        opener: await FrameOpener.create(secrets.serverToClient),
      }
      : undefined;
    return { ok: true, value: { seal, authorize } };
  }
}
