// The export form's estimate, preview, column choice and suggested values in a real Chromium
// against the real server program: the page shows the server's count and first rows under the
// form, a download of the ticked columns is what sqlite3 selects of them, and against a server
// that does not know `download:estimate` (this one, the event renamed on its way) the page shows
// nothing and stops asking.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { demoPath } from "./_harness.ts";
import { Program, SERVER } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import { DemoPage, launchChromium, newContext, nextSavedFile } from "./_browser.ts";

const ROWS = 20_000;
const RANGE = { from: "2024-01-01T00:00:00", to: "2030-01-01T00:00:00" };
const LISTENING = /sluice listening on ws:\/\/127\.0\.0\.1:(\d+)\//;
const CHOSEN = ["ts", "symbol", "price"];

Deno.test("the page shows the estimate and first rows, suggests values, and downloads the ticked columns", async (t) => {
  const db = demoPath(ROWS);
  // Unsealed sessions, so that the last step can rename the event on its way to the server.
  const server = new Program(
    ["run", "-A", SERVER, "--port", "0", "--db", db, "--demo-rows", String(ROWS), "--anonymous"],
    { SLUICE_ENCRYPTION: "off" },
  );
  const port = Number((await server.waitFor("stdout", LISTENING))[1]);
  const url = `http://127.0.0.1:${port}/`;
  const browser = await launchChromium();
  try {
    const demo = new DemoPage(await (await newContext(browser, "blob")).newPage());
    const page = demo.page;
    await demo.open(url);
    const summary = page.locator("#estimate-summary");

    await t.step("the estimate and the preview of every column", async () => {
      await page.getByLabel("From", { exact: true }).fill(RANGE.from);
      await page.getByLabel("To", { exact: true }).fill(RANGE.to);
      await page.locator("#estimate-summary:not([hidden])").waitFor();
      ok((await summary.innerText()).startsWith("20,000 rows, ≈ "), await summary.innerText());
      equal(await page.locator("#preview tbody tr").count(), 20);
      equal(await page.locator("#preview thead th").count(), 11);
    });

    await t.step("values of text columns are offered to a filter's value box", async () => {
      await page.getByRole("button", { name: "Add filter" }).click();
      await page.getByLabel("Filter 1 column", { exact: true }).selectOption("symbol");
      const list = await page.getByRole("combobox", { name: "Filter 1 value" }).getAttribute(
        "list",
      );
      ok(list !== null);
      const offered = await page.locator(`datalist#${list} option`).evaluateAll((options) =>
        options.map((o) => (o as HTMLOptionElement).value)
      );
      ok(offered.includes("BTC-USD"), JSON.stringify(offered));
      await page.getByRole("button", { name: "Remove filter" }).click();
    });

    await t.step("unticked columns leave the preview, and the download", async () => {
      for (const box of await page.locator("#columns input").all()) {
        await box.setChecked(CHOSEN.includes(await box.getAttribute("value") ?? ""));
      }
      await page.waitForFunction(
        (names) =>
          [...document.querySelectorAll("#preview thead th")].map((th) => th.textContent)
            .join() === names,
        CHOSEN.join(),
      );
      const saved = nextSavedFile(page);
      await page.getByRole("button", { name: "Download", exact: true }).click();
      const { bytes } = await saved;
      const expected = await sqlite3Csv(
        db,
        Date.parse(`${RANGE.from}Z`),
        Date.parse(`${RANGE.to}Z`),
        "",
        CHOSEN,
      );
      equal(await sha256Hex(bytes), await sha256Hex(expected));
      deepStrictEqual(demo.problems, []);
    });

    await t.step(
      "a server that does not know the estimate: nothing shown, asked once",
      async () => {
        const context = await newContext(browser, "blob");
        let asked = 0;
        await context.routeWebSocket(/127\.0\.0\.1/, (socket) => {
          const upstream = socket.connectToServer();
          socket.onMessage((message) => {
            if (typeof message === "string" && message.includes('"download:estimate"')) {
              asked++;
              message = message.replace('"download:estimate"', '"download:guess"');
            }
            upstream.send(message);
          });
        });
        const older = new DemoPage(await context.newPage());
        await older.open(url);
        await older.page.getByLabel("From", { exact: true }).fill(RANGE.from);
        for (const until = Date.now() + 10_000; asked === 0 && Date.now() < until;) {
          await older.page.waitForTimeout(50);
        }
        equal(asked, 1);
        await older.page.getByLabel("To", { exact: true }).fill("2029-01-01T00:00:00");
        // Proving that nothing more is asked takes a wait: more than the page's 400 ms settle time.
        await older.page.waitForTimeout(1000);
        equal(asked, 1);
        equal(await older.page.locator("#estimate-summary").isHidden(), true);
        equal(await older.page.locator("#connection").getAttribute("data-phase"), "open");
        deepStrictEqual(older.problems, []);
      },
    );
  } finally {
    await browser.close();
    server.signal("SIGTERM");
    await server.stop();
  }
});
