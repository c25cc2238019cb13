import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { backoffBounds } from "../protocol/backoff.ts";
import { step } from "../protocol/connection_machine.ts";
import {
  type ConnectionConfig,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionState,
  initialConnectionState,
  isConnected,
  type MachineClock,
  MAX_SIGNING_WAIT_MS,
} from "../protocol/connection_state.ts";
import {
  CONNECTION_EVENT_KEYS,
  CONNECTION_EVENT_SOURCES,
  CONNECTION_PHASES,
  CONNECTION_TRANSITIONS,
  type ConnectionEventKey,
} from "../protocol/connection_table.ts";
import { connectionStateDiagram, connectionTableMarkdown } from "../protocol/_machine_docs.ts";
import { errorResponse } from "../protocol/errors.ts";
import type { AuthChallenge, Identity, SystemHealth } from "../protocol/messages.ts";
import { mulberry32 } from "../server/demo_data.ts";

const T0 = 1_710_923_400_000;
const at = (now: number, random = 0): MachineClock => ({ now, random });
const CHALLENGE: AuthChallenge = {
  nonce: "0f".repeat(32),
  expiresAt: T0 + 60_000,
  origin: "ws://x",
  sessionKey: "02" + "c".repeat(64),
  serverKey: "03" + "d".repeat(64),
  serverSignature: "e".repeat(128),
  encryption: true,
};
const IDENTITY: Identity = { kind: "secp256k1", publicKey: "02" + "a".repeat(64) };
const HEALTH: SystemHealth = {
  status: "ok",
  serverTime: T0,
  uptimeMs: 5,
  connections: 1,
  activeDownloads: 0,
  load: 0.1,
};
const REFUSED = errorResponse("INVALID_VALUE");
const BUSY = errorResponse("TOO_MANY_DOWNLOADS");

/** Runs events from a state, returning the last step and every effect. */
function run(state: ConnectionState, events: ConnectionEvent[], clock = at(T0)) {
  const effects: ConnectionEffect[] = [];
  for (const event of events) {
    const r = step(state, event, clock);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

const fresh = (config: Partial<ConnectionConfig> = {}) =>
  initialConnectionState({ authenticate: true, ...config });
const AUTH_TO_OPEN: ConnectionEvent[] = [
  { type: "connect" },
  { type: "opened" },
  { type: "challenge", challenge: CHALLENGE },
  { type: "signed", identity: IDENTITY, signature: "ab".repeat(64) },
  { type: "authResult", result: { authenticated: true, token: "t", expiresAt: T0 + 1 } },
];
const open = () =>
  run(fresh({ authenticate: false }), [{ type: "connect" }, { type: "opened" }]).state;

/** States covering every phase and the sub-states its guards look at. */
function representativeStates(): [string, ConnectionState][] {
  const authed = fresh();
  const list: [string, ConnectionState][] = [
    ["idle", authed],
    ["connecting", run(authed, AUTH_TO_OPEN.slice(0, 1)).state],
    ["connecting/no sign-in", run(fresh({ authenticate: false }), [{ type: "connect" }]).state],
    ["authenticating/challenge", run(authed, AUTH_TO_OPEN.slice(0, 2)).state],
    ["authenticating/signing", run(authed, AUTH_TO_OPEN.slice(0, 3)).state],
    ["authenticating/result", run(authed, AUTH_TO_OPEN.slice(0, 4)).state],
    ["open", run(authed, AUTH_TO_OPEN).state],
    ["open/ping", run(authed, [...AUTH_TO_OPEN, { type: "timer", name: "heartbeat" }]).state],
    ["reconnecting", run(open(), [{ type: "closed", code: 1006, reason: "" }]).state],
    [
      "failed",
      run(fresh({ backoff: { maxAttempts: 0 } }), [
        { type: "connect" },
        { type: "closed", code: 1006, reason: "" },
      ]).state,
    ],
    ["closed", run(authed, [{ type: "close" }]).state],
  ];
  // The same states with every reconnect attempt used up, so outages fail.
  const exhausted = list.map(([label, s]): [string, ConnectionState] => [
    `${label} (attempts used up)`,
    { ...s, attempt: s.config.backoff.maxAttempts },
  ]);
  return [...list, ...exhausted];
}

/** Events of every key, with the variants whose content the guards look at. */
const EVENTS: Record<ConnectionEventKey, ConnectionEvent[]> = {
  connect: [{ type: "connect" }],
  close: [{ type: "close" }],
  opened: [{ type: "opened" }],
  closed: [{ type: "closed", code: 1006, reason: "" }],
  challenge: [{ type: "challenge", challenge: CHALLENGE }],
  signed: [{ type: "signed", identity: IDENTITY, signature: "cd".repeat(64) }],
  authResult: [
    { type: "authResult", result: { authenticated: true, token: "t", expiresAt: T0 } },
    { type: "authResult", result: { authenticated: false, error: BUSY } },
    { type: "authResult", result: { authenticated: false, error: REFUSED } },
  ],
  pong: [
    { type: "pong", requestId: "ping-1", health: HEALTH },
    { type: "pong", requestId: "ping-999", health: HEALTH },
  ],
  "timer.reconnect": [{ type: "timer", name: "reconnect" }],
  "timer.handshake": [{ type: "timer", name: "handshake" }],
  "timer.heartbeat": [{ type: "timer", name: "heartbeat" }],
  "timer.heartbeatTimeout": [{ type: "timer", name: "heartbeatTimeout" }],
};

Deno.test("every phase and event key does what the transition table says", () => {
  const states = representativeStates();
  deepStrictEqual(new Set(states.map(([, s]) => s.phase)), new Set(CONNECTION_PHASES));
  deepStrictEqual(Object.keys(EVENTS).sort(), [...CONNECTION_EVENT_KEYS].sort());
  const reached = new Set<string>();
  for (const [label, state] of states) {
    for (const key of CONNECTION_EVENT_KEYS) {
      for (const event of EVENTS[key]) {
        const where = `${label} + ${JSON.stringify(event)}`;
        const r = step(state, event, at(T0 + 5, 0.5));
        const changes = r.effects.filter((e) => e.type === "stateChanged");
        deepStrictEqual(
          changes,
          r.state.phase === state.phase
            ? []
            : [{ type: "stateChanged", from: state.phase, to: r.state.phase }],
          where,
        );
        const allowed = CONNECTION_TRANSITIONS[state.phase][key];
        if (allowed !== undefined) {
          ok(allowed.includes(r.state.phase), `${where} -> ${r.state.phase}`);
          reached.add(`${state.phase} ${key} ${r.state.phase}`);
          continue;
        }
        const source = CONNECTION_EVENT_SOURCES[key];
        const error = errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: key });
        if (source === "local") {
          equal(r.state, state, where);
          deepStrictEqual(r.effects, [{ type: "rejected", error }], where);
        } else if (
          source === "peer" && ["connecting", "authenticating", "open"].includes(state.phase)
        ) {
          ok(["reconnecting", "failed"].includes(r.state.phase), where);
          ok(r.effects.some((e) => e.type === "closeSocket" && e.code === 4000), where);
        } else {
          equal(r.state, state, where);
          deepStrictEqual(r.effects, [], where);
        }
      }
    }
  }
  // Every target the table lists is reachable: the table has no dead entries.
  for (const phase of CONNECTION_PHASES) {
    for (const [key, targets] of Object.entries(CONNECTION_TRANSITIONS[phase])) {
      for (const to of targets ?? []) {
        ok(reached.has(`${phase} ${key} ${to}`), `${phase} ${key} ${to}`);
      }
    }
  }
});

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
  const long = step(open(), { type: "closed", code: 1012, reason: "", retryAfter: 60_000 }, at(T0));
  deepStrictEqual(long.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 60_000 });
  const short = step(open(), { type: "closed", code: 1012, reason: "", retryAfter: 10 }, at(T0, 0));
  deepStrictEqual(short.effects.at(-1), { type: "startTimer", name: "reconnect", ms: 1000 });
});

Deno.test("a reconnect is announced as such and resets the attempt count", () => {
  const lost = run(open(), [{ type: "closed", code: 1006, reason: "" }]).state;
  equal(lost.attempt, 1);
  const back = run(lost, [{ type: "timer", name: "reconnect" }, { type: "opened" }]);
  equal(back.state.attempt, 0);
  ok(back.effects.some((e) => e.type === "ready" && e.reconnected));
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
      error: errorResponse("CONNECTION_FAILED", { cause: "HANDSHAKE_TIMEOUT", attempts: 2 }),
    },
  ]);
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

Deno.test("a seeded random walk never leaves the table", () => {
  const seed = 20_240_320;
  const random = mulberry32(seed);
  const all = Object.values(EVENTS).flat();
  let state = fresh({ backoff: { maxAttempts: 3 } });
  for (let i = 0; i < 5000; i++) {
    const event = all[Math.floor(random() * all.length)];
    const r = step(state, event, at(T0 + i, random())); // throws if the code leaves the table
    ok(r.state.attempt <= 3, `seed ${seed} step ${i}`);
    ok(r.state.phase !== "open" || r.state.attempt === 0, `seed ${seed} step ${i}`);
    state = r.state.phase === "closed" ? fresh({ backoff: { maxAttempts: 3 } }) : r.state;
  }
});

Deno.test("the rendered table and diagram are deterministic and survive deno fmt", async () => {
  const table = connectionTableMarkdown();
  equal(table, connectionTableMarkdown());
  equal(table.split("\n").length, 2 + CONNECTION_PHASES.length);
  ok(table.includes("| open "));
  const diagram = connectionStateDiagram();
  ok(diagram.includes("  idle --> connecting: connect\n"));
  ok(diagram.includes("  open --> reconnecting: closed, timer.heartbeatTimeout\n"));
  const doc = `# T\n\n${table}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n`;
  equal(await fmt(doc), doc);
});

async function fmt(markdown: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(markdown));
  await writer.close();
  return new TextDecoder().decode((await child.output()).stdout);
}
