// Progress moves only while the export's bytes are read (the reader is the flow control):
// `pipeTo` saves and reports in one call, and iterating progress with nothing reading the bytes
// throws instead of hanging once the server's window is full.
import { equal, ok, rejects } from "node:assert/strict";
import { ClientBuilder } from "../client.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import { startServer } from "./_harness.ts";

/** 20,000 rows of CSV are about 2 MB: many frames of 16 KiB, far more than a 64 KiB window. */
const ROWS = 20_000;
const SMALL = { frameBytes: 16_384, windowBytes: 65_536 };

const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
  outputFormat: "csv",
  compression: false,
};

/** A WritableStream that counts the bytes written into it. */
function counter(): { stream: WritableStream<Uint8Array>; bytes: () => number } {
  let total = 0;
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      total += chunk.length;
    },
  });
  return { stream, bytes: () => total };
}

Deno.test("pipeTo saves every byte and resolves with the summary while progress is iterated", async () => {
  const server = startServer(ROWS, SMALL);
  const client = new ClientBuilder(server.url).build();
  try {
    await client.connect();
    const download = client.download(REQUEST);
    const sink = counter();
    const saved = download.pipeTo(sink.stream);
    let updates = 0;
    for await (const update of download) {
      ok(update.progress >= 0 && update.progress <= 100);
      updates++;
    }
    const summary = await saved;
    equal(summary.rows, ROWS);
    equal(summary.bytes, sink.bytes());
    ok(updates > 0, "no progress update was iterated");
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("iterating progress while nothing reads the bytes throws a TypeError instead of hanging", async () => {
  const server = startServer(ROWS, SMALL);
  const client = new ClientBuilder(server.url).build();
  try {
    await client.connect();
    const download = client.download(REQUEST);
    await rejects(async () => {
      for await (const _ of download) { /* the bytes are never read */ }
    }, TypeError);
    // Reading now lets the same download finish.
    const sink = counter();
    const summary = await download.pipeTo(sink.stream);
    equal(summary.rows, ROWS);
    equal(summary.bytes, sink.bytes());
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("pipeTo rejects with the download's code when the download is cancelled", async () => {
  const server = startServer(ROWS, SMALL);
  const client = new ClientBuilder(server.url).build();
  try {
    await client.connect();
    const controller = new AbortController();
    const download = client.download(REQUEST, { signal: controller.signal });
    const sink = new WritableStream<Uint8Array>({
      write() {
        controller.abort();
      },
    });
    await rejects(download.pipeTo(sink), (error: unknown) => {
      equal((error as { code?: string }).code, "CANCELLED");
      return true;
    });
    await rejects(
      download.done,
      (error: unknown) => (error as { code?: string }).code === "CANCELLED",
    );
  } finally {
    await client.close();
    await server.close();
  }
});
