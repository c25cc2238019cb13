// A server that turns a download away for now (recoverable, with retryAfter) is asked again from
// where the download stands, a bounded number of times in a row (docs/PROTOCOL.md §9.5).
import { deepStrictEqual, equal } from "node:assert/strict";
import { step } from "../protocol/download_machine.ts";
import { initialDownloadState } from "../protocol/download_state.ts";
import { errorResponse } from "../protocol/errors.ts";
import { REQUEST } from "./_messages.ts";
import {
  CLOCK,
  envelope,
  ID,
  next,
  resumedStart,
  retrying,
  run,
  sent,
  START,
  streaming,
  UNAVAILABLE,
} from "./_download_fixtures.ts";

Deno.test("a recoverable error with retryAfter waits the longer of it and the backoff, then resumes from the last frame", () => {
  const s = retrying(streaming());
  const away = run(s, [{ type: "error", error: UNAVAILABLE }]);
  equal(away.state.phase, "requested");
  equal(away.state.requestSent, false);
  // baseMs 100 without jitter is shorter than the server's 5000 ms.
  deepStrictEqual(away.effects, [{
    type: "retrying",
    error: UNAVAILABLE,
    attempt: 1,
    attempts: 2,
    delayMs: 5000,
  }]);
  const again = run(away.state, [{ type: "retry" }]);
  deepStrictEqual(again.effects, [{
    type: "send",
    message: {
      event: "download:resume",
      data: {
        request: REQUEST,
        resume: {
          highWaterMark: START.highWaterMark,
          cursor: "4",
          sequence: 2,
          rows: 4,
          bytes: 6,
          digest: s.digest,
        },
      },
      ...envelope,
    },
  }]);
  // The resumed start must keep the pinned high-water mark, and the stream goes on.
  const resumed = run(again.state, [resumedStart()]);
  equal(resumed.state.phase, "started");
  equal(step(resumed.state, next(resumed.state), CLOCK).state.phase, "streaming");
});

Deno.test("an error before download:start asks again with the request itself", () => {
  const away = run(retrying(sent()), [{ type: "error", error: UNAVAILABLE }, { type: "retry" }]);
  deepStrictEqual(away.effects.map((e) => e.type), ["retrying", "send"]);
  const sent_ = away.effects[1];
  equal(sent_.type === "send" && sent_.message.event, "download:request");
});

Deno.test("the attempts in a row are bounded, and a frame received resets the count", () => {
  const error = { type: "error", error: UNAVAILABLE } as const;
  const twice = run(retrying(sent()), [error, { type: "retry" }, error, { type: "retry" }]);
  equal(twice.state.attempt, 2);
  const third = run(twice.state, [error]);
  equal(third.state.phase, "error");
  deepStrictEqual(third.effects, [{ type: "failed", error: UNAVAILABLE }]);

  const progressed = run(twice.state, [{ type: "start", data: START }]).state;
  const framed = step(progressed, next(progressed), CLOCK).state;
  equal(framed.attempt, 0);
  equal(run(framed, [error]).state.phase, "requested");
});

Deno.test("errors that are final, or give no retryAfter, end the download as before", () => {
  const cases = [
    errorResponse("INVALID_DATE"),
    errorResponse("SOURCE_FAILED"),
    { ...UNAVAILABLE, retryAfter: undefined },
  ];
  for (const error of cases) {
    const r = run(retrying(streaming()), [{ type: "error", error }]);
    equal(r.state.phase, "error", error.code);
    deepStrictEqual(r.effects, [{ type: "failed", error }]);
  }
  // Without a retry budget (the machine's default), nothing is retried.
  const plain = initialDownloadState(ID, REQUEST);
  const r = run(plain, [{ type: "send", connected: true }, { type: "error", error: UNAVAILABLE }]);
  equal(r.state.phase, "error");
});

Deno.test("a reconnect during the wait asks at once, and the late timer then does nothing", () => {
  const away = run(retrying(streaming()), [{ type: "error", error: UNAVAILABLE }]).state;
  const resumed = run(away, [{ type: "resume" }]);
  equal(resumed.effects[0].type, "send");
  const late = run(resumed.state, [{ type: "retry" }]);
  deepStrictEqual(late.effects, []);
  // A cancel during the wait ends the download; the timer's retry is then a no-op too.
  const cancelled = run(away, [{ type: "cancel" }, { type: "retry" }]);
  equal(cancelled.state.phase, "cancelled");
  deepStrictEqual(cancelled.effects.map((e) => e.type), ["failed"]);
});
