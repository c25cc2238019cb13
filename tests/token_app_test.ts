// examples/token_app.ts, run briefly as a program: its login, the five-minute token it mints for
// an export, sluice's page reached with the token in the address, and a download signed in with
// that token holding exactly the user's rows (counted by the sqlite3 CLI).
import { equal, match, ok } from "node:assert/strict";
import * as jose from "npm:jose@6.2.18";
import { ClientBuilder } from "../client/client_builder.ts";
import { demoPath, downloadCsv } from "./_harness.ts";
import { Program } from "./_program.ts";

const ROWS = 3000;
const EXAMPLE = new URL("../examples/token_app.ts", import.meta.url).pathname;

async function sqliteCount(db: string, sql: string): Promise<number> {
  const out = await new Deno.Command("sqlite3", { args: [db, sql], stdout: "piped" }).output();
  return Number(new TextDecoder().decode(out.stdout).trim());
}

Deno.test("the token example app logs a user in, mints a five-minute token, and its export holds that user's rows only", async () => {
  const db = demoPath(ROWS);
  const app = new Program(["run", "-A", EXAMPLE], {
    PORT: "0",
    SLUICE_DB: db,
    SLUICE_DEMO_ROWS: String(ROWS),
  });
  try {
    const [, base] = await app.waitFor("stdout", /example app on (http:\/\/\S+)\/app/);
    const login = await fetch(`${base}/app/login`, {
      method: "POST",
      body: new URLSearchParams({ user: "alice" }),
      redirect: "manual",
    });
    await login.body?.cancel();
    equal(login.status, 303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const page = await (await fetch(`${base}/app`, { headers: { cookie } })).text();
    match(page, /Hello, alice/);

    const anonymous = await fetch(`${base}/app/token`, { method: "POST" });
    await anonymous.body?.cancel();
    equal(anonymous.status, 401);

    // The button's way: to sluice's page, with the token in the fragment.
    const exported = await fetch(`${base}/app/export`, {
      method: "POST",
      headers: { cookie },
      redirect: "manual",
    });
    await exported.body?.cancel();
    equal(exported.status, 303);
    const [, handed] = exported.headers.get("location")!.match(/^\/#token=(\S+)$/)!;
    const claims = jose.decodeJwt(handed);
    equal(claims.sub, "alice");
    equal(claims.exp! - claims.iat!, 300);
    const schema = await (await fetch(`${base}/schema.json`)).json();
    equal(schema.tokens, true, "sluice's page is told to offer its Token way");

    // A script of the app's own: a fresh token asked for each sign-in.
    let asked = 0;
    const { bytes, rows } = await downloadCsv(
      new ClientBuilder(base.replace(/^http/, "ws") + "/").withToken(async () => {
        asked++;
        const response = await fetch(`${base}/app/token`, { method: "POST", headers: { cookie } });
        return await response.text();
      }),
    );
    equal(asked, 1);
    const lines = new TextDecoder().decode(bytes).split("\r\n").filter((l) => l !== "");
    const userColumn = lines[0].split(",").indexOf("user_id");
    ok(userColumn >= 0);
    ok(lines.slice(1).every((line) => line.split(",")[userColumn] === "1"), "another user's row");
    equal(rows, await sqliteCount(db, "SELECT count(*) FROM trades WHERE user_id = 1"));
    ok(rows > 0);
  } finally {
    await app.stop();
  }
});
