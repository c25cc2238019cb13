// Two lockfiles: deno.lock locks everything the checkout imports (tests included: viem,
// playwright-core) and `deno task test` checks it frozen; run.lock locks only what the library
// and the programs load, so `deno task start` on an empty cache fetches a few MB, not ~100 MB
// (Deno installs every package of the lockfile it runs with, used or not).
import { deepStrictEqual, equal, ok } from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));

interface Lock {
  readonly specifiers: Record<string, string>;
  readonly npm: Record<string, { integrity: string }>;
}

const readLock = async (path: string): Promise<Lock> => JSON.parse(await Deno.readTextFile(path));

/** `deno task run-lock`'s `deno cache` arguments, writing to `lock` instead of run.lock. */
function runLockArgs(lock: string): string[] {
  const command: string = config.tasks["run-lock"];
  const cache = command.slice(command.indexOf("deno cache ")).split(" ").slice(1);
  ok(cache.includes("--lock=run.lock"), "the run-lock task writes run.lock");
  return cache.map((arg) => arg === "--lock=run.lock" ? `--lock=${lock}` : arg);
}

Deno.test("run.lock equals a fresh lock of the programs' graph: run `deno task run-lock` when this fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fresh = `${dir}/run.lock`;
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: runLockArgs(fresh),
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    ok(success, new TextDecoder().decode(stderr));
    deepStrictEqual(await readLock(`${ROOT}run.lock`), await readLock(fresh));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every package run.lock names is locked in deno.lock with the same integrity", async () => {
  const run = await readLock(`${ROOT}run.lock`);
  const all = await readLock(`${ROOT}deno.lock`);
  for (const [specifier, version] of Object.entries(run.specifiers)) {
    equal(all.specifiers[specifier], version, specifier);
  }
  for (const [name, entry] of Object.entries(run.npm)) {
    equal(all.npm[name]?.integrity, entry.integrity, name);
  }
});

Deno.test("the test-only packages are not in run.lock", async () => {
  const run = await readLock(`${ROOT}run.lock`);
  const names = Object.keys(run.npm).map((key) => key.slice(0, key.lastIndexOf("@")));
  for (const testOnly of ["viem", "playwright-core"]) {
    ok(!names.includes(testOnly), `${testOnly} is in run.lock`);
  }
});

Deno.test("deno task start runs with run.lock, frozen, and the checkout discovers no lockfile", () => {
  const start: string = config.tasks.start;
  ok(start.includes("--lock=run.lock --frozen"), start);
  // A discovered lockfile is installed whole before any task runs, test-only packages included.
  equal(config.lock, false);
  for (const command of ["deno check", "deno test"]) {
    ok(config.tasks.test.includes(`${command} --lock=deno.lock --frozen`), command);
  }
});
