// The command-line client killed and run again with --continue: midway, before the first frame,
// and after the FINAL frame; every finished file is checked byte for byte against the sqlite3
// oracle (and, for gzip, against an uninterrupted run).
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { RawPeer, readDownload, requestMessage, startServer } from "./_harness.ts";
import { CuttingProxy } from "./_proxy.ts";
import { sha256Hex } from "./_sqlite3.ts";
import {
  client,
  exists,
  FROM,
  gunzip,
  killMidway,
  oracleCsv,
  oracleSha,
  portOf,
  RANGE,
  ROWS,
  SERVER_OPTIONS,
  size,
  spawn,
  TO,
  waitForSize,
  withTempDir,
} from "./_cli_runs.ts";

Deno.test("a client killed with SIGKILL midway finishes with --continue: byte-identical output", async (t) => {
  const server = startServer(ROWS, SERVER_OPTIONS);
  try {
    await withTempDir(async (dir) => {
      await t.step("CSV", async () => {
        const file = `${dir}/all.csv`;
        const args = [...RANGE, "-o", file];
        const total = (await oracleCsv()).length;
        await killMidway(server.url, args, file, total);

        const run = await client([server.url, ...args, "--continue"]);
        equal(run.code, 0, run.stderr);
        match(run.stderr, /^done: [\d,]+ rows, .* since the resume at row [\d,]+$/m);
        // The SHA-256 printed is the whole file's, the part the killed run wrote included.
        match(run.stderr, new RegExp(`^sha256 ${await oracleSha()}$`, "m"));
        equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
        ok(!await exists(`${file}.sluice`), "the state file is removed once complete");
        ok(!await exists(`${file}.sluice.tmp`));
      });

      await t.step(
        "--gzip: the same bytes as an uninterrupted run, and gzip -dc gives the export",
        async () => {
          const whole = `${dir}/whole.csv.gz`;
          const straight = await client([server.url, ...RANGE, "--gzip", "-o", whole]);
          equal(straight.code, 0, straight.stderr);
          ok(!await exists(`${whole}.sluice`));
          const expected = await Deno.readFile(whole);

          const file = `${dir}/resumed.csv.gz`;
          const args = [...RANGE, "--gzip", "-o", file];
          await killMidway(server.url, args, file, expected.length);
          const run = await client([server.url, ...args, "--continue"]);
          equal(run.code, 0, run.stderr);
          const resumed = await Deno.readFile(file);
          equal(resumed.length, expected.length);
          equal(await sha256Hex(resumed), await sha256Hex(expected));
          // With --gzip, the SHA-256 printed is the gzip file's.
          match(run.stderr, new RegExp(`^sha256 ${await sha256Hex(expected)}$`, "m"));
          equal(await sha256Hex(await gunzip(file)), await oracleSha());
          ok(!await exists(`${file}.sluice`));
        },
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("a client killed after download:start, before any frame, finishes with --continue", async () => {
  // Unencrypted, so that the proxy can see download:start; the connection freezes right after it:
  // no frame ever arrives on it.
  const server = startServer(ROWS, { ...SERVER_OPTIONS, encryption: false });
  const proxy = new CuttingProxy(portOf(server.url), { messages: true });
  try {
    await withTempDir(async (dir) => {
      const file = `${dir}/early.csv`;
      const args = [...RANGE, "-o", file];
      proxy.freezeAfter("download:start");
      const child = spawn([`ws://127.0.0.1:${proxy.port}/`, ...args]);
      try {
        await waitForSize(child, `${file}.sluice`, 0); // the state file exists (written whole)
      } finally {
        child.kill("SIGKILL");
        await child.output();
      }
      const state = JSON.parse(await Deno.readTextFile(`${file}.sluice`));
      equal(state.version, 2);
      equal(state.fileBytes, 0);
      deepStrictEqual(
        { ...state.resumePoint, highWaterMark: undefined },
        {
          highWaterMark: undefined,
          cursor: "",
          sequence: 0,
          rows: 0,
          bytes: 0,
          digest: "00".repeat(32),
          final: false,
        },
      );
      match(state.resumePoint.highWaterMark, /^\d+$/);
      equal(await size(file), 0);

      const run = await client([server.url, ...args, "--continue"]);
      equal(run.code, 0, run.stderr);
      equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
      ok(!await exists(`${file}.sluice`));
    });
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("--continue from a state saved after the FINAL frame finishes without a server, byte-identical", async () => {
  // The real download, frame by frame, as the CLI would have received it before being killed
  // between the FINAL frame and download:complete.
  const server = startServer(ROWS, SERVER_OPTIONS);
  const request = {
    searchParams: { timeFrom: FROM, timeTo: TO, filters: [] },
    outputFormat: "csv",
    compression: false,
  } as const;
  let received;
  try {
    const peer = await RawPeer.open(server.url);
    peer.send(requestMessage("whole", request));
    const start = await peer.message("download:start", "whole");
    received = { start: start.data, ...await readDownload(peer, "whole") };
    await peer.close();
  } finally {
    await server.close(); // from here on nothing listens at server.url
  }
  const { start, payload, frames, complete } = received;
  const last = frames.at(-1)!;
  ok(last.final);
  await withTempDir(async (dir) => {
    const file = `${dir}/final.csv`;
    // Bytes after the saved length (none should exist; if they do, they are not the export's).
    await Deno.writeFile(file, new Uint8Array([...payload, ...new TextEncoder().encode("junk")]));
    await Deno.writeTextFile(
      `${file}.sluice`,
      JSON.stringify({
        version: 2,
        url: server.url,
        request,
        resumePoint: {
          highWaterMark: start.highWaterMark,
          cursor: last.cursor,
          sequence: last.sequence + 1,
          rows: complete.rows,
          bytes: complete.bytes,
          digest: complete.digest,
          final: true,
        },
        fileBytes: complete.bytes,
      }),
    );
    const run = await client([server.url, ...RANGE, "-o", file, "--continue"]);
    equal(run.code, 0, run.stderr);
    match(run.stderr, new RegExp(`^done: ${complete.rows.toLocaleString("en-US")} rows, .*$`, "m"));
    match(run.stderr, new RegExp(`^chain ${complete.digest}$`, "m"));
    // The SHA-256 printed is the whole file's, the part written before the resume included.
    match(run.stderr, new RegExp(`^sha256 ${await oracleSha()}$`, "m"));
    equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
    ok(!await exists(`${file}.sluice`), "the state file is removed once complete");
  });
});
