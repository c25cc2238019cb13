// The server's counts of failed sign-ins (server/sign_in_failures.ts) on a fake clock, and the
// two bounds of the limits table they set, on a real server on loopback.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { challengeText, signText } from "../protocol/auth.ts";
import { addressKey } from "../server/address_key.ts";
import { SignInFailures } from "../server/sign_in_failures.ts";
import { startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";

const ROWS = 1000;

Deno.test("addresses count by IPv4 address and by IPv6 /64", () => {
  equal(addressKey("192.0.2.7"), "192.0.2.7");
  equal(addressKey("::ffff:192.0.2.7"), "192.0.2.7");
  equal(addressKey("2001:db8:a:b:1:2:3:4"), addressKey("2001:db8:a:b:ffff::1"));
  equal(addressKey("[2001:DB8:0a:b::1]"), "2001:db8:a:b::/64");
  ok(addressKey("2001:db8:a:b::1") !== addressKey("2001:db8:a:c::1"));
  equal(addressKey("::1"), "0:0:0:0::/64");
});

Deno.test("an address's failures refuse every identity from it, and no other address", () => {
  const failures = new SignInFailures({ failuresPerAddress: 2, failuresPerIdentity: 100 });
  const here = failures.forAddress("192.0.2.1");
  here.failed("a", 0);
  here.failed("b", 0);
  equal(here.wait("c", 0), 30_000);
  equal(failures.forAddress("192.0.2.2").wait("c", 0), 0);
  equal(here.wait("c", 30_000), 0);
});

Deno.test("an identity's failures refuse it from every address, and no other identity", () => {
  const failures = new SignInFailures({ failuresPerAddress: 100, failuresPerIdentity: 2 });
  failures.forAddress("192.0.2.1").failed("a", 0);
  failures.forAddress("192.0.2.2").failed("a", 0);
  equal(failures.forAddress("192.0.2.3").wait("a", 1000), 29_000);
  equal(failures.forAddress("192.0.2.3").wait("b", 1000), 0);
});

Deno.test("token sign-ins, which name nobody before their token is checked, count against their address only", () => {
  const failures = new SignInFailures({ failuresPerAddress: 3, failuresPerIdentity: 2 });
  const mallory = failures.forAddress("192.0.2.66");
  for (let i = 0; i < 3; i++) mallory.failed(undefined, 0);
  ok(mallory.wait(undefined, 0) > 0);
  // Had they counted against one "token" identity, every token user would be locked out now.
  equal(failures.forAddress("192.0.2.7").wait(undefined, 0), 0);
});

Deno.test("a flood of failures from fresh identities keeps about what has not drained away", () => {
  const failures = new SignInFailures({ failuresPerAddress: 1_000_000, failuresPerIdentity: 1 });
  const port = failures.forAddress("192.0.2.1");
  // One failure of a new identity every 10 ms for 200 s; each drains in 60 s, so 6,000 are live.
  let most = 0;
  for (let i = 0; i < 20_000; i++) {
    port.failed(`k${i}`, i * 10);
    most = Math.max(most, failures.counted);
  }
  ok(most <= 2 * 6_001 + 1, `at most twice the live counts, and a sweep's slack: ${most}`);
  ok(port.wait("k19999", 200_000) > 0, "a recent failure still counts");
  equal(port.wait("k0", 200_000), 0);
});

Deno.test("a right answer takes its challenge's charge back, and nothing more", () => {
  const failures = new SignInFailures({ failuresPerAddress: 2, failuresPerIdentity: 100 });
  const port = failures.forAddress("192.0.2.1");
  port.failed("attacker", 0);
  // Its own key signs in any number of times: each takes back only its own challenge's charge.
  for (let i = 0; i < 5; i++) {
    port.failed("own", 0);
    port.answered("own", 0);
  }
  equal(port.wait("x", 0), 0);
  port.failed("attacker", 0);
  equal(port.wait("x", 0), 30_000);
});

Deno.test("sign-in limits must be whole numbers of at least 1", () => {
  throws(() => new SignInFailures({ failuresPerAddress: 0 }), RangeError);
  throws(() => new SignInFailures({ failuresPerIdentity: 1.5 }), RangeError);
});

/** Sends `auth:nonce` for `peer`'s identity; the challenge, or the refusal that came instead. */
async function askChallenge(peer: SignedPeer): Promise<{ code?: string; retryAfter?: number }> {
  peer.send({
    event: "auth:nonce",
    data: { identity: peer.identity, sessionKey: peer.sessionPublicKey },
    timestamp: Date.now(),
    requestId: "auth-1",
  });
  const answer = await Promise.race([
    peer.message("auth:challenge").then((m) => ({ challenge: m.data })),
    peer.message("system:error").then((m) => ({ error: m.data })),
  ]);
  if ("challenge" in answer) {
    peer.challenge = answer.challenge;
    return {};
  }
  return { code: answer.error.code, retryAfter: answer.error.retryAfter };
}

/** One sign-in with a wrong signature, refused as a bad signature. */
async function failOnce(url: string, key = secp.utils.randomSecretKey()): Promise<void> {
  const peer = await SignedPeer.open(url, key);
  try {
    deepStrictEqual(await askChallenge(peer), {});
    const wrong = signText(secp.utils.randomSecretKey(), challengeText(peer.facts()));
    const result = await peer.authenticate(wrong);
    equal(!result.authenticated && result.error.code, "AUTH_BAD_SIGNATURE");
  } finally {
    await peer.close();
  }
}

Deno.test("an address past signInLimits.failuresPerAddress is refused with SIGN_IN_RATE_LIMITED and retryAfter, then SIGN_IN_FAILED, whatever identity it names", async () => {
  const server = startServer(ROWS, { anonymous: false, signInLimits: { failuresPerAddress: 2 } });
  try {
    await failOnce(server.url);
    await failOnce(server.url);
    // A third identity, never seen: refused for the address before any challenge is made.
    const peer = await SignedPeer.open(server.url);
    const refused = await askChallenge(peer);
    equal(refused.code, "SIGN_IN_RATE_LIMITED");
    ok((refused.retryAfter ?? 0) > 0 && refused.retryAfter! <= 30_000);
    equal((await peer.closed).code, 4401);
    await peer.close();
  } finally {
    await server.close();
  }
});

Deno.test("an identity past signInLimits.failuresPerIdentity is refused with SIGN_IN_RATE_LIMITED and retryAfter, then SIGN_IN_FAILED", async () => {
  const server = startServer(ROWS, { anonymous: false, signInLimits: { failuresPerIdentity: 2 } });
  const victim = secp.utils.randomSecretKey();
  try {
    await failOnce(server.url, victim);
    await failOnce(server.url, victim);
    // Even the key's owner, with the right signature, waits: the limit is checked first.
    const owner = await SignedPeer.open(server.url, victim);
    const refused = await askChallenge(owner);
    equal(refused.code, "SIGN_IN_RATE_LIMITED");
    ok((refused.retryAfter ?? 0) > 0);
    equal((await owner.closed).code, 4401);
    await owner.close();
    // Another identity from the same address signs in.
    const other = await SignedPeer.open(server.url);
    await other.signIn();
    await other.close();
  } finally {
    await server.close();
  }
});
