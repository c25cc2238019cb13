// End-to-end export benchmark: `deno task bench` (or `deno run -A bench/export.ts [--rows
// 1000000,5000000] [--rounds 3]`).
//
// Each export runs `--rounds` times, all of them once a round, and its table row is its median
// round (with the highest memory of any round): this machine's speed drifts by more than the
// targets' margins from one minute to the next (bench/RESULTS.md).
//
// Every sluice export runs against a fresh server process (`deno run server.ts`), so that the
// server's peak RSS (VmHWM) belongs to that one export, and the client runs here, in another
// process, signing in, reading `download.readable` to the end and verifying the digest as a user's client
// does. Beside it, from the same run and the same database: the sqlite3 CLI's `-csv` export of the
// same rows, and a plain HTTP endpoint streaming the same CSV (bench/http_baseline.ts).
//
// Every export is checked, not only timed: the client checks the digest chain against
// download:complete, and the SHA-256 of every CSV export (encrypted or not, gzip'd ones once
// decompressed, and the HTTP baseline's) must equal that of the tests' sqlite3 oracle
// (tests/_sqlite3.ts), computed beforehand; the hashing's own time is left out of the figures.
// Last, a reader that takes nothing for 10 s at the largest size: the server's RSS must stay
// within the flow-control window (the suite proves the window by bytes counted, server_test.ts).
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { ClientBuilder } from "../client.ts";
import type { OutputFormat } from "../protocol/messages.ts";
import { sqlite3CsvDigest } from "../tests/_sqlite3.ts";
import { Child, dbPath, startServer } from "./_server_program.ts";
import { handshakeRuns, handshakeTable } from "./handshake.ts";
import { type Stall, STALL_MS, stalledRun, stallTable, stallTargets } from "./stalled_reader.ts";
import {
  EVERY_ROW,
  flatMemory,
  mb,
  medianRun,
  rate,
  roundTimes,
  type Run,
  table,
  type Target,
} from "./_runs.ts";

/** The range of EVERY_ROW in milliseconds, as the plain HTTP baseline and the sqlite3 oracle take it. */
const [FROM_MS, TO_MS] = [Date.parse(EVERY_ROW.timeFrom), Date.parse(EVERY_ROW.timeTo)];

/**
 * The SHA-256 of an export's bytes, fed chunk by chunk as they are read, gzip members
 * decompressed (each data frame's payload is whole members, PROTOCOL.md §8, and `readable` gives a
 * frame per chunk). It keeps its own time, which the figures leave out.
 */
class ExportHash {
  readonly #hash = createHash("sha256");
  readonly #gzip: boolean;
  /** Milliseconds spent hashing and decompressing. */
  ms = 0;

  constructor(gzip: boolean) {
    this.#gzip = gzip;
  }

  update(chunk: Uint8Array): void {
    const started = performance.now();
    this.#hash.update(this.#gzip ? gunzipSync(chunk) : chunk);
    this.ms += performance.now() - started;
  }

  hex(): string {
    return this.#hash.digest("hex");
  }
}

async function sluiceRun(
  db: string,
  rows: number,
  format: OutputFormat,
  compression: boolean,
  encryption = true,
): Promise<Run> {
  // Every client signs in (a random key, which a server without an allow list accepts); the
  // session is sealed unless the server runs with --no-encryption.
  const server = await startServer(db, rows, encryption ? [] : ["--no-encryption"]);
  try {
    const client = new ClientBuilder(server.url).build();
    await client.connect();
    const settled = server.watchRss();
    const started = performance.now();
    const download = client.download({
      searchParams: { ...EVERY_ROW, filters: [] },
      outputFormat: format,
      compression,
    });
    let ttfb: number | undefined;
    let bytes = 0;
    const hash = new ExportHash(compression);
    for await (const chunk of download.readable) {
      ttfb ??= (performance.now() - started) / 1000;
      bytes += chunk.length;
      hash.update(chunk);
    }
    const complete = await download.done;
    const seconds = (performance.now() - started - hash.ms) / 1000;
    const serverSettled = settled();
    await client.close();
    return {
      name: `sluice ${format}${compression ? "+gzip" : ""}${encryption ? "" : ", not encrypted"}`,
      rows: complete.rows,
      bytes,
      seconds,
      ttfb,
      serverPeak: server.peakRss(),
      serverSettled,
      sha256: hash.hex(),
    };
  } finally {
    await server.stop();
  }
}

async function sqlite3Run(db: string, rows: number): Promise<Run> {
  const started = performance.now();
  const process = new Deno.Command("sqlite3", {
    args: [
      "-batch",
      "-readonly",
      "-csv",
      "-header",
      db,
      // The plan sluice uses (key order, time as a condition): 1.6× faster here than the
      // time index plus a sort that SQLite picks for the bare query.
      `SELECT * FROM trades WHERE +ts >= ${FROM_MS} AND +ts < ${TO_MS} ORDER BY id;`,
    ],
    stdout: "piped",
  }).spawn();
  let bytes = 0;
  for await (const chunk of process.stdout) bytes += chunk.length;
  if (!(await process.status).success) throw new Error("sqlite3 failed");
  return {
    name: "sqlite3 -csv",
    rows,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}

async function httpRun(db: string, rows: number): Promise<Run> {
  const server = await Child.start(
    ["run", "-A", "--v8-flags=--max-semi-space-size=4", "bench/http_baseline.ts", "--db", db],
    /baseline on (http:\/\/\S+)/,
  );
  try {
    const started = performance.now();
    const response = await fetch(
      `${server.url}?from=${FROM_MS}&to=${TO_MS}&format=csv`,
    );
    let ttfb: number | undefined;
    let bytes = 0;
    const hash = new ExportHash(false);
    for await (const chunk of response.body!) {
      ttfb ??= (performance.now() - started) / 1000;
      bytes += chunk.length;
      hash.update(chunk);
    }
    return {
      name: "plain HTTP csv",
      rows,
      bytes,
      seconds: (performance.now() - started - hash.ms) / 1000,
      ttfb,
      serverPeak: server.peakRss(),
      sha256: hash.hex(),
    };
  } finally {
    await server.stop();
  }
}

function targets(byRows: Map<number, Run[]>, stall: Stall): Target[] {
  const out: Target[] = [];
  const find = (runs: Run[], name: string) => runs.find((r) => r.name === name)!;
  for (const [rows, runs] of byRows) {
    const csv = find(runs, "sluice csv");
    const gzip = find(runs, "sluice csv+gzip");
    const ratio = (a: Run, b: Run) => rate(a) / rate(b);
    const n = rows.toLocaleString("en-US");
    const vsCli = ratio(csv, find(runs, "sqlite3 -csv"));
    out.push({
      what: `${n}: CSV vs sqlite3 CLI ≥ 0.5×`,
      value: `${vsCli.toFixed(2)}×`,
      pass: vsCli >= 0.5,
    });
    // The framing, flow control and hashing against a plain stream: both unencrypted.
    const vsHttp = ratio(find(runs, "sluice csv, not encrypted"), find(runs, "plain HTTP csv"));
    out.push({
      what: `${n}: CSV (not encrypted) vs plain HTTP ≥ 0.9×`,
      value: `${vsHttp.toFixed(2)}×`,
      pass: vsHttp >= 0.9,
    });
    const plain = find(runs, "sluice csv, not encrypted");
    const sealed = ratio(csv, plain);
    out.push({
      what: `${n}: CSV encrypted vs not encrypted ≥ 0.8×`,
      value: `${sealed.toFixed(2)}×`,
      pass: sealed >= 0.8,
    });
    const vsCsv = ratio(gzip, csv);
    out.push({
      what: `${n}: CSV+gzip vs CSV ≥ 0.6×`,
      value: `${vsCsv.toFixed(2)}×`,
      pass: vsCsv >= 0.6,
    });
    const peak = Math.max(...runs.map((r) => r.serverPeak ?? 0));
    out.push({
      what: `${n}: server peak RSS < 200 MB`,
      value: `${mb(peak)} MB`,
      pass: peak < 200e6,
    });
  }
  const sizes = [...byRows.keys()].sort((a, b) => a - b);
  // Every sluice export of the largest size is a sample of its time to first byte (which the
  // count before download:start dominates, whatever the format): judged by their median.
  const firsts = byRows.get(sizes.at(-1)!)!.filter((r) => r.name.startsWith("sluice"))
    .map((r) => r.ttfb!).sort((a, b) => a - b);
  const ttfb = firsts[Math.floor(firsts.length / 2)];
  out.push({
    what: `${sizes.at(-1)!.toLocaleString("en-US")}: time to first byte < 0.3 s (median)`,
    value: `${(ttfb * 1000).toFixed(0)} ms`,
    pass: ttfb < 0.3,
  });
  out.push(...flatMemory(byRows));
  out.push(...stallTargets(stall));
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "1000000,5000000" },
      rounds: { type: "string", default: "3" },
    },
  });
  const sizes = values.rows.split(",").map(Number);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds takes a positive integer");
  const byRows = new Map<number, Run[]>();
  const roundsByRows = new Map<number, string[]>();
  for (const rows of sizes) {
    const db = dbPath(rows);
    console.error(`${rows}: the sqlite3 oracle`);
    const oracle = await sqlite3CsvDigest(db, FROM_MS, TO_MS);
    // Every export once a round, the rounds one after another, so that a drift in the machine's
    // speed reaches each; each export's row is its median round (bench/_runs.ts).
    const byName = new Map<string, Run[]>();
    const record = (run: Run) => {
      console.error(`${rows}: ${run.name} ${run.seconds.toFixed(2)} s`);
      if (run.rows !== rows) throw new Error(`${run.name} exported ${run.rows} of ${rows} rows`);
      // Every CSV export but the sqlite3 CLI's own (not the documented encoding) is the oracle's.
      const csv = /\bcsv\b/.test(run.name) && run.name !== "sqlite3 -csv";
      if (csv && run.sha256 !== oracle.sha256) {
        throw new Error(
          `${run.name}: SHA-256 ${run.sha256}, the sqlite3 oracle's ${oracle.sha256}`,
        );
      }
      byName.set(run.name, [...(byName.get(run.name) ?? []), run]);
    };
    for (let round = 0; round < rounds; round++) {
      record(await sqlite3Run(db, rows));
      const http = await httpRun(db, rows);
      record(http);
      const csv = await sluiceRun(db, rows, "csv", false);
      // The same encoder behind both: the same bytes, or the comparison means nothing.
      if (csv.bytes !== http.bytes) {
        throw new Error(`sluice sent ${csv.bytes} B, HTTP ${http.bytes} B`);
      }
      record(csv);
      record(await sluiceRun(db, rows, "csv", false, false));
      record(await sluiceRun(db, rows, "csv", true));
      record(await sluiceRun(db, rows, "json", false));
    }
    byRows.set(rows, [...byName.values()].map(medianRun));
    roundsByRows.set(rows, [...byName.values()].map(roundTimes));
  }
  const largest = Math.max(...sizes);
  console.error(`${largest}: a reader that takes nothing for ${STALL_MS / 1000} s`);
  const stall = await stalledRun(dbPath(largest), largest, EVERY_ROW);
  // Delegations on (the port is not known beforehand, so no --origin): the delegated row.
  const handshakeServer = await startServer(dbPath(sizes[0]), sizes[0], [
    "--max-delegation-minutes",
    "60",
  ]);
  let handshakes;
  try {
    handshakes = await handshakeRuns(handshakeServer.url);
  } finally {
    await handshakeServer.stop();
  }
  console.log(`deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores\n`);
  console.log(`### Sign-in (handshakes)\n\n${handshakeTable(handshakes)}\n`);
  for (const [rows, runs] of byRows) {
    console.log(`### ${rows.toLocaleString("en-US")} rows\n\n${table(runs)}\n`);
    console.log(`Rounds (the medians above): ${roundsByRows.get(rows)!.join("; ")}.\n`);
  }
  console.log(`### A reader that takes nothing for ${STALL_MS / 1000} s\n\n${stallTable(stall)}\n`);
  console.log("### Targets\n");
  console.log("| target | measured | |\n| --- | --- | --- |");
  for (const t of targets(byRows, stall)) {
    console.log(`| ${t.what} | ${t.value} | ${t.pass ? "met" : "MISSED"} |`);
  }
}

await main();
