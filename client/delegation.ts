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
import { type AuthDelegation, MAX_DELEGATION_MS } from "../protocol/messages.ts";
import type { EthereumSigner } from "./sign_in.ts";

/** A challenge signed by the delegate key, with the delegation that vouches for it. */
export interface DelegatedSignature {
  /** The delegate key's compact signature over the challenge text, 128 hex. */
  readonly signature: string;
  /** What `auth:authenticate` carries as `delegation`. */
  readonly delegation: AuthDelegation;
  /** Whether the wallet was asked for this delegation by this very sign-in. */
  readonly fresh: boolean;
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

/**
 * The shortest server limit a client delegates under: below it a delegation
 * would be renewed about as often as a challenge comes, so the signer signs
 * the challenges itself.
 */
export const MIN_DELEGATION_MS = 60_000;

interface Current {
  readonly origin: string;
  readonly secretKey: Uint8Array;
  readonly delegation: AuthDelegation;
  /** How long it was made to last. */
  readonly lifetimeMs: number;
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
 * const day = 86_400_000;
 * const first = await delegate.sign("wss://x.example", "challenge 1", day, 0);
 * const second = await delegate.sign("wss://x.example", "challenge 2", day, 60_000);
 * first.delegation === second.delegation; // true: the account signed once
 * ```
 */
export class WalletDelegate {
  readonly #signer: EthereumSigner;
  readonly #lifetimeMs: number;
  /** The delegation in use, once the wallet signed one. */
  #current: Current | undefined;
  /** The wallet's prompt, while one is open: every sign-in in the meantime waits for it. */
  #asking: Promise<Current> | undefined;

  /**
   * `lifetimeMs` is how long each delegation lasts, at most a year; a
   * server that allows less gets what it allows.
   */
  constructor(signer: EthereumSigner, lifetimeMs: number) {
    if (!Number.isSafeInteger(lifetimeMs) || lifetimeMs <= 0 || lifetimeMs > MAX_DELEGATION_MS) {
      throw new RangeError(
        `a delegation lasts a whole number of ms from 1 to ${MAX_DELEGATION_MS}, got ${lifetimeMs}`,
      );
    }
    this.#signer = signer;
    this.#lifetimeMs = lifetimeMs;
  }

  /**
   * Signs a challenge text with the delegate key, first asking the wallet
   * for a delegation when there is no usable one. `maxMs` is the server's
   * limit (`auth:challenge`'s `maxDelegationMs`, at least
   * {@linkcode MIN_DELEGATION_MS}): a new delegation lasts the lifetime or
   * nine tenths of `maxMs`, whichever is shorter, leaving room for a clock
   * ahead of the server's. A sign-in that comes while the wallet's
   * prompt is open waits for it, and shares its refusal. Rejects when the
   * wallet refuses.
   */
  async sign(
    origin: string,
    text: string,
    maxMs: number,
    now: number = Date.now(),
  ): Promise<DelegatedSignature> {
    for (;;) {
      const current = this.#current;
      if (current !== undefined && this.#usable(current, origin, now)) {
        return {
          signature: signText(current.secretKey, text),
          delegation: current.delegation,
          fresh: false,
        };
      }
      // Another sign-in's prompt is open: its answer (or its refusal) is this one's too.
      if (this.#asking !== undefined) {
        await this.#asking;
        continue;
      }
      const lifetime = Math.min(this.#lifetimeMs, Math.floor(maxMs * 0.9));
      const asking = this.#asking = this.#delegate(origin, now, lifetime);
      try {
        const made = this.#current = await asking;
        return {
          signature: signText(made.secretKey, text),
          delegation: made.delegation,
          fresh: true,
        };
      } finally {
        this.#asking = undefined;
      }
    }
  }

  /**
   * Forgets `delegation` (the server said it expired), if it is still the
   * one in use: the next sign-in asks the wallet. A later one is kept.
   */
  discard(delegation: AuthDelegation): void {
    if (this.#current?.delegation === delegation) this.#current = undefined;
  }

  /** Whether a delegation can still vouch for a sign-in a moment from now. */
  #usable(current: Current, origin: string, now: number): boolean {
    // Leave the sign-in time to reach the server: a quarter of the lifetime, at most a minute.
    const margin = Math.min(60_000, current.lifetimeMs / 4);
    return current.origin === origin && current.delegation.expiresAt - now > margin;
  }

  async #delegate(origin: string, now: number, lifetimeMs: number): Promise<Current> {
    const expiresAt = now + lifetimeMs;
    const secretKey = secp.utils.randomSecretKey();
    const key = bytesToHex(secp.getPublicKey(secretKey));
    const address = this.#signer.address;
    const text = delegationText({ origin, address, delegateKey: key, expiresAt });
    const signature = await walletSignature(this.#signer, text);
    return { origin, secretKey, delegation: { key, expiresAt, signature }, lifetimeMs };
  }
}
