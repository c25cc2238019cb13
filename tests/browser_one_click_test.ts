// The demo page's sign-in panel in a real Chromium at a phone's width, as a first-time visitor
// meets it: one button, which signs in with one click; the identity's details stay hidden until
// asked for; then a download works, and Forget key leaves the page signed out.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { shortIdentity } from "../web/format.ts";
import { demoPath } from "./_harness.ts";
import { serverProgram } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import { DemoPage, launchChromium, newContext, nextSavedFile } from "./_browser.ts";

const ROWS = 3000;
const DAY = { from: "2024-01-01T00:00:00", to: "2024-01-02T00:00:00" };

Deno.test("one click on a fresh page's Sign in signs in, the top bar names who, details wait until asked, a download works, and Forget key signs out for good", async () => {
  const db = demoPath(ROWS);
  // Sign-in required, no allow list: the browser's own key is let in.
  const server = serverProgram(db, ROWS, 0, { anonymous: false });
  const browser = await launchChromium();
  try {
    const [, port] = await server.waitFor("stdout", /listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
    const context = await newContext(browser, "blob", { width: 390, height: 844 });
    const demo = new DemoPage(await context.newPage());
    const page = demo.page;
    await page.goto(`http://127.0.0.1:${port}/`);

    // Before the click: not signed in, no key made, and the one button in view on a phone.
    const button = page.getByRole("button", { name: "Sign in", exact: true });
    await button.waitFor();
    await demo.waitForPhase("idle");
    equal(await page.locator("#signin-status").innerText(), "Not signed in.");
    equal(await page.getByRole("button", { name: "Download", exact: true }).isDisabled(), true);
    const box = await button.boundingBox();
    ok(box !== null && box.y + box.height <= 844, "the button is below a phone's first screen");
    equal(await page.locator("#signin-details").getAttribute("open"), null);
    equal(await page.locator("#identity").isVisible(), false);

    await button.click();
    await demo.waitForPhase("open");
    const key = await demo.identity();
    // The top bar and the panel name the identity, shortened; the whole key is not shown yet.
    equal(await page.locator("#connection-who").innerText(), `as ${shortIdentity(key)}`);
    equal(
      await page.locator("#signin-status").innerText(),
      `Signed in as ${shortIdentity(key)} with this browser's key.`,
    );
    equal(await button.isVisible(), false);
    equal(await page.locator("#identity").isVisible(), false);

    // The details on demand, from the keyboard.
    await page.locator("#signin-details summary").focus();
    await page.keyboard.press("Enter");
    await page.locator("#identity").waitFor();
    equal(await page.locator("#identity").innerText(), key);
    match(await page.locator("#key-fingerprint").innerText(), /^0[23][0-9a-f]{4}…[0-9a-f]{4}$/);
    for (const name of ["Copy", "New key…", "Forget key…"]) {
      ok(await page.getByRole("button", { name, exact: true }).isVisible(), name);
    }
    // Nothing is wider than the phone.
    equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);

    await page.locator("#add-filter:enabled").waitFor();
    const saved = nextSavedFile(page);
    const card = await demo.start(DAY);
    await card.waitFor("done");
    const expected = await sqlite3Csv(db, Date.parse(`${DAY.from}Z`), Date.parse(`${DAY.to}Z`));
    equal(await sha256Hex((await saved).bytes), await sha256Hex(expected));

    // Forget key (asked first) signs out, and a reload stays signed out: the next click makes a
    // new identity.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Forget key…" }).click();
    await page.locator("#signin").getByText("Not signed in.").waitFor();
    await demo.waitForPhase("idle");
    equal(await page.getByRole("button", { name: "Download", exact: true }).isDisabled(), true);
    await page.reload();
    await button.waitFor();
    await demo.waitForPhase("idle");
    await button.click();
    await demo.waitForPhase("open");
    ok(await demo.identity() !== key, "the forgotten key signed in again");
    deepStrictEqual(demo.problems, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
