// Progress moves only while the export's bytes are read (the reader is the flow control):
// `pipeTo` saves and reports in one call, and iterating progress with nothing reading the bytes
// throws instead of hanging once the server's window is full.
import { equal, ok, rejects } from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { ClientBuilder } from "../client.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import { startServer } from "./_harness.ts";
import { sha256Hex } from "./_sqlite3.ts";

/** 20,000 rows of CSV are about 2 MB: many frames of 16 KiB, far more than a 64 KiB window. */
const ROWS = 20_000;
const SMALL = { frameBytes: 16_384, windowBytes: 65_536 };

const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
  outputFormat: "csv",
  compression: false,
};

/** A WritableStream that counts the bytes written into it and keeps them. */
function counter(): {
  stream: WritableStream<Uint8Array>;
  bytes: () => number;
  all: () => Uint8Array;
} {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      chunks.push(chunk.slice());
      total += chunk.length;
    },
  });
  const all = () => {
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) out.set(chunk, (at += chunk.length) - chunk.length);
    return out;
  };
  return { stream, bytes: () => total, all };
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

Deno.test("with decompress, pipeTo reports the server's gzip bytes and the larger bytes delivered, with their SHA-256", async () => {
  const server = startServer(ROWS, SMALL);
  const client = new ClientBuilder(server.url).build();
  try {
    await client.connect();
    const gzip = counter();
    const compressed = await client.download({ ...REQUEST, compression: true }, { sha256: true })
      .pipeTo(gzip.stream);
    equal(compressed.deliveredBytes, compressed.bytes);
    equal(compressed.sha256, await sha256Hex(gzip.all()));
    const plain = counter();
    const decompressed = await client.download({ ...REQUEST, compression: true }, {
      decompress: true,
      sha256: true,
    }).pipeTo(plain.stream);
    equal(decompressed.bytes, compressed.bytes);
    equal(decompressed.deliveredBytes, plain.bytes());
    ok(decompressed.deliveredBytes > 2 * decompressed.bytes, "gzip of CSV is far smaller");
    equal(decompressed.sha256, await sha256Hex(plain.all()));
    equal(decompressed.sha256, await sha256Hex(gunzipSync(gzip.all())));
    equal(decompressed.digest, compressed.digest, "the chain covers the frames as sent");
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("without sha256: true, pipeTo computes no SHA-256", async () => {
  const server = startServer(ROWS, SMALL);
  const client = new ClientBuilder(server.url).build();
  try {
    await client.connect();
    const summary = await client.download(REQUEST).pipeTo(counter().stream);
    equal(summary.sha256, undefined);
    equal(summary.deliveredBytes, summary.bytes);
  } finally {
    await client.close();
    await server.close();
  }
});
