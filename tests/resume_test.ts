// Downloads that survive any disconnect: a proxy cuts or freezes the TCP connection under a real
// client and server on loopback, and the output must be the exact bytes of an uninterrupted export.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { ClientBuilder } from "../client.ts";
import type { SluiceClient } from "../client/sluice_client.ts";
import type { Download } from "../client/download.ts";
import { backoffBounds } from "../protocol/backoff.ts";
import type { DownloadRequest, OutputFormat } from "../protocol/messages.ts";
import { demoPath, startServer } from "./_harness.ts";
import { serverProgram } from "./_program.ts";
import { CuttingProxy } from "./_proxy.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { sqlite3Csv } from "./_sqlite3.ts";

/**
 * Rows of the export cut ten times: ~2 MB of CSV, some 30 frames and four times the window of
 * {@linkcode CUT_SERVER}, so every cut lands mid-stream with frames in flight. 100,000 rows at the
 * default 4 MiB window and 512 KiB frames proved the same in five times the CPU (200,000 and
 * 1,000,000 rows no more than that); the pair harness cuts at every frame (source_outage_pair_test
 * and session_pair_test), and the 1M and 5M exports at the defaults are bench/export.ts's.
 */
const ROWS = 20_000;
/** The window and the frames an eighth of the defaults (4 MiB and 512 KiB). */
const CUT_SERVER = { windowBytes: 524_288, frameBytes: 65_536 };
const ALL = { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] };
const FAST_RECONNECT = { maxAttempts: 5, baseMs: 10, maxMs: 200 };

const portOf = (url: string) => Number(new URL(url).port);

function request(format: OutputFormat, compression: boolean): DownloadRequest {
  return { searchParams: ALL, outputFormat: format, compression };
}

/** Reads a download to the end: the SHA-256 of its bytes, their count, and the summary's digest. */
async function drain(
  download: Download,
): Promise<{ sha256: string; bytes: number; digest: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of download.readable) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  const { digest } = await download.done;
  return { sha256: hash.digest("hex"), bytes, digest };
}

async function withClient<T>(url: string, body: (client: SluiceClient) => Promise<T>): Promise<T> {
  const client = new ClientBuilder(url).withReconnect(FAST_RECONNECT).build();
  try {
    await client.connect();
    return await body(client);
  } finally {
    await client.close();
  }
}

Deno.test("a 20,000-row export cut 10 times at random points is byte-identical, rows counted once", async (t) => {
  const server = startServer(ROWS, CUT_SERVER);
  const proxy = new CuttingProxy(portOf(server.url));
  const random = mulberry32(0xc075);
  try {
    for (const [format, compression] of [["csv", false], ["json", false], ["csv", true]] as const) {
      await t.step(`${format}${compression ? " + gzip" : ""}`, async () => {
        const expected = await withClient(
          server.url,
          (client) => drain(client.download(request(format, compression))),
        );
        if (format === "csv" && !compression) {
          const oracle = await sqlite3Csv(
            demoPath(ROWS),
            Date.parse(ALL.timeFrom),
            Date.parse(ALL.timeTo),
          );
          equal(expected.sha256, createHash("sha256").update(oracle).digest("hex"));
        }
        const cutsBefore = proxy.cuts;
        // Ten cuts, each after a random share of an eleventh of the export: all land inside it.
        const gap = () => Math.floor(expected.bytes / 11 * (0.2 + 0.8 * random()));
        const proxied = `ws://127.0.0.1:${proxy.port}/`;
        const result = await withClient(proxied, async (client) => {
          proxy.cutAfter(gap());
          const off = client.on("state", ({ to }) => {
            if (to === "open" && proxy.cuts - cutsBefore < 10) proxy.cutAfter(gap());
          });
          const download = client.download(request(format, compression));
          let most = 0;
          download.onProgress((p) => most = Math.max(most, p.processedRows));
          const drained = await drain(download);
          off();
          const complete = await download.done;
          return { ...drained, complete, most, status: download.status() };
        });
        equal(proxy.cuts - cutsBefore, 10);
        equal(result.bytes, expected.bytes);
        equal(result.sha256, expected.sha256);
        // The digest the server attested after the last of ten resumes covers the whole payload.
        equal(result.complete.digest, expected.digest);
        // Every row once: the counts never run past the export's rows.
        equal(result.status.processedRows, ROWS);
        ok(result.most <= ROWS, `progress reported ${result.most} rows`);
      });
    }
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("a connection lost after the FINAL frame, before download:complete: completed, never resumed, no second footer", async () => {
  const rows = 20_000;
  // Unencrypted, so that the proxy can see which data frame is the FINAL one.
  const server = startServer(rows, { frameBytes: 16_384, encryption: false });
  const proxy = new CuttingProxy(portOf(server.url), { messages: true });
  const client = new ClientBuilder(`ws://127.0.0.1:${proxy.port}/`)
    .withReconnect(FAST_RECONNECT)
    .build();
  try {
    const json = request("json", false);
    const clean = await withClient(server.url, async (c) => {
      const download = c.download(json);
      const bytes = new Uint8Array(await new Response(download.readable).arrayBuffer());
      return { bytes, summary: await download.done };
    });
    await client.connect();
    const reopened = new Promise((resolve) =>
      client.on("state", ({ to }) => to === "open" && resolve(to))
    );
    proxy.cutAfterFinalFrame();
    const download = client.download(json);
    const bytes = new Uint8Array(await new Response(download.readable).arrayBuffer());
    const summary = await download.done;
    equal(proxy.cuts, 1, "the connection was cut right after the FINAL frame");
    deepStrictEqual(bytes, clean.bytes);
    const text = new TextDecoder().decode(bytes);
    ok(text.endsWith("}\n]\n"), JSON.stringify(text.slice(-20)));
    equal((JSON.parse(text) as unknown[]).length, rows);
    // Completed on the client's own counts, which the FINAL frame's digest attests.
    equal(summary.rows, rows);
    equal(summary.bytes, clean.summary.bytes);
    equal(summary.digest, clean.summary.digest);
    // The client reconnected, but sent no download:resume: the server has no download on it.
    await reopened;
    deepStrictEqual(await client.status(), []);
  } finally {
    await client.close();
    await proxy.close();
    await server.close();
  }
});

Deno.test("a half-open connection is detected by the heartbeat and the download recovers", async () => {
  const rows = 20_000;
  const server = startServer(rows, { windowBytes: 262_144 });
  const proxy = new CuttingProxy(portOf(server.url));
  const heartbeat = { intervalMs: 200, timeoutMs: 300 };
  const client = new ClientBuilder(`ws://127.0.0.1:${proxy.port}/`)
    .withReconnect(FAST_RECONNECT)
    .withHeartbeat(heartbeat)
    .build();
  try {
    const expected = await withClient(server.url, (c) => drain(c.download(request("csv", false))));
    await client.connect();
    const phases: { to: string; at: number }[] = [];
    client.on("state", ({ to }) => phases.push({ to, at: performance.now() }));
    const download = client.download(request("csv", false));
    const reader = download.readable.getReader();
    const hash = createHash("sha256");
    let read = 0;
    let frozenAt: number | undefined;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      hash.update(value);
      read += value.length;
      if (frozenAt === undefined && read > expected.bytes / 3) {
        proxy.freeze();
        frozenAt = performance.now();
      }
    }
    await download.done;
    equal(hash.digest("hex"), expected.sha256);
    const lost = phases.find((p) => p.to === "reconnecting");
    ok(lost !== undefined && frozenAt !== undefined, "the frozen connection was given up");
    // Documented bound (PROTOCOL.md §12.1): interval + timeout; the rest is scheduling slack.
    const bound = heartbeat.intervalMs + heartbeat.timeoutMs;
    ok(lost.at - frozenAt <= bound + 500, `noticed after ${lost.at - frozenAt} ms`);
    equal(proxy.cuts, 0);
  } finally {
    await client.close();
    await proxy.close();
    await server.close();
  }
});

Deno.test("with the server gone for good, the client makes exactly maxAttempts attempts, then connection:failed", async () => {
  // A window far below the export keeps the download running while nobody reads it.
  const server = startServer(20_000, { windowBytes: 65_536 });
  const proxy = new CuttingProxy(portOf(server.url));
  const backoff = { maxAttempts: 4, baseMs: 40, factor: 2, maxMs: 1000, jitter: 0.5 };
  const client = new ClientBuilder(`ws://127.0.0.1:${proxy.port}/`).withReconnect(backoff).build();
  await client.connect();
  const download = client.download(request("csv", false), { requestId: "doomed" });
  await download.started;
  // The server vanishes without a word (no shutdown message, so no retryAfter) and its port
  // now belongs to a listener that hangs up on every connection, and counts them.
  const port = proxy.port;
  const attempts: number[] = [];
  const lostAt = performance.now();
  await proxy.close();
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const accepting = (async () => {
    for await (const conn of listener) {
      attempts.push(performance.now());
      conn.close();
    }
  })();
  const failed = new Promise((resolve) => client.on("connection:failed", resolve));
  const error = await download.done.then(() => undefined, (e) => e);
  await failed;
  equal(error?.code, "CONNECTION_FAILED");
  equal(attempts.length, backoff.maxAttempts);
  // Each wait lies inside the backoff's bounds (the upper one plus scheduling slack).
  const starts = [lostAt, ...attempts];
  for (let i = 1; i <= attempts.length; i++) {
    const { min, max } = backoffBounds(i, backoff);
    const waited = starts[i] - starts[i - 1];
    ok(
      waited >= min - 5 && waited <= max + 250,
      `attempt ${i} after ${waited} ms, not in [${min}, ${max}]`,
    );
  }
  await client.close();
  listener.close();
  await accepting;
  await server.close();
});

Deno.test("rows appended while an export is cut and resumed stay out of it", async () => {
  // ~2 MB of CSV: each of the cuts, a fifth of it apart, is several 64 KiB windows in.
  const rows = 20_000;
  const dir = await Deno.makeTempDir({ prefix: "sluice_resume_" });
  const path = `${dir}/demo.sqlite`;
  await Deno.copyFile(demoPath(rows), path);
  const [from, to] = [Date.parse(ALL.timeFrom), Date.parse(ALL.timeTo)];
  const expected = await sqlite3Csv(path, from, to);
  const server = startServer(rows, { dbPath: path, windowBytes: 65_536 });
  const proxy = new CuttingProxy(portOf(server.url));
  const writer = new DatabaseSync(path);
  try {
    const insert = writer.prepare(
      `INSERT INTO trades (id, ts, symbol, side, price, amount, fee, maker, user_id, order_id, note)
       VALUES (?, ?, 'BTC-USD', 'buy', 1, 1, 0, 1, 1, ?, 'late')`,
    );
    let next = rows + 1;
    const appendSome = () => {
      for (let i = 0; i < 500; i++, next++) {
        insert.run(next, from + (next % 1000) * 1000, `late-${next}`);
      }
    };
    const result = await withClient(`ws://127.0.0.1:${proxy.port}/`, async (client) => {
      let cuts = 0;
      client.on("state", ({ to }) => {
        if (to === "open" && cuts++ < 3) {
          appendSome();
          proxy.cutAfter(expected.length / 5);
        }
      });
      proxy.cutAfter(expected.length / 5);
      const download = client.download(request("csv", false));
      // Only after the mark is pinned: rows appended before it belong to the export.
      await download.started;
      appendSome();
      return await drain(download);
    });
    ok(proxy.cuts >= 3, `${proxy.cuts} cuts`);
    ok(next > rows + 1500);
    equal(result.sha256, createHash("sha256").update(expected).digest("hex"));
    // A new export sees the appended rows.
    const fresh = await withClient(
      server.url,
      (client) => drain(client.download(request("csv", false))),
    );
    ok(fresh.bytes > expected.length);
  } finally {
    writer.close();
    await proxy.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a resume the server cannot honour fails with RESUME_MISMATCH, never silently", async () => {
  const server = startServer(20_000);
  try {
    await withClient(server.url, async (client) => {
      const download = client.download(request("csv", false), {
        resume: {
          highWaterMark: "99999999",
          cursor: "10",
          sequence: 1,
          rows: 10,
          bytes: 1000,
          digest: "00".repeat(32),
        },
      });
      const error = await download.done.then(() => undefined, (e) => e);
      equal(error?.code, "RESUME_MISMATCH");
      deepStrictEqual(
        await new Response(download.readable).arrayBuffer().catch((e) => e.code),
        "RESUME_MISMATCH",
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("the server killed with SIGKILL mid-export and started again on its port: the client resumes by itself", async () => {
  const rows = 100_000;
  const db = demoPath(rows);
  const start = (port: number) => serverProgram(db, rows, port);
  const listening = /sluice listening on ws:\/\/127\.0\.0\.1:(\d+)\//;
  const expected = await sqlite3Csv(db, Date.parse(ALL.timeFrom), Date.parse(ALL.timeTo));
  let server = start(0);
  const client = new ClientBuilder(
    `ws://127.0.0.1:${(await server.waitFor("stdout", listening))[1]}/`,
  )
    .withReconnect({ maxAttempts: 30, baseMs: 50, maxMs: 500 })
    .build();
  try {
    const port = Number(new URL(client.url).port);
    let outages = 0;
    client.on("state", ({ to }) => to === "reconnecting" && outages++);
    await client.connect();
    const download = client.download(request("csv", false));
    const hash = createHash("sha256");
    let read = 0;
    let killed = false;
    for await (const chunk of download.readable) {
      hash.update(chunk);
      read += chunk.length;
      if (!killed && read > expected.length / 3) {
        killed = true;
        server.signal("SIGKILL");
        await server.stop();
        server = start(port);
        await server.waitFor("stdout", listening);
      }
    }
    const complete = await download.done;
    ok(killed);
    ok(outages > 0, "the client noticed the kill");
    equal(complete.rows, rows);
    equal(read, expected.length);
    equal(hash.digest("hex"), createHash("sha256").update(expected).digest("hex"));
  } finally {
    await client.close();
    await server.stop();
  }
});

Deno.test("session state: connected, heartbeat time and RTT, active downloads, system health", async () => {
  const server = startServer(20_000, { windowBytes: 65_536 });
  const client = new ClientBuilder(server.url).withHeartbeat({ intervalMs: 50, timeoutMs: 1000 })
    .build();
  try {
    equal(client.isConnected(), false);
    equal(client.session().phase, "idle");
    await client.connect();
    const download = client.download(request("csv", false), { requestId: "watched" });
    await download.started;
    await new Promise((resolve) => client.on("health", resolve));
    const session = client.session();
    equal(session.connected, true);
    equal(session.phase, "open");
    ok(session.lastHeartbeat !== undefined && session.lastHeartbeat <= Date.now());
    ok(session.rttMs !== undefined && session.rttMs >= 0);
    equal(session.systemHealth?.status, "ok");
    equal(session.systemHealth?.activeDownloads, 1);
    ok(["started", "streaming"].includes(session.activeDownloads.get("watched")?.phase ?? ""));
    download.cancel();
    await download.done.catch(() => {});
    equal(client.session().activeDownloads.size, 0);
  } finally {
    await client.close();
    await server.close();
  }
  equal(client.isConnected(), false);
  equal(client.session().phase, "closed");
});
