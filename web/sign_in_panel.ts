/**
 * The sign-in panel at the top of the demo page's left column: which way the
 * page signs in (its browser key, an Ethereum wallet when the browser has
 * one, a pasted token when the server takes them), the identity that goes with it and a button to copy it for the
 * server's operator, "New key", the optional pinned server key, and why the
 * last sign-in failed. It draws and reports clicks; `app.ts` decides.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { PageKey } from "./key_store.ts";
import { readServerKey, type SignInMethod } from "./preferences.ts";

/** What the person asked the panel for; `app.ts` answers each. */
export interface SignInActions {
  /** A way to sign in was picked. */
  choose(method: SignInMethod): void;
  /** "New key" was pressed; ask {@linkcode SignInPanel.confirmNewKey} before making one. */
  newKey(): void;
  /** "Connect wallet" was pressed. */
  connectWallet(): void;
  /** A token was pasted and "Sign in with token" pressed. */
  token(token: string): void;
  /** A valid server key was saved; `undefined` removes the pin. */
  serverKey(key: string | undefined): void;
}

const find = <T extends HTMLElement = HTMLElement>(root: ParentNode, selector: string): T => {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};

/** How long a copy button says "Copied" before it reads "Copy" again. */
const COPIED_MS = 1_500;

/** The sign-in panel. */
export class SignInPanel {
  readonly #root: HTMLElement;
  readonly #methods: HTMLElement;
  readonly #identity: HTMLElement;
  readonly #address: HTMLElement;
  readonly #message: HTMLElement;
  readonly #serverKey: HTMLInputElement;
  readonly #serverKeyError: HTMLElement;
  #publicKey = "";

  /** Draws into `root` (the page's `#signin` section); `walletAvailable` shows the wallet choice. */
  constructor(root: HTMLElement, actions: SignInActions, walletAvailable: boolean) {
    this.#root = root;
    this.#methods = find(root, "#signin-methods");
    this.#identity = find(root, "#identity");
    this.#address = find(root, "#wallet-address");
    this.#message = find(root, "#signin-message");
    this.#serverKey = find<HTMLInputElement>(root, "#server-key");
    this.#serverKeyError = find(root, "#server-key-error");
    // Without a wallet there is one way to sign in, until the server says it takes tokens.
    this.#methods.hidden = !walletAvailable;
    find(root, "#wallet-method").hidden = !walletAvailable;
    const tokenInput = find<HTMLTextAreaElement>(root, "#token-input");
    find<HTMLFormElement>(root, "#token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = tokenInput.value.trim();
      if (token !== "") actions.token(token);
    });
    for (const radio of root.querySelectorAll<HTMLInputElement>("input[name=signin-method]")) {
      radio.addEventListener("change", () => {
        if (radio.checked) actions.choose(radio.value as SignInMethod);
      });
    }
    find(root, "#new-key").addEventListener("click", () => actions.newKey());
    find(root, "#connect-wallet").addEventListener("click", () => actions.connectWallet());
    this.#copyButton("#copy-identity", this.#identity);
    this.#copyButton("#copy-address", this.#address);
    find<HTMLFormElement>(root, "#server-key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const read = readServerKey(this.#serverKey.value);
      this.#serverKeyError.hidden = read.ok;
      this.#serverKeyError.textContent = read.ok ? "" : read.error;
      this.#serverKey.setAttribute("aria-invalid", String(!read.ok));
      if (read.ok) actions.serverKey(read.value);
    });
  }

  /** Shows `method` as the chosen way (its radio, and its part of the panel). */
  showMethod(method: SignInMethod): void {
    this.#root.dataset.method = method;
    for (
      const radio of this.#root.querySelectorAll<HTMLInputElement>("input[name=signin-method]")
    ) {
      radio.checked = radio.value === method;
    }
    find(this.#root, "#key-view").hidden = method !== "key";
    find(this.#root, "#wallet-view").hidden = method !== "wallet";
    find(this.#root, "#token-view").hidden = method !== "token";
  }

  /** Offers the Token way, once the server's `/schema.json` said it takes tokens. */
  offerTokens(): void {
    find(this.#root, "#token-method").hidden = false;
    this.#methods.hidden = false;
  }

  /** Puts `token` in the token box (one handed over in the page's address, say). */
  showToken(token: string): void {
    find<HTMLTextAreaElement>(this.#root, "#token-input").value = token;
  }

  /** Shows the browser key's identity, and whether the browser keeps it. */
  showKey(key: PageKey): void {
    this.#publicKey = key.publicKey;
    this.#identity.textContent = key.publicKey;
    find(this.#root, "#key-unkept").hidden = key.kept;
  }

  /**
   * Shows the wallet's account, and the Connect button when the page has
   * none yet or (`connectable`) the wallet has moved to another one.
   */
  showWallet(address: string | undefined, connectable: boolean = address === undefined): void {
    this.#address.textContent = address ?? "";
    find(this.#root, "#wallet-account").hidden = address === undefined;
    find(this.#root, "#connect-wallet").hidden = !connectable;
  }

  /** Shows the pinned server key in its box (and opens the box when one is pinned). */
  showServerKey(key: string | undefined): void {
    this.#serverKey.value = key ?? "";
    this.#serverKey.removeAttribute("aria-invalid");
    this.#serverKeyError.hidden = true;
    find(this.#root, "#server-key-state").textContent = key === undefined ? "(optional)" : "pinned";
  }

  /**
   * Shows why signing in failed or was refused: the protocol's code (empty
   * for the page's own refusals) and what to do.
   */
  showProblem(code: string, text: string): void {
    find(this.#message, ".message-code").textContent = code;
    find(this.#message, ".message-text").textContent = text;
    this.#message.hidden = false;
  }

  /** Clears the problem shown, once signing in succeeded or something else was chosen. */
  clearProblem(): void {
    this.#message.hidden = true;
    find(this.#message, ".message-code").textContent = "";
    find(this.#message, ".message-text").textContent = "";
  }

  /** Asks the person whether to replace the key: the old identity cannot be had back. */
  confirmNewKey(): boolean {
    return confirm(
      `Make a new key? Your current identity (${
        this.#publicKey.slice(0, 10)
      }…) is lost for good, ` +
        "and a server that allows only it will refuse the new one until its operator adds it.",
    );
  }

  #copyButton(selector: string, source: HTMLElement): void {
    const button = find<HTMLButtonElement>(this.#root, selector);
    let timer: ReturnType<typeof setTimeout> | undefined;
    button.addEventListener("click", async () => {
      const text = source.textContent ?? "";
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch (error) {
        // No clipboard access (an insecure context, or permission refused): select the text so
        // the person can copy it themselves.
        console.warn("sluice: cannot write to the clipboard:", error);
        getSelection()?.selectAllChildren(source);
        button.textContent = "Selected";
      }
      clearTimeout(timer);
      timer = setTimeout(() => button.textContent = "Copy", COPIED_MS);
    });
  }
}
