/**
 * The demo page's words for signing in: each way's button and status
 * lines, and the sentences that say why Download waits. One table, so
 * the panel, the form and the tests say the same thing.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { SignInMethod } from "./preferences.ts";

/** How the panel names one way to sign in. */
export interface WayText {
  /** The panel's one button when this way is the default. */
  readonly button: string;
  /** The way offered as one of the others. */
  readonly other: string;
  /** Under the button, before signing in: what the click will do. */
  readonly hint: string;
  /** While signing in. */
  readonly signing: string;
  /** After "Signed in as …" (or alone, for a token). */
  readonly signedIn: string;
}

/** Each way's words. */
export const WAY_TEXT: Readonly<Record<SignInMethod, WayText>> = {
  key: {
    button: "Sign in",
    other: "Sign in with this browser's key",
    hint: "One click: this browser makes a key of its own and keeps it, to sign in with next time.",
    signing: "Signing in with this browser's key…",
    signedIn: "with this browser's key",
  },
  wallet: {
    button: "Sign in with wallet",
    other: "Sign in with wallet",
    hint: "Your wallet asks you to share an account and approve the sign-in for this page.",
    signing: "Signing in: approve the sign-in in your wallet…",
    signedIn: "with your wallet",
  },
  token: {
    button: "Use token",
    other: "Use a token",
    hint: "Paste the token your own site's login gave you for this export.",
    signing: "Signing in with your login's token…",
    signedIn: "Signed in with your login's token",
  },
};

/** Why Download waits before the person has signed in: the panel's button, named. */
export function notSignedIn(way: SignInMethod): string {
  return way === "token"
    ? "Not signed in: paste your login's token in the Sign in panel."
    : `Not signed in: press “${WAY_TEXT[way].button}” in the Sign in panel.`;
}

/** Why Download waits while the page learns whether the server takes the token it was handed. */
export const HANDED_TOKEN = "Signing in with the token from the address…";

/** Why Download waits after the server (or the page) refused the sign-in. */
export function refusedReason(code: string): string {
  return `Sign-in was refused (${code}), so a download cannot start: see the Sign in panel, ` +
    "then press Try again.";
}

/**
 * Why the identity does not change now: downloads belong to the sign-in
 * that started them, and switching would end them.
 *
 * @example
 * ```ts
 * import { match } from "node:assert/strict";
 * import { switchRefused } from "./sign_in_texts.ts";
 * match(switchRefused(1), /^A download is running under this sign-in/);
 * ```
 */
export function switchRefused(unfinished: number): string {
  const [which, it] = unfinished === 1
    ? ["A download is", "it"]
    : [`${unfinished} downloads are`, "them"];
  return `${which} running under this sign-in, and switching would end ${it}. ` +
    `Let ${it} finish or cancel ${it}, then switch.`;
}

/** An error's own words: wallets reject with plain `{ code, message }` objects, not Errors. */
export function reason(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : String(error);
}
