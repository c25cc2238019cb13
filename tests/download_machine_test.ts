// A download from start to end: delivery, progress, cancel, acknowledgements, a server error.
import { deepStrictEqual, equal } from "node:assert/strict";
import { step } from "../protocol/download_machine.ts";
import {
  type DownloadEffect,
  type DownloadEvent,
  downloadStatus,
  resumePoint,
} from "../protocol/download_state.ts";
import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "../protocol/digest_chain.ts";
import { errorResponse } from "../protocol/errors.ts";
import {
  CLOCK,
  envelope,
  finished,
  ID,
  next,
  PROGRESS,
  run,
  sent,
  START,
  streaming,
  summaryOf,
  unsent,
} from "./_download_fixtures.ts";

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
