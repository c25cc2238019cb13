/// <reference lib="dom" />
// The real Chromium for the browser tests and the README's screenshot: Debian's `chromium`
// (installed by .ci/run), driven by playwright-core, never a browser that Playwright downloads.
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from "npm:playwright-core@1.65.1";
import { type PrivateKeyAccount, privateKeyToAccount } from "npm:viem@2.57.20/accounts";
import { parseSiweMessage } from "npm:viem@2.57.20/siwe";

/** Where Debian installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Starts a headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/**
 * Run in every page before its scripts: takes the File System Access API away, so downloads take
 * the page's Blob fallback and arrive as browser downloads (Playwright's `download` event).
 */
const WITHOUT_FILE_PICKER = "delete window.showSaveFilePicker;";

/**
 * Run in every page before its scripts: a `showSaveFilePicker` that answers at once with a file in
 * the origin's private file system (OPFS) named as the page suggested, so downloads take the
 * page's streaming path with a real `FileSystemWritableFileStream`. Every write to a file waits
 * until the test opens that file's gate (`window.sluiceGates.open(name)`), which holds a download
 * mid-way for as long as a test needs, by flow control alone.
 */
const WITH_GATED_FILE_PICKER = `
(() => {
  const gates = new Map();
  const gate = (name) => {
    let g = gates.get(name);
    if (g === undefined) {
      let open;
      const opened = new Promise((resolve) => open = resolve);
      g = { opened, open };
      gates.set(name, g);
    }
    return g;
  };
  window.sluiceGates = { open: (name) => gate(name).open() };
  window.showSaveFilePicker = async ({ suggestedName }) => {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(suggestedName, { create: true });
    return {
      async createWritable() {
        const writer = (await handle.createWritable()).getWriter();
        return new WritableStream({
          async write(chunk) {
            await gate(suggestedName).opened;
            await writer.write(chunk);
          },
          close: () => writer.close(),
          abort: (reason) => writer.abort(reason),
        });
      },
    };
  };
})();
`;

/** How a context's pages save downloads. */
export type SaveMode = "blob" | "gated-file";

/** A browser context whose pages save downloads as `mode` says. */
export async function newContext(
  browser: Browser,
  mode: SaveMode,
  viewport = { width: 1280, height: 860 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.addInitScript({
    content: mode === "blob" ? WITHOUT_FILE_PICKER : WITH_GATED_FILE_PICKER,
  });
  return context;
}

/** What {@linkcode DemoPage.start} types into the export form. */
export interface FormRequest {
  from: string;
  to: string;
  filters?: { field: string; operator: string; value: string }[];
  format?: "csv" | "json" | "ndjson";
  gzip?: boolean;
}

/** The demo page's sign-in panel and export form, driven the way a person would. */
export class DemoPage {
  /**
   * What went wrong inside the page: uncaught errors, and anything the Content Security Policy
   * blocked. A test that passes leaves this empty.
   */
  readonly problems: string[] = [];

  constructor(readonly page: Page) {
    page.on("pageerror", (error) => this.problems.push(`uncaught: ${error.message}`));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) this.problems.push(message.text());
    });
  }

  /**
   * Opens the page in a fresh browser, presses the sign-in panel's one button, and waits until it
   * is connected and has the server's columns.
   */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.signIn();
    await this.waitForPhase("open");
    await this.page.locator("#add-filter:enabled").waitFor();
  }

  /** Opens the sign-in panel's Details (the identity, New key, the server key), if closed. */
  async openDetails(): Promise<void> {
    const details = this.page.locator("#signin-details");
    if (!await details.evaluate((e) => (e as HTMLDetailsElement).open)) {
      await details.getByText("Details", { exact: true }).click();
    }
  }

  /** Presses the sign-in panel's one button: the default way, whatever its label says. */
  async signIn(): Promise<void> {
    await this.page.locator("#signin-default").click();
  }

  /** Waits for the connection badge to show `phase`. */
  async waitForPhase(phase: string): Promise<void> {
    await this.page.locator(`#connection[data-phase="${phase}"]`).waitFor({ timeout: 30_000 });
  }

  /** The identity the sign-in panel shows for the browser key, once it has one. */
  async identity(): Promise<string> {
    const shown = this.page.locator("#identity");
    await this.page.waitForFunction(
      () => /^0[23][0-9a-f]{64}$/.test(document.getElementById("identity")?.textContent ?? ""),
      undefined,
      { timeout: 30_000 },
    );
    // Read whether or not the panel's Details are open.
    return await shown.textContent() ?? "";
  }

  /**
   * Waits for the sign-in panel to show a problem with `code` ("" for the page's own, such as a
   * refusal to switch); gives the sentence shown with it.
   */
  async signInProblem(code: string): Promise<string> {
    await this.page.waitForFunction(
      (code) => {
        const message = document.getElementById("signin-message");
        return message !== null && !message.hidden &&
          message.querySelector(".message-code")?.textContent === code;
      },
      code,
      { timeout: 30_000 },
    );
    return await this.page.locator("#signin-message .message-text").innerText();
  }

  /** Fills the form (replacing its filters) and presses Download; returns the new card. */
  async start(request: FormRequest): Promise<Card> {
    const page = this.page;
    const before = await page.locator(".download").count();
    await this.submit(request);
    const cards = page.locator(".download");
    await cards.nth(before).waitFor();
    // New cards go on top.
    const id = await cards.first().getAttribute("data-request-id");
    if (id === null) throw new Error("a download card without a request id");
    return new Card(page, id);
  }

  /** Fills the form (replacing its filters) and presses Download. */
  async submit(request: FormRequest): Promise<void> {
    const page = this.page;
    await page.getByLabel("From", { exact: true }).fill(request.from);
    await page.getByLabel("To", { exact: true }).fill(request.to);
    await this.setFilters(request.filters ?? []);
    const format = (request.format ?? "csv").toUpperCase();
    await page.getByRole("radio", { name: format, exact: true }).check();
    await page.getByLabel("Compress with gzip").setChecked(request.gzip ?? false);
    await page.getByRole("button", { name: "Download", exact: true }).click();
  }

  /** Replaces the form's filter rows. */
  async setFilters(filters: { field: string; operator: string; value: string }[]): Promise<void> {
    const page = this.page;
    for (const remove of await page.getByRole("button", { name: "Remove filter" }).all()) {
      await remove.click();
    }
    for (const [i, filter] of filters.entries()) {
      await page.getByRole("button", { name: "Add filter" }).click();
      const n = `Filter ${i + 1}`;
      await page.getByLabel(`${n} column`, { exact: true }).selectOption(filter.field);
      await page.getByLabel(`${n} operator`, { exact: true }).selectOption(filter.operator);
      // A text box, or a true/false list for boolean columns: whichever the page shows.
      const value = page.getByLabel(`${n} value`, { exact: true }).filter({ visible: true });
      if (await value.evaluate((e) => e.tagName === "SELECT")) {
        await value.selectOption(filter.value);
      } else await value.fill(filter.value);
    }
  }
}

/** One download's card on the page, found by its request id. */
export class Card {
  readonly #selector: string;
  constructor(readonly page: Page, readonly requestId: string) {
    this.#selector = `.download[data-request-id="${requestId}"]`;
  }

  get root(): Locator {
    return this.page.locator(this.#selector);
  }

  /** The file name the page gave the download. */
  name(): Promise<string> {
    return this.root.locator(".download-name").innerText();
  }

  /** Waits for the card's state (`running`, `paused`, `done`, `cancelled`, `failed`). */
  async waitFor(state: string): Promise<void> {
    await this.page.locator(`${this.#selector}[data-state="${state}"]`).waitFor({
      timeout: 30_000,
    });
  }

  /** Waits until the server has reported progress past 0 %. */
  async waitForProgress(): Promise<void> {
    await this.page.waitForFunction(
      (selector) => {
        const bar = document.querySelector(`${selector} .bar`);
        return Number(bar?.getAttribute("aria-valuenow") ?? 0) > 0;
      },
      this.#selector,
      { timeout: 30_000 },
    );
  }

  /** The error code the card shows ("" when none). */
  code(): Promise<string> {
    return this.root.locator(".message-code").innerText();
  }

  cancel(): Promise<void> {
    return this.root.getByRole("button", { name: "Cancel" }).click();
  }
}

/** The next file the page saves through the Blob fallback; its bytes once it is saved. */
export function nextSavedFile(page: Page): Promise<{ name: string; bytes: Uint8Array }> {
  const saved = page.waitForEvent("download").then(async (download) => ({
    name: download.suggestedFilename(),
    bytes: await Deno.readFile(await download.path()),
  }));
  // A test that fails before it awaits this must not leave a rejection behind at browser close.
  saved.catch(() => {});
  return saved;
}

/** Opens the gate of a file the gated picker holds (see {@linkcode newContext}). */
export async function openGate(page: Page, name: string): Promise<void> {
  await page.evaluate((n) => {
    (globalThis as unknown as { sluiceGates: { open(name: string): void } }).sluiceGates.open(n);
  }, name);
}

/** The size and SHA-256 of a file in the page's private file system. */
export function privateFile(page: Page, name: string): Promise<{ size: number; sha256: string }> {
  return page.evaluate(async (n) => {
    const root = await navigator.storage.getDirectory();
    const file = await (await root.getFileHandle(n)).getFile();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
    const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    return { size: file.size, sha256 };
  }, name);
}

/**
 * An Ethereum wallet for the page, played by the test: `window.ethereum` in every page of a
 * context forwards its requests to this object (through `exposeFunction`), which answers
 * `eth_requestAccounts`, `eth_accounts` (empty until the page asked) and `personal_sign`, signing
 * with viem over exactly the bytes the page passed, as MetaMask does.
 */
export class TestWallet {
  #account: PrivateKeyAccount;
  #shared = false;
  /** Every message signed, as the text its bytes spell. */
  readonly signed: string[] = [];
  /**
   * The screen a wallet like MetaMask would have shown for each: a message that parses as
   * Sign-In with Ethereum gets the sign-in screen, with a warning when its domain is not the
   * host of the page asking (MetaMask compares the two); any other text, a bare message.
   */
  readonly screens: ("sign-in" | "sign-in, wrong domain" | "message")[] = [];

  constructor(privateKey: `0x${string}`) {
    this.#account = privateKeyToAccount(privateKey);
  }

  /** The account's address (checksummed). */
  get address(): string {
    return this.#account.address;
  }

  /** Puts the wallet into every page of `context`, before the page's own scripts run. */
  async install(context: BrowserContext): Promise<void> {
    await context.exposeBinding(
      "sluiceTestWallet",
      ({ frame }, method: string, params: unknown[]) => this.#answer(method, params, frame.url()),
    );
    await context.addInitScript({
      content: `window.ethereum = {
        request: ({ method, params = [] }) => window.sluiceTestWallet(method, params),
        listeners: [],
        on(event, listener) { this.listeners.push({ event, listener }); },
      };`,
    });
  }

  async #answer(method: string, params: unknown[], pageUrl: string): Promise<unknown> {
    switch (method) {
      case "eth_requestAccounts":
        this.#shared = true;
        return [this.address];
      case "eth_accounts":
        return this.#shared ? [this.address] : [];
      case "personal_sign": {
        const [message, address] = params;
        if (typeof message !== "string" || !/^0x([0-9a-f]{2})*$/i.test(message)) {
          throw new Error(`personal_sign: the message is not 0x hex: ${message}`);
        }
        if (address !== this.address) throw new Error(`personal_sign for another account`);
        const bytes = Uint8Array.from(message.slice(2).match(/../g) ?? [], (h) => parseInt(h, 16));
        const signature = await this.#account.signMessage({ message: { raw: bytes } });
        const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        this.signed.push(text);
        const { domain } = parseSiweMessage(text);
        this.screens.push(
          domain === undefined
            ? "message"
            : domain === new URL(pageUrl).host
            ? "sign-in"
            : "sign-in, wrong domain",
        );
        return signature;
      }
      default:
        throw new Error(`the test wallet does not do ${method}`);
    }
  }

  /** Moves the wallet to another account and tells `page`, as a wallet's account switcher does. */
  async switchTo(privateKey: `0x${string}`, page: Page): Promise<void> {
    this.#account = privateKeyToAccount(privateKey);
    await page.evaluate((accounts) => {
      const wallet = (globalThis as unknown as {
        ethereum: { listeners: { event: string; listener: (accounts: string[]) => void }[] };
      }).ethereum;
      for (const { event, listener } of wallet.listeners) {
        if (event === "accountsChanged") listener(accounts);
      }
    }, [this.address]);
  }

  /** Stops sharing the account with the page, as "disconnect this site" does in a wallet. */
  forget(): void {
    this.#shared = false;
  }
}
