import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { ClientBuilder, SluiceError } from "../client.ts";
import type { SluiceClient } from "../client/sluice_client.ts";
import type { DownloadRequest, Filter, OutputFormat } from "../protocol/messages.ts";
import { demoPath, startServer } from "./_harness.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

/**
 * Enough rows for every format to span many frames (CSV is ~2 MB, about 30 frames of
 * {@linkcode FRAME_BYTES}, each its own gzip member when compressed). 100,000 rows in the default
 * 512 KiB frames proved the same in five times the CPU; the 1M and 5M exports at the defaults,
 * checked against the same sqlite3 oracle, are bench/export.ts's.
 */
const ROWS = 20_000;
/** The server's frame size here: an eighth of the default. */
const FRAME_BYTES = 65_536;
const FROM = Date.parse("2024-01-01T00:00:00Z");
const TO = Date.parse("2030-01-01T00:00:00Z");

function request(
  format: OutputFormat,
  compression = false,
  filters: Filter[] = [],
): DownloadRequest {
  return {
    searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters },
    outputFormat: format,
    compression,
  };
}

async function readExport(client: SluiceClient, req: DownloadRequest, decompress = false) {
  const download = client.download(req, { decompress });
  const bytes = new Uint8Array(await new Response(download.readable).arrayBuffer());
  const summary = await download.done;
  return { bytes, summary };
}

async function fetchExport(url: string, req: DownloadRequest, decompress = false) {
  const client = new ClientBuilder(url).build();
  await client.connect();
  try {
    return await readExport(client, req, decompress);
  } finally {
    await client.close();
  }
}

Deno.test("a 20,000-row export through the client matches the database in every format", async (t) => {
  const server = startServer(ROWS, { frameBytes: FRAME_BYTES });
  const expected = await sqlite3Csv(demoPath(ROWS), FROM, TO);
  const expectedSha = await sha256Hex(expected);

  await t.step(
    "CSV equals the sqlite3 CLI's encoding of the same query, byte for byte",
    async () => {
      const { bytes, summary } = await fetchExport(server.url, request("csv"));
      equal(summary.rows, ROWS);
      equal(summary.bytes, bytes.length);
      ok(bytes.length > 10 * FRAME_BYTES, `${bytes.length} bytes: too few frames to prove much`);
      equal(await sha256Hex(bytes), expectedSha);
    },
  );

  await t.step("gzip output is gzip members that decompress to the same bytes", async () => {
    const { bytes, summary } = await fetchExport(server.url, request("csv", true));
    equal(summary.rows, ROWS);
    equal(summary.bytes, bytes.length);
    ok(bytes.length < expected.length * 0.6, `gzip is ${bytes.length} of ${expected.length} bytes`);
    equal(await sha256Hex(gunzipSync(bytes)), expectedSha);
    const gunzipped = await new Deno.Command("gzip", {
      args: ["-dc"],
      stdin: "piped",
      stdout: "piped",
    })
      .spawn();
    const writer = gunzipped.stdin.getWriter();
    const out = gunzipped.output();
    await writer.write(bytes);
    await writer.close();
    equal(await sha256Hex((await out).stdout), expectedSha, "the gzip tool reads it too");
  });

  await t.step("gzip with decompress: true delivers the plain bytes", async () => {
    const { bytes } = await fetchExport(server.url, request("csv", true), true);
    equal(await sha256Hex(bytes), expectedSha);
  });

  await t.step("JSON parses as one array of the right length with exact decimals", async () => {
    const { bytes, summary } = await fetchExport(server.url, request("json"));
    const rows = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>[];
    equal(rows.length, ROWS);
    equal(summary.rows, ROWS);
    equal(rows[0].id, 1);
    ok(typeof rows[0].price === "string" && /^\d+\.\d{8}$/.test(rows[0].price as string));
    ok(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(rows[ROWS - 1].ts as string));
  });

  await t.step("NDJSON has one valid object per line", async () => {
    const { bytes } = await fetchExport(server.url, request("ndjson"));
    const lines = new TextDecoder().decode(bytes).split("\n");
    equal(lines.pop(), "");
    equal(lines.length, ROWS);
    let previous = 0;
    for (const line of lines) {
      const row = JSON.parse(line) as { id: number };
      equal(row.id, previous + 1);
      previous = row.id;
    }
  });

  await server.close();
});

Deno.test("filters of every operator select exactly what SQL selects", async () => {
  const rows = 20_000;
  const server = startServer(rows);
  const db = demoPath(rows);
  const cases: [Filter, string][] = [
    [{ field: "symbol", operator: "eq", value: "ETH-USD" }, `symbol = 'ETH-USD'`],
    [{ field: "side", operator: "neq", value: "buy" }, `side <> 'buy'`],
    [{ field: "price", operator: "lt", value: "100.5" }, `price < 10050000000`],
    [{ field: "amount", operator: "lte", value: "2" }, `amount <= 200000000`],
    [{ field: "user_id", operator: "gt", value: 990 }, `user_id > 990`],
    [
      { field: "ts", operator: "gte", value: "2024-01-05T12:00:00Z" },
      `ts >= ${Date.parse("2024-01-05T12:00:00Z")}`,
    ],
    [
      { field: "symbol", operator: "in", value: ["SOL-USD", "DOGE-USD"] },
      `symbol IN ('SOL-USD', 'DOGE-USD')`,
    ],
    [{ field: "id", operator: "between", value: [100, 200] }, `id BETWEEN 100 AND 200`],
    [
      { field: "order_id", operator: "prefix", value: "ORD00010001" },
      `order_id GLOB 'ORD00010001*'`,
    ],
    [{ field: "maker", operator: "eq", value: true }, `maker = 1`],
    [{ field: "symbol", operator: "eq", value: "x' OR 1=1 --" }, `0`],
    [{ field: "symbol", operator: "eq", value: "BTC-USD'; DROP TABLE trades; --" }, `0`],
  ];
  // The oracles run side by side, sqlite3 processes, while one client takes the exports in turn.
  const oracles = cases.map(([, sql]) => sqlite3Csv(db, FROM, TO, ` AND ${sql}`));
  const client = new ClientBuilder(server.url).build();
  try {
    await client.connect();
    for (const [i, [filter, sql]] of cases.entries()) {
      const { bytes, summary } = await readExport(client, request("csv", false, [filter]));
      equal(await sha256Hex(bytes), await sha256Hex(await oracles[i]), JSON.stringify(filter));
      ok(
        sql === "0" ? summary.rows === 0 : summary.rows > 0,
        `${JSON.stringify(filter)}: ${summary.rows}`,
      );
    }
    // The table survived the injection attempts.
    const { summary } = await readExport(client, request("csv"));
    equal(summary.rows, rows);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("a refused request rejects done with its code and the client keeps working", async () => {
  const server = startServer(20_000);
  const client = new ClientBuilder(server.url).build();
  await client.connect();
  const bad = client.download(
    request("csv", false, [{ field: "colour", operator: "eq", value: "red" }]),
  );
  const error = await bad.done.then(() => undefined, (e) => e);
  ok(error instanceof SluiceError);
  equal(error.code, "UNKNOWN_COLUMN");
  equal(error.recoverable, false);
  const good = client.download(
    request("ndjson", false, [{ field: "user_id", operator: "eq", value: 7 }]),
  );
  const updates: number[] = [];
  good.onProgress((p) => updates.push(p.progress));
  const text = await new Response(good.readable).text();
  const summary = await good.done;
  equal(text.split("\n").length - 1, summary.rows);
  equal(updates.at(-1), 100);
  // Only the accepted download exists on the server; the refused one never started.
  deepStrictEqual(await client.status(), [{
    requestId: good.requestId,
    phase: "complete",
    processedRows: summary.rows,
    totalRows: summary.rows,
    processedBytes: summary.bytes,
  }]);
  await client.close();
  await server.close();
});

Deno.test("a server that accepts TCP and never answers costs handshakeTimeoutMs per attempt, then CONNECTION_FAILED", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn); // and never a byte back
  })();
  const client = new ClientBuilder(`ws://127.0.0.1:${listener.addr.port}/`)
    .withReconnect({ maxAttempts: 2, baseMs: 10, maxMs: 50 })
    .withHandshakeTimeout(200)
    .build();
  try {
    let attempts = 0;
    client.on("state", ({ to }) => to === "connecting" && attempts++);
    const failed = new Promise<unknown>((resolve) => client.on("connection:failed", resolve));
    const error = await client.connect().then(() => undefined, (e) => e);
    ok(error instanceof SluiceError);
    equal(error.code, "CONNECTION_FAILED");
    deepStrictEqual(await failed, error.toJSON());
    // Never open: unreachable, as with withFailFast, only after the attempts.
    deepStrictEqual(error.details, { cause: "HANDSHAKE_TIMEOUT", attempts: 2, unreachable: true });
    equal(attempts, 3, "the first attempt and maxAttempts reconnects");
    equal(client.session().phase, "failed");
    // Each attempt reached the listener: the TCP connection was up, the handshake never came.
    while (accepted.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    equal(accepted.length, 3);
  } finally {
    await client.close();
    listener.close();
    await accepting;
    for (const conn of accepted) conn.close();
  }
});

Deno.test("an aborted signal cancels the download and rejects done with CANCELLED", async () => {
  const server = startServer(20_000, { frameBytes: 8192 });
  const client = new ClientBuilder(server.url).build();
  await client.connect();
  const controller = new AbortController();
  const download = client.download(request("csv"), { signal: controller.signal });
  const reader = download.readable.getReader();
  await reader.read();
  controller.abort();
  const error = await download.done.then(() => undefined, (e) => e);
  equal(error?.code, "CANCELLED");
  const read = await reader.read().then(() => undefined, (e) => e);
  equal(read?.code, "CANCELLED");
  await client.close();
  await server.close();
});

Deno.test("withFailFast: connect() to a port nothing listens on rejects at the first attempt, unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close(); // nothing listens on the port now
  const client = new ClientBuilder(`ws://127.0.0.1:${port}/`).withFailFast().build();
  try {
    let attempts = 0;
    client.on("state", ({ to }) => to === "connecting" && attempts++);
    const error = await client.connect().then(() => undefined, (e) => e);
    ok(error instanceof SluiceError);
    equal(error.code, "CONNECTION_FAILED");
    deepStrictEqual(error.details, { cause: "CONNECTION_LOST", attempts: 0, unreachable: true });
    equal(attempts, 1, "no reconnect was scheduled");
    equal(client.session().phase, "failed");
  } finally {
    await client.close();
  }
});
