// The fuzz suite (issue 16): tests/_fuzz_run.ts, in a `deno test` process of its own so that the
// RSS it bounds is the fuzz run's alone (that file says why). Its test, sanitizers and assertions
// are unchanged; this one passes when that process passes. `FUZZ_SEED=<seed> deno test -A
// tests/fuzz_test.ts` replays a run: the environment is passed on.
const RUN = decodeURIComponent(new URL("./_fuzz_run.ts", import.meta.url).pathname);

Deno.test("20,000 malformed messages and the resource attacks cost a download beside them nothing, and each is answered as documented", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    // Type-checked with every other file by `deno check` (deno task test).
    args: ["test", "--lock=deno.lock", "--frozen", "--allow-all", "--no-check", RUN],
    cwd: decodeURIComponent(new URL("..", import.meta.url).pathname),
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${RUN} failed (exit ${out.code}):\n${text.decode(out.stdout)}${text.decode(out.stderr)}`,
    );
  }
  // A run that found no test would pass as well: it must have run the one there.
  const summary = /ok \| 1 passed \| 0 failed/.test(text.decode(out.stdout));
  if (!summary) throw new Error(`${RUN} did not run its test:\n${text.decode(out.stdout)}`);
});
