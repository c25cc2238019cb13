/**
 * A wallet's delegation (docs/PROTOCOL.md §15.5): the Ethereum account
 * signs once that a secp256k1 key of the client's own may sign in for it at
 * one origin until a time, and that key signs every challenge after. A
 * wallet user whose connection drops is then not asked to sign again on
 * each reconnect, and a download does not wait on a person to go on.
 *
 * The delegate key is made here, lives in this object's memory only and is
 * never sent; what the server sees is its public key and the account's
 * signature over the delegation text.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "@noble/secp256k1";
import { bytesToHex } from "@noble/hashes/utils.js";
import { delegationText, signText } from "../protocol/auth.ts";
import type { AuthDelegation } from "../protocol/messages.ts";
import type { EthereumSigner } from "./sign_in.ts";

/** A challenge signed by the delegate key, with the delegation that vouches for it. */
export interface DelegatedSignature {
  /** The delegate key's compact signature over the challenge text, 128 hex. */
  readonly signature: string;
  /** What `auth:authenticate` carries as `delegation`. */
  readonly delegation: AuthDelegation;
}

/**
 * Asks an Ethereum signer for an EIP-191 signature, as 130 lowercase hex
 * without `0x` (wallets answer `0x`-prefixed, some in upper case).
 *
 * @example
 * ```ts
 * import { walletSignature } from "./delegation.ts";
 * const signer = { address: "0x" + "00".repeat(20), signMessage: async () => "0xAB" };
 * await walletSignature(signer, "hello"); // "ab"
 * ```
 */
export async function walletSignature(signer: EthereumSigner, text: string): Promise<string> {
  return (await signer.signMessage(text)).replace(/^0x/i, "").toLowerCase();
}

interface Current {
  readonly origin: string;
  readonly secretKey: Uint8Array;
  readonly delegation: AuthDelegation;
}

/**
 * Holds one client's delegation: made on the first sign-in, used for every
 * sign-in after, and made again (the wallet asked once more) when it is
 * about to end, when the client dials another origin, or after
 * {@linkcode WalletDelegate.discard}.
 *
 * @example
 * ```ts
 * import { WalletDelegate } from "./delegation.ts";
 * import { privateKeyToAccount } from "viem/accounts";
 * const account = privateKeyToAccount(`0x${"01".repeat(32)}`);
 * const delegate = new WalletDelegate({
 *   address: account.address,
 *   signMessage: (message) => account.signMessage({ message }),
 * }, 3_600_000);
 * const first = await delegate.sign("wss://x.example", "challenge 1", 0);
 * const second = await delegate.sign("wss://x.example", "challenge 2", 60_000);
 * first.delegation === second.delegation; // true: the account signed once
 * ```
 */
export class WalletDelegate {
  readonly #signer: EthereumSigner;
  readonly #lifetimeMs: number;
  #current: Promise<Current> | undefined;

  /**
   * `lifetimeMs` is how long each delegation lasts; the server refuses one
   * that ends further ahead than it allows (24 hours by default).
   */
  constructor(signer: EthereumSigner, lifetimeMs: number) {
    if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs <= 0) {
      throw new RangeError(`a delegation lasts a positive whole number of ms, got ${lifetimeMs}`);
    }
    this.#signer = signer;
    this.#lifetimeMs = lifetimeMs;
  }

  /**
   * Signs a challenge text with the delegate key, first asking the wallet
   * for a delegation when there is no usable one. Concurrent calls share
   * one wallet prompt. Rejects when the wallet refuses.
   */
  async sign(origin: string, text: string, now: number = Date.now()): Promise<DelegatedSignature> {
    const { secretKey, delegation } = await this.#delegation(origin, now);
    return { signature: signText(secretKey, text), delegation };
  }

  /** Forgets the delegation (the server said it expired): the next sign-in asks the wallet. */
  discard(): void {
    this.#current = undefined;
  }

  /** Whether a delegation can still vouch for a sign-in a moment from now. */
  #usable(current: Current, origin: string, now: number): boolean {
    // Leave the sign-in time to reach the server: a quarter of the lifetime, at most a minute.
    const margin = Math.min(60_000, this.#lifetimeMs / 4);
    return current.origin === origin && current.delegation.expiresAt - now > margin;
  }

  async #delegation(origin: string, now: number): Promise<Current> {
    const held = this.#current;
    if (held !== undefined) {
      const current = await held.catch(() => undefined);
      if (current !== undefined && this.#usable(current, origin, now)) return current;
      // Another sign-in replaced it while this one waited: use theirs rather than ask again.
      if (this.#current !== held) return this.#delegation(origin, now);
    }
    const made = this.#delegate(origin, now);
    this.#current = made;
    return await made;
  }

  async #delegate(origin: string, now: number): Promise<Current> {
    const secretKey = secp.utils.randomSecretKey();
    const key = bytesToHex(secp.getPublicKey(secretKey));
    const expiresAt = now + this.#lifetimeMs;
    const address = this.#signer.address;
    const text = delegationText({ origin, address, delegateKey: key, expiresAt });
    const signature = await walletSignature(this.#signer, text);
    return { origin, secretKey, delegation: { key, expiresAt, signature } };
  }
}
