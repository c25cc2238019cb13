// What --continue refuses, with exit 2 and before connecting: no -o, nothing to continue, a state
// file that is corrupt, old or for another request, an output shorter than its state records.
import { equal, match } from "node:assert/strict";
import { client, FROM, RANGE, TO, withTempDir } from "./_cli_runs.ts";

Deno.test("--continue refuses with exit 2 what it cannot continue", async (t) => {
  // No server is needed: every refusal comes before connecting.
  const url = "ws://127.0.0.1:9/";
  await withTempDir(async (dir) => {
    await t.step("without -o", async () => {
      const run = await client([url, ...RANGE, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: --continue needs -o FILE/m);
    });

    await t.step("no state file and no output", async () => {
      const run = await client([url, ...RANGE, "-o", `${dir}/none.csv`, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: no .*none\.csv\.sluice and no .*: nothing/m);
    });

    await t.step("an output but no state file: where it stopped is unknown", async () => {
      const file = `${dir}/orphan.csv`;
      await Deno.writeTextFile(file, "id,ts\r\n1,");
      const run = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: no .*orphan\.csv\.sluice: where .* is unknown/m);
      equal(await Deno.readTextFile(file), "id,ts\r\n1,", "the output is left as it was");
    });

    const file = `${dir}/part.csv`;
    const state = (request: unknown, fileBytes = 4) => ({
      version: 2,
      url,
      request,
      resumePoint: {
        highWaterMark: "100",
        cursor: "7",
        sequence: 1,
        rows: 7,
        bytes: fileBytes,
        digest: "00".repeat(32),
        final: false,
      },
      fileBytes,
    });
    const request = {
      searchParams: {
        timeFrom: FROM,
        timeTo: TO,
        filters: [{ field: "symbol", operator: "eq", value: "BTC-USD" }],
      },
      outputFormat: "csv",
      compression: false,
    };

    await t.step("a corrupt state file", async () => {
      await Deno.writeTextFile(file, "abcdef");
      await Deno.writeTextFile(`${file}.sluice`, "{ not json");
      const run = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: .*part\.csv\.sluice is not valid JSON$/m);
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify({ version: 2, url }));
      const shape = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(shape.code, 2);
      match(shape.stderr, /is not a sluice state file$/m);
      // A state file of the format before resume points carried a digest.
      const old = { ...state(request), version: 1 };
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify(old));
      const older = await client([url, ...RANGE, "-o", file, "--continue"]);
      equal(older.code, 2);
      match(older.stderr, /part\.csv\.sluice has format version 1, not 2$/m);
    });

    await t.step("a state file for another request", async () => {
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify(state(request)));
      const other = [url, ...RANGE, "--filter", "symbol=ETH-USD", "-o", file, "--continue"];
      const run = await client(other);
      equal(run.code, 2);
      match(run.stderr, /^sluice: cannot continue: .*part\.csv\.sluice is for another request/m);
      const gzip = await client([url, ...RANGE, "--filter", "symbol=BTC-USD", "--gzip", "-o", file]
        .concat("--continue"));
      equal(gzip.code, 2);
      match(gzip.stderr, /is for another request/);
      equal(await Deno.readTextFile(file), "abcdef", "the output is left as it was");
    });

    await t.step("an output shorter than the state file records", async () => {
      await Deno.writeTextFile(`${file}.sluice`, JSON.stringify(state(request, 100)));
      const run = await client([
        url,
        ...RANGE,
        "--filter",
        "symbol=BTC-USD",
        "-o",
        file,
        "--continue",
      ]);
      equal(run.code, 2);
      match(run.stderr, /has 6 bytes, fewer than the 100 its state file records/);
      equal(await Deno.readTextFile(file), "abcdef");
    });
  });
});
