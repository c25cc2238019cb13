// The client bundle the server serves (web/sluice_client.js), run by Node as it is: a real server
// on loopback, Node downloads, and the bytes must be the sqlite3 CLI's export of the same rows.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { demoPath, startServer } from "./_harness.ts";
import { DEADLINE_MS } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 20_000;
const BUNDLE = new URL("../web/sluice_client.js", import.meta.url).href;
const SCRIPT = new URL("./_node_download.mjs", import.meta.url).pathname;
const ALL = { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] };

/** Runs node with `args`; kills it if it has not exited within the deadline. */
async function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 3 * DEADLINE_MS);
  try {
    const out = await new Deno.Command("node", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Node's global WebSocket is there from 22 on; 20.10+ and 21 have it behind a flag (docs say
 * "Node 22+"; our machines have 20).
 */
async function websocketFlags(): Promise<string[]> {
  const { stdout } = await node(["--version"]);
  const major = Number(/^v(\d+)\./.exec(stdout)?.[1]);
  ok(major >= 20, `the client needs Node 20.10 or later, found ${stdout.trim()}`);
  return major >= 22 ? [] : ["--experimental-websocket"];
}

Deno.test("the bundled client downloads in Node, byte-identical to the database, gzip included", async (t) => {
  const server = startServer(ROWS);
  const dir = await Deno.makeTempDir({ prefix: "sluice-node-" });
  try {
    const flags = await websocketFlags();
    const expected = await sqlite3Csv(
      demoPath(ROWS),
      Date.parse(ALL.timeFrom),
      Date.parse(ALL.timeTo),
    );
    for (const compression of [false, true]) {
      await t.step(compression ? "gzip, decompressed by Node" : "plain CSV", async () => {
        const out = `${dir}/export-${compression}.csv`;
        const request = { searchParams: ALL, outputFormat: "csv", compression };
        const run = await node([
          ...flags,
          SCRIPT,
          BUNDLE,
          server.url,
          out,
          JSON.stringify(request),
          compression ? "decompress" : "",
        ]);
        equal(run.code, 0, run.stderr);
        const { summary, updates } = JSON.parse(run.stdout);
        equal(summary.rows, ROWS);
        ok(updates > 0, "Node saw progress updates");
        const bytes = await Deno.readFile(out);
        equal(bytes.length, expected.length);
        deepStrictEqual(await sha256Hex(bytes), await sha256Hex(expected));
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await server.close();
  }
});
