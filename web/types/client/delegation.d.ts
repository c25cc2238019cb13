// Generated from client/delegation.ts by `deno task bundle`; do not edit.
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
import { type AuthDelegation } from "../protocol/messages.d.ts";
import type { EthereumSigner } from "./sign_in.d.ts";
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
export declare function walletSignature(signer: EthereumSigner, text: string): Promise<string>;
/**
 * The shortest delegation, and the shortest server limit a client
 * delegates under: five minutes. Below it a delegation would be renewed
 * about as often as a challenge comes, so the signer signs the challenges
 * itself.
 */
export declare const MIN_DELEGATION_MS = 300000;
/** Where a delegation is for: the origin dialled, and the chain id its challenges name. */
export interface DelegationSite {
    /** The origin, e.g. `wss://export.example.com`. */
    readonly origin: string;
    /** `auth:challenge`'s `chainId`. */
    readonly chainId: number;
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
export declare class WalletDelegate {
    #private;
    /**
     * `lifetimeMs` is how long each delegation lasts, from
     * {@linkcode MIN_DELEGATION_MS} to a year; a server that allows less gets
     * what it allows.
     */
    constructor(signer: EthereumSigner, lifetimeMs: number);
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
    sign(site: DelegationSite, text: string, maxMs: number, now?: number): Promise<DelegatedSignature>;
    /**
     * The server refused `delegation` as expired or too long. One it had
     * taken before is dropped, and the next sign-in asks the wallet. One it
     * refused the moment the wallet signed it (`fresh`) is kept: the clocks
     * disagree by more than its room, a new one would fare no better, and
     * asking on every attempt would only train the person to approve prompts
     * unread.
     */
    refused(delegation: AuthDelegation, fresh: boolean): void;
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
export declare function delegationRoom(maxMs: number): number;
