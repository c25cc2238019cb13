// The demo page in a real Chromium against the real server program (`deno run server.ts` on
// 127.0.0.1, port 0): downloads checked byte for byte against the sqlite3 CLI, several at once,
// cancelled, refused, and carried across a server restart.
import { equal, ok } from "node:assert/strict";
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
} from "./_browser.ts";

const ROWS = 100_000;
const ALL = { from: "2024-01-01T00:00:00", to: "2030-01-01T00:00:00" };
const FROM = Date.parse(`${ALL.from}Z`);
const TO = Date.parse(`${ALL.to}Z`);
const LISTENING = /sluice listening on ws:\/\/127\.0\.0\.1:(\d+)\//;

Deno.test("the demo page in Chromium downloads, cancels, explains refusals and survives a server restart", async (t) => {
  const db = demoPath(ROWS);
  const everything = await sqlite3Csv(db, FROM, TO);
  const btc = await sqlite3Csv(db, FROM, TO, " AND symbol = 'BTC-USD'");
  let server = serverProgram(db, ROWS);
  const port = Number((await server.waitFor("stdout", LISTENING))[1]);
  const url = `http://127.0.0.1:${port}/`;
  const browser = await launchChromium();
  try {
    const blobPage = new DemoPage(await (await newContext(browser, "blob")).newPage());
    const filePage = new DemoPage(await (await newContext(browser, "gated-file")).newPage());
    await blobPage.open(url);
    await filePage.open(url);

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

    await t.step("a refused request shows its error code", async () => {
      const inverted = await blobPage.start({ from: "2024-03-01T00:00:00", to: ALL.from });
      await inverted.waitFor("failed");
      equal(await inverted.code(), "INVALID_RANGE");
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
        equal(await sha256Hex((await saved).bytes), await sha256Hex(btc));
      },
    );
  } finally {
    await browser.close();
    await server.stop();
  }
});
