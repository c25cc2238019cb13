/**
 * The sign-in panel at the top of the demo page's left column. First, one
 * button: the default way to sign in ("Sign in" with the browser's key,
 * "Sign in with wallet", or "Use token" for a pasted token), then the
 * state in words (signing in…, signed in as a short identity, refused with
 * the server's error and what to do), and the other ways as links. The
 * identity itself (the whole key or address with a copy button, its
 * fingerprint, "New key", "Forget key") and the optional pinned server key
 * wait behind a "Details" disclosure. It draws and reports clicks;
 * `page_sign_in.ts` decides.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { PageKey } from "./key_store.ts";
import { shortIdentity } from "./format.ts";
import { readServerKey, type SignInMethod } from "./preferences.ts";
import { WAY_TEXT } from "./sign_in_texts.ts";

/** What the person asked the panel for; `page_sign_in.ts` answers each. */
export interface SignInActions {
  /** Sign in with `way` (the button, or one of the others); a token way comes with its token. */
  signIn(way: SignInMethod, token?: string): void;
  /** "Try again" after a refusal or when the server could not be reached. */
  retry(): void;
  /** "Sign out" was pressed. */
  signOut(): void;
  /** "New key" was pressed; ask {@linkcode SignInPanel.confirm} before making one. */
  newKey(): void;
  /** "Forget key" was pressed; ask {@linkcode SignInPanel.confirm} before forgetting. */
  forgetKey(): void;
  /** A valid server key was saved; `undefined` removes the pin. */
  serverKey(key: string | undefined): void;
}

/**
 * Where the panel's way stands: `out` before signing in (or after signing
 * out), `signing` while the client connects and signs in, `in` once it
 * did, `refused` when the server (or the page) refused the sign-in, and
 * `offline` when the server could not be reached.
 */
export type PanelPhase = "out" | "signing" | "in" | "refused" | "offline";

const find = <T extends HTMLElement = HTMLElement>(root: ParentNode, selector: string): T => {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};

/** How long a copy button says "Copied" before it reads as before. */
const COPIED_MS = 1_500;

/** The sign-in panel. */
export class SignInPanel {
  readonly #root: HTMLElement;
  readonly #button: HTMLButtonElement;
  readonly #status: HTMLElement;
  readonly #message: HTMLElement;
  readonly #tokenForm: HTMLFormElement;
  readonly #tokenInput: HTMLTextAreaElement;
  readonly #serverKey: HTMLInputElement;
  readonly #serverKeyError: HTMLElement;
  #way: SignInMethod = "key";
  #phase: PanelPhase = "out";
  /** The ways this browser and server offer. */
  readonly #offered = new Set<SignInMethod>(["key"]);
  #key: PageKey | undefined;
  #address: string | undefined;
  /** The wallet moved to another account while downloads ran: its button is offered again. */
  #walletMoved = false;
  /** The token form is open while signed in some other way (or with another token). */
  #pasting = false;

  /** Draws into `root` (the page's `#signin` section); `walletAvailable` offers the wallet. */
  constructor(root: HTMLElement, actions: SignInActions, walletAvailable: boolean) {
    this.#root = root;
    this.#button = find<HTMLButtonElement>(root, "#signin-default");
    this.#status = find(root, "#signin-status");
    this.#message = find(root, "#signin-message");
    this.#tokenForm = find<HTMLFormElement>(root, "#token-form");
    this.#tokenInput = find<HTMLTextAreaElement>(root, "#token-input");
    this.#serverKey = find<HTMLInputElement>(root, "#server-key");
    this.#serverKeyError = find(root, "#server-key-error");
    if (walletAvailable) this.#offered.add("wallet");
    this.#button.addEventListener("click", () => {
      if (this.#phase === "refused" || this.#phase === "offline") actions.retry();
      else actions.signIn(this.#way);
    });
    this.#tokenForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = this.#tokenInput.value.trim();
      if (token === "") return this.#tokenInput.focus();
      this.#pasting = false;
      actions.signIn("token", token);
    });
    find(root, "#token-cancel").addEventListener("click", () => {
      this.#pasting = false;
      this.#draw();
    });
    for (const button of root.querySelectorAll<HTMLButtonElement>("#signin-others [data-way]")) {
      const way = button.dataset.way as SignInMethod;
      button.addEventListener("click", () => {
        // A token must be pasted first; the other ways sign in on this click.
        if (way !== "token") return actions.signIn(way);
        this.#pasting = true;
        this.#draw();
        this.#tokenInput.focus();
      });
    }
    find(root, "#sign-out").addEventListener("click", () => actions.signOut());
    find(root, "#new-key").addEventListener("click", () => actions.newKey());
    find(root, "#forget-key").addEventListener("click", () => actions.forgetKey());
    this.#copyButton("#copy-identity", () => this.#key?.publicKey);
    this.#copyButton("#copy-address", () => this.#address);
    this.#copyButton("#copy-for-operator", () => this.#key?.publicKey);
    find<HTMLFormElement>(root, "#server-key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const read = readServerKey(this.#serverKey.value);
      this.#serverKeyError.hidden = read.ok;
      this.#serverKeyError.textContent = read.ok ? "" : read.error;
      this.#serverKey.setAttribute("aria-invalid", String(!read.ok));
      if (read.ok) actions.serverKey(read.value);
    });
    this.#draw();
  }

  /** The way the button and the details are about now. */
  get way(): SignInMethod {
    return this.#way;
  }

  /** Where the way shown stands. */
  get phase(): PanelPhase {
    return this.#phase;
  }

  /** Shows `way` in `phase`. */
  show(way: SignInMethod, phase: PanelPhase): void {
    if (way !== this.#way || phase === "in") this.#walletMoved = false;
    if (phase === "signing" || phase === "in") this.#pasting = false;
    this.#way = way;
    this.#phase = phase;
    this.#draw();
  }

  /** Offers the Token way, once the server's `/schema.json` said it takes tokens. */
  offerTokens(): void {
    this.#offered.add("token");
    this.#draw();
  }

  /** Puts `token` in the token box (one handed over in the page's address, say). */
  showToken(token: string): void {
    this.#tokenInput.value = token;
  }

  /** Shows the browser key's identity (none until one is made), and whether the browser keeps it. */
  showKey(key: PageKey | undefined): void {
    this.#key = key;
    this.#draw();
  }

  /**
   * Shows the wallet's account (none until it shares one); `moved` offers
   * the wallet's button again, for an account the page did not follow
   * while downloads ran.
   */
  showWallet(address: string | undefined, moved = false): void {
    this.#address = address;
    this.#walletMoved = moved;
    this.#draw();
  }

  /** Shows the pinned server key in its box. */
  showServerKey(key: string | undefined): void {
    this.#serverKey.value = key ?? "";
    this.#serverKey.removeAttribute("aria-invalid");
    this.#serverKeyError.hidden = true;
    find(this.#root, "#server-key-state").textContent = key === undefined
      ? "(optional)"
      : "(pinned)";
  }

  /**
   * Shows why signing in failed or was refused: the protocol's code (empty
   * for the page's own refusals) and what to do. A key the server does not
   * know gets a button to copy it for the operator.
   */
  showProblem(code: string, text: string): void {
    find(this.#message, ".message-code").textContent = code;
    find(this.#message, ".message-text").textContent = text;
    find(this.#message, "#signin-message-actions").hidden = !(
      code === "AUTH_UNKNOWN_IDENTITY" && this.#way === "key" && this.#key !== undefined
    );
    this.#message.hidden = false;
  }

  /** Clears the problem shown, once signing in succeeded or something else was chosen. */
  clearProblem(): void {
    this.#message.hidden = true;
    find(this.#message, ".message-code").textContent = "";
    find(this.#message, ".message-text").textContent = "";
  }

  /** Asks the person before something that loses the identity: it cannot be had back. */
  confirm(what: "new" | "forget"): boolean {
    const old = this.#key === undefined ? "" : ` (${shortIdentity(this.#key.publicKey)})`;
    return confirm(
      `${what === "new" ? "Make a new key" : "Forget this browser's key"}? ` +
        `Your current identity${old} is lost for good, and a server that allows only it ` +
        "will refuse the new one until its operator adds it.",
    );
  }

  #draw(): void {
    const way = this.#way;
    const phase = this.#phase;
    const text = WAY_TEXT[way];
    this.#root.dataset.method = way;
    this.#root.dataset.phase = phase;
    const identity = way === "key" ? this.#key?.publicKey : way === "wallet" ? this.#address : "";
    // What the state is, in words: read out by screen readers as it changes (role="status").
    this.#status.textContent = phase === "signing"
      ? text.signing
      : phase === "in"
      ? way === "token"
        ? `${text.signedIn}.`
        : `Signed in as ${shortIdentity(identity ?? "")} ${text.signedIn}.`
      : phase === "refused"
      ? "Not signed in: the sign-in was refused."
      : phase === "offline"
      ? "Not signed in: the server cannot be reached."
      : "Not signed in.";
    // The one button: the way's own before signing in, "Try again" after a failure, busy while
    // signing in, gone once signed in (unless the wallet moved on under a running download), and
    // while a token is being pasted, whose Use token is then the one button.
    const tokenForm = this.#pasting || (way === "token" && phase !== "in" && phase !== "signing");
    this.#tokenForm.hidden = !(this.#offered.has("token") || way === "token") || !tokenForm;
    const retry = phase === "refused" || phase === "offline";
    this.#button.hidden = this.#pasting ||
      (way === "token" ? phase !== "signing" : phase === "in" && !this.#walletMoved);
    this.#button.disabled = phase === "signing";
    this.#button.setAttribute("aria-busy", String(phase === "signing"));
    this.#button.textContent = phase === "signing"
      ? "Signing in…"
      : retry
      ? "Try again"
      : text.button;
    const hint = find(this.#root, "#signin-hint");
    hint.textContent = phase === "out" ? text.hint : "";
    hint.hidden = phase !== "out" || this.#pasting;
    // The other ways, as links.
    let others = 0;
    for (
      const button of this.#root.querySelectorAll<HTMLButtonElement>("#signin-others [data-way]")
    ) {
      const other = button.dataset.way as SignInMethod;
      // While pasting, the way the button stood for is offered among the others instead.
      const shown = this.#offered.has(other) &&
        (other !== way || (way === "token" && phase === "in") ||
          (this.#pasting && other !== "token" && phase !== "in"));
      button.hidden = !shown || (other === "token" && tokenForm);
      button.textContent = other === "token" && way === "token"
        ? "Use another token"
        : WAY_TEXT[other].other;
      if (!button.hidden) others++;
    }
    find(this.#root, "#signin-or").hidden = others === 0;
    const signOut = find(this.#root, "#sign-out");
    signOut.hidden = phase === "out";
    find(this.#root, "#signin-others").hidden = others === 0 && signOut.hidden;
    // The details of the way shown.
    find(this.#root, "#key-view").hidden = way !== "key";
    find(this.#root, "#wallet-view").hidden = way !== "wallet";
    find(this.#root, "#token-view").hidden = way !== "token";
    const key = this.#key;
    find(this.#root, "#key-identity").hidden = key === undefined;
    find(this.#root, "#key-actions").hidden = key === undefined;
    find(this.#root, "#identity").textContent = key?.publicKey ?? "";
    find(this.#root, "#key-fingerprint").textContent = key ? shortIdentity(key.publicKey) : "";
    find(this.#root, "#key-unkept").hidden = key === undefined || key.kept;
    find(this.#root, "#wallet-account").hidden = this.#address === undefined;
    find(this.#root, "#wallet-address").textContent = this.#address ?? "";
    find(this.#root, "#wallet-fingerprint").textContent = this.#address
      ? shortIdentity(this.#address)
      : "";
  }

  #copyButton(selector: string, text: () => string | undefined): void {
    const button = find<HTMLButtonElement>(this.#root, selector);
    const label = button.textContent ?? "Copy";
    let timer: ReturnType<typeof setTimeout> | undefined;
    button.addEventListener("click", async () => {
      const copied = text() ?? "";
      try {
        await navigator.clipboard.writeText(copied);
        button.textContent = "Copied";
      } catch (error) {
        // No clipboard access (an insecure context, or permission refused): open the details and
        // select the identity there, so the person can copy it themselves.
        console.warn("sluice: cannot write to the clipboard:", error);
        find<HTMLDetailsElement>(this.#root, "#signin-details").open = true;
        const shown = find(this.#root, this.#way === "wallet" ? "#wallet-address" : "#identity");
        getSelection()?.selectAllChildren(shown);
        button.textContent = "Selected";
      }
      clearTimeout(timer);
      timer = setTimeout(() => button.textContent = label, COPIED_MS);
    });
  }
}
