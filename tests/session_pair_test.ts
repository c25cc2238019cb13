// The client's machines and the server's, together in memory on a fake clock (tests/_pair.ts):
// the rules that need both sides and time, proven without a socket or a sleep. Each test names
// the end-to-end test that proves the same rule on real sockets.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { backoffBounds } from "../protocol/backoff.ts";
import { decodeDataFrame } from "../protocol/frame.ts";
import type { DownloadRequest, OutputFormat } from "../protocol/messages.ts";
import { Pair } from "./_pair.ts";
import type { PairDownload } from "./_pair_client.ts";

const ALL = { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] };
const FAST_RECONNECT = { maxAttempts: 5, baseMs: 10, maxMs: 200 };

function request(outputFormat: OutputFormat = "csv", compression = false): DownloadRequest {
  return { searchParams: ALL, outputFormat, compression };
}

/** An uninterrupted run of the same export, for comparison. */
function clean(rows: number, req: DownloadRequest, frameBytes: number): PairDownload {
  const pair = new Pair({ rows, server: { exports: { frameBytes } } });
  pair.connect();
  return pair.finish(pair.download("dl", req));
}

// server_test.ts: "a connection silent past the idle timeout is closed with IDLE_TIMEOUT; talking
// keeps it open".
Deno.test("a client that says nothing past the idle timeout is closed with IDLE_TIMEOUT and 4408; heartbeats keep it open", () => {
  const quiet = new Pair({
    server: { idleTimeoutMs: 300 },
    client: { heartbeatIntervalMs: 10_000, backoff: FAST_RECONNECT },
  });
  quiet.connect();
  const opened = quiet.now;
  quiet.runUntil(() => quiet.client.lastClose !== undefined);
  equal(quiet.now - opened, 300);
  deepStrictEqual(quiet.client.lastClose, { code: 4408, reason: "IDLE_TIMEOUT" });
  equal(quiet.client.systemErrors[0].code, "IDLE_TIMEOUT");
  // The client's heartbeats (every 100 ms here) keep another one open for a minute.
  const chatty = new Pair({ server: { idleTimeoutMs: 300 }, client: { heartbeatIntervalMs: 100 } });
  chatty.connect();
  chatty.advance(60_000);
  equal(chatty.client.state.phase, "open");
  equal(chatty.servers.length, 1);
  equal(chatty.client.lastClose, undefined);
});

// sign_in_refusals_test.ts: "one challenge per connection, and a connection that never signs in is closed".
Deno.test("a connection that never signs in is closed with SIGN_IN_TIMEOUT and 4401, heartbeats or not", () => {
  const pair = new Pair({
    server: { signIn: { anonymous: false, signInTimeoutMs: 300 } },
    client: { authenticate: false, heartbeatIntervalMs: 50, backoff: { maxAttempts: 0 } },
  });
  pair.connect();
  const opened = pair.now;
  pair.runUntil(() => pair.client.lastClose !== undefined);
  equal(pair.now - opened, 300);
  deepStrictEqual(pair.client.lastClose, { code: 4401, reason: "SIGN_IN_TIMEOUT" });
  ok(pair.server.sent().filter((m) => m.event === "connection:health").length >= 5);
});

// sign_in_identities_test.ts: "a wallet slower than the handshake timeout still signs in, asked once".
Deno.test("a wallet slower than the handshake timeout still signs in, asked once, and downloads", () => {
  const pair = new Pair({
    server: { signIn: { anonymous: false } },
    client: { handshakeTimeoutMs: 1000, signDelayMs: 2500 },
  });
  pair.connect();
  equal(pair.client.prompts, 1);
  equal(pair.client.attempts.length, 1);
  equal(pair.server.state.phase, "signedIn");
  const download = pair.finish(pair.download("dl", request()));
  equal(download.summary?.rows, 1000);
});

// server_test.ts: "a reader that acknowledges nothing stalls its own download at the window, not
// others" and "a reader that takes nothing holds the server at the default 4 MiB window: nothing
// more is sent or read" (its memory half stays in bench/stalled_reader.ts).
Deno.test("a reader that stops stalls its own download at the window, not the others; reading again finishes it", () => {
  const windowBytes = 65_536;
  const frameBytes = 8192;
  const pair = new Pair({ rows: 5000, server: { exports: { frameBytes, windowBytes } } });
  pair.connect();
  const stalled = pair.download("stalled", request());
  pair.client.pause(stalled);
  const other = pair.finish(pair.download("other", request("json")));
  equal(other.summary?.rows, 5000);
  pair.advance(3_600_000); // an hour later
  const server = pair.server.state.downloads.find((d) => d.requestId === "stalled")!;
  equal(server.stage, "waiting");
  ok(server.unackedBytes >= windowBytes && server.unackedBytes < windowBytes + 2 * frameBytes);
  equal(server.bytes, server.unackedBytes, "the window is all it sent");
  pair.client.resume(stalled);
  pair.finish(stalled);
  deepStrictEqual(stalled.bytes(), clean(5000, request(), frameBytes).bytes());
});

// PROTOCOL.md §9.2's bound on a socket's unsent bytes; no end-to-end test has it (a real socket
// would need a network that stops carrying for a proxy to hold).
Deno.test("a network that stops carrying stops the server at its socket bound, whatever the window", () => {
  const socketBufferBytes = 32_768;
  const pair = new Pair({
    rows: 5000,
    server: {
      exports: { frameBytes: 4096, socketBufferBytes, windowBytes: 1 << 30 },
      // Past the 30 s looked at: a stalled socket's abort is tests/stalled_link_test.ts's.
      bounds: { stallTimeoutMs: 3_600_000 },
    },
    client: { heartbeatIntervalMs: 3_600_000, heartbeatTimeoutMs: 3_600_000 },
  });
  pair.connect();
  pair.download("dl", request());
  pair.client.link!.freeze();
  pair.advance(30_000);
  const link = pair.server.link;
  ok(link.inFlight > socketBufferBytes && link.inFlight < socketBufferBytes + 2 * 8192);
  equal(pair.server.state.downloads[0].stage, "waiting");
});

// resume_test.ts: "a 20,000-row export cut 10 times at random points is byte-identical, rows
// counted once"; cli_reconnect_test.ts: "cut 3 times by a proxy, the client resumes by itself with
// its default reconnection"; cli_continue_test.ts: "a client killed after download:start, before
// any frame, finishes".
Deno.test("a download cut at any frame boundary resumes to the same bytes and digest", async (t) => {
  // 300 rows in 2 KiB frames: 16 frames of CSV, 26 of JSON, each boundary cut in its own pair
  // (every pair signs in anew: its key agreement is much of the cost). 600 rows cut twice as many
  // boundaries of the same kinds, in twice the time.
  const frameBytes = 2048;
  for (const [format, compression] of [["csv", false], ["json", false], ["csv", true]] as const) {
    await t.step(`${format}${compression ? "+gzip" : ""}`, () => {
      const req = request(format, compression);
      const expected = clean(300, req, frameBytes);
      const frames = expected.state.sequence;
      ok(frames > 10, `${frames} frames`);
      for (let cutAfter = 0; cutAfter <= frames; cutAfter++) {
        const pair = new Pair({
          rows: 300,
          server: { exports: { frameBytes } },
          client: { backoff: FAST_RECONNECT },
        });
        pair.connect();
        const download = pair.download("dl", req);
        // Cut once the client has taken `cutAfter` frames (0: right after download:start).
        pair.runUntil(() =>
          download.started > 0 && download.state.sequence >= cutAfter || download.ended
        );
        pair.client.link?.cut();
        pair.runUntil(() => download.ended && pair.client.state.phase === "open");
        equal(pair.servers.length, 2, "cut once, reconnected once");
        equal(download.started, cutAfter < frames ? 2 : 1, "resumed unless the FINAL frame was in");
        deepStrictEqual(download.bytes(), expected.bytes(), `cut after frame ${cutAfter}`);
        deepStrictEqual(download.summary?.digest, expected.summary?.digest);
        equal(download.summary?.rows, 300, "rows counted once");
      }
    });
  }
});

// resume_test.ts: "a connection lost after the FINAL frame, before download:complete: completed,
// never resumed, no second footer".
Deno.test("a connection lost after the FINAL frame completes on the client's counts and is never resumed", () => {
  const frameBytes = 2048;
  const req = request("json");
  const expected = clean(600, req, frameBytes);
  const pair = new Pair({ rows: 600, server: { exports: { frameBytes } } });
  pair.connect();
  const download = pair.download("dl", req);
  pair.runUntil(() => download.state.final);
  pair.client.link!.cut();
  pair.runUntil(() => download.ended && pair.client.state.phase === "open");
  deepStrictEqual(download.bytes(), expected.bytes());
  ok(download.text().endsWith("}\n]\n"));
  deepStrictEqual(download.summary?.digest, expected.summary?.digest);
  equal(pair.servers.length, 2, "it reconnected");
  ok(!download.sent.some((m) => m.event === "download:resume"), "but sent no download:resume");
  equal(pair.server.state.downloads.length, 0);
});

// cli_continue_test.ts: "--continue from a state saved after the FINAL frame finishes without a
// server, byte-identical".
Deno.test("a resume point saved after the FINAL frame completes without connecting", () => {
  const expected = clean(300, request(), 2048);
  const point = expected.resumePoint()!;
  ok(point.final);
  const pair = new Pair({ rows: 300 });
  const again = pair.download("dl", request(), point);
  pair.drive();
  deepStrictEqual(again.summary?.digest, expected.summary?.digest);
  equal(pair.client.attempts.length, 0);
});

// server_test.ts: "cancel stops the stream within one frame and answers download:cancelled".
Deno.test("a cancel stops the stream at once: nothing follows download:cancelled, which counts what was sent", () => {
  const pair = new Pair({
    rows: 5000,
    server: { exports: { frameBytes: 2048, windowBytes: 16_384 } },
  });
  pair.connect();
  const download = pair.download("c1", request());
  pair.client.pause(download);
  pair.runUntil(() => download.chunks.length >= 4);
  pair.client.cancel(download);
  pair.drive();
  const sent = pair.server.effects;
  const answer = sent.findIndex((e) =>
    e.type === "send" && e.message.event === "download:cancelled"
  );
  ok(answer !== -1);
  equal(sent.slice(answer).filter((e) => e.type === "sendFrame").length, 0);
  const cancelled = pair.server.sent().find((m) => m.event === "download:cancelled")!;
  const frames = sent.flatMap((e) => e.type === "sendFrame" ? [decodeDataFrame(e.frame)] : []);
  equal(pair.server.link.framesDelivered, frames.length, "every frame sent reached the client");
  const bytes = frames.reduce((n, f) => n + (f.ok ? f.value.payload.length : 0), 0);
  ok(cancelled.event === "download:cancelled");
  equal(cancelled.data.bytes, bytes);
  ok(cancelled.event === "download:cancelled" && cancelled.data.rows < 5000);
  equal(download.error?.code, "CANCELLED");
});

// resume_test.ts: "with the server gone for good, the client makes exactly maxAttempts attempts,
// then connection:failed".
Deno.test("with the server gone for good, the client makes exactly maxAttempts attempts inside the backoff's bounds", () => {
  const backoff = { maxAttempts: 4, baseMs: 40, factor: 2, maxMs: 1000, jitter: 0.5 };
  const pair = new Pair({
    rows: 5000,
    server: { exports: { windowBytes: 65_536 } },
    client: { backoff },
  });
  pair.connect();
  const download = pair.download("doomed", request());
  pair.client.pause(download);
  pair.runUntil(() => download.started > 0);
  pair.serverMode = "refusing";
  const lostAt = pair.now;
  pair.client.link!.cut();
  pair.finish(download);
  equal(download.error?.code, "CONNECTION_FAILED");
  equal(pair.client.failed?.code, "CONNECTION_FAILED");
  const attempts = pair.client.attempts.slice(1);
  equal(attempts.length, backoff.maxAttempts);
  const starts = [lostAt, ...attempts];
  for (let i = 1; i <= attempts.length; i++) {
    const { min, max } = backoffBounds(i, backoff);
    const waited = starts[i] - starts[i - 1];
    ok(waited >= min && waited <= max, `attempt ${i} after ${waited} ms, not in [${min}, ${max}]`);
  }
});

// client_test.ts: "a server that accepts TCP and never answers costs handshakeTimeoutMs per
// attempt, then CONNECTION_FAILED".
Deno.test("a server that never answers costs handshakeTimeoutMs per attempt, then CONNECTION_FAILED", () => {
  const pair = new Pair({
    client: { handshakeTimeoutMs: 500, backoff: { maxAttempts: 2, baseMs: 10, maxMs: 10 } },
  });
  pair.serverMode = "silent";
  pair.client.connect();
  pair.runUntil(() => pair.client.failed !== undefined);
  equal(pair.client.attempts.length, 3);
  const [a, b, c] = pair.client.attempts;
  ok(b - a >= 500 && b - a <= 510 && c - b >= 500 && c - b <= 510);
  equal(pair.now - c, 500);
});

// resume_test.ts: "a half-open connection is detected by the heartbeat and the download recovers".
Deno.test("a half-open connection is noticed within interval + timeout and the download recovers", () => {
  const heartbeat = { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 300 };
  const frameBytes = 2048;
  const pair = new Pair({
    rows: 3000,
    server: { exports: { frameBytes } },
    client: { ...heartbeat, backoff: FAST_RECONNECT },
  });
  pair.connect();
  const download = pair.download("dl", request());
  pair.runUntil(() => download.chunks.length >= 10);
  pair.client.link!.freeze();
  const frozenAt = pair.now;
  pair.runUntil(() => pair.client.state.phase === "reconnecting");
  ok(pair.now - frozenAt <= 500, `noticed after ${pair.now - frozenAt} ms`);
  pair.finish(download);
  deepStrictEqual(download.bytes(), clean(3000, request(), frameBytes).bytes());
});

// server_test.ts: "three concurrent downloads on one connection all finish, interleaved".
Deno.test("three downloads on one connection take turns frame by frame", () => {
  const pair = new Pair({ rows: 3000, server: { exports: { frameBytes: 4096 } } });
  pair.connect();
  const ids = ["a", "b", "c"];
  const downloads = ids.map((id) => pair.download(id, request(id === "b" ? "json" : "csv")));
  pair.runUntil(() => downloads.every((d) => d.ended));
  for (const d of downloads) equal(d.summary?.rows, 3000);
  const order = pair.server.effects.flatMap((e) => e.type === "sendFrame" ? [e.requestId] : []);
  const firstEnd = Math.min(...ids.map((id) => order.lastIndexOf(id)));
  for (const id of ids) ok(order.indexOf(id) < firstEnd, `${id} ran before the first ended`);
});

// resume_test.ts: "rows appended while an export is cut and resumed stay out of it".
Deno.test("rows appended while an export is cut and resumed stay out of it", () => {
  const frameBytes = 2048;
  const expected = clean(500, request(), frameBytes);
  const pair = new Pair({
    rows: 500,
    server: { exports: { frameBytes } },
    client: { backoff: FAST_RECONNECT },
  });
  pair.connect();
  const download = pair.download("dl", request());
  pair.runUntil(() => download.started > 0);
  let next = 501;
  for (let cut = 0; cut < 3; cut++) {
    pair.table.rows.push([next++, Date.parse("2024-06-01"), "BTC-USD", 1, 1, 1, "late"]);
    pair.runUntil(() => download.chunks.length >= 5 * (cut + 1) || download.ended);
    pair.client.link?.cut();
  }
  pair.finish(download);
  deepStrictEqual(download.bytes(), expected.bytes());
  equal(pair.servers.length, 4);
});

// resume_test.ts: "a resume the server cannot honour fails with RESUME_MISMATCH, never silently".
Deno.test("a resume the server cannot honour fails with RESUME_MISMATCH", () => {
  const pair = new Pair();
  pair.connect();
  const download = pair.finish(pair.download("dl", request(), {
    highWaterMark: "99999999",
    cursor: "10",
    sequence: 1,
    rows: 10,
    bytes: 1000,
    digest: "00".repeat(32),
  }));
  equal(download.error?.code, "RESUME_MISMATCH");
  deepStrictEqual(download.chunks, []);
});

// PROTOCOL.md §9.6 (server shutdown); on real sockets, resume_test.ts's "the server killed with
// SIGKILL mid-export and started again on its port" proves the reconnect, not the retryAfter.
Deno.test("a server shutting down says when to come back, and the client resumes after it", () => {
  const frameBytes = 2048;
  const pair = new Pair({
    rows: 2000,
    server: { exports: { frameBytes } },
    client: { backoff: FAST_RECONNECT },
  });
  pair.connect();
  const download = pair.download("dl", request());
  pair.runUntil(() => download.chunks.length >= 5);
  pair.server.step({ type: "shutdown" });
  pair.runUntil(() => pair.client.state.phase === "reconnecting");
  const [error] = pair.client.systemErrors;
  equal(error.code, "SERVER_SHUTTING_DOWN");
  deepStrictEqual(pair.client.lastClose, { code: 1001, reason: "SERVER_SHUTTING_DOWN" });
  const closedAt = pair.now;
  pair.finish(download);
  ok(pair.client.attempts[1] - closedAt >= error.retryAfter!);
  deepStrictEqual(download.bytes(), clean(2000, request(), frameBytes).bytes());
});

// abusive_peer_test.ts: "a flood of messages while a handler waits ends that connection, not the
// server"; authorize_hook_test.ts: "a download still awaiting authorize when its connection closes
// never starts".
Deno.test("a flood while authorize decides ends the connection with 4400; a download it held never starts", () => {
  const pair = new Pair({ authorize: () => true, authorizeDelayMs: 10_000 });
  pair.connect();
  pair.download("slow", request());
  pair.drive();
  for (let i = 0; i < 300; i++) pair.client.status();
  pair.drive();
  deepStrictEqual(pair.client.lastClose, { code: 4400, reason: "TOO_MANY_MESSAGES" });
  pair.advance(10_000);
  equal(pair.servers[0].state.downloads.length, 0);
  equal(pair.servers[0].effects.filter((e) => e.type === "readHighWaterMark").length, 0);
});
