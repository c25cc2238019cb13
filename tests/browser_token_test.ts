// The demo page's Token way in a real Chromium, through examples/token_app.ts as a person uses
// it: log in to the app, press "Export my trades", land on sluice's page with the token in the
// address (which the page takes out of it), be signed in with it, and download only one's own
// rows. Then a pasted token that the server refuses shows its code in the sign-in panel.
import { equal, ok } from "node:assert/strict";
import { demoPath } from "./_harness.ts";
import { Program } from "./_program.ts";
import { DemoPage, launchChromium, newContext, nextSavedFile } from "./_browser.ts";

const ROWS = 3000;
const EXAMPLE = new URL("../examples/token_app.ts", import.meta.url).pathname;

Deno.test("the page signs in with a token the app hands over, downloads the user's rows, and shows a refused token's code", async () => {
  const app = new Program(["run", "-A", EXAMPLE], {
    PORT: "0",
    SLUICE_DB: demoPath(ROWS),
    SLUICE_DEMO_ROWS: String(ROWS),
  });
  const browser = await launchChromium();
  try {
    const [, base] = await app.waitFor("stdout", /example app on (http:\/\/\S+)\/app/);
    const context = await newContext(browser, "blob");
    const demo = new DemoPage(await context.newPage());
    const page = demo.page;
    await page.goto(`${base}/app`);
    await page.getByLabel("User").selectOption("bob");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Export my trades" }).click();
    await page.locator("#connection-who", { hasText: "as a token" }).waitFor();
    await demo.waitForPhase("open");
    // The token left the address as soon as the page read it.
    equal(new URL(page.url()).hash, "");
    equal(await page.locator("#signin").getAttribute("data-method"), "token");
    equal(await page.locator("#signin-status").innerText(), "Signed in with your login's token.");
    equal(await page.locator("#connection-who").innerText(), "as a token");

    await page.locator("#add-filter:enabled").waitFor();
    const saved = nextSavedFile(page);
    const card = await demo.start({ from: "2024-01-01T00:00:00", to: "2030-01-01T00:00:00" });
    await card.waitFor("done");
    const lines = new TextDecoder().decode((await saved).bytes).split("\r\n").filter((l) => l);
    const user = lines[0].split(",").indexOf("user_id");
    ok(lines.length > 1);
    ok(lines.slice(1).every((line) => line.split(",")[user] === "2"), "another user's row");

    await page.getByRole("button", { name: "Use another token" }).click();
    await page.getByLabel("Your login's token for this export").fill("not-a-jwt");
    await page.getByRole("button", { name: "Use token" }).click();
    await demo.signInProblem("AUTH_TOKEN_MALFORMED");
    equal(demo.problems.length, 0, demo.problems.join("\n"));
  } finally {
    await browser.close();
    await app.stop();
  }
});
