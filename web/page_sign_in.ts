/**
 * Who the demo page signs in as, and the one client that goes with it: the
 * browser key kept in IndexedDB, an Ethereum wallet's account, or a token
 * of the person's own login, pasted or handed over in the address's
 * fragment (`#token=…`, read once and removed from the address) when the
 * server takes tokens. At load it signs in the way the person chose last
 * time, or waits for the sign-in panel's one button (`default_way.ts`
 * says which way that is); it answers the panel (sign in, try again, sign
 * out, new or forgotten key, pinned server key), builds a client for the
 * chosen identity and closes the previous one, and shows why signing in
 * failed.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { SluiceClient } from "./sluice_client.js";
import { watchClient } from "./client_watch.ts";
import type { ConnectionBadge } from "./connection_badge.ts";
import { defaultWay } from "./default_way.ts";
import {
  forgetKey,
  type KeyChange,
  loadKey,
  type PageKey,
  replaceKey,
  watchKey,
} from "./key_store.ts";
import { pageClient, type PageCredentials, shownIdentity } from "./page_client.ts";
import {
  loadPreferences,
  type Preferences,
  savePreferences,
  type SignInMethod,
} from "./preferences.ts";
import { SignInPanel } from "./sign_in_panel.ts";
import { HANDED_TOKEN, notSignedIn, reason, switchRefused } from "./sign_in_texts.ts";
import { handedToken } from "./handed_token.ts";
import {
  type Eip1193Provider,
  findWallet,
  knownAddress,
  requestAddress,
  walletSigner,
  watchAccounts,
} from "./wallet.ts";

/** What the sign-in works with on the page. */
export interface PageSignInOptions {
  /** The server's socket. */
  readonly url: URL;
  /** The sign-in panel's section, `#signin`. */
  readonly panel: HTMLElement;
  /** The connection badge of the top bar. */
  readonly badge: ConnectionBadge;
  /** How many downloads have not finished: the identity does not change under them. */
  readonly unfinished: () => number;
  /** The current client's connection went up (`true`) or down. */
  readonly connectionChanged: (open: boolean) => void;
  /** Shows a sentence in the page's notice, or clears it (`undefined`). */
  readonly notice: (text: string | undefined) => void;
  /**
   * Why no download can start now (no identity, or signing in was refused),
   * or `undefined` once one can.
   */
  readonly blocked: (reason: string | undefined) => void;
}

/** The page's sign-in and its client. */
export class PageSignIn {
  readonly #options: PageSignInOptions;
  readonly #panel: SignInPanel;
  readonly #wallet: Eip1193Provider | undefined = findWallet();
  #preferences: Preferences = loadPreferences();
  #client: SluiceClient | undefined;
  #credentials: PageCredentials | undefined;
  /** The browser key, once read from storage (it stays read while a wallet is used). */
  #key: PageKey | undefined;
  /** Switches run one after another, in the order asked. */
  #switching: Promise<void> = Promise.resolve();
  /** A token the page's address handed over, until the server says it takes tokens. */
  #handed: string | undefined = handedToken();

  /** Takes over the panel; nothing signs in until {@linkcode PageSignIn.start}. */
  constructor(options: PageSignInOptions) {
    this.#options = options;
    this.#panel = new SignInPanel(options.panel, {
      signIn: (way, token) => {
        if (this.#refuseWhileDownloading()) return;
        if (way === "key") return void this.#useKey();
        if (way === "wallet") {
          if (this.#wallet !== undefined) void this.#useWallet(this.#wallet);
          return;
        }
        if (token === undefined) return;
        // Never remembered: a reload, with no token in memory, starts from the panel's button.
        this.#remember({ method: undefined });
        void this.#signInWith({ kind: "token", token }, "token");
      },
      retry: () => this.connect(),
      signOut: () => {
        if (this.#refuseWhileDownloading()) return;
        this.#remember({ method: undefined });
        void this.#signInWith(undefined, this.#firstWay());
      },
      newKey: () => void this.#newKey(),
      forgetKey: () => void this.#forgetKey(),
      serverKey: (key) => this.#pinServerKey(key),
    }, this.#wallet !== undefined);
    const wallet = this.#wallet;
    if (wallet !== undefined) {
      watchAccounts(wallet, (address) => this.#walletMoved(wallet, address));
    }
    watchKey((change) => void this.#keyChangedElsewhere(change));
  }

  /** The client of the current identity; none before signing in. */
  get client(): SluiceClient | undefined {
    return this.#client;
  }

  /**
   * What `/schema.json` said (`false` too when it could not be read): a
   * server that takes tokens gets the Token way offered, and a token the
   * address handed over signs in with it; one that does not leaves such a
   * token unused and goes on as if none had been handed.
   */
  offerTokens(offered: boolean): void {
    if (offered) this.#panel.offerTokens();
    const handed = this.#handed;
    this.#handed = undefined;
    if (handed === undefined) return;
    if (offered) return void this.#signInWith({ kind: "token", token: handed }, "token");
    void this.#startWithout().then(() =>
      this.#panel.showProblem("", "This server does not take tokens: sign in another way.")
    );
  }

  /** Connects the current client, if any; failures show in the badge and the panel. */
  connect(): void {
    this.#client?.connect().catch(() => {});
  }

  /**
   * The first sign-in of this visit, as `default_way.ts` orders it: a
   * handed token (once the schema says the server takes tokens), else the
   * way of the last visit without a wallet prompt, else nothing until the
   * panel's button is pressed.
   */
  async start(): Promise<void> {
    this.#panel.showServerKey(this.#preferences.serverKey);
    const handed = this.#handed;
    if (handed === undefined) return await this.#startWithout();
    // Signed in with once the server's schema says it takes tokens (offerTokens).
    this.#panel.showToken(handed);
    await this.#signInWith(undefined, "token", HANDED_TOKEN);
  }

  /** The way of a visit with no token handed over: the last visit's, or the button's. */
  async #startWithout(): Promise<void> {
    try {
      const wallet = this.#wallet;
      const { way, now } = defaultWay({
        handedToken: false,
        remembered: this.#preferences.method,
        wallet: wallet !== undefined,
      });
      if (!now) return await this.#signInWith(undefined, way);
      if (way === "key" || wallet === undefined) return await this.#useKey();
      // `eth_accounts` never prompts: a wallet that still shares the account signs in at once
      // (asking to sign a delegation for this visit); otherwise the button waits for a click.
      const address = await knownAddress(wallet).catch((error) => {
        console.warn("sluice: the wallet did not say which account it shares:", error);
        return undefined;
      });
      this.#panel.showWallet(address);
      await this.#signInWith(
        address === undefined
          ? undefined
          : { kind: "wallet", signer: walletSigner(wallet, address) },
        "wallet",
      );
    } catch (error) {
      this.#panel.showProblem("", `The page could not sign in: ${reason(error)}`);
    }
  }

  /** The button's way for someone who has not signed in (yet, or since signing out). */
  #firstWay(): SignInMethod {
    const facts = { handedToken: false, remembered: undefined, wallet: this.#wallet !== undefined };
    return defaultWay(facts).way;
  }

  async #newKey(): Promise<void> {
    if (this.#refuseWhileDownloading() || !this.#panel.confirm("new")) return;
    this.#key = await replaceKey();
    await this.#useKey();
  }

  async #forgetKey(): Promise<void> {
    if (this.#refuseWhileDownloading() || !this.#panel.confirm("forget")) return;
    try {
      await forgetKey();
    } catch (error) {
      return this.#panel.showProblem("", `The key could not be forgotten: ${reason(error)}`);
    }
    this.#key = undefined;
    this.#panel.showKey(undefined);
    if (this.#credentials?.kind !== "key") return;
    this.#remember({ method: undefined });
    await this.#signInWith(undefined, this.#firstWay());
  }

  /**
   * Another tab made a new key or forgot it: the old one is gone from
   * storage, so this tab follows (signing in with the new key, or out),
   * unless downloads run under the old.
   */
  async #keyChangedElsewhere(change: KeyChange): Promise<void> {
    this.#key = undefined;
    if (this.#credentials?.kind !== "key") return this.#panel.showKey(undefined);
    if (this.#options.unfinished() > 0) {
      return this.#panel.showProblem(
        "",
        `Another tab ${change === "replaced" ? "made a new key" : "forgot the key"}. ` +
          "This tab's downloads go on as the old one; reload the page when they finish.",
      );
    }
    if (change === "replaced") return await this.#useKey();
    this.#panel.showKey(undefined);
    await this.#signInWith(undefined, this.#firstWay());
  }

  #pinServerKey(key: string | undefined): void {
    if (key === this.#preferences.serverKey) return;
    if (this.#refuseWhileDownloading()) {
      return this.#panel.showServerKey(this.#preferences.serverKey);
    }
    this.#remember({ serverKey: key });
    this.#panel.showServerKey(key);
    // The pin is part of the client: build it again, with the same identity.
    const credentials = this.#credentials;
    if (credentials !== undefined) void this.#signInWith(credentials, credentials.kind);
  }

  /** Signs in with the browser key, made and kept first on the first use. */
  async #useKey(): Promise<void> {
    this.#key ??= await loadKey();
    this.#panel.showKey(this.#key);
    this.#remember({ method: "key" });
    await this.#signInWith({ kind: "key", key: this.#key }, "key");
  }

  /** Asks the wallet for an account (it may prompt), then signs in with it. */
  async #useWallet(wallet: Eip1193Provider): Promise<void> {
    const was = this.#panel.way;
    this.#panel.show("wallet", "signing");
    let address: string;
    try {
      address = await requestAddress(wallet);
    } catch (error) {
      // Declined or failed: the current sign-in stays as it was.
      const credentials = this.#credentials;
      this.#panel.show(credentials?.kind ?? was, credentials === undefined ? "out" : "in");
      this.#panel.showProblem("", `The wallet did not share an account (${reason(error)}).`);
      return;
    }
    this.#panel.showWallet(address);
    this.#remember({ method: "wallet" });
    await this.#signInWith({ kind: "wallet", signer: walletSigner(wallet, address) }, "wallet");
  }

  /**
   * The wallet moved to another account, or stopped sharing one. While the
   * page signs in with the wallet, it follows: a new client for the new
   * account, or none until the wallet's button is pressed. Running
   * downloads are not ended for it; they go on as the account that started
   * them, and the button stays offered for afterwards.
   */
  #walletMoved(wallet: Eip1193Provider, address: string | undefined): void {
    if (this.#preferences.method !== "wallet") return;
    const credentials = this.#credentials;
    const current = credentials?.kind === "wallet" ? credentials.signer.address : undefined;
    if (address?.toLowerCase() === current?.toLowerCase()) return;
    if (this.#refuseWhileDownloading()) return this.#panel.showWallet(current, true);
    this.#panel.showWallet(address);
    void this.#signInWith(
      address === undefined ? undefined : { kind: "wallet", signer: walletSigner(wallet, address) },
      "wallet",
    );
  }

  /**
   * Downloads belong to the sign-in that started them: closing its client
   * would end them. So while any is unfinished the page refuses to switch,
   * and says why, rather than asking: a "switch anyway?" is one careless
   * click from losing an hour-long export, and Cancel on its card is one
   * deliberate click away.
   */
  #refuseWhileDownloading(): boolean {
    const unfinished = this.#options.unfinished();
    if (unfinished === 0) return false;
    this.#panel.showProblem("", switchRefused(unfinished));
    return true;
  }

  #remember(changes: Partial<Preferences>): void {
    this.#preferences = { ...this.#preferences, ...changes };
    savePreferences(this.#preferences);
  }

  /**
   * Closes the current client and builds one for `next`, shown as `way`
   * (none: the panel waits for its button, or for the handed token, and
   * Download says `why`).
   */
  #signInWith(
    next: PageCredentials | undefined,
    way: SignInMethod,
    why: string = notSignedIn(way),
  ): Promise<void> {
    this.#switching = this.#switching.then(async () => {
      const { badge, notice, blocked } = this.#options;
      const panel = this.#panel;
      const old = this.#client;
      this.#client = undefined;
      this.#credentials = next;
      notice(undefined);
      panel.clearProblem();
      await old?.close();
      badge.identity(next === undefined ? undefined : shownIdentity(next) ?? "a token");
      if (next === undefined) {
        panel.show(way, why === HANDED_TOKEN ? "signing" : "out");
        blocked(why);
        return badge.phase("idle");
      }
      panel.show(way, "signing");
      blocked(undefined);
      const client = this.#client = pageClient(
        this.#options.url,
        next,
        this.#preferences.serverKey,
      );
      watchClient(client, {
        way,
        credentials: next,
        panel,
        badge,
        current: () => this.#client === client,
        notice,
        blocked,
        connectionChanged: this.#options.connectionChanged,
      });
      this.connect();
    });
    return this.#switching;
  }
}
