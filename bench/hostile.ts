// Peers cost their own share only (issue 16): `deno run -A bench/hostile.ts [--rows N]`.
//
// A server program started as `deno task start` starts it (with --anonymous, and a per-address
// limit high enough that every attacker, all on 127.0.0.1 here, gets in: an attacker with many
// addresses), a good client in this process downloading the whole demo table as CSV, first alone,
// then with each attack of bench/_attacker.ts running beside it in a process of its own. Prints
// the good client's rate alone and under each attack (target: at least 0.8× alone), the server's
// CPU time during each download, and its RSS after each run and its peak (bound: 450 MB). Each
// figure is the median of three downloads; the machine's other load still shows in them, so say
// what else was running when recording them.
import { parseArgs } from "node:util";
import { ClientBuilder } from "../client.ts";
import { ATTACKS } from "./_attacker.ts";
import { type Child, dbPath, startServer } from "./_server_program.ts";

const { values } = parseArgs({ args: Deno.args, options: { rows: { type: "string" } } });
const ROWS = Number(values.rows ?? 1_000_000);
/** How long an attack runs before the good client starts, to be under way. */
const RAMP_MS = 2000;
const TARGET = 0.8;
/** Downloads per configuration; the median counts. */
const REPEATS = 3;
/**
 * The server's RSS bound under any of these attacks: what it holds alone (about 100 MB), plus
 * what all connections together may leave queued (`maxQueuedBytesTotal`, 256 MiB), plus room.
 */
const RSS_BOUND = 450e6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  readonly attack: string;
  readonly seconds: number;
  readonly bytes: number;
  readonly serverRss: number;
  /** Seconds of CPU the server used while the good client downloaded. */
  readonly serverCpu: number;
}

async function download(url: string): Promise<{ seconds: number; bytes: number }> {
  const client = new ClientBuilder(url).build();
  try {
    await client.connect();
    const started = performance.now();
    const download = client.download({
      searchParams: { timeFrom: "2000-01-01", timeTo: "2100-01-01", filters: [] },
      outputFormat: "csv",
      compression: false,
    });
    let bytes = 0;
    for await (const chunk of download.readable) bytes += chunk.length;
    const summary = await download.done;
    if (summary.rows !== ROWS) throw new Error(`${summary.rows} rows, not ${ROWS}`);
    return { seconds: (performance.now() - started) / 1000, bytes };
  } finally {
    await client.close();
  }
}

/**
 * The median of `REPEATS` downloads (by time), with the server's CPU seconds during it: the
 * machine's other load moves single runs a lot.
 */
async function measured(server: Child): Promise<Omit<Run, "attack" | "serverRss">> {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) {
    const cpu = server.cpuSeconds();
    const { seconds, bytes } = await download(server.url);
    runs.push({ seconds, bytes, serverCpu: server.cpuSeconds() - cpu });
  }
  return runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(REPEATS / 2)];
}

async function underAttack(server: Child, port: number, attack: string): Promise<Run> {
  const attacker = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("./_attacker.ts", import.meta.url).pathname,
      String(port),
      attack,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = attacker.stdout.pipeThrough(new TextDecoderStream()).getReader();
  while (!((await reader.read()).value ?? "").includes("attacking"));
  await new Promise((resolve) => setTimeout(resolve, RAMP_MS));
  try {
    return { attack, ...(await measured(server)), serverRss: server.rss() };
  } finally {
    const status = await Promise.race([attacker.status, sleep(0).then(() => undefined)]);
    if (status !== undefined) console.error(`the attacker ${attack} had exited: ${status.code}`);
    else attacker.kill("SIGKILL");
    await attacker.status;
    await reader.cancel();
    // The attackers' connections go; give the server a moment to let them go too.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const db = dbPath(ROWS);
const server = await startServer(db, ROWS, [
  "--anonymous",
  "--max-connections-per-address",
  "100000",
]);
const port = Number(new URL(server.url).port);
const runs: Run[] = [];
try {
  await download(server.url); // warm: the page cache, the server's code
  runs.push({ attack: "none (alone)", ...(await measured(server)), serverRss: server.rss() });
  for (const attack of Object.keys(ATTACKS)) {
    console.error(`running: ${attack}`);
    runs.push(await underAttack(server, port, attack));
  }
} finally {
  const peak = server.peakRss();
  await server.stop();
  const rate = (r: Run) => r.bytes / r.seconds;
  const base = rate(runs[0]);
  console.log(`\n### Peers cost their own share (${ROWS.toLocaleString("en-US")} rows, CSV)\n`);
  console.log(
    "| attack beside the download | s | MB/s | vs alone | server CPU s | server RSS after |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of runs) {
    const ratio = rate(r) / base;
    console.log(
      `| ${r.attack} | ${r.seconds.toFixed(2)} | ${(rate(r) / 1e6).toFixed(1)} | ${
        ratio.toFixed(2)
      }×${ratio < TARGET ? " MISSED" : ""} | ${r.serverCpu.toFixed(2)} | ${
        (r.serverRss / 1e6).toFixed(1)
      } MB${r.serverRss > RSS_BOUND ? " MISSED" : ""} |`,
    );
  }
  console.log(
    `\nserver peak RSS (VmHWM) over the whole run: ${(peak / 1e6).toFixed(1)} MB ` +
      `(bound ${RSS_BOUND / 1e6} MB: ${peak > RSS_BOUND ? "MISSED" : "met"})`,
  );
  console.log(`load average at the end: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
}
