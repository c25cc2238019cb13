// The soak (`deno task soak`): the fuzz suite of tests/fuzz_test.ts for 1,000,000 malformed
// messages (or `--messages N`), with the resource attacks scaled beside them and a good client
// downloading, against a live server in this process. Prints the figures bench/RESULTS.md keeps:
// messages by kind, codes and closes seen, what was not as predicted (must be nothing), what the
// server logged (must be nothing), crashes, and the process's peak and final RSS and heap.
import { parseArgs } from "node:util";
import { runFuzz } from "../tests/_fuzz.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { messages: { type: "string" }, seed: { type: "string" } },
});
const messages = Number(values.messages ?? 1_000_000);
const seed = Number(values.seed ?? 16);
const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} MB`;

console.log(
  `soak: ${messages.toLocaleString("en-US")} messages, seed ${seed}, Deno ${Deno.version.deno}`,
);
let crashed: unknown;
const report = await runFuzz({ seed, messages, progress: (line) => console.log(`  ${line}`) })
  .catch((error) => {
    crashed = error;
    return undefined;
  });
if (report === undefined) {
  console.log(`CRASHED: ${crashed}`);
  Deno.exit(1);
}
const rows = (record: Record<string, number>) =>
  Object.entries(record).sort((a, b) => b[1] - a[1]).map(([k, v]) =>
    `| ${k} | ${v.toLocaleString("en-US")} |`
  );
console.log(
  `\n${report.tally.messages.toLocaleString("en-US")} messages in ${
    (report.ms / 1000).toFixed(1)
  } s\n`,
);
console.log("| kind | messages |\n| --- | --- |\n" + rows(report.tally.sent).join("\n"));
console.log("\n| code answered | times |\n| --- | --- |\n" + rows(report.tally.codes).join("\n"));
console.log("\n| close | times |\n| --- | --- |\n" + rows(report.tally.closes).join("\n"));
console.log(`
| figure | value |
| --- | --- |
| messages | ${report.tally.messages.toLocaleString("en-US")} |
| not as predicted | ${report.tally.mismatches.length} |
| server log lines | ${report.logged.length} |
| crashes | 0 |
| good client's file byte-identical | ${report.identical} (${mb(report.goodBytes)}) |
| server answers after | ${report.alive} |
| RSS before / peak / after | ${mb(report.rss.before)} / ${mb(report.rss.peak)} / ${
  mb(report.rss.after)
} |
| heap before / after (after a GC) | ${mb(report.heap.before)} / ${mb(report.heap.after)} |`);
for (const line of report.tally.mismatches) console.log(`MISMATCH ${line}`);
for (const line of report.logged) console.log(`LOGGED ${JSON.stringify(line)}`);
const failed = report.tally.mismatches.length > 0 || report.logged.length > 0 ||
  !report.identical ||
  !report.alive;
Deno.exit(failed ? 1 : 0);
