// The command-line client losing its connection: cut by a proxy it resumes by itself; with the
// server gone for good it exits naming CONNECTION_FAILED, and --continue elsewhere finishes. The
// files are checked byte for byte against the sqlite3 oracle.
import { equal, match, ok } from "node:assert/strict";
import { startServer } from "./_harness.ts";
import { CuttingProxy } from "./_proxy.ts";
import { sha256Hex } from "./_sqlite3.ts";
import {
  client,
  exists,
  finish,
  oracleCsv,
  oracleSha,
  portOf,
  RANGE,
  ROWS,
  SERVER_OPTIONS,
  spawn,
  waitForSize,
  withTempDir,
} from "./_cli_runs.ts";

Deno.test("cut 3 times by a proxy, the client resumes by itself with its default reconnection", async () => {
  const server = startServer(ROWS);
  const proxy = new CuttingProxy(portOf(server.url));
  try {
    await withTempDir(async (dir) => {
      const total = (await oracleCsv()).length;
      const gap = Math.floor(total / 5);
      const file = `${dir}/cut.csv`;
      const args = [`ws://127.0.0.1:${proxy.port}/`, ...RANGE, "-o", file];
      const child = spawn(args);
      // One cut at a time: the next is armed once the client has connected again.
      proxy.cutAfter(gap);
      let armed = 1;
      let ended = false;
      const result = finish(child, args).finally(() => ended = true);
      while (!ended) {
        if (proxy.cuts === armed && armed < 3 && proxy.accepted > proxy.cuts) {
          proxy.cutAfter(gap);
          armed++;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const run = await result;
      equal(run.code, 0, run.stderr);
      equal(proxy.cuts, 3);
      equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
      ok(!await exists(`${file}.sluice`));
    });
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("a server gone for good: exit 1 naming CONNECTION_FAILED, then --continue elsewhere finishes", async () => {
  const server = startServer(ROWS, SERVER_OPTIONS);
  const proxy = new CuttingProxy(portOf(server.url));
  let closing: Promise<void> | undefined;
  try {
    await withTempDir(async (dir) => {
      const total = (await oracleCsv()).length;
      const file = `${dir}/gone.csv`;
      const args = [...RANGE, "-o", file];
      const flags = ["--retries", "2", "--retry-delay", "50"];
      const proxied = `ws://127.0.0.1:${proxy.port}/`;
      const child = spawn([proxied, ...args, ...flags]);
      await waitForSize(child, file, total / 3);
      closing = proxy.close(); // every connection dropped, and the port stays closed
      await closing;
      const run = await finish(child, args);
      equal(run.code, 1, run.stderr);
      match(run.stderr, /^sluice: download failed: CONNECTION_FAILED: /m);
      ok(!run.stderr.includes("    at "), run.stderr);
      const state = JSON.parse(await Deno.readTextFile(`${file}.sluice`));
      equal(state.url, proxied);
      ok(state.fileBytes > 0 && state.fileBytes < total, `${state.fileBytes} of ${total}`);

      // The same request against another URL (the server itself) picks up where it stopped.
      const again = await client([server.url, ...args, "--continue"]);
      equal(again.code, 0, again.stderr);
      equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
      ok(!await exists(`${file}.sluice`));
    });
  } finally {
    await (closing ?? proxy.close());
    await server.close();
  }
});
