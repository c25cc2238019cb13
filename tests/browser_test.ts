// The demo page in a real Chromium against the real server program (`deno run server.ts` on
// 127.0.0.1, port 0): downloads checked byte for byte against the sqlite3 CLI, several at once,
// cancelled, refused, and carried across a server restart; and its sign-in, with the key it keeps
// or an Ethereum wallet, against a server with an allow list.
import { deepStrictEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { ERROR_HELP } from "../web/error_text.ts";
import { demoPath } from "./_harness.ts";
import { serverProgram } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import { presetRange } from "../web/date_presets.ts";
import { isoToBox } from "../web/range_box.ts";
import {
  Card,
  DemoPage,
  launchChromium,
  newContext,
  nextSavedFile,
  openGate,
  privateFile,
  TestWallet,
} from "./_browser.ts";

const ROWS = 100_000;
const ALL = { from: "2024-01-01T00:00:00", to: "2030-01-01T00:00:00" };
const FROM = Date.parse(`${ALL.from}Z`);
const TO = Date.parse(`${ALL.to}Z`);
const LISTENING = /sluice listening on ws:\/\/127\.0\.0\.1:(\d+)\//;

Deno.test("the demo page in Chromium downloads, cancels, explains refusals and survives a server restart", async (t) => {
  const db = demoPath(ROWS);
  // The sqlite3 oracles run while the server starts and the pages open.
  const oracles = Promise.all([
    sqlite3Csv(db, FROM, TO),
    sqlite3Csv(db, FROM, TO, " AND symbol = 'BTC-USD'"),
  ]);
  let server = serverProgram(db, ROWS);
  const port = Number((await server.waitFor("stdout", LISTENING))[1]);
  const url = `http://127.0.0.1:${port}/`;
  const browser = await launchChromium();
  try {
    const blobContext = await newContext(browser, "blob");
    // This page's copy of the schema is stale, as if the server had changed since the page
    // loaded: it says price is text, so a value only the server can now judge reaches it.
    await blobContext.route("**/schema.json", async (route) => {
      const response = await route.fetch();
      const doc = await response.json();
      for (const c of doc.columns) if (c.name === "price") c.type = "text";
      await route.fulfill({ response, json: doc });
    });
    const blobPage = new DemoPage(await blobContext.newPage());
    const filePage = new DemoPage(await (await newContext(browser, "gated-file")).newPage());
    await Promise.all([blobPage.open(url), filePage.open(url)]);
    const [everything, btc] = await oracles;

    await t.step(
      "a 100,000-row CSV saved through the Blob fallback is the database's bytes",
      async () => {
        const saved = nextSavedFile(blobPage.page);
        const card = await blobPage.start(ALL);
        await card.waitFor("done");
        const { name, bytes } = await saved;
        equal(name, "sluice-20240101-20300101.csv");
        equal(bytes.length, everything.length);
        equal(await sha256Hex(bytes), await sha256Hex(everything));
        // The card names the saved file's SHA-256, what sha256sum says of it.
        const message = await card.root.locator(".message-text").innerText();
        ok(message.includes(await sha256Hex(bytes)), message);
      },
    );

    await t.step(
      "downloads stream to picked files, two at once, and one is cancelled",
      async () => {
        const whole = await filePage.start(ALL);
        const json = await filePage.start({ ...ALL, format: "json" });
        // Both are running side by side, each held by its file's gate.
        await whole.waitFor("running");
        await json.waitFor("running");
        // The tab's title counts them, for a person looking at another tab.
        equal(await filePage.page.title(), "2 running · sluice · data exports");
        await json.cancel();
        await json.waitFor("cancelled");
        equal(await json.code(), "CANCELLED");
        // Its pending write goes through now, and then the aborted file keeps none of it.
        await openGate(filePage.page, await json.name());
        equal((await privateFile(filePage.page, await json.name())).size, 0);
        await openGate(filePage.page, await whole.name());
        await whole.waitFor("done");
        const file = await privateFile(filePage.page, await whole.name());
        equal(file.size, everything.length);
        equal(file.sha256, await sha256Hex(everything));
      },
    );

    await t.step("what the server would refuse is refused inline, without a card", async () => {
      const page = filePage.page;
      const before = await page.locator(".download").count();
      await filePage.submit({ from: "2024-03-01T00:00:00", to: ALL.from });
      await page.locator("#range-error").getByText("INVALID_RANGE").waitFor();
      equal(await page.locator("#to").getAttribute("aria-invalid"), "true");
      await filePage.submit({
        ...ALL,
        filters: [{ field: "price", operator: "gte", value: "forty-two" }],
      });
      await page.locator(".filter-problem").getByText("INVALID_FILTER_VALUE").waitFor();
      equal(await page.locator("#range-error").isHidden(), true);
      equal(await page.locator(".download").count(), before);
    });

    await t.step("a request only the server can refuse shows its error code", async () => {
      const letters = await blobPage.start({
        ...ALL,
        filters: [{ field: "price", operator: "gte", value: "forty-two" }],
      });
      await letters.waitFor("failed");
      equal(await letters.code(), "INVALID_FILTER_VALUE");
      ok((await letters.root.locator(".message-text").innerText()).includes("filter 1"));
    });

    await t.step(
      "after a server restart the page reconnects, resumes and downloads again",
      async () => {
        // A range one second shorter than step 2's: another file, and an export (~10 MB) larger
        // than the server's flow-control window, so the gate holds it mid-way.
        const held = await filePage.start({ ...ALL, from: "2024-01-01T00:00:01" });
        await held.waitForProgress();
        server.signal("SIGKILL");
        await server.stop();
        await filePage.waitForPhase("reconnecting");
        await held.waitFor("paused");
        // Paused, it has no speed and no time left to show.
        equal(await held.root.locator(".stat-speed").innerText(), "–");
        equal(await held.root.locator(".stat-eta").innerText(), "–");
        server = serverProgram(db, ROWS, port);
        await server.waitFor("stdout", LISTENING);
        await filePage.waitForPhase("open");
        await blobPage.waitForPhase("open");
        await openGate(filePage.page, await held.name());
        await held.waitFor("done");
        const file = await privateFile(filePage.page, await held.name());
        const expected = await sqlite3Csv(db, FROM + 1000, TO);
        equal(file.size, expected.length);
        equal(file.sha256, await sha256Hex(expected));

        const saved = nextSavedFile(blobPage.page);
        const again = await blobPage.start({
          ...ALL,
          filters: [{ field: "symbol", operator: "eq", value: "BTC-USD" }],
        });
        await again.waitFor("done");
        const { name, bytes } = await saved;
        equal(name, "sluice-20240101-20300101-symbol-BTC-USD.csv");
        equal(await sha256Hex(bytes), await sha256Hex(btc));
      },
    );

    await t.step(
      "after a reload the history shows the downloads with their SHA-256 and downloads again",
      async () => {
        const page = blobPage.page;
        await page.reload();
        await blobPage.waitForPhase("open");
        match(
          await page.locator("#connection-who").innerText(),
          /^as 0[23][0-9a-f]{4}…[0-9a-f]{4}$/,
        );
        const entries = page.locator(".history-entry");
        // Newest first: the filtered one, the refused one, the first one.
        await entries.nth(2).waitFor();
        equal(await entries.count(), 3);
        equal(await entries.nth(1).getAttribute("data-outcome"), "failed");
        const last = entries.first();
        equal(
          await last.locator(".history-name").innerText(),
          "sluice-20240101-20300101-symbol-BTC-USD.csv",
        );
        equal(await last.locator(".history-sha256").innerText(), await sha256Hex(btc));
        const saved = nextSavedFile(page);
        await last.getByRole("button", { name: "Download again" }).click();
        await page.locator(".download").first().waitFor();
        const id = await page.locator(".download").first().getAttribute("data-request-id");
        const card = new Card(page, id ?? "");
        await card.waitFor("done");
        const { name, bytes } = await saved;
        // Another file of the same request: its name is its own.
        equal(name, "sluice-20240101-20300101-symbol-BTC-USD-2.csv");
        equal(await sha256Hex(bytes), await sha256Hex(btc));
        await entries.nth(3).waitFor();
        // A preset fills both ends of the range.
        await page.getByLabel("Period").selectOption("lastMonth");
        const month = presetRange("lastMonth", Date.now());
        equal(await page.locator("#from").inputValue(), isoToBox(month?.from ?? "?"));
        equal(await page.locator("#to").inputValue(), isoToBox(month?.to ?? "?"));
      },
    );

    await t.step("on a phone the new card is brought into view", async () => {
      const phone = new DemoPage(
        await (await newContext(browser, "blob", { width: 390, height: 844 })).newPage(),
      );
      await phone.open(url);
      const card = await phone.start({ from: "2024-01-01T00:00:00", to: "2024-01-02T00:00:00" });
      await card.waitFor("done");
      const visible = await card.root.evaluate((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight;
      });
      equal(visible, true);
      deepStrictEqual(phone.problems, []);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
});

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
        // The page starts with its own key, which this server does not allow.
        await walletPage.signInProblem("AUTH_UNKNOWN_IDENTITY");
        await walletPage.page.getByRole("radio", { name: "Ethereum wallet" }).check();
        await walletPage.waitForPhase("open");
        await walletPage.page.locator("#signin-message").waitFor({ state: "hidden" });
        equal(await walletPage.page.locator("#wallet-address").innerText(), wallet.address);
        equal(wallet.signed.length, 1);
        // Once: the delegation, for a key of the page's own that signs each challenge.
        match(
          wallet.signed[0],
          new RegExp(
            `^sluice delegation v1\n[^\n]+\nOrigin: ws://127\\.0\\.0\\.1:${port}\n` +
              `Identity: ${wallet.address.toLowerCase()}\nDelegate key: 0[23][0-9a-f]{64}\n`,
          ),
        );
        const saved = nextSavedFile(walletPage.page);
        const card = await walletPage.start(WEEK);
        await card.waitFor("done");
        equal(await sha256Hex((await saved).bytes), await sha256Hex(week));
        // The choice is remembered; the wallet still shares the account, and signs again.
        await walletPage.page.reload();
        await walletPage.waitForPhase("open");
        equal(
          await walletPage.page.getByRole("radio", { name: "Ethereum wallet" }).isChecked(),
          true,
        );
        equal(wallet.signed.length, 2);
        // A wallet that no longer shares the account is not asked until the person connects it.
        wallet.forget();
        await walletPage.page.reload();
        await walletPage.page.getByRole("button", { name: "Connect wallet" }).waitFor();
        await walletPage.waitForPhase("idle");
        // Download cannot work without an account: it is not offered, and says why.
        const download = walletPage.page.getByRole("button", { name: "Download", exact: true });
        equal(await download.isDisabled(), true);
        await walletPage.page.locator("#start-blocked").getByText("not signed in").waitFor();
        await walletPage.page.getByRole("button", { name: "Connect wallet" }).click();
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
        publicKey = await keyPage.identity();
        equal(
          await keyPage.signInProblem("AUTH_UNKNOWN_IDENTITY"),
          ERROR_HELP.AUTH_UNKNOWN_IDENTITY,
        );
        equal(await keyPage.page.locator("#connection-text").innerText(), "Sign-in refused");
        // Without a wallet in this browser there is no choice to offer.
        equal(await keyPage.page.locator("#signin-methods").isHidden(), true);
        await keyPage.page.getByRole("button", { name: "Copy" }).click();
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
        await page.getByText("Server key").click();
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
      match(wallet.signed[3], new RegExp(`\nIdentity: ${second.toLowerCase()}\n`));
      await wallet.switchTo(`0x${"5e".repeat(32)}`, page);
      equal(wallet.address, first);
      await walletPage.waitForPhase("open");
      await page.locator("#signin-message").waitFor({ state: "hidden" });
      equal(await page.locator("#wallet-address").innerText(), first);
      // Back on the first account with a delegation of its own, signed for the switch.
      equal(wallet.signed.length, 5);
      match(wallet.signed[4], new RegExp(`\nIdentity: ${first.toLowerCase()}\n`));
    });

    await t.step("a running download keeps its account when the wallet moves", async () => {
      // A browser with a wallet whose downloads can be held open.
      const context = await newContext(browser, "gated-file");
      await wallet.install(context);
      const held = new DemoPage(await context.newPage());
      try {
        const page = held.page;
        await page.goto(url);
        await page.getByRole("radio", { name: "Ethereum wallet" }).check();
        await held.waitForPhase("open");
        const first = wallet.address;
        const card = await held.start({ ...WEEK, format: "json" });
        await card.waitFor("running");
        await wallet.switchTo(`0x${"6f".repeat(32)}`, page);
        match(await held.signInProblem(""), /A download is running under this sign-in/);
        equal(await page.locator("#wallet-address").innerText(), first);
        await openGate(page, await card.name());
        await card.waitFor("done");
        // Afterwards the person moves the page to the wallet's new account themselves.
        const before = wallet.signed.length;
        await page.getByRole("button", { name: "Connect wallet" }).click();
        await held.signInProblem("AUTH_UNKNOWN_IDENTITY");
        equal(await page.locator("#wallet-address").innerText(), wallet.address);
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
