// The server session machine's rules, one at a time, on a clock the test moves: deadlines as
// data, the sign-in and the command gate, admission and the authorize hook, and the finished
// memory. (Its downloads' own rules are in export_step_test.ts; the walk of its table in
// session_table_test.ts; client and server together in session_pair_test.ts.)
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { errorResponse } from "../protocol/errors.ts";
import type { ClientMessage, ServerMessage } from "../protocol/messages.ts";
import { nextDeadline, readsInput } from "../protocol/session_state.ts";
import { ALL, codesOf, Driver, requestOf } from "./_session_driver.ts";

const ping = (requestId: string): ClientMessage => ({
  event: "connection:health",
  data: {},
  timestamp: 0,
  requestId,
});

function last(d: Driver): ServerMessage[] {
  return d.sent(d.log.length - 1);
}

Deno.test("the idle deadline is the last payload heard plus the idle timeout, and only then it closes", () => {
  const d = new Driver({ tuning: { idleTimeoutMs: 300 } });
  const start = d.now;
  equal(nextDeadline(d.state), start + 300);
  for (let i = 1; i <= 6; i++) {
    d.now = start + 100 * i;
    d.receive(ping(`p${i}`));
    equal(nextDeadline(d.state), d.now + 300, "every payload heard moves it");
  }
  // A timer that fires early (at the old deadline) changes nothing.
  d.now = start + 300;
  deepStrictEqual(d.step({ type: "timeout" })[0].effects, []);
  equal(d.state.phase, "guest");
  const [closed] = d.advanceTo(start + 900);
  const error = closed.effects[0];
  ok(error.type === "send" && error.message.event === "system:error");
  equal(error.message.requestId, "server");
  deepStrictEqual(error.message.data.details, { idleMs: 300 });
  deepStrictEqual(codesOf(closed.effects), ["IDLE_TIMEOUT", 4408]);
  equal(d.state.phase, "closed");
  equal(nextDeadline(d.state), undefined, "a closed connection needs no timer");
});

Deno.test("heartbeats do not move the sign-in deadline; signing in clears it", () => {
  const d = new Driver({
    tuning: { signIn: { anonymous: false, signInTimeoutMs: 1000 }, idleTimeoutMs: 5000 },
  });
  const start = d.now;
  d.now += 900;
  d.receive(ping("p"));
  equal(last(d)[0].event, "connection:health", "heartbeats need no sign-in");
  equal(nextDeadline(d.state), start + 1000);
  const [closed] = d.advanceTo(start + 1000);
  deepStrictEqual(codesOf(closed.effects), ["SIGN_IN_TIMEOUT", 4401]);
  const signedIn = new Driver({
    tuning: { signIn: { anonymous: false, signInTimeoutMs: 1000 }, idleTimeoutMs: 5000 },
  });
  signedIn.signIn();
  equal(signedIn.state.phase, "signedIn");
  equal(signedIn.state.signInDeadline, undefined);
  equal(nextDeadline(signedIn.state), signedIn.now + 5000);
});

Deno.test("a right answer opens the session, then auth:result goes out in plain and sealing starts", () => {
  const d = new Driver();
  const steps = d.signIn();
  const [challenge] = steps[1].effects;
  ok(challenge.type === "send" && challenge.message.event === "auth:challenge");
  equal(challenge.message.data.origin, "ws://pair.test");
  equal(challenge.message.data.expiresAt, d.now + 60_000);
  const answered = steps.find((s) => s.key === "auth:authenticate")!;
  equal(answered.effects.length, 1);
  equal(answered.effects[0].type, "openSession");
  const opened = steps.find((s) => s.key === "sessionOpened")!;
  deepStrictEqual(opened.effects.map((e) => e.type), ["send", "seal"]);
  equal(d.state.phase, "signedIn");
  ok(d.token !== undefined && /^[0-9a-f]{32}$/.test(d.token));
  // Without encryption there is nothing to seal.
  const plain = new Driver({ tuning: { signIn: { encryption: false } } });
  const opened2 = plain.signIn().find((s) => s.key === "sessionOpened")!;
  deepStrictEqual(opened2.effects.map((e) => e.type), ["send"]);
});

Deno.test("session keys that cannot be made refuse the sign-in with a recoverable error, instead of waiting", () => {
  const d = new Driver({ failKeys: true });
  const failed = d.signIn().find((s) => s.key === "fault")!;
  const [result] = failed.effects;
  ok(result.type === "send" && result.message.event === "auth:result");
  equal(result.message.requestId, "auth-2", "the answer to auth:authenticate");
  ok(!result.message.data.authenticated && result.message.data.error.recoverable);
  deepStrictEqual(codesOf(failed.effects), ["INTERNAL_ERROR", 4401]);
  equal(d.state.phase, "closed");
  equal(nextDeadline(d.state), undefined);
});

Deno.test("a signed command is checked before it runs, and only a valid one moves the replay mark", () => {
  const d = new Driver({ tuning: { signIn: { anonymous: false } } });
  d.signIn();
  const bad = d.signed(ping("p1"), { signature: "00".repeat(32) });
  const steps = d.receive(bad);
  equal(steps[0].effects[0].type, "verifyCommand");
  // The command waits for its check, and goes on (or not) in the step of the answer.
  equal(steps[1].key, "verified");
  deepStrictEqual(codesOf(d.effects()), ["COMMAND_SIGNATURE_INVALID"]);
  equal(d.state.commands!.lastTimestamp, -1);
  // The same timestamp, rightly signed, is not a replay: the refused one did not count.
  const good = d.signed(ping("p2"), { timestamp: bad.auth!.timestamp });
  d.receive(good);
  equal(d.sent().at(-1)!.event, "connection:health");
  equal(d.state.commands!.lastTimestamp, good.auth!.timestamp);
});

Deno.test("while the authorize hook decides, no message is read; a connection gone meanwhile starts nothing", () => {
  const d = new Driver({ holdAuthorize: true });
  const [asked] = d.receive(requestOf("r")).slice(-1);
  const ask = asked.effects[0];
  ok(ask.type === "authorize");
  equal(readsInput(d.state), false);
  throws(() => d.step({ type: "text", text: JSON.stringify(ping("p")) }));
  d.step({ type: "peerClosed" });
  const [late] = d.step({ type: "authorized", job: ask.job, decision: { value: true } });
  deepStrictEqual(late.effects, []);
  equal(d.state.downloads.length, 0);
  // Answered, the same request starts, and messages are read again.
  const e = new Driver({ holdAuthorize: true, source: false });
  const [asked2] = e.receive(requestOf("r")).slice(-1);
  const ask2 = asked2.effects[0];
  ok(ask2.type === "authorize");
  e.step({ type: "authorized", job: ask2.job, decision: { value: true } });
  equal(e.state.downloads.length, 1);
  equal(readsInput(e.state), true);
});

Deno.test("authorize narrows a download with its filters, added to the client's", () => {
  const d = new Driver({
    rows: 200,
    authorize: () => ({ value: { filters: [{ field: "user_id", operator: "eq", value: 7 }] } }),
  });
  d.receive(requestOf("mine"));
  const start = d.sent().find((m) => m.event === "download:start");
  ok(start?.event === "download:start");
  equal(start.data.totalRows, d.table.rows.filter((r) => r[5] === 7).length);
});

Deno.test("a hook that answers neither a boolean nor filters refuses, and says so in the log", () => {
  const d = new Driver({ authorize: () => ({ value: "yes" }) });
  d.receive(requestOf("r"));
  deepStrictEqual(codesOf(d.effects()), ["INTERNAL_ERROR"]);
  ok(d.effects().some((e) => e.type === "log"));
});

Deno.test("a signed-in identity's download takes a slot of the limiter and gives it back however it ends", () => {
  const released: number[] = [];
  for (const end of ["complete", "cancel", "close"] as const) {
    const d = new Driver({ tuning: { signIn: { anonymous: false } }, source: end === "complete" });
    d.signIn();
    d.receive(d.signed(requestOf("r")));
    const admit = d.effects().find((e) => e.type === "admit");
    ok(admit?.type === "admit");
    deepStrictEqual(admit.identity, (d.identity as { publicKey: string }).publicKey);
    if (end === "cancel") {
      d.receive(d.signed({ event: "download:cancel", data: {}, timestamp: 0, requestId: "r" }));
    }
    if (end === "close") d.step({ type: "peerClosed" });
    const release = d.effects().filter((e) => e.type === "release");
    equal(release.length, 1, end);
    released.push(release.length);
  }
  deepStrictEqual(released, [1, 1, 1]);
  // An anonymous download takes none.
  const anonymous = new Driver();
  anonymous.receive(requestOf("r"));
  equal(anonymous.effects().filter((e) => e.type === "admit" || e.type === "release").length, 0);
});

Deno.test("status:check lists finished downloads, then running ones, and the last 64 are remembered", () => {
  const d = new Driver({ rows: 5 });
  for (let i = 0; i < 70; i++) d.receive(requestOf(`done-${i}`));
  d.source = false;
  d.receive(requestOf("later"));
  d.receive({ event: "status:check", data: {}, timestamp: 0, requestId: "s" });
  const update = last(d)[0];
  ok(update.event === "status:update");
  const ids = update.data.downloads.map((s) => s.requestId);
  equal(ids.length, 65);
  equal(ids[0], "done-6");
  equal(ids.at(-2), "done-69");
  const done = update.data.downloads.at(-2)!;
  deepStrictEqual(done, {
    requestId: "done-69",
    phase: "complete",
    processedRows: 5,
    totalRows: 5,
    processedBytes: done.processedBytes,
  });
  deepStrictEqual(update.data.downloads.at(-1), {
    requestId: "later",
    phase: "requested",
    processedRows: 0,
    totalRows: 0,
    processedBytes: 0,
  });
  // A late ack or cancel of a remembered download is no error; of a forgotten one it is.
  d.receive({ event: "download:ack", data: { sequence: 0 }, timestamp: 0, requestId: "done-69" });
  deepStrictEqual(last(d), []);
  d.receive({ event: "download:cancel", data: {}, timestamp: 0, requestId: "done-0" });
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["UNKNOWN_REQUEST"]);
});

Deno.test("a parse failure is answered on download:error when it names a download event, else on system:error", () => {
  const d = new Driver();
  d.receive('{"event":"download:request","data":{},"timestamp":0,"requestId":"r1"}');
  equal(last(d)[0].event, "download:error");
  equal(last(d)[0].requestId, "r1");
  d.receive('{"event":"status:check","data":{"x":1},"timestamp":0,"requestId":"s1"}');
  equal(last(d)[0].event, "system:error");
  equal(last(d)[0].requestId, "s1");
  d.receive("{not json");
  equal(last(d)[0].requestId, "client");
  // And the connection goes on.
  d.receive(requestOf("ok", ALL));
  ok(d.sent().some((m) => m.event === "download:complete" && m.requestId === "ok"));
});

Deno.test("a payload the transport cannot decode is refused; a fatal one ends the connection with 4400", () => {
  const d = new Driver();
  d.step({ type: "undecodable", error: errorResponse("FRAME_TRUNCATED"), fatal: false });
  equal(d.state.phase, "guest");
  d.step({ type: "undecodable", error: errorResponse("REPLAYED_FRAME"), fatal: true });
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["REPLAYED_FRAME", 4400]);
  equal(d.state.phase, "closed");
  // Nothing happens after the end.
  deepStrictEqual(d.step({ type: "shutdown" })[0].effects, []);
});

Deno.test("shutdown says SERVER_SHUTTING_DOWN with its retryAfter, stops downloads without a word, closes 1001", () => {
  const d = new Driver({ source: false });
  d.receive(requestOf("r"));
  const [shut] = d.step({ type: "shutdown" });
  const [error] = shut.effects;
  ok(error.type === "send" && error.message.event === "system:error");
  equal(error.message.data.code, "SERVER_SHUTTING_DOWN");
  ok((error.message.data.retryAfter ?? 0) > 0);
  // The download ends without a word: the shell hears only that it ended, to free its reads.
  deepStrictEqual(shut.effects.map((e) => e.type), ["send", "jobEnded", "close"]);
  deepStrictEqual(shut.effects[2], { type: "close", code: 1001, reason: "SERVER_SHUTTING_DOWN" });
});

Deno.test("a download that ends, however it ends, says jobEnded once, after its last message", () => {
  const ends = {
    complete: (d: Driver) => d.receive(requestOf("r")),
    cancelled: (d: Driver) => {
      d.source = false;
      d.receive(requestOf("r"));
      d.receive({ event: "download:cancel", data: {}, timestamp: 0, requestId: "r" });
    },
    error: (d: Driver) => {
      d.source = false;
      d.receive(requestOf("r"));
      d.step({ type: "sourceFailed", job: d.state.downloads[0].job, kind: "timeout" });
    },
    aborted: (d: Driver) => {
      d.source = false;
      d.receive(requestOf("r"));
      d.step({ type: "peerClosed" });
    },
  };
  for (const [end, run] of Object.entries(ends)) {
    const d = new Driver({ rows: 5 });
    run(d);
    const effects = d.log.flatMap((l) => l.effects);
    const ended = effects.flatMap((e, i) => e.type === "jobEnded" ? [i] : []);
    deepStrictEqual(ended.length, 1, end);
    equal(d.state.downloads.length, 0, end);
    const lastAbout = effects.findLastIndex((e) =>
      (e.type === "send" && e.message.requestId === "r") || e.type === "sendFrame"
    );
    ok(lastAbout < ended[0], `${end}: jobEnded after the download's last message`);
  }
});

Deno.test("a source failure's kind picks the code: unavailable and timeout resume later, failed never", () => {
  const codes = (["unavailable", "timeout", "failed", "internal"] as const).map((kind) => {
    const d = new Driver({ source: false });
    d.receive(requestOf("r"));
    const [failed] = d.step({ type: "sourceFailed", job: d.state.downloads[0].job, kind });
    const [error] = failed.effects;
    ok(error.type === "send" && error.message.event === "download:error");
    const { code, recoverable, retryAfter } = error.message.data;
    return { kind, code, recoverable, retryAfter };
  });
  deepStrictEqual(codes, [
    { kind: "unavailable", code: "SOURCE_UNAVAILABLE", recoverable: true, retryAfter: 5000 },
    { kind: "timeout", code: "SOURCE_UNAVAILABLE", recoverable: true, retryAfter: 5000 },
    { kind: "failed", code: "SOURCE_FAILED", recoverable: false, retryAfter: undefined },
    { kind: "internal", code: "INTERNAL_ERROR", recoverable: true, retryAfter: 1000 },
  ]);
});
