// Runs of the command-line client as a child process, for the resume tests: spawned with a
// deadline, watched while it writes, killed midway, and checked against the sqlite3 oracle.
import { equal, match, ok } from "node:assert/strict";
import { demoPath } from "./_harness.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

export const CLIENT = new URL("../client.ts", import.meta.url).pathname;
/**
 * ~5 MB of CSV: through {@linkcode SERVER_OPTIONS}' window a run takes ~0.8 s alone (100,000
 * rows through a window twice as large took 1.3 s), long past the state file's first rewrite
 * (250 ms), so a kill still lands midway, in less CPU.
 */
export const ROWS = 50_000;
export const FROM = "2024-01-01T00:00:00Z";
export const TO = "2030-01-01T00:00:00Z";
export const RANGE = ["--from", FROM, "--to", TO];

/** Longest a single run of the client may take before it is killed. */
export const DEADLINE_MS = 20_000;

/** Small frames and a small window: the export arrives in many steps, slow enough to stop midway. */
export const SERVER_OPTIONS = { windowBytes: 32_768, frameBytes: 8_192 };
const decoder = new TextDecoder();

export const portOf = (url: string) => Number(new URL(url).port);

/** How a run of the client ended. */
export interface Run {
  readonly code: number;
  readonly stderr: string;
}

/** Starts the client with `args`, its stderr piped. */
export function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLIENT, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Waits for a spawned client to end, killing it if it outlives the deadline. */
export async function finish(child: Deno.ChildProcess, args: string[]): Promise<Run> {
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

/** Runs the client with `args` to its end. */
export const client = (args: string[]) => finish(spawn(args), args);

export async function size(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

export const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** Polls until `file` has more than `bytes` bytes, or the child ended first (which fails). */
export async function waitForSize(
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

export async function waitForState(child: Deno.ChildProcess, stateFile: string): Promise<void> {
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

export async function gunzip(path: string): Promise<Uint8Array> {
  const out = await new Deno.Command("gzip", { args: ["-dc", path], stdout: "piped" }).output();
  ok(out.success, `gzip -dc ${path} failed`);
  return out.stdout;
}

export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-resume-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

let oracle: Promise<{ sha256: string; length: number }> | undefined;

/** Every row as CSV, by sqlite3: its SHA-256 and length, computed once for the whole file. */
export function oracleCsv(): Promise<{ sha256: string; length: number }> {
  return oracle ??= sqlite3Csv(demoPath(ROWS), Date.parse(FROM), Date.parse(TO))
    .then(async (csv) => ({ sha256: await sha256Hex(csv), length: csv.length }));
}

export const oracleSha = async () => (await oracleCsv()).sha256;

/** Starts the client, kills it with SIGKILL once `file` passes a third of `total`; checks the state. */
export async function killMidway(url: string, args: string[], file: string, total: number) {
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
