// The connection machine once open: heartbeats, close(), misuse and misplaced messages.
import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { step } from "../protocol/connection_machine.ts";
import { initialConnectionState } from "../protocol/connection_state.ts";
import { errorResponse } from "../protocol/errors.ts";
import { at, CHALLENGE, fresh, HEALTH, open, run, T0 } from "./_connection_fixtures.ts";

Deno.test("a heartbeat pings, and the pong cancels the timeout and reports the round trip", () => {
  const ping = step(open(), { type: "timer", name: "heartbeat" }, at(T0 + 15_000));
  deepStrictEqual(ping.effects, [
    {
      type: "send",
      message: {
        event: "connection:health",
        data: {},
        timestamp: T0 + 15_000,
        requestId: "ping-1",
      },
    },
    { type: "startTimer", name: "heartbeatTimeout", ms: 10_000 },
  ]);
  const stray = step(ping.state, { type: "pong", requestId: "ping-0", health: HEALTH }, at(T0));
  deepStrictEqual(stray, { state: ping.state, effects: [] });
  const pong = step(
    ping.state,
    { type: "pong", requestId: "ping-1", health: HEALTH },
    at(T0 + 15_042),
  );
  deepStrictEqual(pong.effects, [
    { type: "cancelTimer", name: "heartbeatTimeout" },
    { type: "startTimer", name: "heartbeat", ms: 15_000 },
    { type: "health", rttMs: 42, health: HEALTH },
  ]);
  equal(pong.state.rttMs, 42);
  equal(pong.state.lastHeartbeat, T0 + 15_042);
  equal(pong.state.pendingPing, undefined);
  const next = step(pong.state, { type: "timer", name: "heartbeat" }, at(T0 + 30_042));
  equal(next.state.pendingPing?.requestId, "ping-2");
});

Deno.test("a ping without a pong is a half-open connection: close 4000 and reconnect", () => {
  const ping = step(open(), { type: "timer", name: "heartbeat" }, at(T0)).state;
  const r = step(ping, { type: "timer", name: "heartbeatTimeout" }, at(T0 + 10_000, 0));
  equal(r.state.phase, "reconnecting");
  equal(r.state.lastError?.code, "HEARTBEAT_TIMEOUT");
  equal(r.state.pendingPing, undefined);
  deepStrictEqual(r.effects, [
    { type: "stateChanged", from: "open", to: "reconnecting" },
    { type: "closeSocket", code: 4000, reason: "HEARTBEAT_TIMEOUT" },
    { type: "startTimer", name: "reconnect", ms: 1000 },
  ]);
});

Deno.test("close() cancels timers, closes the socket and never reconnects", () => {
  const ping = step(open(), { type: "timer", name: "heartbeat" }, at(T0)).state;
  const closed = step(ping, { type: "close" }, at(T0));
  deepStrictEqual(closed.effects, [
    { type: "cancelTimer", name: "heartbeatTimeout" },
    { type: "stateChanged", from: "open", to: "closed" },
    { type: "closeSocket", code: 1000, reason: "client closed" },
  ]);
  const late = run(closed.state, [
    { type: "closed", code: 1000, reason: "" },
    { type: "timer", name: "reconnect" },
    { type: "timer", name: "heartbeatTimeout" },
    { type: "close" },
  ]);
  deepStrictEqual(late, { state: closed.state, effects: [] });
  const waiting = run(open(), [{ type: "closed", code: 1006, reason: "" }]).state;
  deepStrictEqual(step(waiting, { type: "close" }, at(T0)).effects, [
    { type: "cancelTimer", name: "reconnect" },
    { type: "stateChanged", from: "reconnecting", to: "closed" },
  ]);
});

Deno.test("local misuse is rejected and changes nothing", () => {
  for (const state of [open(), run(fresh(), [{ type: "connect" }]).state]) {
    const r = step(state, { type: "connect" }, at(T0));
    equal(r.state, state);
    deepStrictEqual(r.effects, [{
      type: "rejected",
      error: errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: "connect" }),
    }]);
  }
});

Deno.test("a server message out of place is a violation that drops the connection", () => {
  const r = step(open(), { type: "challenge", challenge: CHALLENGE }, at(T0, 0));
  equal(r.state.phase, "reconnecting");
  equal(r.state.lastError?.code, "ILLEGAL_TRANSITION");
  deepStrictEqual(r.effects, [
    { type: "cancelTimer", name: "heartbeat" },
    { type: "stateChanged", from: "open", to: "reconnecting" },
    { type: "closeSocket", code: 4000, reason: "ILLEGAL_TRANSITION" },
    { type: "startTimer", name: "reconnect", ms: 1000 },
  ]);
});

Deno.test("bad heartbeat or handshake options are a programmer error", () => {
  throws(() => initialConnectionState({ authenticate: false, heartbeatIntervalMs: 0 }), RangeError);
  throws(
    () => initialConnectionState({ authenticate: false, heartbeatTimeoutMs: NaN }),
    RangeError,
  );
  for (const handshakeTimeoutMs of [0, -1, Infinity]) {
    throws(() => initialConnectionState({ authenticate: false, handshakeTimeoutMs }), RangeError);
  }
  equal(initialConnectionState({ authenticate: false }).config.handshakeTimeoutMs, 10_000);
});
