// The connection's bounds on the server session machine (issue 16), proven on the machine alone
// with a fake clock: what a hostile or broken peer can make the server hold, and how it ends.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { nextDeadline, readsInput } from "../protocol/session_state.ts";
import { codesOf, Driver } from "./_session_driver.ts";
import { backedUp, GARBAGE, sealedText } from "./_bound_scenarios.ts";
import { signedIn } from "./_sign_in_scenarios.ts";

Deno.test("malformed JSON in a sealed session ends it: MALFORMED_JSON, then close 4400", () => {
  const d = sealedText('{"event":"status:check",');
  equal(d.state.phase, "closed");
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["MALFORMED_JSON", 4400]);
});

Deno.test("a sealed message the protocol refuses is answered, and the session goes on", () => {
  const d = sealedText('{"event":"download:steal","data":{},"timestamp":0,"requestId":"r"}');
  equal(d.state.phase, "signedIn");
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["UNKNOWN_EVENT"]);
});

Deno.test("malformed JSON outside a sealed session is answered, and the session goes on", () => {
  const d = signedIn({ tuning: { signIn: { anonymous: false, encryption: false } } });
  d.receive("{not json");
  equal(d.state.phase, "signedIn");
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["MALFORMED_JSON"]);
});

Deno.test("a peer that sends and never reads gets nothing more queued past maxQueuedBytes", () => {
  const bounds = { maxQueuedBytes: 10_000 };
  const d = backedUp({ tuning: { exports: { socketBufferBytes: 2000 }, bounds } });
  // The machine asked the shell to watch the socket; the client reads nothing, sends on.
  equal(d.effects().filter((e) => e.type === "awaitDrain").length, 1);
  let answered = 0;
  while (readsInput(d.state)) {
    d.receive(GARBAGE);
    answered++;
  }
  ok(answered > 10);
  const answer = d.log.at(-1)!.effects.reduce((n, e) => n + (e.type === "send" ? 200 : 0), 0);
  ok(d.state.socketQueued > bounds.maxQueuedBytes);
  ok(d.state.socketQueued <= bounds.maxQueuedBytes + answer, `${d.state.socketQueued}`);
  // The shell says the socket holds all of it: the connection is aborted, its downloads halted.
  const [step] = d.step({ type: "drained", buffered: d.state.socketQueued });
  deepStrictEqual(codesOf(step.effects), ["SEND_QUEUE_FULL", 4429]);
  equal(step.effects.find((e) => e.type === "close")?.abort, true);
  equal(d.state.phase, "closed");
});

Deno.test("a client that reads what was queued is read from again, and its downloads go on", () => {
  const d = backedUp({ tuning: { bounds: { maxQueuedBytes: 4000 } } });
  while (readsInput(d.state)) d.receive(GARBAGE);
  d.step({ type: "drained", buffered: 0 });
  equal(d.state.phase, "guest");
  equal(d.state.draining, false);
  equal(d.state.drainDeadline, undefined);
  equal(readsInput(d.state), true);
});

Deno.test("a socket that makes no progress for stallTimeoutMs is aborted with READER_STALLED", () => {
  const d = backedUp({ tuning: { bounds: { stallTimeoutMs: 5000 } } });
  equal(nextDeadline(d.state), d.now + 5000);
  // What it holds does not go down: no progress, however often the shell looks.
  d.now += 2000;
  d.step({ type: "drained", buffered: d.state.socketQueued });
  d.now += 2000;
  d.step({ type: "drained", buffered: d.state.socketQueued + 100 });
  equal(d.advanceTo(d.now + 999).length, 0);
  const [step] = d.advanceTo(d.now + 1);
  deepStrictEqual(codesOf(step.effects), ["READER_STALLED", 4429]);
  equal(step.effects.find((e) => e.type === "close")?.abort, true);
  equal(d.state.phase, "closed");
});

Deno.test("a slow reader that makes progress is not aborted, however long it takes", () => {
  const d = backedUp({ tuning: { bounds: { stallTimeoutMs: 5000 } } });
  while (d.state.socketQueued < 4000) d.receive(GARBAGE);
  let buffered = d.state.socketQueued;
  for (let i = 0; i < 20; i++) {
    d.now += 4000;
    buffered -= 50;
    d.step({ type: "heard" }); // its heartbeats
    d.step({ type: "drained", buffered });
    equal(d.advanceTo(d.now).length, 0);
  }
  equal(d.state.phase, "guest");
  equal(d.state.drainDeadline, d.now + 5000);
});

Deno.test("under server-wide pressure a connection waiting with at least its share is closed, others go on", () => {
  const waiting = backedUp();
  const [step] = waiting.step({ type: "drained", buffered: 3000, fairShare: 2000 });
  deepStrictEqual(codesOf(step.effects), ["SEND_QUEUE_FULL", 4429]);
  // Waiting for its socket too, under ordinary backpressure, but holding less than its share.
  const busy = backedUp();
  busy.step({ type: "drained", buffered: 1500, fairShare: 2000 });
  equal(busy.state.phase, "guest");
  const reading = new Driver();
  reading.step({ type: "drained", buffered: 10, fairShare: 2000 });
  equal(reading.state.phase, "guest");
});

Deno.test("more payloads a second than maxMessagesPerSecond end the connection; fewer never do", () => {
  const steady = new Driver({ tuning: { bounds: { maxMessagesPerSecond: 100 } } });
  for (let i = 0; i < 1000; i++) {
    steady.now += 10;
    steady.step({ type: "heard" });
  }
  equal(steady.state.phase, "guest");
  const flood = new Driver({ tuning: { bounds: { maxMessagesPerSecond: 100 } } });
  for (let i = 0; i < 100; i++) flood.step({ type: "heard" });
  equal(flood.state.phase, "guest");
  const [step] = flood.step({ type: "heard" });
  deepStrictEqual(codesOf(step.effects), ["TOO_MANY_MESSAGES", 4400]);
  equal(flood.state.phase, "closed");
});

Deno.test("a refused message costs ten of the incoming rate: a garbage flood ends ten times sooner", () => {
  const d = new Driver({ tuning: { bounds: { maxMessagesPerSecond: 1000 } } });
  let sent = 0;
  for (;;) {
    d.step({ type: "heard" });
    if (!readsInput(d.state)) break;
    d.step({ type: "text", text: GARBAGE });
    sent++;
  }
  equal(d.state.phase, "closed");
  equal(sent, 100);
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["TOO_MANY_MESSAGES", 4400]);
  // Served messages cost one each: a thousand heartbeats at once are taken.
  const served = new Driver({ tuning: { bounds: { maxMessagesPerSecond: 1000 } } });
  for (let i = 0; i < 1000; i++) {
    served.receive({ event: "connection:health", data: {}, timestamp: 0, requestId: `h${i}` });
  }
  equal(served.state.phase, "guest");
});
