// The limits on failed sign-ins (docs/PROTOCOL.md §19.5): the budget's rules on a fake clock, the
// session machine asking its port before any signature work and telling it of every failure, and
// a client that waits the retryAfter it is given.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { identityLabel } from "../protocol/auth.ts";
import { failuresAt, failureWait, withFailure } from "../protocol/sign_in_limits.ts";
import type { ServerMessage } from "../protocol/messages.ts";
import { codesOf, Driver } from "./_session_driver.ts";
import { limiterOver } from "./_sign_in_scenarios.ts";
import { Pair } from "./_pair.ts";

const BUDGET = { max: 3, windowMs: 60_000 };

/** The refusal a step sent, as code and retryAfter. */
function refusal(messages: readonly ServerMessage[]): { code?: string; retryAfter?: number } {
  for (const m of messages) {
    if (m.event === "system:error") return { code: m.data.code, retryAfter: m.data.retryAfter };
    if (m.event === "auth:result" && !m.data.authenticated) {
      return { code: m.data.error.code, retryAfter: m.data.error.retryAfter };
    }
  }
  return {};
}

Deno.test("a budget takes max failures at once, then one more each windowMs / max", () => {
  let count = undefined;
  for (let i = 0; i < BUDGET.max; i++) {
    equal(failureWait(count, BUDGET, 0), 0, `failure ${i + 1} fits`);
    count = withFailure(count, BUDGET, 0);
  }
  equal(failureWait(count, BUDGET, 0), 20_000);
  equal(failureWait(count, BUDGET, 19_999), 1);
  equal(failureWait(count, BUDGET, 20_000), 0);
  count = withFailure(count, BUDGET, 20_000);
  equal(failureWait(count, BUDGET, 20_000), 20_000);
});

Deno.test("failures drain away with time, and a clock that goes back drains nothing", () => {
  const full = { count: 3, at: 60_000 };
  equal(failuresAt(full, BUDGET, 120_000), 0);
  equal(failuresAt(full, BUDGET, 90_000), 1.5);
  equal(failuresAt(full, BUDGET, 0), 3);
  equal(failureWait(full, BUDGET, 0), 20_000);
});

Deno.test("a failure while over the budget does not lengthen the wait", () => {
  const full = { count: 3, at: 0 };
  deepStrictEqual(withFailure(full, BUDGET, 0), full);
});

Deno.test("over its budget, auth:nonce gets no challenge: SIGN_IN_RATE_LIMITED with retryAfter, then 4401", () => {
  const limiter = limiterOver(0, 7000);
  const d = new Driver({ tuning: { signIn: { anonymous: false, limiter } } });
  d.signIn();
  // No challenge was made, so no key pair and no server signature either.
  equal(d.sent().some((m) => m.event === "auth:challenge"), false);
  deepStrictEqual(refusal(d.sent()), { code: "SIGN_IN_RATE_LIMITED", retryAfter: 7000 });
  deepStrictEqual(codesOf(d.effects()).at(-1), 4401);
  equal(d.state.phase, "closed");
  equal(limiter.asked, 1);
  deepStrictEqual(limiter.failures, [], "a refusal for the limit is not a failure");
});

Deno.test("over its budget, a challenged answer is refused before its signature is looked at", () => {
  // The same refusal for the right signature and for garbage: the answer's content played no part.
  for (const signature of [undefined, "11".repeat(64)]) {
    const limiter = limiterOver(1, 4000);
    const d = new Driver({ tuning: { signIn: { limiter } } });
    d.signIn(signature === undefined ? {} : { signature });
    deepStrictEqual(refusal(d.sent()), { code: "SIGN_IN_RATE_LIMITED", retryAfter: 4000 });
    equal(d.effects().some((e) => e.type === "openSession"), false);
    deepStrictEqual(codesOf(d.effects()).at(-1), 4401);
    equal(limiter.asked, 2, "asked at the challenge and at the answer");
    // The challenge's charge, taken back when the answer came, and made again for its refusal.
    const id = identityLabel(d.identity);
    deepStrictEqual(limiter.failures, [id, id]);
    deepStrictEqual(limiter.answers, [id]);
  }
});

Deno.test("a challenge is charged as a failure of the identity it names when it is made", () => {
  const limiter = limiterOver(Infinity);
  const d = new Driver({ tuning: { signIn: { limiter } } });
  d.receive({
    event: "auth:nonce",
    data: { identity: d.identity, sessionKey: "02" + "11".repeat(32) },
    timestamp: 0,
    requestId: "n",
  });
  equal(d.state.phase, "challenged");
  deepStrictEqual(limiter.failures, [identityLabel(d.identity)]);
});

Deno.test("a token sign-in is charged to its address only: a token names nobody until it is checked", () => {
  const limiter = limiterOver(Infinity);
  const d = new Driver({ token: "hold", tuning: { signIn: { limiter } } });
  d.receive({
    event: "auth:nonce",
    data: { identity: { kind: "token" }, sessionKey: "02" + "11".repeat(32) },
    timestamp: 0,
    requestId: "n",
  });
  equal(d.state.phase, "challenged");
  deepStrictEqual(limiter.failures, [undefined]);
});

Deno.test("within its budget, a refused answer is one failure, with a challenge or without", () => {
  const limiter = limiterOver(Infinity);
  const d = new Driver({ tuning: { signIn: { limiter } } });
  d.signIn({ signature: "11".repeat(64) });
  deepStrictEqual(refusal(d.sent()).code, "AUTH_BAD_SIGNATURE");
  const id = identityLabel(d.identity);
  // Charged for the challenge, taken back for the answer, charged for its refusal: one in all.
  deepStrictEqual(limiter.failures, [id, id]);
  deepStrictEqual(limiter.answers, [id]);
  const unknown = new Driver({ tuning: { signIn: { limiter } } });
  unknown.receive({
    event: "auth:authenticate",
    data: { identity: unknown.identity, nonce: "00".repeat(32), signature: "00".repeat(64) },
    timestamp: 0,
    requestId: "a",
  });
  equal(refusal(unknown.sent()).code, "AUTH_NONCE_UNKNOWN");
  equal(limiter.failures.length, 3);
  equal(limiter.answers.length, 1, "no challenge, nothing to take back");
});

Deno.test("a right answer within the budget signs in and takes its challenge's charge back", () => {
  const limiter = limiterOver(Infinity);
  const d = new Driver({ tuning: { signIn: { limiter } } });
  d.signIn();
  equal(d.state.phase, "signedIn");
  deepStrictEqual(limiter.failures, [identityLabel(d.identity)]);
  deepStrictEqual(limiter.answers, [identityLabel(d.identity)]);
});

Deno.test("a second auth:nonce of a challenged connection is AUTH_IN_PROGRESS, not a question for the limiter", () => {
  const limiter = limiterOver(1);
  const d = new Driver({ tuning: { signIn: { limiter } } });
  const nonce = () =>
    d.receive({
      event: "auth:nonce",
      data: { identity: d.identity, sessionKey: "02" + "11".repeat(32) },
      timestamp: 0,
      requestId: "n",
    });
  nonce();
  nonce();
  equal(refusal(d.sent()).code, "AUTH_IN_PROGRESS");
  equal(limiter.asked, 1);
});

Deno.test("a client refused for the limit waits its retryAfter, longer than its own backoff, then signs in", () => {
  const RETRY_AFTER = 25_000;
  // Refused at its challenge (system:error), or at its answer (auth:result): the same wait.
  for (const refusedAt of [1, 2]) {
    const asked: number[] = [];
    const pair = new Pair({
      server: {
        signIn: {
          anonymous: false,
          limiter: {
            wait: (
              _identity,
              now,
            ) => (asked.push(now), asked.length === refusedAt ? RETRY_AFTER : 0),
            failed: () => {},
            answered: () => {},
          },
        },
      },
    });
    pair.connect();
    equal(pair.servers.length, 2);
    equal(refusal(pair.servers[0].sent()).code, "SIGN_IN_RATE_LIMITED");
    // The first backoff delay is at most 1.5 s: the wait is the server's.
    const back = asked[refusedAt] - asked[refusedAt - 1];
    ok(back >= RETRY_AFTER, `refused at question ${refusedAt}, came back after ${back} ms`);
  }
});
