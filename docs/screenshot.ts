/// <reference lib="dom" />
/**
 * Captures the README's pictures of the demo page in the real Chromium, in
 * the middle of a download: `docs/screenshot.png` (a desktop window) and
 * `docs/screenshot-phone.png` (a phone). It starts the server program on a
 * free port over the 100,000-row demo table, requiring sign-in (no allow
 * list, so the page's own key is let in), fills the form as a person
 * would, and holds one download mid-way by flow control (its file's writes
 * wait; see tests/_browser.ts), so the picture shows live progress. Each
 * signs in with the panel's one button, as a first visit does: the desktop
 * browser has an Ethereum wallet (the tests' stand-in), so it signs in
 * with the wallet and offers the browser key as the other way; the phone
 * has none, and signs in with its browser key.
 *
 * @example
 * ```sh
 * deno task screenshot
 * ```
 *
 * @module
 */

import type { Browser } from "npm:playwright-core@1.65.1";
import { DemoPage, launchChromium, newContext, openGate, TestWallet } from "../tests/_browser.ts";
import { demoPath } from "../tests/_harness.ts";
import { serverProgram } from "../tests/_program.ts";

const ROWS = 100_000;

async function capture(browser: Browser, url: string, phone: boolean, path: URL): Promise<void> {
  const viewport = phone ? { width: 390, height: 844 } : { width: 1280, height: 900 };
  const context = await newContext(browser, "gated-file", viewport);
  if (!phone) await new TestWallet(`0x${"5e".repeat(32)}`).install(context);
  try {
    const page = new DemoPage(await context.newPage());
    await page.page.emulateMedia({ reducedMotion: "reduce", colorScheme: "light" });
    await page.open(url);
    const filters = [{ field: "symbol", operator: "in", value: "BTC-USD, ETH-USD" }];
    const done = await page.start({
      from: "2024-01-01T00:00:00",
      to: "2024-01-15T00:00:00",
      filters,
      format: "ndjson",
      gzip: true,
    });
    await openGate(page.page, await done.name());
    await done.waitFor("done");
    const held = await page.start({ from: "2024-01-01T00:00:00", to: "2025-01-01T00:00:00" });
    await held.waitForProgress();
    // The form as a person would leave it, ready for the next export.
    await page.setFilters([...filters, { field: "side", operator: "eq", value: "buy" }]);
    await page.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.page.locator("#rtt:not(:empty)").waitFor({ timeout: 30_000 });
    await page.page.screenshot({ path: path.pathname, fullPage: true });
    console.log(`wrote ${path.pathname}`);
  } finally {
    await context.close();
  }
}

if (import.meta.main) {
  const server = serverProgram(demoPath(ROWS), ROWS, 0, { anonymous: false });
  const browser = await launchChromium();
  try {
    const [, port] = await server.waitFor("stdout", /listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
    const url = `http://127.0.0.1:${port}/`;
    await capture(browser, url, false, new URL("screenshot.png", import.meta.url));
    await capture(browser, url, true, new URL("screenshot-phone.png", import.meta.url));
  } finally {
    await browser.close();
    await server.stop();
  }
}
