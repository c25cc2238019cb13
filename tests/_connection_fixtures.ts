// What the connection machine tests share: a clock, a challenge, an identity, ways to reach each
// phase, and an event of every table key.
import { step } from "../protocol/connection_machine.ts";
import {
  type ConnectionConfig,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionState,
  initialConnectionState,
  type MachineClock,
} from "../protocol/connection_state.ts";
import type { ConnectionEventKey } from "../protocol/connection_table.ts";
import { errorResponse } from "../protocol/errors.ts";
import type { AuthChallenge, Identity, SystemHealth } from "../protocol/messages.ts";

export const T0 = 1_710_923_400_000;
export const at = (now: number, random = 0): MachineClock => ({ now, random });
export const CHALLENGE: AuthChallenge = {
  nonce: "0f".repeat(32),
  issuedAt: T0,
  expiresAt: T0 + 60_000,
  origin: "ws://x",
  sessionKey: "02" + "c".repeat(64),
  serverKey: "03" + "d".repeat(64),
  serverSignature: "e".repeat(128),
  encryption: true,
  chainId: 1,
};
export const IDENTITY: Identity = { kind: "secp256k1", publicKey: "02" + "a".repeat(64) };
export const HEALTH: SystemHealth = {
  status: "ok",
  serverTime: T0,
  uptimeMs: 5,
  connections: 1,
  activeDownloads: 0,
  load: 0.1,
};
export const REFUSED = errorResponse("INVALID_VALUE");
export const BUSY = errorResponse("TOO_MANY_DOWNLOADS");

/** Runs events from a state, returning the last step and every effect. */
export function run(state: ConnectionState, events: ConnectionEvent[], clock = at(T0)) {
  const effects: ConnectionEffect[] = [];
  for (const event of events) {
    const r = step(state, event, clock);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

export const fresh = (config: Partial<ConnectionConfig> = {}) =>
  initialConnectionState({ authenticate: true, ...config });
export const AUTH_TO_OPEN: ConnectionEvent[] = [
  { type: "connect" },
  { type: "opened" },
  { type: "challenge", challenge: CHALLENGE },
  { type: "signed", identity: IDENTITY, signature: "ab".repeat(64) },
  { type: "authResult", result: { authenticated: true, token: "t", expiresAt: T0 + 1 } },
];
export const open = () =>
  run(fresh({ authenticate: false }), [{ type: "connect" }, { type: "opened" }]).state;

/** States covering every phase and the sub-states its guards look at. */
export function representativeStates(): [string, ConnectionState][] {
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
  // And with fail-fast on, so that the first connection's unreachable server fails it.
  const failFast = list.map(([label, s]): [string, ConnectionState] => [
    `${label} (fail-fast)`,
    { ...s, config: { ...s.config, failFast: true } },
  ]);
  return [...list, ...exhausted, ...failFast];
}

/** Events of every key, with the variants whose content the guards look at. */
export const EVENTS: Record<ConnectionEventKey, ConnectionEvent[]> = {
  connect: [{ type: "connect" }],
  close: [{ type: "close" }],
  opened: [{ type: "opened" }],
  closed: [{ type: "closed", code: 1006, reason: "" }],
  violation: [{ type: "violation", code: "DECRYPTION_FAILED" }],
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
  serverError: [
    { type: "serverError", error: errorResponse("SERVER_SHUTTING_DOWN") },
    { type: "serverError", error: errorResponse("COMMAND_STALE") },
  ],
  "timer.reconnect": [{ type: "timer", name: "reconnect" }],
  "timer.handshake": [{ type: "timer", name: "handshake" }],
  "timer.heartbeat": [{ type: "timer", name: "heartbeat" }],
  "timer.heartbeatTimeout": [{ type: "timer", name: "heartbeatTimeout" }],
};
