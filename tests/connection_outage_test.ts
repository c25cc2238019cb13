// What an outage leads to: backoff, the server's retryAfter, violations, giving up, fail-fast.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { backoffBounds } from "../protocol/backoff.ts";
import { step } from "../protocol/connection_machine.ts";
import type { ConnectionEffect, ConnectionEvent } from "../protocol/connection_state.ts";
import { errorResponse } from "../protocol/errors.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { at, AUTH_TO_OPEN, fresh, open, run, T0 } from "./_connection_fixtures.ts";

for (const maxAttempts of [5, 3, 1]) {
  Deno.test(`an outage makes exactly ${maxAttempts} reconnect attempts within the backoff bounds, then fails`, () => {
    const seed = 0x5eed + maxAttempts;
    const random = mulberry32(seed);
    const backoff = { maxAttempts };
    let now = T0;
    let state =
      run(fresh({ authenticate: false, backoff }), [{ type: "connect" }, { type: "opened" }]).state;
    let attempts = 0;
    let failed: ConnectionEffect | undefined;
    for (let guard = 0; guard < 100 && state.phase !== "failed"; guard++) {
      const lost = step(state, { type: "closed", code: 1006, reason: "" }, at(now, random()));
      state = lost.state;
      failed = lost.effects.find((e) => e.type === "failed");
      const timer = lost.effects.find((e) => e.type === "startTimer");
      if (timer === undefined || timer.type !== "startTimer") break;
      const { min, max } = backoffBounds(state.attempt, backoff);
      ok(
        timer.ms >= min && timer.ms <= max,
        `seed ${seed}: attempt ${state.attempt} waited ${timer.ms}`,
      );
      now += timer.ms;
      const retry = step(state, { type: "timer", name: "reconnect" }, at(now));
      ok(retry.effects.some((e) => e.type === "openSocket"), `seed ${seed}`);
      attempts++;
      state = retry.state;
    }
    equal(attempts, maxAttempts, `seed ${seed}`);
    equal(state.phase, "failed");
    equal(state.lastError?.code, "CONNECTION_FAILED");
    deepStrictEqual(failed, {
      type: "failed",
      error: errorResponse("CONNECTION_FAILED", {
        cause: "CONNECTION_LOST",
        attempts: maxAttempts,
      }),
    });
  });
}

Deno.test("a server's retryAfter lengthens the reconnect delay but never shortens it", () => {
  const asked = (retryAfter: number) =>
    errorResponse("SERVER_SHUTTING_DOWN", undefined, { retryAfter });
  const lost: ConnectionEvent = { type: "closed", code: 1001, reason: "SERVER_SHUTTING_DOWN" };
  const long = run(open(), [{ type: "serverError", error: asked(60_000) }, lost]);
  deepStrictEqual(long.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 60_000 });
  const short = run(open(), [{ type: "serverError", error: asked(10) }, lost], at(T0, 0));
  deepStrictEqual(short.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 1000 });
});

Deno.test("the machine keeps the server's retryAfter for every attempt until the connection is open again", () => {
  const error = errorResponse("SERVER_SHUTTING_DOWN", undefined, { retryAfter: 45_000 });
  const told = step(open(), { type: "serverError", error }, at(T0));
  equal(told.state.phase, "open");
  deepStrictEqual(told.effects, []);
  equal(told.state.retryAfter, 45_000);
  // An error without a wait changes nothing.
  const stale = errorResponse("COMMAND_STALE");
  deepStrictEqual(step(told.state, { type: "serverError", error: stale }, at(T0)), {
    state: told.state,
    effects: [],
  });
  // Nor does the wait of an error about one download or message: it does not end the connection.
  const failed = errorResponse("INTERNAL_ERROR", undefined, { retryAfter: 90_000 });
  equal(step(open(), { type: "serverError", error: failed }, at(T0)).state.retryAfter, undefined);
  // Every outage until then waits at least that long: the close, and a second failed attempt.
  const first = run(told.state, [{ type: "closed", code: 1001, reason: "" }], at(T0, 0));
  deepStrictEqual(first.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 45_000 });
  const second = run(first.state, [
    { type: "timer", name: "reconnect" },
    { type: "closed", code: 1006, reason: "" },
  ], at(T0, 0));
  deepStrictEqual(second.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 45_000 });
  // Open again: forgotten, and the next outage waits the backoff alone.
  const back = run(second.state, [{ type: "timer", name: "reconnect" }, { type: "opened" }]);
  equal(back.state.retryAfter, undefined);
  const later = run(back.state, [{ type: "closed", code: 1006, reason: "" }], at(T0, 0));
  deepStrictEqual(later.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 1000 });
});

Deno.test("a violation the shell reports drops the socket with the client's abort and reconnects", () => {
  for (const state of [open(), run(fresh(), AUTH_TO_OPEN.slice(0, 3)).state]) {
    const r = step(state, { type: "violation", code: "DECRYPTION_FAILED" }, at(T0, 0));
    equal(r.state.phase, "reconnecting");
    deepStrictEqual(
      r.state.lastError,
      errorResponse("CONNECTION_LOST", { code: 4000, reason: "DECRYPTION_FAILED" }),
    );
    deepStrictEqual(r.effects.slice(-3), [
      { type: "stateChanged", from: state.phase, to: "reconnecting" },
      { type: "closeSocket", code: 4000, reason: "DECRYPTION_FAILED" },
      { type: "startTimer", name: "reconnect", ms: 1000 },
    ]);
  }
  // With the attempts used up it fails, naming the lost connection as the cause.
  const last = { ...open(), attempt: 5 };
  const r = step(last, { type: "violation", code: "FRAME_TRUNCATED" }, at(T0));
  equal(r.state.phase, "failed");
  deepStrictEqual(r.effects.slice(-2), [
    { type: "closeSocket", code: 4000, reason: "FRAME_TRUNCATED" },
    {
      type: "failed",
      error: errorResponse("CONNECTION_FAILED", { cause: "CONNECTION_LOST", attempts: 5 }),
    },
  ]);
  // A report about a socket the machine no longer has is stale.
  const waiting = run(open(), [{ type: "closed", code: 1006, reason: "" }]).state;
  deepStrictEqual(step(waiting, { type: "violation", code: "DECRYPTION_FAILED" }, at(T0)), {
    state: waiting,
    effects: [],
  });
});

Deno.test("a reconnect is announced as such and resets the attempt count", () => {
  const lost = run(open(), [{ type: "closed", code: 1006, reason: "" }]).state;
  equal(lost.attempt, 1);
  const back = run(lost, [{ type: "timer", name: "reconnect" }, { type: "opened" }]);
  equal(back.state.attempt, 0);
  ok(back.effects.some((e) => e.type === "ready" && e.reconnected));
});

Deno.test("connect() after failure starts over with a fresh attempt count", () => {
  const failed = run(fresh({ backoff: { maxAttempts: 0 } }), [
    { type: "connect" },
    { type: "closed", code: 1006, reason: "" },
  ]).state;
  equal(failed.phase, "failed");
  const r = step({ ...failed, attempt: 3 }, { type: "connect" }, at(T0));
  equal(r.state.attempt, 0);
  deepStrictEqual(r.effects, [
    { type: "stateChanged", from: "failed", to: "connecting" },
    { type: "openSocket" },
    { type: "startTimer", name: "handshake", ms: 10_000 },
  ]);
});

Deno.test("an attempt not open within handshakeTimeoutMs fails like a lost connection and counts", () => {
  const config = { authenticate: false, handshakeTimeoutMs: 500, backoff: { maxAttempts: 2 } };
  let r = step(fresh(config), { type: "connect" }, at(T0));
  deepStrictEqual(r.effects, [
    { type: "stateChanged", from: "idle", to: "connecting" },
    { type: "openSocket" },
    { type: "startTimer", name: "handshake", ms: 500 },
  ]);
  let now = T0;
  for (const attempt of [1, 2]) {
    now += 500; // the server accepted the TCP connection and said nothing
    r = step(r.state, { type: "timer", name: "handshake" }, at(now, 0));
    equal(r.state.phase, "reconnecting");
    equal(r.state.attempt, attempt);
    deepStrictEqual(
      r.state.lastError,
      errorResponse("HANDSHAKE_TIMEOUT", { ms: 500 }),
    );
    deepStrictEqual(r.effects, [
      { type: "stateChanged", from: "connecting", to: "reconnecting" },
      { type: "closeSocket", code: 4000, reason: "HANDSHAKE_TIMEOUT" },
      { type: "startTimer", name: "reconnect", ms: backoffBounds(attempt, {}).max },
    ]);
    now += 1000;
    r = step(r.state, { type: "timer", name: "reconnect" }, at(now));
    deepStrictEqual(r.effects, [
      { type: "stateChanged", from: "reconnecting", to: "connecting" },
      { type: "openSocket" },
      { type: "startTimer", name: "handshake", ms: 500 },
    ]);
  }
  r = step(r.state, { type: "timer", name: "handshake" }, at(now + 500));
  equal(r.state.phase, "failed");
  deepStrictEqual(r.effects, [
    { type: "stateChanged", from: "connecting", to: "failed" },
    { type: "closeSocket", code: 4000, reason: "HANDSHAKE_TIMEOUT" },
    {
      type: "failed",
      // No attempt ever opened: the server was never reached (not a reconnect that gave up).
      error: errorResponse(
        "CONNECTION_FAILED",
        { cause: "HANDSHAKE_TIMEOUT", attempts: 2, unreachable: true },
        { message: "Could not reach the server for the first connection." },
      ),
    },
  ]);
});
