// The command line's progress display as a user sees it: the client run with its stderr on a
// pseudo-terminal of 80 and of 40 columns (tests/_pty_run.py), where no redraw of the bar may wrap,
// and with its stderr in a log; each also through an outage (a proxy cutting the connection once),
// which both show as "reconnecting (attempt 1 of 5, …)" and "resumed at row N".
import { equal, match, ok } from "node:assert/strict";
import { demoPath, startServer, type TestServer } from "./_harness.ts";
import { CLIENT, runClient } from "./_program.ts";
import { CuttingProxy } from "./_proxy.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 20_000;
const RANGE = ["--from", "2024-01-01", "--to", "2030-01-01"];
/** Small frames: many of them, and a cut falls between two. */
const SERVER_OPTIONS = { windowBytes: 65_536, frameBytes: 16_384 };
/** A short first reconnect delay (50–100 ms): the outage is over at once. */
const QUICK_RETRY = ["--retry-delay", "100"];
const PTY_RUN = new URL("./_pty_run.py", import.meta.url).pathname;
const decoder = new TextDecoder();

/** Every row as CSV by sqlite3, hashed once for the file. */
let oracle: Promise<string> | undefined;
const oracleSha = () =>
  oracle ??= sqlite3Csv(demoPath(ROWS), Date.parse("2024-01-01"), Date.parse("2030-01-01"))
    .then(sha256Hex);

/** The client run with stderr on a terminal `columns` wide; what the terminal received. */
async function onTerminal(columns: number, args: string[]): Promise<{ code: number; tty: string }> {
  const out = await new Deno.Command("python3", {
    args: [PTY_RUN, String(columns), "24", Deno.execPath(), "run", "-A", CLIENT, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: out.code, tty: decoder.decode(out.stdout) };
}

/**
 * What the terminal shows, one entry per line drawn: the text after each carriage return or line
 * feed, with the control sequences (the bar's "clear line") taken out.
 */
function drawn(tty: string): string[] {
  return tty.replaceAll(CONTROL, "").split(/\r\n|\r|\n/)
    .filter((line) => line !== "");
}

const BAR = /^\[[#.]{10,}\] +\d{1,3}\.\d%/;
/** A terminal control sequence (CSI), such as the bar's "clear line". */
// deno-lint-ignore no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Checks that no line the terminal got is as wide as it (so none wrapped), the hashes aside. */
function fits(lines: string[], columns: number): void {
  for (const line of lines) {
    // A 64-hex hash cannot fit 40 columns; each is printed once, on a line of its own, and a
    // terminal wraps it as any long line (copied, it stays one word). The bar never wraps.
    if (/^(sha256|chain) [0-9a-f]{64}$/.test(line) && columns < 72) continue;
    ok(line.length < columns, `${line.length} >= ${columns}: ${JSON.stringify(line)}`);
  }
}

async function withServer(fn: (server: TestServer, dir: string) => Promise<void>): Promise<void> {
  const server = startServer(ROWS, SERVER_OPTIONS);
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-display-" });
  try {
    await fn(server, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await server.close();
  }
}

Deno.test("in a terminal of 80 or 40 columns the bar is redrawn in place and never wraps", async () => {
  await withServer(async (server, dir) => {
    const runs = await Promise.all([80, 40].map(async (columns) => {
      const file = `${dir}/out-${columns}.csv`;
      return { columns, file, ...await onTerminal(columns, [server.url, ...RANGE, "-o", file]) };
    }));
    for (const { columns, file, code, tty } of runs) {
      equal(code, 0, tty);
      const lines = drawn(tty);
      fits(lines, columns);
      const bars = lines.filter((line) => BAR.test(line));
      ok(bars.length >= 1, `no bar drawn at ${columns} columns: ${JSON.stringify(tty)}`);
      // Each redraw returns to the line's start and clears it: no bar follows a line feed.
      ok(!/\n[^\r\n]*\[[#.]+\]/.test(tty.replaceAll(CONTROL, "")), tty);
      ok(lines.some((line) => line.startsWith("done: 20,000 rows")), tty);
      equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
    }
  });
});

Deno.test("an outage in a 40-column terminal: the bar says reconnecting, then resumed, and fits", async () => {
  await withServer(async (server, dir) => {
    const proxy = new CuttingProxy(Number(new URL(server.url).port));
    try {
      proxy.cutAfter(600_000);
      const file = `${dir}/cut.csv`;
      const args = [`ws://127.0.0.1:${proxy.port}/`, ...RANGE, "-o", file, ...QUICK_RETRY];
      const { code, tty } = await onTerminal(40, args);
      equal(code, 0, tty);
      equal(proxy.cuts, 1);
      const lines = drawn(tty);
      fits(lines, 40);
      ok(lines.some((line) => line.includes("reconnecting 1/5 in 50-100 ms")), tty);
      ok(lines.some((line) => /resumed at row [1-9][\d,]*$/.test(line)), tty);
      equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
    } finally {
      await proxy.close();
    }
  });
});

Deno.test("an outage in a log: a line for the reconnect attempt and one for the resume", async () => {
  await withServer(async (server, dir) => {
    const proxy = new CuttingProxy(Number(new URL(server.url).port));
    try {
      proxy.cutAfter(600_000);
      const file = `${dir}/cut.csv`;
      const run = await runClient([
        `ws://127.0.0.1:${proxy.port}/`,
        ...RANGE,
        "-o",
        file,
        ...QUICK_RETRY,
      ]);
      equal(run.code, 0, run.stderr);
      equal(proxy.cuts, 1);
      match(run.stderr, /^reconnecting \(attempt 1 of 5, next in 50-100 ms\)$/m);
      const resumed = run.stderr.match(/^resumed at row ([\d,]+)$/m);
      ok(resumed !== null, run.stderr);
      const row = Number(resumed[1].replaceAll(",", ""));
      ok(row > 0 && row < ROWS, `resumed at row ${row}`);
      // The attempt comes before the resume, and progress lines go on after it.
      const after = run.stderr.slice(run.stderr.indexOf("resumed at row"));
      ok(run.stderr.indexOf("reconnecting (") < run.stderr.indexOf("resumed at row"));
      match(after, /^progress /m);
      equal(await sha256Hex(await Deno.readFile(file)), await oracleSha());
    } finally {
      await proxy.close();
    }
  });
});
