// The command-line client resuming: killed mid-download and run again with --continue, cut off
// by a proxy, or left without a server for good; every finished file is checked byte for byte
// against the sqlite3 oracle (and, for gzip, against an uninterrupted run).
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { demoPath, RawPeer, readDownload, requestMessage, startServer } from "./_harness.ts";
import { CuttingProxy } from "./_proxy.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const CLIENT = new URL("../client.ts", import.meta.url).pathname;
const ROWS = 100_000;
const FROM = "2024-01-01T00:00:00Z";
const TO = "2030-01-01T00:00:00Z";
const RANGE = ["--from", FROM, "--to", TO];
/** Longest a single run of the client may take before it is killed. */
const DEADLINE_MS = 20_000;
/** Small frames and a small window: the export arrives in many steps, slow enough to stop midway. */
const SERVER_OPTIONS = { windowBytes: 65_536, frameBytes: 16_384 };
const decoder = new TextDecoder();

const portOf = (url: string) => Number(new URL(url).port);

interface Run {
  readonly code: number;
  readonly stderr: string;
}

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLIENT, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Waits for a spawned client to end, killing it if it outlives the deadline. */
async function finish(child: Deno.ChildProcess, args: string[]): Promise<Run> {
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    child.kill("SIGKILL");
  }, DEADLINE_MS);
  try {
    const out = await child.output();
    ok(!late, `client ${args.join(" ")} ran longer than ${DEADLINE_MS} ms`);
    return { code: out.code, stderr: decoder.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

const client = (args: string[]) => finish(spawn(args), args);

async function size(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** Polls until `file` has more than `bytes` bytes, or the child ended first (which fails). */
async function waitForSize(
  child: Deno.ChildProcess,
  file: string,
  bytes: number,
): Promise<void> {
  let ended = false;
  child.status.then(() => ended = true);
  const started = performance.now();
  while (await size(file) <= bytes) {
    ok(!ended, `the client ended before ${file} reached ${bytes} bytes`);
    ok(performance.now() - started < DEADLINE_MS, `${file} never reached ${bytes} bytes`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function waitForState(child: Deno.ChildProcess, stateFile: string): Promise<void> {
  let ended = false;
  child.status.then(() => ended = true);
  const started = performance.now();
  for (;;) {
    const text = await Deno.readTextFile(stateFile).catch(() => "");
    if (text !== "" && JSON.parse(text).fileBytes > 0) return;
    ok(!ended, `the client ended before ${stateFile} recorded any bytes`);
    ok(performance.now() - started < DEADLINE_MS, `${stateFile} never recorded any bytes`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function gunzip(path: string): Promise<Uint8Array> {
  const out = await new Deno.Command("gzip", { args: ["-dc", path], stdout: "piped" }).output();
  ok(out.success, `gzip -dc ${path} failed`);
  return out.stdout;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-resume-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

let oracle: Promise<{ sha256: string; length: number }> | undefined;
/** Every row as CSV, by sqlite3: its SHA-256 and length, computed once for the whole file. */
function oracleCsv(): Promise<{ sha256: string; length: number }> {
  return oracle ??= sqlite3Csv(demoPath(ROWS), Date.parse(FROM), Date.parse(TO))
    .then(async (csv) => ({ sha256: await sha256Hex(csv), length: csv.length }));
}
const oracleSha = async () => (await oracleCsv()).sha256;

/** Starts the client, kills it with SIGKILL once `file` passes a third of `total`; checks the state. */
async function killMidway(url: string, args: string[], file: string, total: number) {
  const child = spawn([url, ...args]);
  try {
    await waitForSize(child, file, total / 3);
    // The state file is rewritten at most every 250 ms: kill once it records some bytes, so the
    // resume starts mid-file rather than from the byte-0 point written at download:start.
    await waitForState(child, `${file}.sluice`);
  } finally {
    child.kill("SIGKILL");
    await child.output();
  }
  const written = await size(file);
  ok(written < total, `killed at ${written} of ${total} bytes: too late to test anything`);
  const state = JSON.parse(await Deno.readTextFile(`${file}.sluice`));
  equal(state.version, 2);
  match(state.resumePoint.digest, /^[0-9a-f]{64}$/);
  equal(state.resumePoint.final, false);
  equal(state.url, url);
  equal(state.fileBytes, state.resumePoint.bytes);
  ok(state.fileBytes > 0 && state.fileBytes <= written, `${state.fileBytes} of ${written}`);
  return { written, state };
}

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

Deno.test("--continue refuses with exit 2 what it cannot continue", async (t) => {
  // No server is needed: every refusal comes before connecting.
  const url = "ws://127.0.0.1:9/";
  await withTempDir(async (dir) => {
    await t.step("without -o", async () => {
      const run = await client([url, ...RANGE, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: --continue needs -o FILE/m);
    });

    await t.step("no state file and no output", async () => {
      const run = await client([url, ...RANGE, "-o", `${dir}/none.csv`, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: no .*none\.csv\.sluice and no .*: nothing/m);
    });

    await t.step("an output but no state file: where it stopped is unknown", async () => {
      const file = `${dir}/orphan.csv`;
      await Deno.writeTextFile(file, "id,ts\r\n1,");
      const run = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: no .*orphan\.csv\.sluice: where .* is unknown/m);
      equal(await Deno.readTextFile(file), "id,ts\r\n1,", "the output is left as it was");
    });

    const file = `${dir}/part.csv`;
    const state = (request: unknown, fileBytes = 4) => ({
      version: 2,
      url,
      request,
      resumePoint: {
        highWaterMark: "100",
        cursor: "7",
        sequence: 1,
        rows: 7,
        bytes: fileBytes,
        digest: "00".repeat(32),
        final: false,
      },
      fileBytes,
    });
    const request = {
      searchParams: {
        timeFrom: FROM,
        timeTo: TO,
        filters: [{ field: "symbol", operator: "eq", value: "BTC-USD" }],
      },
      outputFormat: "csv",
      compression: false,
    };

    await t.step("a corrupt state file", async () => {
      await Deno.writeTextFile(file, "abcdef");
      await Deno.writeTextFile(`${file}.sluice`, "{ not json");
      const run = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: .*part\.csv\.sluice is not valid JSON$/m);
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify({ version: 2, url }));
      const shape = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(shape.code, 2);
      match(shape.stderr, /is not a sluice state file$/m);
      // A state file of the format before resume points carried a digest.
      const old = { ...state(request), version: 1 };
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify(old));
      const older = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(older.code, 2);
      match(older.stderr, /part\.csv\.sluice has format version 1, not 2$/m);
    });

    await t.step("a state file for another request", async () => {
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify(state(request)));
      const other = [url, ...RANGE, "--filter", "symbol=ETH-USD", "-o", file, "--continue"];
      const run = await client(other);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: .*part\.csv\.sluice is for another request/m);
      const gzip = await client([url, ...RANGE, "--filter", "symbol=BTC-USD", "--gzip", "-o", file]
        .concat("--continue"));
      equal(gzip.code, 2);
      match(gzip.stderr, /is for another request/);
      equal(await Deno.readTextFile(file), "abcdef", "the output is left as it was");
    });

    await t.step("an output shorter than the state file records", async () => {
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify(state(request, 100)));
      const run = await client([
        url,
        ...RANGE,
        "--filter",
        "symbol=BTC-USD",
        "-o",
        file,
        "--continue",
      ]);
      equal(run.code, 2);
      match(run.stderr, /has 6 bytes, fewer than the 100 its state file records/);
      equal(await Deno.readTextFile(file), "abcdef");
    });
  });
});
