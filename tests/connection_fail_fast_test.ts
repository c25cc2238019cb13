// failFast: the first connection gives up at once when no server can be reached; later outages
// reconnect as usual.
import { deepStrictEqual, equal } from "node:assert/strict";
import { step } from "../protocol/connection_machine.ts";
import { errorResponse } from "../protocol/errors.ts";
import { at, AUTH_TO_OPEN, BUSY, fresh, run, T0 } from "./_connection_fixtures.ts";

const unreachable = (cause: string, attempts = 0) =>
  errorResponse("CONNECTION_FAILED", { cause, attempts, unreachable: true }, {
    message: "Could not reach the server for the first connection.",
  });

Deno.test("with failFast, a first attempt whose socket never opens fails at once, without a reconnect timer", () => {
  const connecting = run(fresh({ failFast: true }), [{ type: "connect" }]).state;
  const refused = step(connecting, { type: "closed", code: 1006, reason: "" }, at(T0));
  equal(refused.state.phase, "failed");
  deepStrictEqual(refused.state.lastError, unreachable("CONNECTION_LOST"));
  deepStrictEqual(refused.effects, [
    { type: "cancelTimer", name: "handshake" },
    { type: "stateChanged", from: "connecting", to: "failed" },
    { type: "failed", error: unreachable("CONNECTION_LOST") },
  ]);
  // A server that accepts TCP and never completes the WebSocket handshake is unreachable too.
  const silent = step(connecting, { type: "timer", name: "handshake" }, at(T0 + 10_000));
  deepStrictEqual(silent.effects, [
    { type: "stateChanged", from: "connecting", to: "failed" },
    { type: "closeSocket", code: 4000, reason: "HANDSHAKE_TIMEOUT" },
    { type: "failed", error: unreachable("HANDSHAKE_TIMEOUT") },
  ]);
});

Deno.test("without failFast the same first attempt goes through the backoff", () => {
  const connecting = run(fresh(), [{ type: "connect" }]).state;
  equal(connecting.config.failFast, false);
  const r = step(connecting, { type: "closed", code: 1006, reason: "" }, at(T0, 0));
  equal(r.state.phase, "reconnecting");
  deepStrictEqual(r.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 1000 });
});

Deno.test("failFast spares a server that answered: a sign-in that fails reconnects, and so does a connection once open", () => {
  // The socket opened and the sign-in was refused, recoverably: the server is there.
  const signingIn = run(fresh({ failFast: true }), AUTH_TO_OPEN.slice(0, 4)).state;
  const busy = step(signingIn, {
    type: "authResult",
    result: { authenticated: false, error: BUSY },
  }, at(T0, 0));
  equal(busy.state.phase, "reconnecting");
  // The next attempt's socket does not open: still the first connection, so that fails fast.
  const again = run(busy.state, [
    { type: "timer", name: "reconnect" },
    { type: "closed", code: 1006, reason: "" },
  ]);
  equal(again.state.phase, "failed");
  deepStrictEqual(again.state.lastError, unreachable("CONNECTION_LOST", 1));
  // Once open, an outage and an unreachable server after it reconnect as usual.
  const opened = run(fresh({ failFast: true }), AUTH_TO_OPEN).state;
  const lost = run(opened, [
    { type: "closed", code: 1006, reason: "" },
    { type: "timer", name: "reconnect" },
    { type: "closed", code: 1006, reason: "" },
  ], at(T0, 0));
  equal(lost.state.phase, "reconnecting");
  equal(lost.state.attempt, 2);
});

Deno.test("with no attempts allowed, a first attempt that never opens is unreachable, with failFast or without", () => {
  for (const failFast of [true, false]) {
    const connecting = run(fresh({ failFast, backoff: { maxAttempts: 0 } }), [
      { type: "connect" },
    ]).state;
    const r = step(connecting, { type: "closed", code: 1006, reason: "" }, at(T0));
    equal(r.state.phase, "failed");
    deepStrictEqual(r.state.lastError, unreachable("CONNECTION_LOST"), String(failFast));
  }
});

Deno.test("without failFast, a first connection that never opened in all its attempts is unreachable, not a reconnect that gave up", () => {
  let state = run(fresh({ backoff: { maxAttempts: 2 } }), [{ type: "connect" }]).state;
  for (let attempt = 1; attempt <= 2; attempt++) {
    state = run(state, [{ type: "closed", code: 1006, reason: "" }], at(T0, 0)).state;
    equal(state.phase, "reconnecting");
    state = run(state, [{ type: "timer", name: "reconnect" }]).state;
  }
  const r = step(state, { type: "closed", code: 1006, reason: "" }, at(T0));
  equal(r.state.phase, "failed");
  deepStrictEqual(r.state.lastError, unreachable("CONNECTION_LOST", 2));
  // Once open, used-up attempts are a reconnect that gave up, as before.
  const opened = { ...run(fresh({ backoff: { maxAttempts: 0 } }), AUTH_TO_OPEN).state };
  const lost = step(opened, { type: "closed", code: 1006, reason: "" }, at(T0));
  deepStrictEqual(
    lost.state.lastError,
    errorResponse("CONNECTION_FAILED", { cause: "CONNECTION_LOST", attempts: 0 }),
  );
});
