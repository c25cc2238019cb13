/**
 * A wallet's delegation (docs/PROTOCOL.md §15.5): the Ethereum account
 * signs once that a secp256k1 key of the client's own may sign in for it at
 * one origin until a time, and that key signs every challenge after. A
 * wallet user whose connection drops is then not asked to sign again on
 * each reconnect while the delegation lasts, and a download does not wait
 * on a person to go on.
 *
 * The delegate key is made here, lives in this object's memory only and is
 * never sent; what the server sees is its public key and the account's
 * signature over the delegation text.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { signText } from "../protocol/auth.ts";
import { delegationText } from "../protocol/wallet_texts.ts";
import { type AuthDelegation, MAX_DELEGATION_MS } from "../protocol/messages.ts";
import { MAX_SIGNING_WAIT_MS } from "../protocol/connection_state.ts";
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
 * import { equal } from "node:assert/strict";
 * import { walletSignature } from "./delegation.ts";
 * const signer = { address: "0x" + "00".repeat(20), signMessage: async () => "0xAB" };
 * equal(await walletSignature(signer, "hello"), "ab");
 * ```
 */
export async function walletSignature(signer: EthereumSigner, text: string): Promise<string> {
  return (await signer.signMessage(text)).replace(/^0x/i, "").toLowerCase();
}

/**
 * The shortest delegation, and the shortest server limit a client
 * delegates under: five minutes. Below it a delegation would be renewed
 * about as often as a challenge comes, so the signer signs the challenges
 * itself.
 */
export const MIN_DELEGATION_MS = 300_000;

/** Where a delegation is for: the origin dialled, and the chain id its challenges name. */
export interface DelegationSite {
  /** The origin, e.g. `wss://export.example.com`. */
  readonly origin: string;
  /** `auth:challenge`'s `chainId`. */
  readonly chainId: number;
}

interface Current {
  readonly site: DelegationSite;
  readonly secretKey: Uint8Array;
  readonly delegation: AuthDelegation;
  /** How long it was made to last. */
  readonly lifetimeMs: number;
}

/**
 * Holds one client's delegation: made on the first sign-in, used for every
 * sign-in after, and made again (the wallet asked once more) when it is
 * about to end, when it would end later than the server now allows, when
 * the client dials another origin (or the server names another chain), or after the server refused it
 * ({@linkcode WalletDelegate.refused}).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { WalletDelegate } from "./delegation.ts";
 * import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
 * const account = privateKeyToAccount(`0x${"01".repeat(32)}`);
 * const delegate = new WalletDelegate({
 *   address: account.address,
 *   signMessage: (message) => account.signMessage({ message }),
 * }, 3_600_000);
 * const day = 86_400_000;
 * const site = { origin: "wss://x.example", chainId: 1 };
 * const first = await delegate.sign(site, "challenge 1", day, 0);
 * const second = await delegate.sign(site, "challenge 2", day, 60_000);
 * equal(first.delegation, second.delegation); // the account signed once
 * ```
 */
export class WalletDelegate {
  readonly #signer: EthereumSigner;
  readonly #lifetimeMs: number;
  /** The delegation in use, once the wallet signed one. */
  #current: Current | undefined;
  /** The wallet's prompt, while one is open: sign-ins in the meantime wait for it. */
  #asking: Promise<Current> | undefined;
  /** When that prompt opened. */
  #askedAt = 0;
  /** Delegations the server refused the moment the wallet signed them: the clocks disagree. */
  readonly #clockSuspects = new WeakSet<AuthDelegation>();

  /**
   * `lifetimeMs` is how long each delegation lasts, from
   * {@linkcode MIN_DELEGATION_MS} to a year; a server that allows less gets
   * what it allows.
   */
  constructor(signer: EthereumSigner, lifetimeMs: number) {
    if (
      !Number.isSafeInteger(lifetimeMs) || lifetimeMs < MIN_DELEGATION_MS ||
      lifetimeMs > MAX_DELEGATION_MS
    ) {
      throw new RangeError(
        `a delegation lasts a whole number of ms from ${MIN_DELEGATION_MS} to ` +
          `${MAX_DELEGATION_MS}, got ${lifetimeMs}`,
      );
    }
    this.#signer = signer;
    this.#lifetimeMs = lifetimeMs;
  }

  /**
   * Signs a challenge text with the delegate key, first asking the wallet
   * for a delegation when there is no usable one. `maxMs` is the server's
   * limit (`auth:challenge`'s `maxDelegationMs`, at least
   * {@linkcode MIN_DELEGATION_MS}); a new delegation lasts the lifetime or
   * the limit less {@linkcode delegationRoom}, whichever is shorter. A
   * sign-in that comes while the wallet's prompt is open waits for it and
   * shares its refusal, unless the prompt has been open longer than
   * `MAX_SIGNING_WAIT_MS` (a wallet that never answers): then it asks
   * again. Rejects when the wallet refuses.
   */
  async sign(
    site: DelegationSite,
    text: string,
    maxMs: number,
    now: number = Date.now(),
  ): Promise<DelegatedSignature> {
    for (;;) {
      const current = this.#current;
      if (current !== undefined && this.#usable(current, site, maxMs, now)) {
        const signature = signText(current.secretKey, text);
        return { signature, delegation: current.delegation, fresh: false };
      }
      if (this.#asking !== undefined && now - this.#askedAt < MAX_SIGNING_WAIT_MS) {
        await this.#asking;
        continue;
      }
      const lifetime = Math.min(this.#lifetimeMs, maxMs - delegationRoom(maxMs));
      const asking = this.#delegate(site, now, lifetime);
      this.#asking = asking;
      this.#askedAt = now;
      try {
        const made = await asking;
        // A prompt given up on and answered late still made a good delegation, but not the newest.
        if (this.#asking === asking || this.#current === undefined) this.#current = made;
        return {
          signature: signText(made.secretKey, text),
          delegation: made.delegation,
          fresh: true,
        };
      } finally {
        if (this.#asking === asking) this.#asking = undefined;
      }
    }
  }

  /**
   * The server refused `delegation` as expired or too long. One it had
   * taken before is dropped, and the next sign-in asks the wallet. One it
   * refused the moment the wallet signed it (`fresh`) is kept: the clocks
   * disagree by more than its room, a new one would fare no better, and
   * asking on every attempt would only train the person to approve prompts
   * unread.
   */
  refused(delegation: AuthDelegation, fresh: boolean): void {
    if (fresh) return void this.#clockSuspects.add(delegation);
    const current = this.#current;
    if (current?.delegation === delegation && !this.#clockSuspects.has(delegation)) {
      this.#current = undefined;
    }
  }

  /** Whether a delegation can still vouch for a sign-in a moment from now, at this server. */
  #usable(current: Current, site: DelegationSite, maxMs: number, now: number): boolean {
    // Leave the sign-in time to reach the server: a quarter of the lifetime, at most a minute.
    const margin = Math.min(60_000, current.lifetimeMs / 4);
    const left = current.delegation.expiresAt - now;
    const same = current.site.origin === site.origin && current.site.chainId === site.chainId;
    return same && left > margin && left <= maxMs - delegationRoom(maxMs);
  }

  async #delegate(site: DelegationSite, now: number, lifetimeMs: number): Promise<Current> {
    const expiresAt = now + lifetimeMs;
    const secretKey = secp.utils.randomSecretKey();
    const key = bytesToHex(secp.getPublicKey(secretKey));
    const address = this.#signer.address;
    const { origin, chainId } = site;
    const text = delegationText({
      origin,
      address,
      delegateKey: key,
      issuedAt: now,
      expiresAt,
      chainId,
    });
    const signature = await walletSignature(this.#signer, text);
    const delegation = { key, issuedAt: now, expiresAt, signature };
    return { site, secretKey, delegation, lifetimeMs };
  }
}

/**
 * What a delegation leaves unused of a server's limit, for a client clock
 * ahead of the server's: a tenth of it, at least a minute.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { delegationRoom } from "./delegation.ts";
 * equal(delegationRoom(86_400_000), 8_640_000);
 * equal(delegationRoom(300_000), 60_000);
 * ```
 */
export function delegationRoom(maxMs: number): number {
  return Math.max(Math.floor(maxMs / 10), 60_000);
}
