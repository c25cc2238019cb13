// Scenarios for each refusal of `auth:authenticate`, for tests/_session_scenarios.ts.
import { equal } from "node:assert/strict";
import type { SignInLimiter } from "../protocol/sign_in_limits.ts";
import { Driver } from "./_session_driver.ts";
import type { TokenRefusal } from "../protocol/session_token.ts";

/** A sign-in limiter port that counts what it is asked and told. */
export interface CountingLimiter extends SignInLimiter {
  /** How many times `wait` was asked. */
  asked: number;
  /** The identities whose failures it was told of (challenges made, answers refused), in order. */
  readonly failures: (string | undefined)[];
  /** The identities whose challenges were answered (their charges taken back), in order. */
  readonly answers: (string | undefined)[];
}

/** A port over its budget from its `free + 1`th question on (waiting `waitMs`), counting. */
export function limiterOver(free: number, waitMs = 5000): CountingLimiter {
  const port: CountingLimiter = {
    asked: 0,
    failures: [],
    answers: [],
    wait: () => port.asked++ < free ? 0 : waitMs,
    failed: (identity) => void port.failures.push(identity),
    answered: (identity) => void port.answers.push(identity),
  };
  return port;
}

/** A sign-in whose `auth:nonce` comes while the address or identity is over its budget. */
export function limitedChallenge(): Driver {
  const d = new Driver({ tuning: { signIn: { limiter: limiterOver(0) } } });
  d.signIn();
  return d;
}

/** A driver signed in on a server without anonymous access. */
export function signedIn(options: ConstructorParameters<typeof Driver>[0] = {}): Driver {
  const d = new Driver({ ...options, tuning: { signIn: { anonymous: false }, ...options.tuning } });
  d.signIn();
  equal(d.state.phase, "signedIn");
  return d;
}

/** A scenario for each code `auth:authenticate` may be refused with. */
export const AUTHENTICATE: Record<string, () => Driver> = {
  AUTH_NONCE_UNKNOWN: () => {
    const d = new Driver();
    d.receive({
      event: "auth:authenticate",
      data: { identity: d.identity, nonce: "00".repeat(32), signature: "00".repeat(64) },
      timestamp: 0,
      requestId: "a",
    });
    return d;
  },
  AUTH_NONCE_USED: () => {
    const d = signedIn();
    d.authenticate();
    return d;
  },
  AUTH_IDENTITY_MISMATCH: () => {
    const d = new Driver();
    d.signIn({ identity: { kind: "ethereum", address: "0x" + "11".repeat(20) } });
    return d;
  },
  AUTH_NONCE_EXPIRED: () => {
    const d = new Driver({ tuning: { signIn: { nonceTtlMs: 1000 } } });
    d.receive({
      event: "auth:nonce",
      data: { identity: d.identity, sessionKey: "02" + "11".repeat(32) },
      timestamp: 0,
      requestId: "n",
    });
    const challenge = d.sent().find((m) => m.event === "auth:challenge")!;
    d.challenge = challenge.data as never;
    d.now += 2000;
    d.authenticate();
    return d;
  },
  AUTH_BAD_SIGNATURE: () => {
    const d = new Driver();
    d.signIn({ signature: "11".repeat(64) });
    return d;
  },
  // The budget ran out between the challenge and the answer (another connection's failures).
  SIGN_IN_RATE_LIMITED: () => {
    const d = new Driver({ tuning: { signIn: { limiter: limiterOver(1) } } });
    d.signIn();
    return d;
  },
  AUTH_UNKNOWN_IDENTITY: () => {
    const d = new Driver({ tuning: { signIn: { allow: new Set(["0x" + "00".repeat(20)]) } } });
    d.signIn();
    return d;
  },
  AUTH_CONTRACT_WALLET_UNSUPPORTED: () => {
    // An Ethereum account's answer of another length than an ECDSA signature's (§15.7).
    const d = new Driver();
    const identity = { kind: "ethereum" as const, address: "0x" + "ab".repeat(20) };
    d.receive({
      event: "auth:nonce",
      data: { identity, sessionKey: "02" + "11".repeat(32) },
      timestamp: 0,
      requestId: "n",
    });
    const challenge = d.sent().find((m) => m.event === "auth:challenge")!.data as { nonce: string };
    d.receive({
      event: "auth:authenticate",
      data: { identity, nonce: challenge.nonce, signature: "ab".repeat(130) },
      timestamp: 0,
      requestId: "a",
    });
    return d;
  },
  AUTH_TOKEN_UNSUPPORTED: () => {
    const d = new Driver({ token: "hold", tuning: { signIn: { tokens: false } } });
    d.signIn();
    return d;
  },
  ...Object.fromEntries(
    (["AUTH_DELEGATION_EXPIRED", "AUTH_DELEGATION_TOO_LONG", "INVALID_VALUE"] as const).map(
      (code) => [code, () => delegated(code)],
    ),
  ),
};

/** A sign-in with a delegation its terms refuse before any signature is checked. */
function delegated(code: string): Driver {
  const d = new Driver({ tuning: { signIn: { maxDelegationMs: 60_000 } } });
  const address = "0x" + "ab".repeat(20);
  const identity = code === "INVALID_VALUE" ? d.identity : { kind: "ethereum" as const, address };
  d.receive({
    event: "auth:nonce",
    data: { identity, sessionKey: "02" + "11".repeat(32) },
    timestamp: 0,
    requestId: "n",
  });
  const challenge = d.sent().find((m) => m.event === "auth:challenge")!.data as { nonce: string };
  const expiresAt = code === "AUTH_DELEGATION_EXPIRED" ? d.now - 1 : d.now + 120_000;
  d.receive({
    event: "auth:authenticate",
    data: {
      identity,
      nonce: challenge.nonce,
      signature: "00".repeat(64),
      delegation: {
        key: "02" + "22".repeat(32),
        issuedAt: d.now,
        expiresAt,
        signature: "00".repeat(65),
      },
    },
    timestamp: 0,
    requestId: "a",
  });
  return d;
}

/** Every code the shell's verdict on a sealed token may refuse it with (session_token.ts). */
const TOKEN_REFUSALS: readonly TokenRefusal[] = [
  "AUTH_TOKEN_SEAL",
  "AUTH_TOKEN_MALFORMED",
  "AUTH_TOKEN_ALGORITHM",
  "AUTH_TOKEN_SIGNATURE",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_TOKEN_NOT_YET_VALID",
  "AUTH_TOKEN_ISSUER",
  "AUTH_TOKEN_AUDIENCE",
  "AUTH_TOKEN_REFUSED",
  "AUTH_TOKEN_KEYS_DOWN",
];

/** A scenario for each code `tokenChecked` may refuse a sign-in with: the shell's verdict. */
export const TOKEN_CHECKED: Record<string, () => Driver> = Object.fromEntries(
  TOKEN_REFUSALS.map((code) => [code, () => {
    const d = new Driver({ token: { ok: false, code } });
    d.signIn();
    return d;
  }]),
);
