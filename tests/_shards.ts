// `deno task test` runs the test files of this folder in a few shards (tests/shards/N_test.ts)
// rather than one module each, ignoring the files themselves (`--ignore=tests/*_test.ts`; a
// plain `deno test -A` finds both and runs every test twice): `deno test` starts a worker per
// module, and a worker that loads the server, the client and their imports afresh cost ~0.1-0.2 s
// of CPU, some 20-30 s a suite for 150 files, where 8 workers load them 8 times. A file still runs
// alone as before (`deno test -A tests/limits_test.ts`); within a shard a file's tests run one
// after the other, in the file's order, as they did in its own worker.

/** The folder of the test files. */
const TESTS = new URL("./", import.meta.url);

/** How many shards tests/shards/ holds (0_test.ts … 7_test.ts). */
const SHARDS = 8;

/**
 * Seconds each of the longest files took alone (wall, 2-core machine, December 2026): the
 * shards are balanced on them, every other file counting as half a second. A stale figure only
 * makes the shards less even.
 */
const SECONDS: Record<string, number> = {
  "fuzz_test.ts": 13.2,
  "browser_test.ts": 11.9,
  "browser_sign_in_test.ts": 9.5,
  "postgres_source_test.ts": 8.0,
  "browser_estimate_test.ts": 7.5,
  "limits_test.ts": 7.4,
  "hostile_peer_test.ts": 7.0,
  "resume_test.ts": 6.8,
  "cli_source_outage_test.ts": 6.6,
  "postgres_wire_test.ts": 6.0,
  "cli_test.ts": 4.8,
  "cli_continue_test.ts": 4.4,
  "cli_reconnect_test.ts": 4.2,
  "datasets_program_test.ts": 3.7,
  "own_table_test.ts": 3.5,
  "entry_test.ts": 3.5,
  "client_test.ts": 3.5,
  "browser_token_test.ts": 3.5,
  "served_types_test.ts": 3.0,
  "postgres_pages_test.ts": 3.0,
  "cli_signals_test.ts": 2.8,
  "browser_one_click_test.ts": 2.8,
  "row_filter_cli_test.ts": 2.6,
  "protocol_doc_wire_test.ts": 2.6,
  "server_test.ts": 2.5,
  "web_bundle_test.ts": 2.3,
  "cli_display_test.ts": 2.3,
  "sign_in_identities_test.ts": 2.1,
  "session_pair_test.ts": 2.1,
  "cli_auth_test.ts": 2.1,
  "token_cli_test.ts": 2.0,
  "doc_examples_run_test.ts": 2.0,
};
const OTHER_SECONDS = 0.5;

/** Every `*_test.ts` file of tests/, by name, sorted. */
function testFiles(): string[] {
  return [...Deno.readDirSync(TESTS)]
    .filter((entry) => entry.isFile && entry.name.endsWith("_test.ts"))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The files of each shard: the longest first, each to the shard with the fewest seconds so far
 * (ties to the lowest number). Every file is in exactly one shard.
 */
export function shards(files: readonly string[] = testFiles(), n = SHARDS): string[][] {
  const seconds = (name: string) => SECONDS[name] ?? OTHER_SECONDS;
  const byLength = [...files].sort((a, b) => seconds(b) - seconds(a) || (a < b ? -1 : 1));
  const out = Array.from({ length: n }, () => ({ files: [] as string[], seconds: 0 }));
  for (const name of byLength) {
    const least = out.reduce((best, shard) => shard.seconds < best.seconds ? shard : best);
    least.files.push(name);
    least.seconds += seconds(name);
  }
  return out.map((shard) => shard.files.sort());
}

/**
 * Imports the files of shard `i`, whose `Deno.test` calls then register their tests. Throws unless
 * tests/shards/ holds exactly the test files 0_test.ts … (SHARDS - 1)_test.ts: a shard without its
 * file would not run. A file that fails to load is a failing test of its own, and the shard's
 * other files still run. (What sharing a worker does change: an error no test catches, a
 * rejection left behind by one test, fails the shard and cancels the tests after it, where it
 * used to end only its own file's.)
 */
export async function runShard(i: number): Promise<void> {
  const present = [...Deno.readDirSync(new URL("shards/", TESTS))]
    .filter((entry) => entry.name.endsWith("_test.ts")).map((entry) => entry.name).sort().join(" ");
  const expected = Array.from({ length: SHARDS }, (_, n) => `${n}_test.ts`).sort().join(" ");
  if (present !== expected) {
    throw new Error(`tests/shards/ holds ${present}, not the ${SHARDS} shards ${expected}`);
  }
  for (const name of shards()[i]) {
    try {
      await import(new URL(name, TESTS).href);
    } catch (error) {
      Deno.test(`${name} loads`, () => {
        throw error;
      });
    }
  }
}
