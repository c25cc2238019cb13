// The connection machine signing in: the challenge, the signer's time, the answer.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { step } from "../protocol/connection_machine.ts";
import { isConnected, MAX_SIGNING_WAIT_MS } from "../protocol/connection_state.ts";
import {
  at,
  AUTH_TO_OPEN,
  BUSY,
  CHALLENGE,
  fresh,
  IDENTITY,
  REFUSED,
  run,
  T0,
} from "./_connection_fixtures.ts";

Deno.test("sign-in sends auth:authenticate built from the challenge, then opens", () => {
  const s = fresh();
  let r = run(s, AUTH_TO_OPEN.slice(0, 2));
  deepStrictEqual(r.effects.at(-1), { type: "beginAuth" });
  r = run(r.state, [AUTH_TO_OPEN[2]]);
  deepStrictEqual(r.effects, [
    { type: "startTimer", name: "handshake", ms: 60_000 },
    { type: "sign", challenge: CHALLENGE },
  ]);
  const signed = step(r.state, { type: "signed", identity: IDENTITY, signature: "ee" }, at(T0 + 7));
  deepStrictEqual(signed.effects, [{ type: "startTimer", name: "handshake", ms: 10_000 }, {
    type: "send",
    message: {
      event: "auth:authenticate",
      data: { identity: IDENTITY, nonce: CHALLENGE.nonce, signature: "ee" },
      timestamp: T0 + 7,
      requestId: "auth-1",
    },
  }]);
  const opened = run(signed.state, [AUTH_TO_OPEN[4]]);
  equal(isConnected(opened.state), true);
  deepStrictEqual(opened.effects, [
    { type: "cancelTimer", name: "handshake" },
    { type: "stateChanged", from: "authenticating", to: "open" },
    { type: "ready", reconnected: false },
    { type: "startTimer", name: "heartbeat", ms: 15_000 },
  ]);
});

Deno.test("a refused sign-in fails unless the error is recoverable", () => {
  const waiting = run(fresh(), AUTH_TO_OPEN.slice(0, 4)).state;
  const fatal = step(waiting, {
    type: "authResult",
    result: { authenticated: false, error: REFUSED },
  }, at(T0));
  equal(fatal.state.phase, "failed");
  deepStrictEqual(fatal.effects, [
    { type: "cancelTimer", name: "handshake" },
    { type: "stateChanged", from: "authenticating", to: "failed" },
    { type: "closeSocket", code: 4000, reason: "INVALID_VALUE" },
    { type: "failed", error: REFUSED },
  ]);
  const busy = step(
    waiting,
    { type: "authResult", result: { authenticated: false, error: BUSY } },
    at(T0),
  );
  equal(busy.state.phase, "reconnecting");
  deepStrictEqual(busy.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 1000 });
});

Deno.test("a signature that outlives its socket is not sent on the next one", () => {
  const signing = run(fresh(), AUTH_TO_OPEN.slice(0, 3)).state;
  const again = run(signing, [
    { type: "closed", code: 1006, reason: "" },
    { type: "timer", name: "reconnect" },
    { type: "opened" },
  ]).state;
  equal(again.authStep, "challenge");
  deepStrictEqual(step(again, AUTH_TO_OPEN[3], at(T0)), { state: again, effects: [] });
});

Deno.test("the handshake timer covers the sign-in, and an attempt open in time cancels it", () => {
  // With authentication, opening the socket is not enough: the timer runs on, and fires there.
  const signingIn = run(fresh(), AUTH_TO_OPEN.slice(0, 2));
  deepStrictEqual(
    signingIn.effects.filter((e) => e.type === "startTimer" || e.type === "cancelTimer"),
    [{ type: "startTimer", name: "handshake", ms: 10_000 }],
  );
  const late = step(signingIn.state, { type: "timer", name: "handshake" }, at(T0, 0));
  equal(late.state.phase, "reconnecting");
  equal(late.state.lastError?.code, "HANDSHAKE_TIMEOUT");
  ok(late.effects.some((e) => e.type === "closeSocket" && e.reason === "HANDSHAKE_TIMEOUT"));
  // Open in time: the timer is cancelled, and a late firing changes nothing.
  const opened = run(fresh(), AUTH_TO_OPEN);
  ok(opened.effects.some((e) => e.type === "cancelTimer" && e.name === "handshake"));
  deepStrictEqual(step(opened.state, { type: "timer", name: "handshake" }, at(T0)), {
    state: opened.state,
    effects: [],
  });
  // Closed before either: the timer goes with the attempt.
  const connecting = run(fresh(), [{ type: "connect" }]).state;
  deepStrictEqual(step(connecting, { type: "close" }, at(T0)).effects.slice(0, 1), [
    { type: "cancelTimer", name: "handshake" },
  ]);
});

Deno.test("the signer has until the challenge expires, within bounds, then SIGNING_TIMEOUT", () => {
  const signingAt = (now: number, expiresAt: number) =>
    run(fresh({ handshakeTimeoutMs: 5_000 }), [
      ...AUTH_TO_OPEN.slice(0, 2),
      { type: "challenge", challenge: { ...CHALLENGE, expiresAt } },
    ], at(now));
  const timerMs = (r: ReturnType<typeof signingAt>) =>
    r.effects.filter((e) => e.type === "startTimer").map((e) => e.type === "startTimer" && e.ms);
  // The handshake timer of the attempt, then the signing wait: the challenge's remaining life,
  deepStrictEqual(timerMs(signingAt(T0, T0 + 45_000)), [5_000, 45_000]);
  // never less than the handshake timeout (a clock ahead of the server's),
  deepStrictEqual(timerMs(signingAt(T0, T0 - 90_000)), [5_000, 5_000]);
  // never more than MAX_SIGNING_WAIT_MS (a clock far behind),
  deepStrictEqual(timerMs(signingAt(T0, T0 + 86_400_000)), [5_000, MAX_SIGNING_WAIT_MS]);
  // unless the handshake timeout itself is longer.
  const patient = run(fresh({ handshakeTimeoutMs: 2 * MAX_SIGNING_WAIT_MS }), [
    ...AUTH_TO_OPEN.slice(0, 2),
    { type: "challenge", challenge: { ...CHALLENGE, expiresAt: T0 + 86_400_000 } },
  ], at(T0));
  deepStrictEqual(timerMs(patient).at(-1), 2 * MAX_SIGNING_WAIT_MS);
  // A wallet that never answers: the attempt ends with its own code and goes through the backoff.
  const late = step(signingAt(T0, T0 + 45_000).state, { type: "timer", name: "handshake" }, at(T0));
  equal(late.state.phase, "reconnecting");
  equal(late.state.lastError?.code, "SIGNING_TIMEOUT");
  ok(late.effects.some((e) => e.type === "closeSocket" && e.reason === "SIGNING_TIMEOUT"));
  // Signed in time: the server's answer is back on the handshake timeout, and its lateness is
  // HANDSHAKE_TIMEOUT, not the signer's.
  const sent = run(signingAt(T0, T0 + 45_000).state, [AUTH_TO_OPEN[3]]);
  deepStrictEqual(timerMs(sent), [5_000]);
  const quiet = step(sent.state, { type: "timer", name: "handshake" }, at(T0));
  equal(quiet.state.lastError?.code, "HANDSHAKE_TIMEOUT");
});
