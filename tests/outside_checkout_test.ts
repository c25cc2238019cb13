// The README's Deno example, run as a user outside the checkout runs it: a script in a temporary
// directory with no deno.json imports the client by path (our import map does not apply there)
// and downloads from the server program; the file it saves is the database's bytes.
import { equal, ok } from "node:assert/strict";
import { demoPath } from "./_harness.ts";
import { serverProgram } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 20_000;
const LISTENING = /sluice listening on ws:\/\/127\.0\.0\.1:(\d+)\//;
const CLIENT_MOD = new URL("../client/mod.ts", import.meta.url).href;

/** The first ```ts block of the README that follows the line "**Deno.**". */
async function readmeDenoExample(): Promise<string> {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const after = readme.slice(readme.indexOf("**Deno.**"));
  const match = after.match(/```ts\n([\s\S]*?)```/);
  ok(match !== null, "the README has no Deno example");
  return match[1];
}

Deno.test("the README's Deno example, outside the checkout, imports the client by path and saves the export", async () => {
  const example = await readmeDenoExample();
  ok(example.includes(`"jsr:@sluice/sluice/client"`), "the example imports the JSR module");
  ok(example.includes(`"ws://127.0.0.1:8080/"`), "the example connects to the demo server");
  const db = demoPath(ROWS);
  const server = serverProgram(db, ROWS);
  const dir = await Deno.makeTempDir();
  try {
    const port = Number((await server.waitFor("stdout", LISTENING))[1]);
    const script = example
      .replace(`"jsr:@sluice/sluice/client"`, JSON.stringify(CLIENT_MOD))
      .replace(`"ws://127.0.0.1:8080/"`, `"ws://127.0.0.1:${port}/"`);
    await Deno.writeTextFile(`${dir}/export.ts`, script);
    // --no-config: whatever lies above the temporary directory, no deno.json applies.
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--allow-net", "--allow-read", "--allow-write", "export.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    ok(success, new TextDecoder().decode(stderr));
    const saved = await Deno.readFile(`${dir}/btc-january.csv`);
    const expected = await sqlite3Csv(
      db,
      Date.parse("2024-01-01T00:00:00Z"),
      Date.parse("2024-02-01T00:00:00Z"),
      " AND symbol = 'BTC-USD'",
    );
    ok(saved.length > 0, "the example saved nothing");
    equal(await sha256Hex(saved), await sha256Hex(expected));
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
