// The command line's answers that need no server: --help and --version on stdout with exit 0, and
// exit 2 with the usage for a misspelt option or a request the protocol refuses whatever the
// server, before any connection is tried (the URL names a port where nothing listens, so a run
// that tried would end with CONNECTION_FAILED and exit 1).
import { equal, match, ok } from "node:assert/strict";
import { runClient as client } from "./_program.ts";

const decoder = new TextDecoder();
const USAGE = /^usage: client\.ts URL --from TIME --to TIME \[options\]$/m;

/** A URL where nothing listens. */
function deadUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return `ws://127.0.0.1:${port}/`;
}

Deno.test("--help and --version answer on stdout with exit 0", async () => {
  const [help, short, version] = await Promise.all([
    client(["--help"]),
    client(["-h"]),
    client(["--version"]),
  ]);
  for (const run of [help, short]) {
    equal(run.code, 0, run.stderr);
    const text = decoder.decode(run.stdout);
    match(text, USAGE);
    for (const section of ["FILTERS", "EXAMPLES", "EXIT CODES"]) {
      match(text, new RegExp(`^${section}`, "m"));
    }
    equal(run.stderr, "");
  }
  equal(version.code, 0, version.stderr);
  const { version: expected } = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  equal(decoder.decode(version.stdout), `sluice ${expected}\n`);
});

Deno.test("a misspelt option or a bad value exits 2 with a suggestion and the usage, not parseArgs' text", async () => {
  const url = deadUrl();
  const range = ["--from", "2024-01-01", "--to", "2024-01-02"];
  const [misspelt, negative] = await Promise.all([
    client([url, ...range, "--formt", "csv"]),
    client([url, ...range, "--retries", "-3"]),
  ]);
  equal(misspelt.code, 2, misspelt.stderr);
  match(misspelt.stderr, /^sluice: unknown option --formt; did you mean --format\?$/m);
  match(misspelt.stderr, USAGE);
  equal(negative.code, 2, negative.stderr);
  match(negative.stderr, /^sluice: --retries must be a whole number, got "-3"$/m);
  for (const run of [misspelt, negative]) {
    ok(!run.stderr.includes("ambiguous") && !run.stderr.includes("'"), run.stderr);
    equal(run.stdout.length, 0);
  }
});

Deno.test("dates and ranges the protocol refuses exit 2 naming the flag, before connecting", async () => {
  const url = deadUrl();
  const [date, range] = await Promise.all([
    client([url, "--from", "2024-01-01", "--to", "2024-02-30"]),
    client([url, "--from", "2024-02-01", "--to", "2024-01-01"]),
  ]);
  equal(date.code, 2, date.stderr);
  match(date.stderr, /^sluice: INVALID_DATE: .*\(--to 2024-02-30[;)]/m);
  equal(range.code, 2, range.stderr);
  match(range.stderr, /^sluice: INVALID_RANGE: .*--from 2024-02-01 --to 2024-01-01/m);
  for (const run of [date, range]) {
    match(run.stderr, USAGE);
    ok(!run.stderr.includes("CONNECTION_FAILED"), run.stderr);
  }
});
