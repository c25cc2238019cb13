// The demo page in a real Chromium against the real server program (`deno run server.ts` on
// 127.0.0.1, port 0): downloads checked byte for byte against the sqlite3 CLI, several at once,
// cancelled, refused, and carried across a server restart. (Its sign-in: browser_sign_in_test.ts.)
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
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
} from "./_browser.ts";

/**
 * ~6.3 MB of CSV: a download held at its file's gate stops at the server's 4 MiB flow-control
 * window with more than a megabyte still unsent (acknowledged only as the page writes, the
 * page holds a frame or two beyond it). 100,000 rows proved the same in a fifth more CPU.
 */
const ROWS = 60_000;
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
  // Awaited below; until then a failure must not be an uncaught rejection, which would end every
  // test of the worker rather than this one.
  oracles.catch(() => {});
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
      "a 60,000-row CSV saved through the Blob fallback is the database's bytes",
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
        // A range one second shorter than step 2's: another file, and an export (~6 MB) larger
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
      const page = phone.page;
      // The estimate answers 400 ms after the form last changed: a person who types a range and
      // presses Enter at once has the card first, and the estimate above it a moment later
      // (done here in one go, so that it is so whatever the machine's speed).
      const hiddenAtCard = await page.evaluate(() =>
        new Promise<boolean>((seen) => {
          const summary = document.getElementById("estimate-summary")!;
          new MutationObserver((_, observer) => {
            observer.disconnect();
            seen(summary.hidden === true);
          }).observe(document.getElementById("downloads")!, { childList: true });
          const type = (id: string, value: string) => {
            const box = document.getElementById(id) as HTMLInputElement;
            box.value = value;
            box.dispatchEvent(new Event("input", { bubbles: true }));
          };
          type("to", ""); // a form that could not be sent: no estimate shown
          type("from", "2024-01-01 00:00");
          type("to", "2024-01-02 00:00");
          (document.getElementById("export-form") as HTMLFormElement).requestSubmit();
        })
      );
      equal(hiddenAtCard, true, "the card came before the estimate");
      const id = await page.locator(".download").first().getAttribute("data-request-id");
      const card = new Card(page, id ?? "");
      await card.waitFor("done");
      // What the estimate adds above the card must not push the card out of view.
      await page.locator("#estimate-summary:not([hidden])").waitFor();
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
