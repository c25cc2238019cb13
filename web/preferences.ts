/**
 * What the demo page remembers between visits, in `localStorage`: how the
 * person signs in and the server key they pinned. Neither is a secret (the
 * browser key itself lives in IndexedDB, see `key_store.ts`).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { COMPRESSED_KEY } from "../protocol/hex_patterns.ts";

/**
 * How the page signs in: its own browser key, an Ethereum wallet, or a
 * token pasted from the person's own login (never remembered: a token
 * stays in the tab's memory).
 */
export type SignInMethod = "key" | "wallet" | "token";

/** The page's remembered choices. */
export interface Preferences {
  /**
   * How the person signed in last, so that a returning visit signs in the
   * same way without a click; absent on a first visit and after signing
   * out, when the page waits for the sign-in panel's button.
   *
   * @default {undefined}
   */
  readonly method?: SignInMethod;
  /** The server's identity key to pin (66 hex), if the person gave one. */
  readonly serverKey?: string;
}

const METHOD = "sluice.signIn";
const SERVER_KEY = "sluice.serverKey";

/**
 * Reads a server key as typed: trimmed and lower-cased; `undefined` for an
 * empty box; an error sentence when it is not a compressed public key.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { readServerKey } from "./preferences.ts";
 * deepStrictEqual(readServerKey("  "), { ok: true, value: undefined }); // no pin
 * equal(readServerKey("02abc").ok, false);
 * ```
 */
export function readServerKey(
  text: string,
): { ok: true; value: string | undefined } | { ok: false; error: string } {
  const key = text.trim().toLowerCase().replace(/^0x/, "");
  if (key === "") return { ok: true, value: undefined };
  if (COMPRESSED_KEY.test(key)) return { ok: true, value: key };
  return {
    ok: false,
    error: "A server key is 66 hex characters starting with 02 or 03, as the server prints it.",
  };
}

/** `localStorage`, or `undefined` where the browser refuses it (storage blocked). */
function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch (error) {
    console.warn("sluice: localStorage is unavailable; choices last until the page closes:", error);
    return undefined;
  }
}

/** The remembered choices, with defaults for what was never chosen or is unreadable. */
export function loadPreferences(): Preferences {
  const store = storage();
  const stored = store?.getItem(METHOD);
  // A token is never remembered (it stays in the tab's memory), so neither is its way.
  const method: Preferences = stored === "wallet" || stored === "key" ? { method: stored } : {};
  const pinned = readServerKey(store?.getItem(SERVER_KEY) ?? "");
  return pinned.ok && pinned.value !== undefined ? { ...method, serverKey: pinned.value } : method;
}

/** Remembers `preferences` for the next visit. */
export function savePreferences(preferences: Preferences): void {
  const store = storage();
  if (store === undefined) return;
  if (preferences.method === "wallet" || preferences.method === "key") {
    store.setItem(METHOD, preferences.method);
  } else store.removeItem(METHOD);
  if (preferences.serverKey === undefined) store.removeItem(SERVER_KEY);
  else store.setItem(SERVER_KEY, preferences.serverKey);
}
