// The command line's ends that a user causes: Ctrl-C (SIGINT) mid-download says how to go on and
// exits 130, leaving FILE and FILE.sluice for --continue, which finishes the export byte for byte;
// and a reader of stdout that stops early (`| head -2`) ends the download quietly with exit 0.
import { equal, match, ok } from "node:assert/strict";
import { demoPath, startServer } from "./_harness.ts";
import { CLIENT, runClient } from "./_program.ts";
import { CuttingProxy } from "./_proxy.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 20_000;
const FROM = "2024-01-01T00:00:00Z";
const TO = "2030-01-01T00:00:00Z";
const RANGE = ["--from", FROM, "--to", TO];
const DEADLINE_MS = 10_000;
const decoder = new TextDecoder();

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** How long FILE must keep its size before the run counts as stalled. */
const STABLE_MS = 500;

/** Polls `ready` every few milliseconds until it holds; fails after the deadline. */
async function until(what: string, ready: () => Promise<boolean>): Promise<void> {
  const started = performance.now();
  while (!await ready()) {
    ok(performance.now() - started < DEADLINE_MS, `${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Kills a child that a failed assertion left running. */
function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // it had exited meanwhile
  }
}

Deno.test("Ctrl-C mid-download exits 130 saying how to continue, and --continue finishes it", async () => {
  // Unencrypted, so that the proxy can read the control messages it freezes after (commands stay
  // signed); sealed, it would never see one and the download would run to its end.
  const server = startServer(ROWS, { windowBytes: 65_536, frameBytes: 16_384, encryption: false });
  // The connection stops moving after the first progress message: the run is caught midway.
  const proxy = new CuttingProxy(Number(new URL(server.url).port), { messages: true });
  proxy.freezeAfter("download:progress");
  const dir = await Deno.makeTempDir({ prefix: "sluice-cli-signals-" });
  const file = `${dir}/out.csv`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLIENT, `ws://127.0.0.1:${proxy.port}/`, ...RANGE, "-o", file],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  try {
    // The proxy froze after the first progress message: once FILE stops growing, every frame
    // that came through is written and the state can describe all of FILE. (Interrupted while
    // frames still wait to be written, a state may rightly lag FILE; that is not this test.)
    let size = -1;
    let stableSince = performance.now();
    await until("FILE written and no longer growing", async () => {
      if (!await exists(`${file}.sluice`)) return false;
      const now = (await Deno.stat(file)).size;
      if (now !== size) [size, stableSince] = [now, performance.now()];
      return size > 0 && performance.now() - stableSince >= STABLE_MS;
    });
    child.kill("SIGINT");
    const out = await child.output();
    exited = true;
    const stderr = decoder.decode(out.stderr);
    equal(out.code, 130, stderr);
    match(
      stderr,
      new RegExp(`^sluice: interrupted; run again with --continue to resume into ${file}$`, "m"),
    );
    ok(!stderr.includes("    at "), stderr);
    const state = JSON.parse(await Deno.readTextFile(`${file}.sluice`));
    ok(state.fileBytes > 0, "saved past the start: the continued run resumes midway");
    equal(state.fileBytes, (await Deno.stat(file)).size, "the state describes FILE as it was left");

    const again = await runClient([server.url, ...RANGE, "-o", file, "--continue"]);
    equal(again.code, 0, again.stderr);
    const expected = await sqlite3Csv(demoPath(ROWS), Date.parse(FROM), Date.parse(TO));
    equal(await sha256Hex(await Deno.readFile(file)), await sha256Hex(expected));
    ok(!await exists(`${file}.sluice`));
  } finally {
    if (!exited) kill(child);
    await child.status;
    await proxy.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("client.ts … | head -2 ends quietly with exit 0 once head has its lines", async () => {
  const server = startServer(ROWS);
  try {
    const command = [Deno.execPath(), "run", "-A", CLIENT, server.url, ...RANGE]
      .map((word) => `'${word}'`).join(" ");
    // bash reports the client's own exit code, not head's.
    const out = await new Deno.Command("bash", {
      args: ["-c", `${command} | head -2; exit "\${PIPESTATUS[0]}"`],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = decoder.decode(out.stderr);
    equal(out.code, 0, stderr);
    const expected = await sqlite3Csv(demoPath(ROWS), Date.parse(FROM), Date.parse(TO));
    const firstTwo = decoder.decode(expected).split("\n").slice(0, 2).join("\n") + "\n";
    equal(decoder.decode(out.stdout), firstTwo);
    ok(!/BrokenPipe|Uncaught| {4}at /.test(stderr), stderr);
  } finally {
    await server.close();
  }
});
