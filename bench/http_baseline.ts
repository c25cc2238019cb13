// The benchmark's "plain HTTP stream": the same rows, read by the same SqliteSource in pages and
// encoded by the same RowEncoder, sent as one chunked HTTP response with nothing else — no frames,
// no hashing, no acknowledgements, no progress. What sluice adds on top of this is its overhead.
//
//   deno run -A bench/http_baseline.ts --db PATH
//   GET /?from=<epoch ms>&to=<epoch ms>&format=csv|json|ndjson
import { parseArgs } from "node:util";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import { RowEncoder } from "../server/formats.ts";
import { SqliteSource } from "../server/sqlite_source.ts";
import type { OutputFormat } from "../protocol/messages.ts";

const PAGE_ROWS = 10_000;

const { values } = parseArgs({ args: Deno.args, options: { db: { type: "string" } } });
if (values.db === undefined) throw new Error("usage: http_baseline.ts --db PATH");
const source = new SqliteSource({ path: values.db, schema: DEMO_SCHEMA, readOnly: true });
const utf8 = new TextEncoder();

function csvStream(url: URL, highWaterMark: bigint): ReadableStream<Uint8Array> {
  const query = {
    timeFrom: Number(url.searchParams.get("from")),
    timeTo: Number(url.searchParams.get("to")),
    filters: [],
    highWaterMark,
  };
  const encoder = new RowEncoder({
    format: (url.searchParams.get("format") ?? "csv") as OutputFormat,
    columns: DEMO_SCHEMA.columns,
    neutralizeFormulas: true,
  });
  let after: bigint | undefined;
  let first = true;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(utf8.encode(encoder.header()));
    },
    async pull(controller) {
      const page = await source.page({ ...query, after }, PAGE_ROWS);
      if (page.rows.length > 0) controller.enqueue(encoder.encodeRows(page.rows, first));
      first = false;
      after = page.lastKey;
      if (page.rows.length < PAGE_ROWS) {
        controller.enqueue(utf8.encode(encoder.footer()));
        controller.close();
      }
    },
  }, { highWaterMark: 0 });
}

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(`http baseline on http://127.0.0.1:${port}/`),
}, async (request) => {
  const highWaterMark = await source.highWaterMark();
  return new Response(csvStream(new URL(request.url), highWaterMark), {
    headers: { "content-type": "text/csv" },
  });
});
