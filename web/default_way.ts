/**
 * Which way the demo page's sign-in panel offers as its one button, and
 * whether it may sign in that way before any click. A pure choice over
 * what the page knows at load, so its order is stated once and tested.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { SignInMethod } from "./preferences.ts";

/** What the page knows when it chooses. */
export interface WayFacts {
  /** A token came in the page's address (`#token=…`) and the server takes tokens. */
  readonly handedToken: boolean;
  /** How the person signed in last time, if they did and did not sign out since. */
  readonly remembered: SignInMethod | undefined;
  /** The browser has an Ethereum wallet (EIP-1193 `window.ethereum`). */
  readonly wallet: boolean;
}

/** The panel's default way, and whether the page uses it at once. */
export interface DefaultWay {
  /** The way of the panel's one button. */
  readonly way: SignInMethod;
  /** Whether the person already chose it, so the page signs in without waiting for the click. */
  readonly now: boolean;
}

/**
 * The default way, first that applies:
 *
 * 1. A token handed over in the address ("Use token"): the person came
 *    from their own site's export link, and that click was their sign-in;
 *    their login names them better than any key, so it is used at once.
 * 2. The way of their last visit: a returning person is signed in as
 *    before, without a click (the browser's key is kept for that; a wallet
 *    that still shares the account signs in without a prompt to connect).
 * 3. A wallet ("Sign in with wallet"): every sluice connection signs in,
 *    and a browser key made now is new to every server, so a server that
 *    names who may sign in refuses it until its operator adds it, whereas
 *    the wallet's account may be the one the service knows (an exchange,
 *    a wallet service). `/schema.json` does not say whether the server
 *    names its users, so the page bets on the account that may be known.
 * 4. The browser's key ("Sign in"): no prompt and nothing to install.
 *
 * Only 1 and 2 sign in before a click: on a first visit nothing is made
 * or stored (the browser key is a secret kept unencrypted in this
 * browser) until the person presses the button.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { defaultWay } from "./default_way.ts";
 * deepStrictEqual(defaultWay({ handedToken: false, remembered: undefined, wallet: false }), {
 *   way: "key",
 *   now: false,
 * });
 * ```
 */
export function defaultWay(facts: WayFacts): DefaultWay {
  if (facts.handedToken) return { way: "token", now: true };
  // A remembered wallet whose extension is gone is a first visit for that browser.
  if (facts.remembered === "key" || (facts.remembered === "wallet" && facts.wallet)) {
    return { way: facts.remembered, now: true };
  }
  return { way: facts.wallet ? "wallet" : "key", now: false };
}
