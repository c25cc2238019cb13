// Run by tests/node_client_test.ts under Node (22+, or 20 with --experimental-websocket): the
// bundled client as any Node program would use it, with nothing of Deno in reach.
//
//   node _node_download.mjs BUNDLE_URL SERVER_URL OUT_FILE REQUEST_JSON [decompress]
//
// Writes the export to OUT_FILE and prints one JSON line: the summary and the progress count.
import { open } from "node:fs/promises";
import process from "node:process";

const [bundle, url, out, request, decompress] = process.argv.slice(2);
const { ClientBuilder } = await import(bundle);
const client = new ClientBuilder(url).build();
try {
  await client.connect();
  const download = client.download(JSON.parse(request), {
    decompress: decompress === "decompress",
  });
  let updates = 0;
  download.onProgress(() => updates++);
  const file = await open(out, "w");
  try {
    for await (const chunk of download.readable) await file.write(chunk);
  } finally {
    await file.close();
  }
  const summary = await download.done;
  console.log(JSON.stringify({ summary, updates, node: process.version }));
} finally {
  // Nothing may keep the process alive after this: the test waits for it to exit by itself.
  await client.close();
}
