// The command-line client as a real program (`deno run client.ts …`) against an in-process
// server, its output checked against the sqlite3 CLI.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import {
  demoPath,
  digestChain,
  RawPeer,
  readDownload,
  requestMessage,
  startServer,
} from "./_harness.ts";
import { sha256Hex, SQLITE3_WAIT, sqlite3Csv } from "./_sqlite3.ts";
import { runClient as client } from "./_program.ts";

const ROWS = 20_000;
const decoder = new TextDecoder();

/** What the sqlite3 CLI answers to `sql`, one line per row. */
async function sqlite3Lines(db: string, sql: string): Promise<string[]> {
  const out = await new Deno.Command("sqlite3", {
    args: ["-batch", "-readonly", ...SQLITE3_WAIT, "-noheader", db, sql],
    stdout: "piped",
  }).output();
  ok(out.success, `sqlite3 failed on ${sql}`);
  return decoder.decode(out.stdout).split("\n").filter((line) => line !== "");
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const PROGRESS =
  /^progress +(\d{1,3}\.\d)% {2}([\d,]+)\/([\d,]+) rows {2}\d+\.\d MiB {2}[\d,]+ rows\/s {2}ETA (--|\d+s|\d+m\d\ds)$/;
const DONE = /^done: ([\d,]+) rows, \d+\.\d MiB in \d+\.\d s$/;
const SHA256 = /^sha256 ([0-9a-f]{64})$/;
const SHA256_LINE = /^sha256 ([0-9a-f]{64})$/m;
const CHAIN = /^chain ([0-9a-f]{64})$/;
const number = (text: string) => Number(text.replaceAll(",", ""));

Deno.test("-o FILE with a filter and an ISO range writes exactly what sqlite3 selects, with plain progress lines on stderr", async () => {
  const server = startServer(ROWS);
  try {
    await withTempDir(async (dir) => {
      const from = "2024-01-02T00:00:00Z";
      const to = "2024-01-06T12:00:00Z";
      const file = `${dir}/btc.csv`;
      const run = await client([
        server.url,
        "--from",
        from,
        "--to",
        to,
        "--filter",
        "symbol=BTC-USD",
        "-o",
        file,
      ]);
      equal(run.code, 0, run.stderr);
      equal(run.stdout.length, 0, "the export goes to the file only");

      const db = demoPath(ROWS);
      const range = `ts >= ${Date.parse(from)} AND ts < ${Date.parse(to)} AND symbol = 'BTC-USD'`;
      const expected = await sqlite3Csv(
        db,
        Date.parse(from),
        Date.parse(to),
        ` AND symbol = 'BTC-USD'`,
      );
      const expectedSha = await sha256Hex(expected);
      equal(await sha256Hex(await Deno.readFile(file)), expectedSha);
      const [rows] = (await sqlite3Lines(db, `SELECT count(*) FROM trades WHERE ${range};`)).map(
        Number,
      );
      ok(rows > 1000, `${rows} rows`);

      // Not a terminal: one plain line per progress update, no bar, then the summary.
      ok(!run.stderr.includes("\x1b"), JSON.stringify(run.stderr));
      const lines = run.stderr.split("\n");
      equal(lines.pop(), "");
      const chain = lines.pop()!.match(CHAIN);
      const sha = lines.pop()!.match(SHA256);
      const done = lines.pop()!.match(DONE);
      ok(done !== null && sha !== null && chain !== null, run.stderr);
      equal(number(done[1]), rows);
      // "sha256" is the file's, as sha256sum would say.
      equal(sha[1], expectedSha);
      // "chain" is the digest chain over the frames the server sends for this request.
      const peer = await RawPeer.open(server.url);
      peer.send(requestMessage("same", {
        searchParams: {
          timeFrom: from,
          timeTo: to,
          filters: [{ field: "symbol", operator: "eq", value: "BTC-USD" }],
        },
      }));
      const { frames, complete } = await readDownload(peer, "same");
      await peer.close();
      equal(chain[1], complete.digest);
      equal(chain[1], digestChain(frames.map((f) => f.payload)));
      ok(lines.length >= 1, "at least one progress line");
      let percent = 0;
      for (const line of lines) {
        const p = line.match(PROGRESS);
        ok(p !== null, `not a progress line: ${JSON.stringify(line)}`);
        ok(Number(p[1]) >= percent, run.stderr);
        percent = Number(p[1]);
        equal(number(p[3]), rows);
      }
      const last = lines.at(-1)!.match(PROGRESS)!;
      equal(last[1], "100.0");
      equal(number(last[2]), rows);
    });
  } finally {
    await server.close();
  }
});

Deno.test("without -o the export goes to stdout: CSV byte for byte, NDJSON one object per row", async (t) => {
  const server = startServer(ROWS);
  const db = demoPath(ROWS);
  try {
    await t.step("every row as CSV equals the sqlite3 oracle", async () => {
      const run = await client([server.url, "--from", "2024-01-01", "--to", "2030-01-01"]);
      equal(run.code, 0, run.stderr);
      const expected = await sqlite3Csv(
        db,
        Date.parse("2024-01-01T00:00:00Z"),
        Date.parse("2030-01-01T00:00:00Z"),
      );
      equal(run.stdout.length, expected.length);
      equal(await sha256Hex(run.stdout), await sha256Hex(expected));
      match(run.stderr, /^done: 20,000 rows, /m);
    });

    await t.step("NDJSON has one object per selected row, in key order", async () => {
      const run = await client([
        server.url,
        "--from",
        "2024-01-03",
        "--to",
        "2024-01-04",
        "--filter",
        "side=sell",
        "--filter",
        "user_id<500",
        "--format",
        "ndjson",
      ]);
      equal(run.code, 0, run.stderr);
      const ids = (await sqlite3Lines(
        db,
        `SELECT id FROM trades WHERE ts >= ${Date.parse("2024-01-03T00:00:00Z")} AND ts < ${
          Date.parse("2024-01-04T00:00:00Z")
        } AND side = 'sell' AND user_id < 500 ORDER BY id;`,
      )).map(Number);
      ok(ids.length > 100, `${ids.length} rows`);
      const lines = decoder.decode(run.stdout).split("\n");
      equal(lines.pop(), "", "the last row ends with a newline");
      equal(lines.length, ids.length);
      const names = DEMO_SCHEMA.columns.map((c) => c.name);
      lines.forEach((line, i) => {
        const row = JSON.parse(line) as Record<string, unknown>;
        deepStrictEqual(Object.keys(row), names);
        equal(row.id, ids[i]);
        equal(row.side, "sell");
        ok((row.user_id as number) < 500);
      });
    });
  } finally {
    await server.close();
  }
});

Deno.test("--gzip -o FILE writes gzip that gzip -dc turns into the exact export", async () => {
  const server = startServer(ROWS);
  try {
    await withTempDir(async (dir) => {
      const file = `${dir}/all.csv.gz`;
      const run = await client([
        server.url,
        "--from",
        "2024-01-01T00:00:00Z",
        "--to",
        "2024-01-05T00:00:00Z",
        "--gzip",
        "-o",
        file,
      ]);
      equal(run.code, 0, run.stderr);
      const gz = await Deno.readFile(file);
      deepStrictEqual([...gz.subarray(0, 2)], [0x1f, 0x8b], "the file is gzip");
      const expected = await sqlite3Csv(
        demoPath(ROWS),
        Date.parse("2024-01-01T00:00:00Z"),
        Date.parse("2024-01-05T00:00:00Z"),
      );
      ok(gz.length < expected.length / 2, `${gz.length} gzip bytes for ${expected.length}`);
      const gunzip = await new Deno.Command("gzip", { args: ["-dc", file], stdout: "piped" })
        .output();
      ok(gunzip.success);
      equal(await sha256Hex(gunzip.stdout), await sha256Hex(expected));
    });
  } finally {
    await server.close();
  }
});

Deno.test("a refused request exits 1 naming its error code and leaves the output file as it was", async () => {
  const server = startServer(ROWS);
  try {
    await withTempDir(async (dir) => {
      const file = `${dir}/keep.csv`;
      await Deno.writeTextFile(file, "an earlier export\n");
      const run = await client([
        server.url,
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-02",
        "--filter",
        "colour=red",
        "-o",
        file,
      ]);
      equal(run.code, 1);
      match(run.stderr, /^sluice: download failed: UNKNOWN_COLUMN: /m);
      // The server's details: the flag at fault, the column asked for, the ones there are.
      const columns = DEMO_SCHEMA.columns.map((c) => c.name).join(", ");
      ok(
        run.stderr.includes(`(--filter colour=red; field: colour; columns: ${columns})`),
        run.stderr,
      );
      ok(!run.stderr.includes("progress"), run.stderr);
      equal(await Deno.readTextFile(file), "an earlier export\n");
    });
  } finally {
    await server.close();
  }
});

Deno.test("an output file that cannot be created exits 1 with a message, not a stack trace", async () => {
  const server = startServer(ROWS);
  try {
    await withTempDir(async (dir) => {
      const file = `${dir}/missing/out.csv`;
      const run = await client([
        server.url,
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-02",
        "-o",
        file,
      ]);
      equal(run.code, 1);
      match(run.stderr, new RegExp(`^sluice: cannot write ${dir}/missing/out\\.csv: `, "m"));
      ok(!run.stderr.includes("    at "), run.stderr);
    });
  } finally {
    await server.close();
  }
});

Deno.test("-o a pipe or a device is written as stdout is: the whole export, and no state file to --continue", async () => {
  const server = startServer(ROWS);
  const range = ["--from", "2024-01-01", "--to", "2024-01-03"];
  try {
    await withTempDir(async (dir) => {
      const fifo = `${dir}/export.pipe`;
      ok((await new Deno.Command("mkfifo", { args: [fifo] }).output()).success);
      // A refused request is told at once, not after waiting for a reader of the pipe.
      const refused = await client([server.url, ...range, "--filter", "nosuch=1", "-o", fifo]);
      equal(refused.code, 1);
      match(refused.stderr, /UNKNOWN_COLUMN/);
      // The reader: another open of the pipe, as `cat < pipe` would be.
      const read = (async () => {
        using pipe = await Deno.open(fifo, { read: true });
        return new Uint8Array(await new Response(pipe.readable).arrayBuffer());
      })();
      const run = await client([server.url, ...range, "-o", fifo]);
      equal(run.code, 0, run.stderr);
      const bytes = await read;
      equal(run.stderr.match(SHA256_LINE)?.[1], await sha256Hex(bytes));
      equal(
        decoder.decode(bytes).split("\r\n")[0],
        DEMO_SCHEMA.columns.map((c) => c.name).join(","),
      );
      deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["export.pipe"]);
      const again = await client([server.url, ...range, "-o", fifo, "--continue"]);
      equal(again.code, 2);
      match(again.stderr, /^sluice: cannot continue: .*export\.pipe is not a regular file$/m);
    });
    // The way to time an export without keeping it.
    const discarded = await client([server.url, ...range, "-o", "/dev/null"]);
    equal(discarded.code, 0, discarded.stderr);
  } finally {
    await server.close();
  }
});

Deno.test("a bad command line exits 2 with the usage", async () => {
  const usage = /^usage: client\.ts URL --from TIME --to TIME \[options\]$/m;
  const missing = await client(["ws://127.0.0.1:9/", "--to", "2024-01-02"]);
  equal(missing.code, 2);
  match(missing.stderr, /^sluice: --from and --to are required$/m);
  match(missing.stderr, usage);
  equal(missing.stdout.length, 0);

  const format = await client([
    "ws://127.0.0.1:9/",
    "--from",
    "2024-01-01",
    "--to",
    "2024-01-02",
    "--format",
    "xml",
  ]);
  equal(format.code, 2);
  match(format.stderr, /--format must be csv, json or ndjson, got "xml"/);

  const url = await client(["http://127.0.0.1:9/", "--from", "2024-01-01", "--to", "2024-01-02"]);
  equal(url.code, 2);
  match(url.stderr, /^sluice: bad server URL "http:\/\/127\.0\.0\.1:9\/": .*ws:\/\//m);
  match(url.stderr, usage);

  const help = await client(["--help"]);
  equal(help.code, 0);
  // On stdout, so that `--help | less` shows it.
  match(decoder.decode(help.stdout), usage);
  equal(help.stderr, "");
});

Deno.test("a server that is not there fails at once with exit 1, says where it tried and what to check, whatever --retries says", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close(); // nothing listens on the port now
  for (const retries of [[], ["--retries", "0"], ["--retries", "3"]]) {
    const run = await client([
      `ws://127.0.0.1:${port}/`,
      "--from",
      "2024-01-01",
      "--to",
      "2024-01-02",
      ...retries,
    ]);
    equal(run.code, 1, retries.join(" "));
    match(
      run.stderr,
      new RegExp(
        `^sluice: CONNECTION_FAILED: cannot connect to ws://127\\.0\\.0\\.1:${port}/: is the server running there\\?$`,
        "m",
      ),
    );
    ok(!run.stderr.includes("reconnect"), run.stderr);
    ok(!run.stderr.includes("    at "), run.stderr);
    ok(run.ms < 5000, `gave up after ${run.ms.toFixed(0)} ms`);
  }
});
