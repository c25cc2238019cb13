// When a download goes out: `send` now if the connection is open, else on its `resume`.
import { deepStrictEqual, equal } from "node:assert/strict";
import type { MachineClock } from "../protocol/connection_state.ts";
import { step } from "../protocol/download_machine.ts";
import { initialDownloadState, resumePoint } from "../protocol/download_state.ts";
import { errorResponse } from "../protocol/errors.ts";
import { REQUEST } from "./_messages.ts";
import {
  CLOCK,
  envelope,
  finished,
  ID,
  run,
  sent,
  streaming,
  T0,
  unsent,
  waiting,
} from "./_download_fixtures.ts";

Deno.test("the machine sends download:request once, stamped with the clock and the id", () => {
  const r = step(unsent(), { type: "send", connected: true }, CLOCK);
  deepStrictEqual(r.effects, [{
    type: "send",
    message: { event: "download:request", data: REQUEST, ...envelope },
  }]);
  equal(step(r.state, { type: "send", connected: true }, CLOCK).effects[0].type, "rejected");
});

Deno.test("sent while the connection is not open, a download waits and goes out on its resume", () => {
  const r = step(unsent(), { type: "send", connected: false }, CLOCK);
  equal(r.state.phase, "requested");
  deepStrictEqual(r.effects, []);
  equal(r.state.requestSent, false);
  const later: MachineClock = { now: T0 + 500, random: 0 };
  const ready = step(r.state, { type: "resume" }, later);
  deepStrictEqual(ready.effects, [{
    type: "send",
    message: { event: "download:request", data: REQUEST, timestamp: T0 + 500, requestId: ID },
  }]);
  equal(ready.state.requestSent, true);
  equal(ready.state.sentAt, T0 + 500);
});

Deno.test("a download continued from a saved point while not connected waits, then sends download:resume", () => {
  const point = resumePoint(streaming(2))!;
  const r = step(
    initialDownloadState(ID, REQUEST, point),
    { type: "send", connected: false },
    CLOCK,
  );
  deepStrictEqual(r.effects, []);
  const ready = step(r.state, { type: "resume" }, CLOCK);
  const { final: _, ...resume } = point;
  deepStrictEqual(ready.effects, [{
    type: "send",
    message: { event: "download:resume", data: { request: REQUEST, resume }, ...envelope },
  }]);
});

Deno.test("a point saved after the FINAL frame completes on send, connected or not", () => {
  const point = resumePoint(finished())!;
  for (const connected of [true, false]) {
    const r = step(initialDownloadState(ID, REQUEST, point), { type: "send", connected }, CLOCK);
    equal(r.state.phase, "complete", `connected: ${connected}`);
    deepStrictEqual(r.effects.map((e) => e.type), ["completed"]);
  }
});

Deno.test("send is the caller's once: again, waiting or sent, it is rejected and changes nothing", () => {
  const error = errorResponse("ILLEGAL_TRANSITION", { phase: "requested", event: "send" });
  for (const state of [waiting(), sent(), run(unsent(), [{ type: "resume" }]).state]) {
    for (const connected of [true, false]) {
      const r = step(state, { type: "send", connected }, CLOCK);
      equal(r.state, state);
      deepStrictEqual(r.effects, [{ type: "rejected", error }]);
    }
  }
});

Deno.test("a download cancelled while it waits for the connection sends nothing, then or later", () => {
  const r = step(waiting(), { type: "cancel" }, CLOCK);
  equal(r.state.phase, "cancelled");
  deepStrictEqual(r.effects, [{ type: "failed", error: errorResponse("CANCELLED") }]);
  deepStrictEqual(step(r.state, { type: "resume" }, CLOCK), { state: r.state, effects: [] });
});
