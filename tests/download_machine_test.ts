import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { MachineClock } from "../protocol/connection_state.ts";
import { step } from "../protocol/download_machine.ts";
import {
  type DownloadEffect,
  type DownloadEvent,
  type DownloadState,
  downloadStatus,
  initialDownloadState,
  resumePoint,
} from "../protocol/download_state.ts";
import {
  DOWNLOAD_EVENT_KEYS,
  DOWNLOAD_EVENT_SOURCES,
  DOWNLOAD_PHASES,
  DOWNLOAD_TRANSITIONS,
  type DownloadEventKey,
} from "../protocol/download_table.ts";
import { downloadStateDiagram, downloadTableMarkdown } from "../protocol/_machine_docs.ts";
import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "../protocol/digest_chain.ts";
import { errorResponse } from "../protocol/errors.ts";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import type { DownloadStart, ProgressUpdate } from "../protocol/messages.ts";
import { REQUEST } from "./_messages.ts";
import { mulberry32 } from "../server/demo_data.ts";

const T0 = 1_710_923_400_000;
const CLOCK: MachineClock = { now: T0, random: 0 };
const ID = "dl-1";
const START: DownloadStart = {
  totalRows: 10,
  columns: [{ name: "id", type: "integer" }],
  highWaterMark: "1000",
  outputFormat: "csv",
  compression: true,
  resumed: false,
};
const PROGRESS: ProgressUpdate = {
  requestId: ID,
  progress: 50,
  processedRows: 5,
  totalRows: 10,
  speed: 1,
  estimatedTimeRemaining: 5,
  processedBytes: 9,
};
const envelope = { timestamp: T0, requestId: ID };

function run(state: DownloadState, events: DownloadEvent[]) {
  const effects: DownloadEffect[] = [];
  for (const event of events) {
    const r = step(state, event, CLOCK);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

/** The frame that continues a download exactly: `rows` rows in `size` bytes, digest chained. */
function next(state: DownloadState, rows = 2, size = 3, final = false): DownloadEvent {
  const payload = new Uint8Array(size).fill(state.sequence);
  const header = {
    sequence: state.sequence,
    rowOffset: state.rows,
    rowCount: rows,
    byteOffset: state.bytes,
    final,
    digest: hexToBytes(chainDigest(state.digest, payload, nobleSha256)),
    cursor: String(state.rows + rows),
  };
  return { type: "frame", header, payload };
}

const unsent = () => initialDownloadState(ID, REQUEST);
const sent = () => run(unsent(), [{ type: "send" }]).state;
const started = () => run(sent(), [{ type: "start", data: START }]).state;
const streaming = (frames = 2) => {
  let state = started();
  for (let i = 0; i < frames; i++) state = step(state, next(state), CLOCK).state;
  return state;
};
const finished = () => {
  const s = streaming(1);
  return step(s, next(s, 1, 1, true), CLOCK).state;
};
const summaryOf = (s: DownloadState, digest = s.digest) => ({
  rows: s.rows,
  bytes: s.bytes,
  digest,
  durationMs: 5,
});

function representativeStates(): [string, DownloadState][] {
  const resuming = run(streaming(), [{ type: "resume" }]).state;
  const done = finished();
  return [
    ["requested/unsent", unsent()],
    ["requested/sent", sent()],
    ["requested/resuming", resuming],
    ["requested/saved after FINAL", initialDownloadState(ID, REQUEST, resumePoint(done))],
    ["started", started()],
    ["streaming", streaming()],
    ["streaming/FINAL seen", done],
    ["complete", run(done, [{ type: "complete", summary: summaryOf(done) }]).state],
    ["error", run(streaming(), [{ type: "error", error: errorResponse("INTERNAL_ERROR") }]).state],
    ["cancelled", run(streaming(), [{ type: "cancel" }]).state],
  ];
}

/** The frame that continues the stream, but whose payload lost a bit on the way. */
function corrupted(state: DownloadState): DownloadEvent {
  const frame = next(state);
  if (frame.type !== "frame") throw new Error("unreachable");
  const payload = frame.payload.slice();
  payload[0] ^= 0x01;
  return { ...frame, payload };
}

const resumedStart = (highWaterMark = START.highWaterMark): DownloadEvent => ({
  type: "start",
  data: { ...START, resumed: true, highWaterMark },
});

/** Events of every key, built for a state, with the variants the guards look at. */
const EVENTS: Record<DownloadEventKey, (s: DownloadState) => DownloadEvent[]> = {
  send: () => [{ type: "send" }],
  start: () => [{ type: "start", data: START }, resumedStart(), resumedStart("999")],
  frame: (s) => [next(s), next({ ...s, sequence: s.sequence + 1 }), corrupted(s)],
  progress: () => [{ type: "progress", update: PROGRESS }],
  complete: (s) => [
    { type: "complete", summary: summaryOf(s) },
    { type: "complete", summary: summaryOf(s, INITIAL_DIGEST) },
  ],
  error: () => [{ type: "error", error: errorResponse("INTERNAL_ERROR") }],
  cancel: () => [{ type: "cancel" }],
  cancelled: () => [{ type: "cancelled", data: { rows: 1, bytes: 2 } }],
  consumed: (s) => [{ type: "consumed", sequence: 0 }, { type: "consumed", sequence: s.sequence }],
  resume: () => [{ type: "resume" }],
  disconnected: () => [{ type: "disconnected" }],
};

Deno.test("every phase and event does what the transition table says", () => {
  const states = representativeStates();
  deepStrictEqual(new Set(states.map(([, s]) => s.phase)), new Set(DOWNLOAD_PHASES));
  deepStrictEqual(Object.keys(EVENTS).sort(), [...DOWNLOAD_EVENT_KEYS].sort());
  const reached = new Set<string>();
  for (const [label, state] of states) {
    for (const key of DOWNLOAD_EVENT_KEYS) {
      for (const event of EVENTS[key](state)) {
        const where = `${label} + ${key} ${JSON.stringify(event)}`;
        const r = step(state, event, CLOCK);
        const allowed = DOWNLOAD_TRANSITIONS[state.phase][key];
        if (allowed !== undefined) {
          ok(allowed.includes(r.state.phase), `${where} -> ${r.state.phase}`);
          reached.add(`${state.phase} ${key} ${r.state.phase}`);
        } else if (DOWNLOAD_EVENT_SOURCES[key] === "local") {
          equal(r.state, state, where);
          deepStrictEqual(r.effects, [{
            type: "rejected",
            error: errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: key }),
          }]);
        } else if (["complete", "error", "cancelled"].includes(state.phase)) {
          deepStrictEqual(r, { state, effects: [] }, where);
        } else {
          equal(r.state.phase, "error", where);
          equal(r.state.error?.code, "ILLEGAL_TRANSITION", where);
          deepStrictEqual(r.effects.at(-1), { type: "failed", error: r.state.error }, where);
        }
      }
    }
  }
  for (const phase of DOWNLOAD_PHASES) {
    for (const [key, targets] of Object.entries(DOWNLOAD_TRANSITIONS[phase])) {
      for (const to of targets ?? []) {
        ok(reached.has(`${phase} ${key} ${to}`), `${phase} ${key} ${to}`);
      }
    }
  }
});

Deno.test("step() rejects a data frame before download:start", () => {
  const state = sent();
  const r = step(state, next(state), CLOCK);
  equal(r.state.phase, "error");
  deepStrictEqual(r.effects, [
    { type: "send", message: { event: "download:cancel", data: {}, ...envelope } },
    {
      type: "failed",
      error: errorResponse("ILLEGAL_TRANSITION", { phase: "requested", event: "frame" }),
    },
  ]);
});

Deno.test("the machine sends download:request once, stamped with the clock and the id", () => {
  const r = step(unsent(), { type: "send" }, CLOCK);
  deepStrictEqual(r.effects, [{
    type: "send",
    message: { event: "download:request", data: REQUEST, ...envelope },
  }]);
  equal(step(r.state, { type: "send" }, CLOCK).effects[0].type, "rejected");
});

Deno.test("a whole download delivers every payload and completes on a matching summary", () => {
  let s = sent();
  const effects: DownloadEffect[] = [];
  const push = (event: DownloadEvent) => {
    const r = step(s, event, CLOCK);
    s = r.state;
    effects.push(...r.effects);
  };
  push({ type: "start", data: START });
  push(next(s, 4, 10));
  push({ type: "progress", update: PROGRESS });
  push(next(s, 6, 7, true));
  push({ type: "complete", summary: summaryOf(s) });
  equal(s.phase, "complete");
  deepStrictEqual(effects.map((e) => e.type), [
    "started",
    "deliver",
    "progress",
    "deliver",
    "completed",
  ]);
  deepStrictEqual(downloadStatus(s), {
    requestId: ID,
    phase: "complete",
    processedRows: 10,
    totalRows: 10,
    processedBytes: 17,
  });
  deepStrictEqual(resumePoint(s), {
    highWaterMark: "1000",
    cursor: "10",
    sequence: 2,
    rows: 10,
    bytes: 17,
    digest: s.digest,
    final: true,
  });
  // The digest chain of the two payloads, computed here from the bytes delivered.
  const delivered = effects.flatMap((e) => e.type === "deliver" ? [e.payload] : []);
  equal(s.digest, delivered.reduce((d, p) => chainDigest(d, p, nobleSha256), INITIAL_DIGEST));
});

Deno.test("resume after a reconnect sends download:resume from the last complete frame", () => {
  equal(resumePoint(sent()), undefined);
  const before = streaming(2);
  const r = step(before, { type: "resume" }, CLOCK);
  equal(r.state.phase, "requested");
  const resume = {
    highWaterMark: "1000",
    cursor: "4",
    sequence: 2,
    rows: 4,
    bytes: 6,
    digest: before.digest,
  };
  deepStrictEqual(r.effects, [{
    type: "send",
    message: { event: "download:resume", data: { request: REQUEST, resume }, ...envelope },
  }]);
  // Cut again before the server answered: the same resume point goes out again.
  deepStrictEqual(step(r.state, { type: "resume" }, CLOCK).effects, r.effects);
  const back = run(r.state, [resumedStart()]);
  equal(back.state.phase, "started");
  const after = step(back.state, next(back.state), CLOCK);
  equal(after.state.phase, "streaming");
  equal(after.state.sequence, 3);
  // A download that never started is simply requested again.
  deepStrictEqual(step(sent(), { type: "resume" }, CLOCK).effects, [{
    type: "send",
    message: { event: "download:request", data: REQUEST, ...envelope },
  }]);
});

Deno.test("a connection lost after the FINAL frame completes the download on its own counts, with no resume", () => {
  const done = finished();
  const later: MachineClock = { now: T0 + 1234, random: 0 };
  const r = step(done, { type: "disconnected" }, later);
  equal(r.state.phase, "complete");
  const summary = { rows: done.rows, bytes: done.bytes, digest: done.digest, durationMs: 1234 };
  deepStrictEqual(r.effects, [{ type: "completed", summary }]);
  deepStrictEqual(r.state.summary, summary);
  // The reconnect that follows sends nothing: the download is over.
  deepStrictEqual(step(r.state, { type: "resume" }, later), { state: r.state, effects: [] });
  // Without the disconnected event first, resume itself completes rather than send.
  deepStrictEqual(step(done, { type: "resume" }, later).effects, r.effects);
  // Before the FINAL frame, a lost connection changes nothing; the reconnect resumes.
  const s = streaming(2);
  deepStrictEqual(step(s, { type: "disconnected" }, later), { state: s, effects: [] });
  equal(step(s, { type: "resume" }, later).effects[0].type, "send");
});

Deno.test("a point saved after the FINAL frame completes on send, without any message", () => {
  const done = finished();
  const point = resumePoint(done)!;
  equal(point.final, true);
  const saved = JSON.parse(JSON.stringify(point)); // as a state file keeps it
  const r = step(initialDownloadState(ID, REQUEST, saved), { type: "send" }, CLOCK);
  equal(r.state.phase, "complete");
  deepStrictEqual(r.effects, [{
    type: "completed",
    summary: { rows: done.rows, bytes: done.bytes, digest: done.digest, durationMs: 0 },
  }]);
});

Deno.test("final stays with the client: download:resume never carries it", () => {
  const point = resumePoint(streaming(2))!;
  equal(point.final, false);
  const r = step(initialDownloadState(ID, REQUEST, point), { type: "send" }, CLOCK);
  const message = r.effects[0].type === "send" ? r.effects[0].message : undefined;
  equal(message?.event, "download:resume");
  const { final: _, ...wire } = point;
  deepStrictEqual(message?.data, { request: REQUEST, resume: wire });
});

Deno.test("a resumed start with another high-water mark is RESUME_MISMATCH", () => {
  const resuming = run(streaming(), [{ type: "resume" }]).state;
  const r = step(resuming, resumedStart("1001"), CLOCK);
  equal(r.state.phase, "error");
  equal(r.state.error?.code, "RESUME_MISMATCH");
  deepStrictEqual(r.effects.map((e) => e.type), ["send", "failed"]);
  const fresh = step(sent(), resumedStart(), CLOCK);
  equal(fresh.state.error?.code, "RESUME_MISMATCH");
  const notResumed = step(resuming, { type: "start", data: START }, CLOCK);
  equal(notResumed.state.error?.code, "RESUME_MISMATCH");
});

Deno.test("a summary that disagrees with the received rows, bytes or digest is INTEGRITY_MISMATCH", () => {
  const done = finished();
  const good = summaryOf(done);
  for (
    const summary of [
      { ...good, rows: good.rows + 1 },
      { ...good, bytes: good.bytes - 1 },
      { ...good, digest: INITIAL_DIGEST },
      { ...good, digest: streaming(1).digest }, // the chain value one frame before the end
    ]
  ) {
    const r = step(done, { type: "complete", summary }, CLOCK);
    equal(r.state.error?.code, "INTEGRITY_MISMATCH");
    deepStrictEqual(r.effects, [{ type: "failed", error: r.state.error }]);
  }
});

Deno.test("download:complete before the FINAL frame is SEQUENCE_GAP", () => {
  const s = streaming();
  const r = step(s, { type: "complete", summary: summaryOf(s) }, CLOCK);
  equal(r.state.error?.code, "SEQUENCE_GAP");
});

Deno.test("a frame that does not continue the stream is SEQUENCE_GAP and stops the server", () => {
  const s = streaming();
  const frame = next(s);
  if (frame.type !== "frame") throw new Error("unreachable");
  const bad = [
    { ...frame.header, sequence: s.sequence + 1 },
    { ...frame.header, sequence: s.sequence - 1 },
    { ...frame.header, rowOffset: s.rows + 1 },
    { ...frame.header, byteOffset: s.bytes - 1 },
  ];
  for (const header of bad) {
    const r = step(s, { ...frame, header }, CLOCK);
    equal(r.state.error?.code, "SEQUENCE_GAP", JSON.stringify(header));
    deepStrictEqual(r.effects[0], {
      type: "send",
      message: { event: "download:cancel", data: {}, ...envelope },
    });
  }
  const done = finished();
  equal(step(done, next(done), CLOCK).state.error?.code, "SEQUENCE_GAP");
});

Deno.test("a frame whose payload does not match its digest is DIGEST_MISMATCH: never delivered, resume point kept", () => {
  const s = streaming(2);
  const before = resumePoint(s);
  const frame = corrupted(s);
  const r = step(s, frame, CLOCK);
  equal(r.state.phase, "error");
  equal(r.state.error?.code, "DIGEST_MISMATCH");
  equal(r.state.error?.recoverable, true);
  deepStrictEqual(r.effects.map((e) => e.type), ["send", "failed"], "no deliver effect");
  deepStrictEqual(r.effects[0], {
    type: "send",
    message: { event: "download:cancel", data: {}, ...envelope },
  });
  // Rows, bytes, sequence, cursor and digest all stay before the bad frame.
  deepStrictEqual(resumePoint(r.state), before);
  // A digest copied from another position of the chain is refused too, even with intact bytes.
  const good = next(s);
  if (good.type !== "frame") throw new Error("unreachable");
  const replayed = { ...good, header: { ...good.header, digest: hexToBytes(s.digest) } };
  equal(step(s, replayed, CLOCK).state.error?.code, "DIGEST_MISMATCH");
  equal(bytesToHex(good.header.digest), chainDigest(s.digest, good.payload, nobleSha256));
  equal(step(s, good, CLOCK).state.phase, "streaming");
});

Deno.test("a resume point carries the chain on: frames after it must continue from its digest", () => {
  const first = streaming(3);
  const point = resumePoint(first)!;
  const later = run(initialDownloadState(ID, REQUEST, point), [{ type: "send" }, resumedStart()]);
  equal(later.state.digest, point.digest);
  const frame = next(later.state, 1, 5, true);
  const r = step(later.state, frame, CLOCK);
  equal(r.state.phase, "streaming");
  // The same frame judged against a fresh chain (as if the point had lost its digest) fails.
  const forgetful = { ...later.state, digest: INITIAL_DIGEST };
  equal(step(forgetful, frame, CLOCK).state.error?.code, "DIGEST_MISMATCH");
});

Deno.test("cancel mid-stream sends download:cancel, and frames in flight are then ignored", () => {
  const s = streaming();
  const r = step(s, { type: "cancel" }, CLOCK);
  equal(r.state.phase, "cancelled");
  deepStrictEqual(r.effects, [
    { type: "send", message: { event: "download:cancel", data: {}, ...envelope } },
    { type: "failed", error: errorResponse("CANCELLED") },
  ]);
  const late = run(r.state, [
    next(s),
    { type: "progress", update: PROGRESS },
    { type: "complete", summary: summaryOf(s) },
    { type: "error", error: errorResponse("INTERNAL_ERROR") },
    { type: "cancelled", data: { rows: 4, bytes: 6 } },
    { type: "cancel" },
  ]);
  deepStrictEqual(late, { state: r.state, effects: [] });
  // Cancelling before the request went out sends nothing.
  deepStrictEqual(step(unsent(), { type: "cancel" }, CLOCK).effects.map((e) => e.type), [
    "failed",
  ]);
});

Deno.test("acks go out only for delivered frames, and only while the server streams", () => {
  const s = streaming(2);
  for (const sequence of [0, 1]) {
    deepStrictEqual(step(s, { type: "consumed", sequence }, CLOCK).effects, [{
      type: "send",
      message: { event: "download:ack", data: { sequence }, ...envelope },
    }]);
  }
  for (const sequence of [2, 7, -1, 0.5, NaN]) {
    const r = step(s, { type: "consumed", sequence }, CLOCK);
    equal(r.state, s);
    equal(r.effects[0].type, "rejected", String(sequence));
  }
  const done = finished();
  const ended = run(done, [{ type: "complete", summary: summaryOf(done) }]).state;
  deepStrictEqual(step(ended, { type: "consumed", sequence: 0 }, CLOCK).effects, []);
});

Deno.test("download:error from the server fails the download without a cancel", () => {
  const error = errorResponse("SERVER_SHUTTING_DOWN");
  const r = step(streaming(), { type: "error", error }, CLOCK);
  equal(r.state.phase, "error");
  deepStrictEqual(r.effects, [{ type: "failed", error }]);
});

Deno.test("a seeded random walk never leaves the table and never loses count", () => {
  const seed = 7_340_033;
  const random = mulberry32(seed);
  let state = sent();
  for (let i = 0; i < 5000; i++) {
    const keys = DOWNLOAD_EVENT_KEYS;
    const options = EVENTS[keys[Math.floor(random() * keys.length)]](state);
    const r = step(state, options[Math.floor(random() * options.length)], CLOCK);
    ok(r.state.rows >= state.rows && r.state.bytes >= state.bytes, `seed ${seed} step ${i}`);
    ok(r.state.sequence >= state.sequence, `seed ${seed} step ${i}`);
    state = ["complete", "error", "cancelled"].includes(r.state.phase) ? sent() : r.state;
  }
});

Deno.test("the rendered table and diagram are deterministic and survive deno fmt", async () => {
  const table = downloadTableMarkdown();
  equal(table, downloadTableMarkdown());
  equal(table.split("\n").length, 2 + DOWNLOAD_PHASES.length);
  const diagram = downloadStateDiagram();
  ok(diagram.includes("  streaming --> streaming: frame, progress, consumed, disconnected\n"));
  ok(diagram.endsWith("  cancelled --> [*]"));
  const doc = `# T\n\n${table}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(doc));
  await writer.close();
  equal(new TextDecoder().decode((await child.output()).stdout), doc);
});
