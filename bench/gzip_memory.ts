// Whether a server's memory levels off over many gzip'd exports:
// `deno run -A bench/gzip_memory.ts [--rows 1000000] [--rounds 20] [--plain]`.
//
// One server process, started as `deno task start` starts it over the demo table of `--rows`
// rows (bench/_server_program.ts), serves `--rounds` CSV+gzip exports (`--plain`: CSV) one after
// the other to the real client; the server's RSS is sampled every second. A gzip member's native
// zlib state is freed only when V8 collects the object that holds it, at its next old-generation
// collection, so memory rises over the first exports; this shows whether it then levels off. Prints
// one line per export (seconds, then RSS by second) and the RSS after the first, at most, and after
// the last.
import { parseArgs } from "node:util";
import { ClientBuilder } from "../client.ts";
import { dbPath, startServer } from "./_server_program.ts";
import { EVERY_ROW } from "./_runs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rows: { type: "string", default: "1000000" },
    rounds: { type: "string", default: "20" },
    plain: { type: "boolean", default: false },
  },
});
const [rows, rounds] = [Number(values.rows), Number(values.rounds)];
const mb = (bytes: number) => Math.round(bytes / 1e6);

const server = await startServer(dbPath(rows), rows);
const after: number[] = [];
let most = 0;
try {
  for (let round = 0; round < rounds; round++) {
    const client = new ClientBuilder(server.url).build();
    await client.connect();
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(server.rss()), 1000);
    const started = performance.now();
    const download = client.download({
      searchParams: { ...EVERY_ROW, filters: [] },
      outputFormat: "csv",
      compression: !values.plain,
    });
    for await (const _ of download.readable) { /* counted by the client's digest chain */ }
    const { rows: exported } = await download.done;
    clearInterval(timer);
    await client.close();
    if (exported !== rows) throw new Error(`exported ${exported} of ${rows} rows`);
    after.push(server.rss());
    most = Math.max(most, ...samples, after.at(-1)!);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `export ${round + 1}: ${seconds} s, RSS by second ${samples.map(mb).join(" ") || "—"} MB`,
    );
  }
} finally {
  await server.stop();
}
console.log(
  `\n${rounds} ${values.plain ? "CSV" : "CSV+gzip"} exports of ${rows.toLocaleString("en-US")} ` +
    `rows, one server: RSS ${mb(after[0])} MB after the first, ${mb(most)} MB at the most, ` +
    `${mb(after.at(-1)!)} MB after the last`,
);
