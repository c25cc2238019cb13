// Resuming a download: from the last complete frame, never past the FINAL one, from a saved point.
import { deepStrictEqual, equal } from "node:assert/strict";
import type { MachineClock } from "../protocol/connection_state.ts";
import { step } from "../protocol/download_machine.ts";
import { initialDownloadState, resumePoint } from "../protocol/download_state.ts";
import { INITIAL_DIGEST } from "../protocol/digest_chain.ts";
import { REQUEST } from "./_messages.ts";
import {
  CLOCK,
  envelope,
  finished,
  ID,
  next,
  resumedStart,
  run,
  sent,
  START,
  streaming,
  T0,
} from "./_download_fixtures.ts";

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
  const r = step(
    initialDownloadState(ID, REQUEST, saved),
    { type: "send", connected: true },
    CLOCK,
  );
  equal(r.state.phase, "complete");
  deepStrictEqual(r.effects, [{
    type: "completed",
    summary: { rows: done.rows, bytes: done.bytes, digest: done.digest, durationMs: 0 },
  }]);
});

Deno.test("final stays with the client: download:resume never carries it", () => {
  const point = resumePoint(streaming(2))!;
  equal(point.final, false);
  const r = step(
    initialDownloadState(ID, REQUEST, point),
    { type: "send", connected: true },
    CLOCK,
  );
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

Deno.test("a resume point carries the chain on: frames after it must continue from its digest", () => {
  const first = streaming(3);
  const point = resumePoint(first)!;
  const later = run(initialDownloadState(ID, REQUEST, point), [
    { type: "send", connected: true },
    resumedStart(),
  ]);
  equal(later.state.digest, point.digest);
  const frame = next(later.state, 1, 5, true);
  const r = step(later.state, frame, CLOCK);
  equal(r.state.phase, "streaming");
  // The same frame judged against a fresh chain (as if the point had lost its digest) fails.
  const forgetful = { ...later.state, digest: INITIAL_DIGEST };
  equal(step(forgetful, frame, CLOCK).state.error?.code, "DIGEST_MISMATCH");
});
