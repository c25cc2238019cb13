// A server download's rules on the session machine, with the data source answered by hand or by
// an in-memory table: frames continue where the last one ended and chain their digests, the
// FINAL frame is the short page, the reader's window and the socket's bound stop reading, a
// cancel is answered at once, a resume continues the chain, and progress is batched.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { bytesToHex, concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { cutFrame } from "../protocol/export_frame.ts";
import { MAX_FRAME_RAW, type Row } from "../protocol/export_state.ts";
import { type DataFrame, decodeDataFrame } from "../protocol/frame.ts";
import { encodeMessage, type OutputFormat, type ServerMessage } from "../protocol/messages.ts";
import type { SessionEffect } from "../protocol/session_state.ts";
import { ALL, Driver, requestOf, resumeOf } from "./_session_driver.ts";

function framesOf(effects: readonly SessionEffect[]): DataFrame[] {
  return effects.flatMap((e) => {
    if (e.type !== "sendFrame") return [];
    const decoded = decodeDataFrame(e.frame);
    if (!decoded.ok) throw new Error(decoded.error.code);
    return [decoded.value];
  });
}

/** The digest chain with node:crypto, not the machine's port (PROTOCOL.md §7.1). */
function chain(payloads: readonly Uint8Array[], from = "00".repeat(32)): string {
  let digest: Uint8Array = Buffer.from(from, "hex");
  for (const p of payloads) digest = createHash("sha256").update(digest).update(p).digest();
  return bytesToHex(digest);
}

function message<E extends ServerMessage["event"]>(
  sent: readonly ServerMessage[],
  event: E,
): Extract<ServerMessage, { event: E }> {
  const found = sent.find((m) => m.event === event);
  if (found === undefined) throw new Error(`no ${event}`);
  return found as Extract<ServerMessage, { event: E }>;
}

/** Acknowledges every frame the machine sent since the log index `from`. */
function ackAll(d: Driver, from = 0): void {
  for (const f of framesOf(d.effects(from))) {
    d.receive({
      event: "download:ack",
      data: { sequence: f.sequence },
      timestamp: 0,
      requestId: f.requestId,
    });
  }
}

Deno.test("frames continue where the last ended, chain their digests, and the short page is FINAL", () => {
  for (const [format, compression] of [["csv", false], ["json", false], ["csv", true]] as const) {
    const d = new Driver({ rows: 1000, tuning: { exports: { frameBytes: 4096 } } });
    d.receive(requestOf("r", { ...ALL, outputFormat: format, compression }));
    let from = 0;
    while (d.state.downloads.length > 0) {
      const mark = d.log.length;
      ackAll(d, from);
      from = mark;
    }
    const frames = framesOf(d.effects());
    ok(frames.length > 10, `${frames.length} frames`);
    let rows = 0;
    let bytes = 0;
    frames.forEach((f, i) => {
      equal(f.sequence, i);
      equal(f.rowOffset, rows);
      equal(f.byteOffset, bytes);
      equal(f.final, i === frames.length - 1);
      equal(bytesToHex(f.digest), chain(frames.slice(0, i + 1).map((g) => g.payload)));
      if (f.rowCount > 0) equal(f.cursor, String(rows + f.rowCount), "the key of its last row");
      rows += f.rowCount;
      bytes += f.payload.length;
    });
    const complete = message(d.sent(), "download:complete");
    deepStrictEqual(
      { rows: complete.data.rows, bytes: complete.data.bytes, digest: complete.data.digest },
      { rows: 1000, bytes, digest: bytesToHex(frames.at(-1)!.digest) },
    );
    const payload = concatBytes(
      ...frames.map((f) => compression ? gunzipSync(f.payload) : f.payload),
    );
    const text = new TextDecoder().decode(payload);
    if (format === "json") equal((JSON.parse(text) as unknown[]).length, 1000);
    else equal(text.split("\r\n").length, 1002, "a header, 1000 rows, and the last line end");
  }
});

Deno.test("an export whose rows fill its pages exactly ends with an empty FINAL frame; an empty one is one frame", () => {
  const d = new Driver({ rows: 0, source: false });
  d.receive(requestOf("empty", { ...ALL, outputFormat: "json" }));
  const job = d.state.downloads[0].job;
  d.answerSource(job, "highWaterMark");
  d.answerSource(job, "rowCount");
  d.answerSource(job, "page", []);
  const [only] = framesOf(d.effects());
  ok(only.final);
  equal(only.rowCount, 0);
  equal(new TextDecoder().decode(only.payload), "[\n]\n");
  // A full page is never FINAL: the next, empty, page is.
  const e = new Driver({ rows: 50, source: false, tuning: { exports: { frameBytes: 1024 } } });
  e.receive(requestOf("full"));
  const full = e.state.downloads[0];
  e.answerSource(full.job, "highWaterMark");
  e.answerSource(full.job, "rowCount");
  e.answerSource(full.job, "page", e.table.rows.slice(0, full.frameRows));
  equal(framesOf(e.effects()).at(-1)!.final, false);
  e.answerSource(full.job, "page", []);
  const last = framesOf(e.effects()).at(-1)!;
  ok(last.final);
  equal(last.rowCount, 0);
});

Deno.test("a page too big for a frame is cut at its half, quarter, …, at least one row", () => {
  const row = (i: number): Row => [i, "x".repeat(300_000)];
  const encoder = {
    header: () => new Uint8Array(0),
    encodeRows: (rows: readonly Row[]) => new TextEncoder().encode(rows.map((r) => r[1]).join("")),
    footer: () => new Uint8Array(0),
  };
  const cut = cutFrame(encoder, [0, 1, 2, 3, 4, 5, 6, 7].map(row), false, 0, 0);
  equal(cut.rows, 2, "8 rows of 300 kB: 4 do not fit, 2 do");
  ok(cut.raw.length <= MAX_FRAME_RAW);
  const huge = cutFrame(encoder, [[0, "x".repeat(2_000_000)]], true, 0, 0);
  equal(huge.rows, 1, "one row always goes, however big");
});

Deno.test("rows a source wrote itself make the same frames as their cells", () => {
  const variants: { outputFormat: OutputFormat; compression: boolean; columns?: string[] }[] = [
    { outputFormat: "csv", compression: false },
    { outputFormat: "json", compression: false },
    { outputFormat: "ndjson", compression: true },
    { outputFormat: "json", compression: false, columns: ["note", "id", "price"] },
  ];
  for (const { columns, ...variant } of variants) {
    const frames = [false, true].map((encodePages) => {
      const d = new Driver({ rows: 700, encodePages, tuning: { exports: { frameBytes: 4096 } } });
      const searchParams = { ...ALL.searchParams, ...(columns && { columns }) };
      d.receive(requestOf("r", { ...ALL, ...variant, searchParams }));
      let from = 0;
      while (d.state.downloads.length > 0) {
        const mark = d.log.length;
        ackAll(d, from);
        from = mark;
      }
      return framesOf(d.effects());
    });
    ok(frames[0].length > 10);
    deepStrictEqual(frames[1], frames[0], JSON.stringify(variant));
  }
  // A page too big for one frame is cut where its cells would be.
  const row = (i: number): Row => [i, "x".repeat(300_000)];
  const encoder = {
    header: () => new TextEncoder().encode("h\n"),
    encodeRows: (rows: readonly Row[]) => new TextEncoder().encode(rows.map((r) => r[1]).join("")),
    footer: () => new Uint8Array(0),
  };
  const rows = [0, 1, 2, 3, 4, 5].map(row);
  const parts = rows.map((r) => encoder.encodeRows([r]));
  const written = {
    bytes: concatBytes(...parts),
    ends: parts.map((_, i) => (i + 1) * 300_000),
    keys: rows.map((r) => r[0] as number),
    lead: 0,
  };
  deepStrictEqual(cutFrame(encoder, written, false, 0, 0), cutFrame(encoder, rows, false, 0, 0));
  deepStrictEqual(cutFrame(encoder, written, true, 3, 9), cutFrame(encoder, rows, true, 3, 9));
});

Deno.test("a reader that acknowledges nothing stops the download at its window; acks are cumulative", () => {
  const windowBytes = 16_384;
  const d = new Driver({ rows: 2000, tuning: { exports: { frameBytes: 2048, windowBytes } } });
  d.receive(requestOf("r"));
  const download = () => d.state.downloads[0];
  equal(download().stage, "waiting");
  const sent = framesOf(d.effects());
  const bytes = sent.reduce((n, f) => n + f.payload.length, 0);
  ok(bytes >= windowBytes && bytes - sent.at(-1)!.payload.length < windowBytes, `${bytes} bytes`);
  const pages = d.table.pages;
  const effects = d.effects();
  const lastFrame = effects.findLastIndex((e) => e.type === "sendFrame");
  ok(!effects.slice(lastFrame).some((e) => e.type === "readPage"), "no page asked after it");
  d.receive({ event: "status:check", data: {}, timestamp: 0, requestId: "s" });
  equal(d.table.pages, pages, "nothing is read while the window is shut");
  // One ack of the third frame frees the first three.
  d.receive({ event: "download:ack", data: { sequence: 2 }, timestamp: 0, requestId: "r" });
  equal(download().unacked[0][0] > 2, true);
  ok(d.table.pages > pages, "reading goes on");
  d.receive({ event: "download:ack", data: { sequence: 10_000 }, timestamp: 0, requestId: "r" });
  equal(d.sent().at(-1)!.event, "download:error", "an ack of a frame never sent is refused");
});

Deno.test("past the socket's bound every download waits until the shell says it drained", () => {
  const d = new Driver({
    rows: 2000,
    tuning: { exports: { frameBytes: 2048, socketBufferBytes: 8192, windowBytes: 1 << 30 } },
  });
  d.receive(requestOf("a"));
  d.receive(requestOf("b"));
  const asked = d.effects().filter((e) => e.type === "awaitDrain");
  deepStrictEqual(asked, [{ type: "awaitDrain", atMost: 8192 }], "asked once");
  // What counts toward the bound: the frames, and the control messages sent beside them.
  const frames = framesOf(d.effects()).reduce((n, f) => n + f.payload.length, 0);
  const messages = d.sent().reduce((n, m) => n + encodeMessage(m).length, 0);
  const queued = frames + messages;
  ok(queued > 8192 && queued < 8192 + 2 * 4096, `${queued} bytes queued`);
  ok(d.state.downloads.every((x) => x.stage === "waiting"));
  // A shell that answers with more than asked is asked again; nothing reads meanwhile.
  const pages = d.table.pages;
  d.step({ type: "drained", buffered: 9000 });
  equal(d.table.pages, pages);
  equal(d.effects().filter((e) => e.type === "awaitDrain").length, 2);
  d.step({ type: "drained", buffered: 0 });
  ok(d.table.pages > pages);
  while (d.state.downloads.length > 0) d.step({ type: "drained", buffered: 0 });
  equal(d.sent().filter((m) => m.event === "download:complete").length, 2);
});

Deno.test("a cancel is answered at once with what was sent, and the page in flight is dropped", () => {
  const d = new Driver({ rows: 2000, source: false, tuning: { exports: { frameBytes: 2048 } } });
  d.receive(requestOf("c"));
  const job = d.state.downloads[0].job;
  d.answerSource(job, "highWaterMark");
  d.answerSource(job, "rowCount");
  const page = () => d.table.page(d.state.downloads[0].query!, d.state.downloads[0].frameRows);
  d.answerSource(job, "page", page());
  d.answerSource(job, "page", page().slice(0)); // the same rows again: only its shape matters
  const before = framesOf(d.effects());
  d.receive({ event: "download:cancel", data: {}, timestamp: 0, requestId: "c" });
  const cancelled = message(d.sent(), "download:cancelled");
  equal(cancelled.data.bytes, before.reduce((n, f) => n + f.payload.length, 0));
  equal(cancelled.data.rows, before.reduce((n, f) => n + f.rowCount, 0));
  const mark = d.log.length;
  d.answerSource(job, "page", d.table.rows.slice(0, 10));
  deepStrictEqual(d.effects(mark), [], "no frame after download:cancelled");
});

Deno.test("a resume continues the sequence, the offsets and the chain, and keeps the high-water mark", () => {
  const clean = new Driver({ rows: 600, tuning: { exports: { frameBytes: 2048 } } });
  clean.receive(requestOf("r"));
  const all = framesOf(clean.effects());
  const cutAt = 5;
  const before = all.slice(0, cutAt);
  const last = before.at(-1)!;
  const d = new Driver({ rows: 600, tuning: { exports: { frameBytes: 2048 } } });
  d.table.rows.push(...[[601, Date.parse("2024-02-01"), "BTC-USD", 1, 1, 1, null]]);
  d.receive(resumeOf("r", {
    highWaterMark: "600",
    cursor: last.cursor,
    sequence: cutAt,
    rows: last.rowOffset + last.rowCount,
    bytes: last.byteOffset + last.payload.length,
    digest: bytesToHex(last.digest),
  }));
  const start = message(d.sent(), "download:start");
  equal(start.data.resumed, true);
  equal(start.data.highWaterMark, "600", "rows appended since stay out");
  const rest = framesOf(d.effects());
  deepStrictEqual(
    rest.map((f) => [f.sequence, f.rowOffset, f.byteOffset, bytesToHex(f.digest)]),
    all.slice(cutAt).map((f) => [f.sequence, f.rowOffset, f.byteOffset, bytesToHex(f.digest)]),
  );
  deepStrictEqual(message(d.sent(), "download:complete").data, {
    ...message(clean.sent(), "download:complete").data,
    durationMs: 0,
  });
});

Deno.test("progress is batched: once per 1000 ms or 100 reports, and the last goes before complete", () => {
  const d = new Driver({
    rows: 400,
    source: false,
    tuning: { exports: { frameBytes: 512 } },
  });
  d.receive(requestOf("p"));
  const job = d.state.downloads[0].job;
  d.answerSource(job, "highWaterMark");
  d.answerSource(job, "rowCount");
  const read = () => {
    const s = d.state.downloads[0];
    d.answerSource(
      job,
      "page",
      d.table.page({ ...s.query!, after: s.cursor ? BigInt(s.cursor) : undefined }, s.frameRows),
    );
  };
  read();
  const progress = () => d.sent().filter((m) => m.event === "download:progress");
  equal(progress().length, 0, "the first report waits");
  equal(d.state.progress.pending.length, 1);
  d.advanceTo(d.now + 1000);
  equal(progress().length, 1, "and goes out at its deadline");
  const [first] = progress() as Extract<ServerMessage, { event: "download:progress" }>[];
  equal(first.data.totalRows, 400);
  ok(first.data.progress > 0 && first.data.progress < 100, `${first.data.progress} %`);
  while (d.state.downloads.length > 0) read();
  const sent = d.sent();
  const lastProgress = sent.findLastIndex((m) => m.event === "download:progress");
  equal(sent[lastProgress + 1].event, "download:complete");
  equal(
    (sent[lastProgress] as Extract<ServerMessage, { event: "download:progress" }>).data.progress,
    100,
  );
  ok(progress().length < 20, "batched, not one per frame");
});
