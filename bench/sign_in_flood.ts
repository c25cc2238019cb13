// A good client's sign-in under a flood of failed ones (issue 14): `deno task bench:sign-in`.
//
// Two server programs, started as `deno task start` starts them: one with the default limits on
// failed sign-ins (30 per address, 10 per identity, draining per minute: PROTOCOL.md §19.5), one
// with them so high that they never refuse (the server as it was before them). Against each, a
// good client in this process signs in (a secp256k1 key, a sealed session: `connect()` resolving)
// one sign-in after another, first alone, then while a flood runs in a process of its own
// (bench/_sign_in_flood.ts): connections that each ask for a challenge and answer it with a
// garbage signature, 300 a second from 8 other loopback addresses (127.0.0.2–9; the good client
// dials from 127.0.0.1), 4 connections at a time from each; connections that only ask for a
// challenge and leave (300 a second, 127.0.0.10–17); bad signatures as fast as the server answers
// them (127.0.0.18–25); and, against the limited server, bad signatures from the good client's own
// address. Each flood has addresses of its own, so that none inherits a budget another used up.
// Prints the good client's sign-in latency (p50, p99), the flood's attempts a second and what they
// were answered, and the server's CPU time per attempt (measured over 3 s of the flood alone,
// before the good client starts).
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { ClientBuilder } from "../client.ts";
import { type Child, dbPath, startServer } from "./_server_program.ts";

const ROWS = 1000;
/** Good sign-ins per measurement. */
const SIGN_INS = Number(Deno.env.get("SIGN_INS") ?? 300);
/** How long a flood runs before the good client starts, to be under way. */
const RAMP_MS = 2000;
/** How long the flood runs alone, its cost to the server measured, before the good sign-ins. */
const FLOOD_ONLY_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Flood {
  readonly name: string;
  readonly kind: "bad-signature" | "nonce-only";
  /** The first source address's last byte, 127.0.0.<first>. */
  readonly first: number;
  readonly addresses: number;
  readonly loops: number;
  /** Attempts a second, all loops together; 0: as fast as the server answers. */
  readonly perSecond: number;
}

interface Row {
  readonly server: string;
  readonly flood: string;
  readonly p50: number;
  readonly p99: number;
  readonly refused: number;
  readonly attemptsPerSecond?: number;
  readonly answers?: string;
  readonly cpuMsPerAttempt?: number;
  readonly serverCpuShare: number;
}

const key = secp.utils.randomSecretKey();

/** `SIGN_INS` sign-ins one after another: each one's milliseconds, and how many were refused. */
async function signIns(url: string): Promise<{ ms: number[]; refused: number }> {
  const ms: number[] = [];
  let refused = 0;
  for (let i = 0; i < SIGN_INS; i++) {
    const client = new ClientBuilder(url).withKeypair(key).withReconnect({ maxAttempts: 0 })
      .build();
    const started = performance.now();
    try {
      await client.connect();
      ms.push(performance.now() - started);
    } catch (_refused) {
      refused++;
    } finally {
      await client.close();
    }
  }
  return { ms: ms.sort((a, b) => a - b), refused };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

interface Tally {
  attempts: number;
  codes: Record<string, number>;
  closes: Record<string, number>;
}

async function measure(server: Child, name: string, flood?: Flood): Promise<Row> {
  const port = Number(new URL(server.url).port);
  let child: Deno.ChildProcess | undefined;
  let last: Tally = { attempts: 0, codes: {}, closes: {} };
  let lines: Promise<void> | undefined;
  if (flood !== undefined) {
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        new URL("./_sign_in_flood.ts", import.meta.url).pathname,
        String(port),
        flood.kind,
        String(flood.first),
        String(flood.addresses),
        String(flood.loops),
        String(flood.perSecond),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    lines = (async () => {
      let text = "";
      for await (const chunk of child!.stdout.pipeThrough(new TextDecoderStream())) {
        text += chunk;
        const end = text.lastIndexOf("\n");
        if (end < 0) continue;
        const line = text.slice(0, end).split("\n").at(-1)!;
        text = text.slice(end + 1);
        last = JSON.parse(line);
      }
    })();
    await sleep(RAMP_MS);
  }
  // The flood alone first: what its attempts cost the server, with no good sign-in mixed in.
  const alone = { cpu: server.cpuSeconds(), attempts: last.attempts, at: performance.now() };
  if (flood !== undefined) await sleep(FLOOD_ONLY_MS);
  const floodCpu = server.cpuSeconds() - alone.cpu;
  const floodSeconds = (performance.now() - alone.at) / 1000;
  const attempts = last.attempts - alone.attempts;
  const before = { cpu: server.cpuSeconds(), at: performance.now() };
  const { ms, refused } = await signIns(server.url);
  const seconds = (performance.now() - before.at) / 1000;
  const cpu = server.cpuSeconds() - before.cpu;
  child?.kill("SIGTERM");
  await child?.status;
  await lines;
  const answers = Object.entries({ ...last.codes, ...last.closes })
    .sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n.toLocaleString("en-US")}`)
    .join(", ");
  await sleep(500);
  return {
    server: name,
    flood: flood?.name ?? "none (alone)",
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    refused,
    serverCpuShare: cpu / seconds,
    ...(flood === undefined ? {} : {
      attemptsPerSecond: attempts / floodSeconds,
      answers,
      cpuMsPerAttempt: attempts === 0 ? undefined : (floodCpu * 1000) / attempts,
    }),
  };
}

/** The floods' rate: above the 221 a second of issue 14's measurement. */
const RATE = 300;
const FROM_OTHERS: Flood = {
  name: `bad signatures, ${RATE}/s from 8 other addresses`,
  kind: "bad-signature",
  first: 2,
  addresses: 8,
  loops: 4,
  perSecond: RATE,
};
const NONCES: Flood = {
  name: `challenges only, ${RATE}/s from 8 more addresses`,
  kind: "nonce-only",
  first: 10,
  addresses: 8,
  loops: 4,
  perSecond: RATE,
};
const FROM_SAME: Flood = {
  name: `bad signatures, ${RATE}/s from the good client's address`,
  kind: "bad-signature",
  first: 1,
  addresses: 1,
  loops: 4,
  perSecond: RATE,
};
const FLAT_OUT: Flood = {
  name: "bad signatures, as fast as answered, from 8 more addresses",
  kind: "bad-signature",
  first: 18,
  addresses: 8,
  loops: 4,
  perSecond: 0,
};

const db = dbPath(ROWS);
// Enough connections for every flooding loop, as an attacker with many addresses would have.
const common = ["--max-connections-per-address", "64"];
const NEVER = "1000000000";
const rows: Row[] = [];
for (
  const [name, extra, floods] of [
    ["limits off", [
      "--sign-in-failures-per-address",
      NEVER,
      "--sign-in-failures-per-identity",
      NEVER,
    ], [FROM_OTHERS, NONCES, FLAT_OUT]],
    ["default limits", [], [FROM_OTHERS, NONCES, FLAT_OUT, FROM_SAME]],
  ] as const
) {
  const server = await startServer(db, ROWS, [...common, ...extra]);
  try {
    await signIns(server.url); // warm up: module code compiled, server path hot
    rows.push(await measure(server, name));
    for (const flood of floods) rows.push(await measure(server, name, flood));
  } finally {
    await server.stop();
  }
}

const f = (n: number | undefined, digits = 1) =>
  n === undefined ? "" : Number.isFinite(n) ? n.toFixed(digits) : "—";
console.log(
  "| server | flood | good sign-in p50 ms | p99 ms | good refused | flood attempts/s | server CPU ms per flood attempt | server CPU busy during the good sign-ins | flood answered (whole run) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(
    `| ${r.server} | ${r.flood} | ${f(r.p50)} | ${f(r.p99)} | ${r.refused} of ${SIGN_INS} | ${
      r.attemptsPerSecond === undefined ? "" : Math.round(r.attemptsPerSecond)
    } | ${f(r.cpuMsPerAttempt, 2)} | ${Math.round(r.serverCpuShare * 100)} % | ${
      r.answers ?? ""
    } |`,
  );
}
