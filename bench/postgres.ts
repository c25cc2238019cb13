// PostgreSQL export benchmark: `deno task bench:postgres` (or
// `deno run -A bench/postgres.ts [--rows 1000000,5000000]`).
//
// A throwaway cluster (tests/_postgres.ts) holds a trades table of the demo's shape per size,
// made in SQL (bigint keys, timestamptz with microseconds, numeric(20,8), booleans, and notes with
// NULLs, quotes, commas, line breaks and formula-like text). For each size, in the same run and
// against the same cluster: psql's own `\copy (select … order by id) to stdout with csv header`
// of the same rows, then sluice exports through the real client against a server process started
// as `deno task start` starts it, with `--database-url … --table …` (signed in and encrypted,
// and unencrypted beside it), each against a fresh server so that its peak RSS (VmHWM) is that
// one export's.
//
// Every sluice export is checked, not only timed: the client checks the digest chain against
// download:complete, and the SHA-256 of every CSV export must equal that of an oracle computed
// beforehand by psql, whose SQL writes each cell the way PROTOCOL.md §8 documents (the same rows,
// in key order); the hashing's own time is left out of the figures.
//
// Where the time goes, per export: the CPU seconds of the server process, of this process (the
// client, or psql's child for the baseline), and of the cluster's PostgreSQL processes, beside the
// wall time; and the machine's load average before and after, since its 2 cores are shared.
//
// The target compares psql's baseline with the encrypted CSV export, whose times drift with the
// machine by more than the target's margin from one minute to the next (bench/RESULTS.md): the two
// are run `--rounds` times (5 unless told) alternately and compared by their medians. Their table
// rows show the median round's time and the highest memory of any round; every round's time is
// printed after the tables.
import { createHash } from "node:crypto";
import process from "node:process";
import { parseArgs } from "node:util";
import { ClientBuilder } from "../client.ts";
import type { OutputFormat } from "../protocol/messages.ts";
import { type Cluster, startCluster } from "../tests/_postgres.ts";
import { postgresCpu, statFields } from "./_proc.ts";
import { startProgram } from "./_server_program.ts";
import { makeTable } from "./_postgres_table.ts";
import {
  EVERY_ROW,
  flatMemory,
  medianIndex,
  medianRun,
  rate,
  roundTimes,
  type Run,
  table,
  type Target,
} from "./_runs.ts";

/** SQL of one text cell as PROTOCOL.md §8's CSV writes it (quoting, formula neutralisation). */
function textCell(c: string): string {
  const guarded = `CASE WHEN left(${c}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) ` +
    `THEN '''' || ${c} ELSE ${c} END`;
  return `CASE WHEN ${c} IS NULL THEN '' WHEN ${c} = '' OR strpos(${c}, ',') > 0 ` +
    `OR strpos(${c}, '"') > 0 OR strpos(${c}, chr(13)) > 0 OR strpos(${c}, chr(10)) > 0 ` +
    `THEN '"' || replace(${guarded}, '"', '""') || '"' ELSE ${guarded} END`;
}

const HEADER = "id,ts,symbol,side,price,amount,fee,maker,user_id,order_id,note";

/** The oracle: SHA-256 of the CSV export of `table`, each line written by psql's SQL. */
async function oracleDigest(cluster: Cluster, table: string): Promise<string> {
  const ts = `to_char(date_trunc('milliseconds', ts) AT TIME ZONE 'UTC', ` +
    `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const cells = [
    "id::text",
    ts,
    textCell("symbol"),
    textCell("side"),
    "price::text",
    "amount::text",
    "fee::text",
    "CASE WHEN maker THEN 'true' ELSE 'false' END",
    "user_id::text",
    textCell("order_id"),
    textCell("note"),
  ];
  const sql = `SELECT ${cells.join(" || ',' || ")} FROM ${table} ORDER BY id`;
  const child = new Deno.Command("psql", {
    args: [
      ...["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-v", "FETCH_COUNT=50000"],
      ...["-R", "\r\n", "-h", "127.0.0.1", "-p", String(cluster.port), "-U", "postgres"],
      ...["-d", "postgres", "-c", sql],
    ],
    stdout: "piped",
  }).spawn();
  const hash = createHash("sha256").update(`${HEADER}\r\n`);
  // psql separates records with -R and ends the last with "\n": held back, it becomes "\r\n".
  let held: Uint8Array | undefined;
  for await (const chunk of child.stdout) {
    if (held !== undefined) hash.update(held);
    hash.update(chunk.subarray(0, chunk.length - 1));
    held = chunk.subarray(chunk.length - 1);
  }
  if (!(await child.status).success) throw new Error("psql failed");
  if (held?.[0] !== 0x0a) throw new Error("psql's output did not end with a line feed");
  return hash.update("\r\n").digest("hex");
}

/** CPU seconds (user and system) of this process's children that ended and were reaped. */
function reapedCpu(): number {
  const fields = statFields("self")!;
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds of this process (the client's side of a sluice export). */
function ownCpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Where one export's time went: CPU seconds of each process beside the wall time. */
interface Cpu {
  readonly name: string;
  readonly seconds: number;
  readonly server?: number;
  readonly client: number;
  readonly postgres: number;
}

/** A run and where its time went. */
interface Measured {
  readonly run: Run;
  readonly cpu: Cpu;
}

/** psql's `\copy … to stdout with csv header` of the same rows, bytes counted as they come. */
async function psqlRun(cluster: Cluster, table: string, rows: number): Promise<Measured> {
  const [pg, reaped] = [postgresCpu(), reapedCpu()];
  const started = performance.now();
  const child = new Deno.Command("psql", {
    args: [
      ...["-X", "-q", "-h", "127.0.0.1", "-p", String(cluster.port), "-U", "postgres"],
      ...[
        "-d",
        "postgres",
        "-c",
        `\\copy (select * from ${table} order by id) to stdout with csv header`,
      ],
    ],
    stdout: "piped",
  }).spawn();
  let bytes = 0;
  for await (const chunk of child.stdout) bytes += chunk.length;
  if (!(await child.status).success) throw new Error("psql \\copy failed");
  const seconds = (performance.now() - started) / 1000;
  const name = "psql \\copy csv";
  // psql is this process's only child to end meanwhile: its CPU is in our reaped children's.
  const client = reapedCpu() - reaped;
  const cpu = { name, seconds, client, postgres: postgresCpu() - pg };
  return { run: { name, rows, bytes, seconds }, cpu };
}

async function sluiceRun(
  cluster: Cluster,
  table: string,
  format: OutputFormat,
  encryption: boolean,
  keyFile: string,
): Promise<Measured> {
  const server = await startProgram([
    ...["--database-url", cluster.url, "--table", table, "--identity-key-file", keyFile],
    ...(encryption ? [] : ["--no-encryption"]),
  ]);
  try {
    // Every client signs in (a random key, which a server without an allow list accepts).
    const client = new ClientBuilder(server.url).build();
    await client.connect();
    const settled = server.watchRss();
    const [serverCpu, clientCpu, pg] = [server.cpuSeconds(), ownCpu(), postgresCpu()];
    const started = performance.now();
    const download = client.download({
      searchParams: { ...EVERY_ROW, filters: [] },
      outputFormat: format,
      compression: false,
    });
    let ttfb: number | undefined;
    let bytes = 0;
    let hashMs = 0;
    const hash = createHash("sha256");
    for await (const chunk of download.readable) {
      ttfb ??= (performance.now() - started) / 1000;
      bytes += chunk.length;
      const t = performance.now();
      hash.update(chunk);
      hashMs += performance.now() - t;
    }
    const complete = await download.done;
    const seconds = (performance.now() - started - hashMs) / 1000;
    const serverSettled = settled();
    const name = `sluice ${format}${encryption ? "" : ", not encrypted"}`;
    const cpu = {
      name,
      seconds,
      server: server.cpuSeconds() - serverCpu,
      client: ownCpu() - clientCpu - hashMs / 1000,
      postgres: postgresCpu() - pg,
    };
    await client.close();
    const run = {
      name,
      rows: complete.rows,
      bytes,
      seconds,
      ttfb,
      serverPeak: server.peakRss(),
      serverSettled,
      sha256: hash.digest("hex"),
    };
    return { run, cpu };
  } finally {
    await server.stop();
  }
}

function targets(byRows: Map<number, Run[]>): Target[] {
  const out: Target[] = [];
  const find = (runs: Run[], name: string) => runs.find((r) => r.name === name)!;
  for (const [rows, runs] of byRows) {
    const vsPsql = rate(find(runs, "sluice csv")) / rate(find(runs, "psql \\copy csv"));
    out.push({
      what: `${rows.toLocaleString("en-US")}: CSV vs psql \\copy ≥ 0.5× (medians)`,
      value: `${vsPsql.toFixed(2)}×`,
      pass: vsPsql >= 0.5,
    });
  }
  out.push(...flatMemory(byRows));
  return out;
}

/** The median round by time, with the highest memory of any round (bench/_runs.ts). */
function median(rounds: readonly Measured[]): Measured {
  const runs = rounds.map((r) => r.run);
  return { run: medianRun(runs), cpu: rounds[medianIndex(runs)].cpu };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "1000000,5000000" },
      rounds: { type: "string", default: "5" },
    },
  });
  const sizes = values.rows.split(",").map(Number);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds takes a positive integer");
  const dir = await Deno.makeTempDir({ prefix: "sluice_bench_pg_" });
  const keyFile = `${dir}/server-identity.key`;
  console.error("starting a throwaway PostgreSQL cluster");
  const cluster = await startCluster();
  const byRows = new Map<number, Run[]>();
  const cpuByRows = new Map<number, Cpu[]>();
  const roundsByRows = new Map<number, string[]>();
  const loadBefore = Deno.loadavg();
  try {
    const version = (await cluster.psql("SHOW server_version")).trim();
    for (const rows of sizes) {
      console.error(`${rows}: making the table`);
      const name = await makeTable(cluster, rows);
      console.error(`${rows}: the psql oracle`);
      const oracle = await oracleDigest(cluster, name);
      const checked = async (measure: () => Promise<Measured>): Promise<Measured> => {
        const measured = await measure();
        const { run } = measured;
        console.error(`${rows}: ${run.name} ${run.seconds.toFixed(2)} s`);
        if (run.rows !== rows) throw new Error(`${run.name} exported ${run.rows} of ${rows} rows`);
        if (run.name.startsWith("sluice csv") && run.sha256 !== oracle) {
          throw new Error(`${run.name}: SHA-256 ${run.sha256}, the psql oracle's ${oracle}`);
        }
        return measured;
      };
      // The compared pair, alternately, so that a drift in the machine's speed reaches both.
      const [baseline, compared]: Measured[][] = [[], []];
      for (let round = 0; round < rounds; round++) {
        baseline.push(await checked(() => psqlRun(cluster, name, rows)));
        compared.push(await checked(() => sluiceRun(cluster, name, "csv", true, keyFile)));
      }
      const measured = [
        median(baseline),
        median(compared),
        await checked(() => sluiceRun(cluster, name, "csv", false, keyFile)),
        await checked(() => sluiceRun(cluster, name, "json", true, keyFile)),
      ];
      byRows.set(rows, measured.map((m) => m.run));
      cpuByRows.set(rows, measured.map((m) => m.cpu));
      roundsByRows.set(rows, [baseline, compared].map((of) => roundTimes(of.map((m) => m.run))));
      await cluster.psql(`DROP TABLE ${name}`);
    }
    const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(", ");
    console.log(
      `deno ${Deno.version.deno}, PostgreSQL ${version}, ${navigator.hardwareConcurrency} cores; ` +
        `load average (1, 5, 15 min) ${load(loadBefore)} before, ${load(Deno.loadavg())} after\n`,
    );
  } finally {
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
  for (const [rows, runs] of byRows) {
    console.log(`### PostgreSQL, ${rows.toLocaleString("en-US")} rows\n\n${table(runs)}\n`);
    console.log("| export | wall s | server CPU s | client or psql CPU s | PostgreSQL CPU s |");
    console.log("| --- | --- | --- | --- | --- |");
    for (const c of cpuByRows.get(rows) ?? []) {
      const cells = [c.seconds, c.server, c.client, c.postgres].map((x) => x?.toFixed(2) ?? "");
      console.log(`| ${c.name} | ${cells.join(" | ")} |`);
    }
    console.log(`\nRounds (the medians above): ${roundsByRows.get(rows)!.join("; ")}.\n`);
  }
  console.log("### Targets\n");
  console.log("| target | measured | |\n| --- | --- | --- |");
  for (const t of targets(byRows)) {
    console.log(`| ${t.what} | ${t.value} | ${t.pass ? "met" : "MISSED"} |`);
  }
}

await main();
