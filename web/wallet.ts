/**
 * An Ethereum wallet in the browser (MetaMask and the like, EIP-1193's
 * `window.ethereum`) as the client's `EthereumSigner`: the account comes
 * from `eth_requestAccounts` (or, without a prompt, `eth_accounts`), and
 * texts are signed with `personal_sign`, which MetaMask expects as the
 * message's UTF-8 bytes in `0x` hex followed by the address. The page has
 * it sign a delegation once an hour rather than every challenge
 * (docs/PROTOCOL.md §15.5). What it signs is a Sign-In with Ethereum
 * message (§15.7): MetaMask recognises it and shows its sign-in screen,
 * naming the server's host, with a warning when that is not this page's
 * host (a page served from elsewhere than the server it signs in to). `accountsChanged` says when the person moves the
 * wallet to another account, or stops sharing one.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { ETHEREUM_ADDRESS } from "../protocol/hex_patterns.ts";
import type { EthereumSigner } from "./sluice_client.js";

/** EIP-1193's provider, as far as the page uses it. */
export interface Eip1193Provider {
  /** Sends one JSON-RPC request to the wallet. */
  request(args: { method: string; params?: readonly unknown[] }): Promise<unknown>;
  /** Listens to the wallet's events; EIP-1193 has it, a minimal provider may not. */
  on?(event: string, listener: (...args: unknown[]) => void): void;
}

/** The wallet the browser offers as `window.ethereum`, if any. */
export function findWallet(): Eip1193Provider | undefined {
  const candidate = (globalThis as { ethereum?: unknown }).ethereum;
  return typeof candidate === "object" && candidate !== null &&
      typeof (candidate as { request?: unknown }).request === "function"
    ? candidate as Eip1193Provider
    : undefined;
}

/** The first account of a wallet's answer, or `undefined` when it named none. */
function firstAccount(answer: unknown): string | undefined {
  if (!Array.isArray(answer) || answer.length === 0) return undefined;
  const account = answer[0];
  if (typeof account !== "string" || !ETHEREUM_ADDRESS.test(account)) {
    throw new Error(`the wallet answered with something other than an address`);
  }
  return account;
}

/**
 * Asks the wallet for an account (`eth_requestAccounts`): the wallet may
 * show its prompt, so call it from a click. Rejects when the person
 * declines.
 */
export async function requestAddress(wallet: Eip1193Provider): Promise<string> {
  const account = firstAccount(await wallet.request({ method: "eth_requestAccounts" }));
  if (account === undefined) throw new Error("the wallet shared no account");
  return account;
}

/**
 * The account the wallet already shares with this page (`eth_accounts`,
 * which never prompts), or `undefined` when the page must ask again.
 */
export async function knownAddress(wallet: Eip1193Provider): Promise<string | undefined> {
  return firstAccount(await wallet.request({ method: "eth_accounts" }));
}

/**
 * Calls `listener` with the wallet's account each time it changes
 * (`accountsChanged`): the new first account, or `undefined` when the wallet
 * no longer shares one (locked, or this site disconnected). A provider
 * without events is never heard from.
 */
export function watchAccounts(
  wallet: Eip1193Provider,
  listener: (address: string | undefined) => void,
): void {
  wallet.on?.("accountsChanged", (accounts) => {
    try {
      listener(firstAccount(accounts));
    } catch (error) {
      console.warn("sluice: the wallet's accountsChanged named no address:", error);
    }
  });
}

/** `0x` and the UTF-8 bytes of `text` in hex: `personal_sign`'s message parameter. */
export function utf8Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** A signer over a wallet; `refusal` says why its last signature failed, if it did. */
export interface WalletSigner extends EthereumSigner {
  /** The wallet's own words for the last refused or failed signature, until one succeeds. */
  readonly refusal: string | undefined;
}

/**
 * The client's signer for `address` in `wallet`: `personal_sign` with the
 * challenge text's UTF-8 bytes as hex, then the address.
 *
 * @example
 * ```ts ignore
 * const wallet = findWallet();
 * if (wallet) builder.withSigner(walletSigner(wallet, await requestAddress(wallet)));
 * ```
 */
export function walletSigner(wallet: Eip1193Provider, address: string): WalletSigner {
  let refusal: string | undefined;
  return {
    address,
    get refusal() {
      return refusal;
    },
    async signMessage(message: string): Promise<string> {
      try {
        const signature = await wallet.request({
          method: "personal_sign",
          params: [utf8Hex(message), address],
        });
        if (typeof signature !== "string") throw new Error("the wallet returned no signature");
        refusal = undefined;
        return signature;
      } catch (error) {
        // MetaMask rejects with { code: 4001, message: "User rejected the request." }.
        refusal = typeof error === "object" && error !== null && "message" in error
          ? String(error.message)
          : String(error);
        throw error;
      }
    },
  };
}
