// docs/PROTOCOL.md §8.1 and §8.2 read off the wire: a real server over the demo table, a raw
// WebSocket peer, and the frames as they come (where FINAL goes, R, halving, gzip members).
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import type { DataFrame } from "../protocol/frame.ts";
import type { ClientMessage, OutputFormat } from "../protocol/messages.ts";
import { RowEncoder } from "../server/formats.ts";
import { RawPeer, readDownload, requestMessage, startServer } from "./_harness.ts";
import { vectors } from "./_protocol_doc.ts";

const utf8 = new TextDecoder();
/** §8.1: the most raw bytes a frame may carry. */
const FRAME_RAW_LIMIT = 983_040;
/** The CSV header line of the demo table. */
const CSV_HEADER = "id,ts,symbol,side,price,amount,fee,maker,user_id,order_id,note\r\n";

/** One download on a fresh connection: its frames, its payload and its download:start. */
async function download(url: string, data: Parameters<typeof requestMessage>[1]) {
  const peer = await RawPeer.open(url);
  try {
    peer.send(requestMessage("dl", data));
    const result = await readDownload(peer, "dl");
    const start = await peer.message("download:start", "dl");
    return { ...result, start: start.data };
  } finally {
    await peer.close();
  }
}

async function gunzipOne(member: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([member as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Checks §8.2 on a gzip'd download against the same download uncompressed, frame by frame. */
async function sameCutsAndMembers(gzipped: DataFrame[], plain: DataFrame[]): Promise<void> {
  deepStrictEqual(gzipped.map((f) => f.rowCount), plain.map((f) => f.rowCount));
  deepStrictEqual(gzipped.map((f) => f.cursor), plain.map((f) => f.cursor));
  for (const [i, frame] of gzipped.entries()) {
    deepStrictEqual([frame.payload[0], frame.payload[1]], [0x1f, 0x8b], `frame ${i}`);
    deepStrictEqual(await gunzipOne(frame.payload), plain[i].payload, `frame ${i}`);
  }
  deepStrictEqual(
    new Uint8Array(gunzipSync(concatBytes(...gzipped.map((f) => f.payload)))),
    concatBytes(...plain.map((f) => f.payload)),
  );
}

Deno.test("a demo download's frames carry R rows: 3084 for CSV, 1971 for JSON and NDJSON", async () => {
  const [vector] = vectors("rows-per-frame") as Record<OutputFormat, { R: number }>[];
  // 10,000 rows make 3 whole CSV frames and 5 whole JSON ones, and a shorter FINAL frame.
  const server = startServer(10_000);
  try {
    for (const outputFormat of ["csv", "json", "ndjson"] as const) {
      const { frames } = await download(server.url, {
        outputFormat,
        searchParams: { timeFrom: "2000-01-01", timeTo: "2100-01-01", filters: [] },
      });
      const R = vector[outputFormat].R;
      ok(frames.length >= 3, outputFormat);
      for (const frame of frames.slice(0, -1)) equal(frame.rowCount, R, outputFormat);
      const last = frames.at(-1)!;
      ok(last.final && last.rowCount > 0 && last.rowCount < R, outputFormat);
    }
  } finally {
    await server.close();
  }
});

Deno.test('rows a multiple of R end with an empty FINAL frame; an empty export is one FINAL frame with cursor ""', async () => {
  // 1000 rows; 17,000 / 170 and 26,600 / 266 make R = 100 for CSV and for JSON and NDJSON.
  const cases = [
    { outputFormat: "csv", frameBytes: 17_000, footer: "", empty: CSV_HEADER },
    { outputFormat: "json", frameBytes: 26_600, footer: "\n]\n", empty: "[\n]\n" },
    { outputFormat: "ndjson", frameBytes: 26_600, footer: "", empty: "" },
  ] as const;
  for (const { outputFormat, frameBytes, footer, empty } of cases) {
    const server = startServer(1_000, { frameBytes });
    try {
      const { frames } = await download(server.url, { outputFormat });
      deepStrictEqual(frames.map((f) => f.rowCount), [...Array(10).fill(100), 0], outputFormat);
      const [before, last] = frames.slice(-2);
      ok(last.final && !before.final);
      equal(before.cursor, "1000");
      equal(last.cursor, before.cursor);
      equal(utf8.decode(last.payload), footer);

      const none = await download(server.url, {
        outputFormat,
        searchParams: { timeFrom: "2030-01-01", timeTo: "2031-01-01", filters: [] },
      });
      equal(none.frames.length, 1);
      const [only] = none.frames;
      deepStrictEqual([only.final, only.sequence, only.rowCount, only.cursor], [true, 0, 0, ""]);
      equal(utf8.decode(only.payload), empty);
      equal(none.start.totalRows, 0);
    } finally {
      await server.close();
    }
  }
});

Deno.test('a resume with cursor "" before any frame sends the whole export, on the same pinned rows', async () => {
  const server = startServer(1_000, { frameBytes: 17_000 });
  try {
    const request = requestMessage("dl", { outputFormat: "json" });
    const whole = await download(server.url, { outputFormat: "json" });
    const peer = await RawPeer.open(server.url);
    try {
      const resume: ClientMessage = {
        event: "download:resume",
        data: {
          request: (request as Extract<ClientMessage, { event: "download:request" }>).data,
          resume: {
            highWaterMark: whole.start.highWaterMark,
            cursor: "",
            sequence: 0,
            rows: 0,
            bytes: 0,
            digest: "00".repeat(32),
          },
        },
        timestamp: Date.now(),
        requestId: "dl",
      };
      peer.send(resume);
      const again = await readDownload(peer, "dl");
      equal((await peer.message("download:start", "dl")).data.resumed, true);
      deepStrictEqual(again.payload, whole.payload);
      deepStrictEqual(again.complete.digest, whole.complete.digest);
    } finally {
      await peer.close();
    }
  } finally {
    await server.close();
  }
});

/** Byte lengths of the demo rows as each format encodes them (JSON: with the `,` of a later row). */
async function rowLengths(source: ReturnType<typeof startServer>["source"], format: OutputFormat) {
  const { columns } = source.schema();
  const highWaterMark = await source.highWaterMark();
  const query = { timeFrom: 0, timeTo: Date.UTC(2030, 0, 1), filters: [], highWaterMark };
  const { rows } = await source.page(query, 1_000_000);
  const encoder = new RowEncoder({ format, columns });
  return {
    ts: rows.map((row) => Number(row[1])),
    lengths: rows.map((row) => encoder.encodeRows([row], false).length),
  };
}

/**
 * The first window of rows [a, a + n), followed by at least one more row, whose `fixed` bytes and
 * rows fit in a frame and do not with `extra` bytes more.
 */
function borderline(lengths: number[], fixed: number, extra: number): { a: number; n: number } {
  for (let a = 0; a < lengths.length; a++) {
    let bytes = fixed;
    for (let n = 1; a + n < lengths.length; n++) {
      bytes += lengths[a + n - 1];
      if (bytes > FRAME_RAW_LIMIT) break;
      if (bytes + extra > FRAME_RAW_LIMIT) return { a, n };
    }
  }
  throw new Error("no such window in the demo table");
}

Deno.test("frames are halved on the raw bytes, header and footer included; gzip keeps the cuts", async () => {
  // R = 100,000 (the clamp), so a window of the table comes back as one page and is halved only
  // by §8.1's 983,040-byte rule; each window is chosen so that the header (CSV) or the footer (JSON)
  // is what tips it over.
  const server = startServer(20_000, { frameBytes: 2 ** 30 });
  try {
    for (const format of ["csv", "json"] as const) {
      const { ts, lengths } = await rowLengths(server.source, format);
      // CSV: the rows fit, and the header tips them over. JSON: "[" and the rows (the first has
      // no ",", hence 1 - 1) fit, and the footer "\n]\n" tips them over.
      const { a, n } = format === "csv"
        ? borderline(lengths, 0, CSV_HEADER.length)
        : borderline(lengths, 1 - 1, "\n]\n".length);
      const searchParams = {
        timeFrom: new Date(ts[a]).toISOString(),
        timeTo: new Date(ts[a + n]).toISOString(),
        filters: [],
      };
      const plain = await download(server.url, { outputFormat: format, searchParams });
      equal(plain.complete.rows, n);
      deepStrictEqual(plain.frames.map((f) => f.rowCount), [Math.ceil(n / 2), Math.floor(n / 2)]);
      for (const frame of plain.frames) ok(frame.payload.length <= FRAME_RAW_LIMIT);
      const gzipped = await download(server.url, {
        outputFormat: format,
        searchParams,
        compression: true,
      });
      await sameCutsAndMembers(gzipped.frames, plain.frames);
    }
  } finally {
    await server.close();
  }
});

Deno.test("a decimal filter value of 1e22 is taken (§6.2)", async () => {
  const server = startServer(1_000);
  const peer = await RawPeer.open(server.url);
  try {
    const request = requestMessage("dl", {
      searchParams: {
        timeFrom: "2024-01-01",
        timeTo: "2025-01-01",
        filters: [{ field: "price", operator: "gte", value: 1e22 }],
      },
    });
    peer.send(JSON.stringify(request).replace("1e+22", "1e22"));
    equal((await peer.message("download:start", "dl")).data.totalRows, 0);
    await readDownload(peer, "dl");
  } finally {
    await peer.close();
    await server.close();
  }
});
