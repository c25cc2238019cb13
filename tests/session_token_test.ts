// The token half of the server session machine (protocol/session_token.ts, PROTOCOL.md §15.8):
// what it asks the shell to open, who signs in, how long the session lasts, and the refusals
// that come before anything is opened. The shell's verdict is the driver's option; the seal's
// crypto is proven in token_sealing_test.ts and end to end in token_cli_test.ts.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText } from "../protocol/auth.ts";
import { sharedSecret } from "../protocol/session_crypto.ts";
import type { SessionEffect } from "../protocol/session_state.ts";
import { ALICE, ALL, codesOf, Driver, requestOf } from "./_session_driver.ts";
import { PAIR_ORIGIN } from "./_memory_source.ts";

const closed = (effects: readonly SessionEffect[]) => codesOf(effects);

Deno.test("a token's answer asks the shell to open its seal with this connection's secret and challenge text", () => {
  const d = new Driver({ token: "hold" });
  d.signIn();
  equal(d.state.phase, "opening");
  const open = d.effects().find((e) => e.type === "openToken");
  ok(open?.type === "openToken");
  const c = d.challenge!;
  const clientSessionKey = bytesToHex(secp.getPublicKey(d.sessionSecret));
  equal(
    open.challenge,
    challengeText({
      origin: PAIR_ORIGIN,
      identity: { kind: "token" },
      nonce: c.nonce,
      clientSessionKey,
      serverSessionKey: c.sessionKey,
      issuedAt: c.issuedAt,
      expiresAt: c.expiresAt,
      encryption: c.encryption,
      chainId: c.chainId,
    }),
  );
  ok(open.challenge.includes("\nIdentity: token\n"));
  deepStrictEqual(open.shared, sharedSecret(d.sessionSecret, c.sessionKey));
  equal(open.nonce, c.nonce);
  equal(open.sealedToken, "c2VhbGVk");
  // Nothing else is read until the verdict comes.
  equal(d.state.waiting?.for, "token");
  d.checkToken(ALICE);
  equal(d.state.phase, "signedIn");
});

Deno.test("a verified token signs in as its subject and claims: authorize sees them, limits count by the subject", () => {
  const seen: unknown[] = [];
  const admitted: string[] = [];
  const d = new Driver({
    token: { ok: true, subject: "alice", claims: { sub: "alice", acct: 7 } },
    authorize: (identity) => {
      seen.push(identity);
      return { value: true };
    },
    admit: (identity) => {
      admitted.push(identity);
      return { ok: true };
    },
  });
  d.signIn();
  equal(d.state.phase, "signedIn");
  d.receive(d.signed(requestOf("r", ALL)));
  deepStrictEqual(seen, [{ kind: "token", subject: "alice", claims: { sub: "alice", acct: 7 } }]);
  deepStrictEqual(admitted, ["token:alice"]);
});

Deno.test("a token signs in past an allow list of keys: its verifier is what admits it", () => {
  const d = new Driver({
    token: ALICE,
    tuning: { signIn: { allow: new Set(["0x" + "00".repeat(20)]) } },
  });
  d.signIn();
  equal(d.state.phase, "signedIn");
});

Deno.test("a session a token opened ends when the token does: the next command is SESSION_EXPIRED and 4401", () => {
  const d = new Driver({ token: "hold", tuning: { signIn: { anonymous: false } } });
  d.signIn();
  d.checkToken({ ...ALICE, expiresAt: d.now + 5_000 });
  equal(d.state.phase, "signedIn");
  equal(d.state.commands?.expiresAt, d.now + 5_000);
  d.now += 4_000;
  d.receive(d.signed({ event: "status:check", data: {}, timestamp: d.now, requestId: "s" }));
  equal(d.state.phase, "signedIn");
  d.now += 2_000;
  const steps = d.receive(
    d.signed({ event: "status:check", data: {}, timestamp: d.now, requestId: "s2" }),
  );
  deepStrictEqual(closed(steps.flatMap((s) => s.effects)), ["SESSION_EXPIRED", 4401]);
});

Deno.test("a token that outlives the server's session lifetime gets the server's", () => {
  const d = new Driver({ token: "hold", tuning: { signIn: { sessionTtlMs: 60_000 } } });
  d.signIn();
  d.step({ type: "tokenChecked", verdict: { ...ALICE, expiresAt: d.now + 3_600_000 } });
  equal(d.state.commands?.expiresAt, d.now + 60_000);
});

Deno.test("a token refused by the shell is answered on auth:result with its code and 4401", () => {
  const d = new Driver({ token: { ok: false, code: "AUTH_TOKEN_AUDIENCE", reason: "aud x" } });
  d.signIn();
  const result = d.sent().find((m) => m.event === "auth:result");
  ok(result?.event === "auth:result" && !result.data.authenticated);
  equal(result.data.error.code, "AUTH_TOKEN_AUDIENCE");
  equal(result.data.error.details?.reason, "aud x");
  equal(d.state.phase, "closed");
});

Deno.test("a signature where a sealed token belongs, or a sealed token where a signature does, is INVALID_VALUE", () => {
  const token = new Driver({ token: ALICE });
  token.receive({
    event: "auth:nonce",
    data: { identity: { kind: "token" }, sessionKey: "02" + "11".repeat(32) },
    timestamp: 0,
    requestId: "n",
  });
  const nonce = (token.sent()[0].data as { nonce: string }).nonce;
  const steps = token.receive({
    event: "auth:authenticate",
    data: { identity: { kind: "token" }, nonce, signature: "00".repeat(64) },
    timestamp: 0,
    requestId: "a",
  });
  const result = steps.flatMap((s) => s.effects).find((e) => e.type === "send");
  ok(result?.type === "send" && result.message.event === "auth:result");
  ok(!result.message.data.authenticated);
  equal(result.message.data.error.code, "INVALID_VALUE");
  equal(result.message.data.error.details?.path, "data.sealedToken");

  const both = new Driver({ token: ALICE });
  both.receive({
    event: "auth:nonce",
    data: { identity: { kind: "token" }, sessionKey: "02" + "11".repeat(32) },
    timestamp: 0,
    requestId: "n",
  });
  const bothNonce = (both.sent()[0].data as { nonce: string }).nonce;
  const twice = both.receive({
    event: "auth:authenticate",
    data: {
      identity: { kind: "token" },
      nonce: bothNonce,
      sealedToken: "c2VhbGVk",
      signature: "00".repeat(64),
    },
    timestamp: 0,
    requestId: "a",
  });
  const refusedBoth = twice.flatMap((s) => s.effects).find((e) => e.type === "send");
  ok(refusedBoth?.type === "send" && refusedBoth.message.event === "auth:result");
  ok(!refusedBoth.message.data.authenticated);
  equal(refusedBoth.message.data.error.details?.path, "data.signature");

  const key = new Driver();
  key.receive({
    event: "auth:nonce",
    data: { identity: key.identity, sessionKey: "02" + "11".repeat(32) },
    timestamp: 0,
    requestId: "n",
  });
  const keyNonce = (key.sent()[0].data as { nonce: string }).nonce;
  const refused = key.receive({
    event: "auth:authenticate",
    data: { identity: key.identity, nonce: keyNonce, sealedToken: "c2VhbGVk" },
    timestamp: 0,
    requestId: "a",
  });
  deepStrictEqual(closed(refused.flatMap((s) => s.effects)), ["INVALID_VALUE", 4401]);
});

Deno.test("a server without a token check refuses a token with AUTH_TOKEN_UNSUPPORTED before opening anything", () => {
  const d = new Driver({ token: "hold", tuning: { signIn: { tokens: false } } });
  d.signIn();
  equal(d.effects().some((e) => e.type === "openToken"), false);
  deepStrictEqual(closed(d.effects()), ["AUTH_TOKEN_UNSUPPORTED", 4401]);
});

Deno.test("a verdict that comes after the connection closed changes nothing", () => {
  const d = new Driver({ token: "hold" });
  d.signIn();
  d.step({ type: "peerClosed" });
  const late = d.step({ type: "tokenChecked", verdict: ALICE });
  equal(d.state.phase, "closed");
  deepStrictEqual(late.flatMap((s) => s.effects), []);
});

Deno.test("a check that fails (a hook that threw) refuses the sign-in with INTERNAL_ERROR, which is recoverable", () => {
  const d = new Driver({ token: "hold" });
  d.signIn();
  const steps = d.step({ type: "fault", reason: "token" });
  deepStrictEqual(closed(steps.flatMap((s) => s.effects)), ["INTERNAL_ERROR", 4401]);
});
