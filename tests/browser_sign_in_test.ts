// The demo page's sign-in in a real Chromium against the real server program with an allow
// list: with the key it keeps or with an Ethereum wallet, and its refusals. (Its downloads:
// browser_test.ts.)
import { deepStrictEqual, equal, match, notEqual } from "node:assert/strict";
import { parseSiweMessage } from "npm:viem@2.57.20/siwe";
import { ERROR_HELP } from "../web/error_text.ts";
import { DELEGATION_STATEMENT } from "../protocol/wallet_texts.ts";
import { demoPath } from "./_harness.ts";
import { serverProgram } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import {
  DemoPage,
  launchChromium,
  newContext,
  nextSavedFile,
  openGate,
  privateFile,
  TestWallet,
} from "./_browser.ts";

const ROWS = 100_000;
const LISTENING = /sluice listening on ws:\/\/127\.0\.0\.1:(\d+)\//;

Deno.test("the page signs in with the key it keeps or with an Ethereum wallet, and shows refusals", async (t) => {
  const db = demoPath(ROWS);
  // A week: about 9,000 rows, small enough to fit the server's flow-control window.
  const WEEK = { from: "2024-01-01T00:00:00", to: "2024-01-08T00:00:00" };
  const week = await sqlite3Csv(db, Date.parse(`${WEEK.from}Z`), Date.parse(`${WEEK.to}Z`));
  const wallet = new TestWallet(`0x${"5e".repeat(32)}`);
  const admit = (...allow: string[]) => ({ anonymous: false, allow, maxDelegationMinutes: 60 });
  let server = serverProgram(db, ROWS, 0, admit(wallet.address));
  const port = Number((await server.waitFor("stdout", LISTENING))[1]);
  const url = `http://127.0.0.1:${port}/`;
  const browser = await launchChromium();
  try {
    const walletContext = await newContext(browser, "blob");
    await wallet.install(walletContext);
    const walletPage = new DemoPage(await walletContext.newPage());
    const keyContext = await newContext(browser, "gated-file");
    await keyContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
    const keyPage = new DemoPage(await keyContext.newPage());

    await t.step(
      "a wallet signs a delegation with personal_sign and the page downloads",
      async () => {
        await walletPage.page.goto(url);
        // A first visit signs in as nobody until asked: with a wallet in the browser, the panel's
        // one button is the wallet's, and nothing was signed before it is pressed.
        await walletPage.page.locator("#signin").getByText("Not signed in.").waitFor();
        equal(await walletPage.page.locator("#connection-text").innerText(), "Not connected");
        equal(wallet.signed.length, 0);
        await walletPage.page.getByRole("button", { name: "Sign in with wallet" }).click();
        await walletPage.waitForPhase("open");
        await walletPage.page.locator("#signin-message").waitFor({ state: "hidden" });
        equal(await walletPage.page.locator("#wallet-address").textContent(), wallet.address);
        equal(wallet.signed.length, 1);
        // Once: the delegation, for a key of the page's own that signs each challenge, as a
        // Sign-In with Ethereum message for this page's host: the wallet's sign-in screen, no
        // domain warning (PROTOCOL.md §15.7).
        const asked = parseSiweMessage(wallet.signed[0]);
        deepStrictEqual(
          [asked.domain, asked.address, asked.uri, asked.statement],
          [`127.0.0.1:${port}`, wallet.address, `ws://127.0.0.1:${port}`, DELEGATION_STATEMENT],
        );
        match(asked.resources?.[0] ?? "", /^urn:sluice:delegate:0[23][0-9a-f]{64}$/);
        deepStrictEqual(wallet.screens, ["sign-in"]);
        const saved = nextSavedFile(walletPage.page);
        const card = await walletPage.start(WEEK);
        await card.waitFor("done");
        equal(await sha256Hex((await saved).bytes), await sha256Hex(week));
        // The choice is remembered; the wallet still shares the account, and signs again.
        await walletPage.page.reload();
        await walletPage.waitForPhase("open");
        equal(await walletPage.page.locator("#signin").getAttribute("data-method"), "wallet");
        match(await walletPage.page.locator("#signin-status").innerText(), /with your wallet/);
        equal(wallet.signed.length, 2);
        // A wallet that no longer shares the account is not asked until the person connects it.
        wallet.forget();
        await walletPage.page.reload();
        await walletPage.page.getByRole("button", { name: "Sign in with wallet" }).waitFor();
        await walletPage.waitForPhase("idle");
        // Download cannot work without an account: it is not offered, and says why.
        const download = walletPage.page.getByRole("button", { name: "Download", exact: true });
        equal(await download.isDisabled(), true);
        await walletPage.page.locator("#start-blocked").getByText("not signed in").waitFor();
        await walletPage.page.getByRole("button", { name: "Sign in with wallet" }).click();
        await walletPage.waitForPhase("open");
        equal(await download.isDisabled(), false);
        equal(wallet.signed.length, 3);
      },
    );

    let publicKey = "";
    await t.step(
      "a browser key not on the allow list is refused in the panel; nothing is saved",
      async () => {
        await keyPage.page.goto(url);
        // Without a wallet the one button is the browser key's, and no other way is offered.
        equal(await keyPage.page.locator("#signin-default").innerText(), "Sign in");
        equal(await keyPage.page.locator("#signin-others [data-way]:visible").count(), 0);
        await keyPage.signIn();
        publicKey = await keyPage.identity();
        equal(
          await keyPage.signInProblem("AUTH_UNKNOWN_IDENTITY"),
          ERROR_HELP.AUTH_UNKNOWN_IDENTITY,
        );
        equal(await keyPage.page.locator("#connection-text").innerText(), "Sign-in refused");
        equal(await keyPage.page.locator("#signin-default").innerText(), "Try again");
        // What to do: the refusal itself offers the key to give to the operator.
        await keyPage.page.getByRole("button", { name: "Copy your key" }).click();
        equal(await keyPage.page.evaluate(() => navigator.clipboard.readText()), publicKey);
        // Download cannot work while signing in is refused: it is not offered, and says why, so no
        // card and no file is made for a download that cannot start.
        const download = keyPage.page.getByRole("button", { name: "Download", exact: true });
        equal(await download.isDisabled(), true);
        match(await keyPage.page.locator("#start-blocked").innerText(), /AUTH_UNKNOWN_IDENTITY/);
        equal(await keyPage.page.locator(".download").count(), 0);
      },
    );

    await t.step("allowed after a restart, the same kept key signs in and downloads", async () => {
      await server.stop();
      server = serverProgram(db, ROWS, port, admit(wallet.address, publicKey));
      await server.waitFor("stdout", LISTENING);
      await keyPage.page.reload();
      await keyPage.waitForPhase("open");
      equal(await keyPage.identity(), publicKey);
      await keyPage.page.locator("#signin-message").waitFor({ state: "hidden" });
      const card = await keyPage.start(WEEK);
      await openGate(keyPage.page, await card.name());
      await card.waitFor("done");
      const file = await privateFile(keyPage.page, await card.name());
      equal(file.size, week.length);
      equal(file.sha256, await sha256Hex(week));
      // The wallet page reconnected to the new server by itself, and its delegation still holds:
      // it downloads from the new server without the wallet being asked.
      await walletPage.waitForPhase("open");
      const saved = nextSavedFile(walletPage.page);
      const walletCard = await walletPage.start(WEEK);
      await walletCard.waitFor("done");
      equal(await sha256Hex((await saved).bytes), await sha256Hex(week));
      equal(wallet.signed.length, 3);
    });

    await t.step(
      "a pinned server key: a wrong one is refused, the server's own signs in",
      async () => {
        const [, serverKey] = await server.waitFor(
          "stderr",
          /server identity key (0[23][0-9a-f]{64})/,
        );
        const page = keyPage.page;
        await keyPage.openDetails();
        const box = page.getByLabel("The server's identity key");
        const save = page.getByRole("button", { name: "Save" });
        await box.fill("02abc");
        await save.click();
        await page.locator("#server-key-error").waitFor();
        equal(await page.locator("#connection[data-phase=open]").count(), 1);
        await box.fill(`02${"11".repeat(32)}`);
        await save.click();
        equal(await keyPage.signInProblem("SERVER_KEY_MISMATCH"), ERROR_HELP.SERVER_KEY_MISMATCH);
        await box.fill(serverKey.toUpperCase());
        await save.click();
        await keyPage.waitForPhase("open");
        await page.reload();
        await keyPage.waitForPhase("open");
        equal(await box.inputValue(), serverKey);
      },
    );

    await t.step(
      "the identity cannot change under a running download; New key asks first",
      async () => {
        const page = keyPage.page;
        const dialogs: string[] = [];
        page.on("dialog", (dialog) => {
          dialogs.push(dialog.message());
          void dialog.accept();
        });
        const held = await keyPage.start({ ...WEEK, format: "json" });
        await held.waitFor("running");
        await keyPage.openDetails();
        await page.getByRole("button", { name: "New key…" }).click();
        match(await keyPage.signInProblem(""), /A download is running under this sign-in/);
        deepStrictEqual(dialogs, []);
        equal(await keyPage.identity(), publicKey);
        await openGate(page, await held.name());
        await held.waitFor("done");

        await page.getByRole("button", { name: "New key…" }).click();
        await page.waitForFunction(
          (old) => document.getElementById("identity")?.textContent !== old,
          publicKey,
        );
        // It was asked, and the answer was yes.
        equal(dialogs.length, 1);
        match(dialogs[0], /lost for good/);
        const replaced = await keyPage.identity();
        notEqual(replaced, publicKey);
        await keyPage.signInProblem("AUTH_UNKNOWN_IDENTITY");
        await page.reload();
        equal(await keyPage.identity(), replaced);
        await keyPage.openDetails();

        // Another tab of the same browser goes on as the new key too, without a reload.
        const other = new DemoPage(await keyContext.newPage());
        await other.page.goto(url);
        equal(await other.identity(), replaced);
        await page.getByRole("button", { name: "New key…" }).click();
        await page.waitForFunction(
          (old) => document.getElementById("identity")?.textContent !== old,
          replaced,
        );
        const newest = await keyPage.identity();
        await other.page.waitForFunction(
          (key) => document.getElementById("identity")?.textContent === key,
          newest,
        );
        await other.signInProblem("AUTH_UNKNOWN_IDENTITY");
        deepStrictEqual(other.problems, []);
        await other.page.close();
      },
    );

    await t.step("the page follows the wallet to another account, and back", async () => {
      const page = walletPage.page;
      const first = wallet.address;
      await wallet.switchTo(`0x${"6f".repeat(32)}`, page);
      const second = wallet.address;
      await page.waitForFunction(
        (address) => document.getElementById("wallet-address")?.textContent === address,
        second,
      );
      // The new account signs its own delegation, and this server does not allow it.
      await walletPage.signInProblem("AUTH_UNKNOWN_IDENTITY");
      equal(wallet.signed.length, 4);
      equal(parseSiweMessage(wallet.signed[3]).address, second);
      await wallet.switchTo(`0x${"5e".repeat(32)}`, page);
      equal(wallet.address, first);
      await walletPage.waitForPhase("open");
      await page.locator("#signin-message").waitFor({ state: "hidden" });
      equal(await page.locator("#wallet-address").textContent(), first);
      // Back on the first account with a delegation of its own, signed for the switch.
      equal(wallet.signed.length, 5);
      equal(parseSiweMessage(wallet.signed[4]).address, first);
      // Every prompt the page caused was the wallet's sign-in screen for this very page.
      deepStrictEqual([...new Set(wallet.screens)], ["sign-in"]);
    });

    await t.step("a running download keeps its account when the wallet moves", async () => {
      // A browser with a wallet whose downloads can be held open.
      const context = await newContext(browser, "gated-file");
      await wallet.install(context);
      const held = new DemoPage(await context.newPage());
      try {
        const page = held.page;
        await page.goto(url);
        await held.signIn();
        await held.waitForPhase("open");
        const first = wallet.address;
        const card = await held.start({ ...WEEK, format: "json" });
        await card.waitFor("running");
        await wallet.switchTo(`0x${"6f".repeat(32)}`, page);
        match(await held.signInProblem(""), /A download is running under this sign-in/);
        equal(await page.locator("#wallet-address").textContent(), first);
        await openGate(page, await card.name());
        await card.waitFor("done");
        // Afterwards the person moves the page to the wallet's new account themselves.
        const before = wallet.signed.length;
        await page.getByRole("button", { name: "Sign in with wallet" }).click();
        await held.signInProblem("AUTH_UNKNOWN_IDENTITY");
        equal(await page.locator("#wallet-address").textContent(), wallet.address);
        equal(wallet.signed.length, before + 1);
        deepStrictEqual(held.problems, []);
      } finally {
        await wallet.switchTo(`0x${"5e".repeat(32)}`, held.page).catch(() => {});
        await context.close();
      }
    });

    deepStrictEqual([...walletPage.problems, ...keyPage.problems], []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
