// A wallet's delegation on the client's side (PROTOCOL.md §15.5): the delegate asks the wallet as
// seldom as it can, and the client delegates only to a server that takes delegations.
import { deepEqual, equal, notEqual, ok, rejects, throws } from "node:assert/strict";
import { signText, verifyText } from "../protocol/auth.ts";
import { delegationText } from "../protocol/wallet_texts.ts";
import { errorResponse } from "../protocol/errors.ts";
import { ConnectionSignIn } from "../client/sign_in.ts";
import { WalletDelegate } from "../client/delegation.ts";
import {
  account,
  check,
  countingWallet,
  DAY,
  delegateKey,
  FACTS,
  HOUR,
  NOW,
} from "./_delegation_fixtures.ts";

const HERE = { origin: FACTS.origin, chainId: FACTS.chainId };
const ELSEWHERE = { origin: "wss://other.example.com", chainId: FACTS.chainId };

Deno.test("the delegate asks the wallet once, shares the prompt, and asks again only when it must", async () => {
  const { state, wallet } = countingWallet();
  const delegate = new WalletDelegate(wallet, HOUR);
  // Two sign-ins at once (a connection replaced while the wallet was open): one prompt.
  const [a, b] = await Promise.all([
    delegate.sign(HERE, "one", DAY, NOW),
    delegate.sign(HERE, "two", DAY, NOW),
  ]);
  equal(state.asked, 1);
  equal(a.delegation, b.delegation);
  equal(a.fresh, true);
  equal(a.delegation.expiresAt, NOW + HOUR);
  // The delegation says what the server will check; each challenge gets its own signature.
  const text = delegationText({
    origin: FACTS.origin,
    address: account.address,
    delegateKey: a.delegation.key,
    issuedAt: NOW,
    expiresAt: NOW + HOUR,
    chainId: 1,
  });
  equal(a.delegation.issuedAt, NOW);
  equal(`0x${a.delegation.signature}`, await account.signMessage({ message: text }));
  ok(verifyText(a.delegation.key, "one", a.signature));
  ok(verifyText(b.delegation.key, "two", b.signature));
  // Later in the hour: the same delegation.
  const later = await delegate.sign(HERE, "three", DAY, NOW + 40 * 60_000);
  equal(later.delegation, a.delegation);
  equal(later.fresh, false);
  equal(state.asked, 1);
  // Within a minute of its end, for another origin, or refused once taken: asked again.
  const renewed = await delegate.sign(HERE, "four", DAY, NOW + HOUR - 30_000);
  equal(state.asked, 2);
  ok(renewed.delegation.key !== a.delegation.key, "a new delegation has a new key");
  const elsewhere = await delegate.sign(ELSEWHERE, "five", DAY, NOW + HOUR);
  equal(state.asked, 3);
  // A refusal of one no longer in use keeps the current one; a refusal of it does not.
  delegate.refused(renewed.delegation, false);
  equal((await delegate.sign(ELSEWHERE, "six", DAY, NOW + HOUR)).fresh, false);
  delegate.refused(elsewhere.delegation, false);
  equal((await delegate.sign(ELSEWHERE, "seven", DAY, NOW + HOUR)).fresh, true);
  equal(state.asked, 4);
  // A server whose limit is now below what the delegation has left: asked again.
  const limited = await delegate.sign(ELSEWHERE, "eight", 10 * 60_000, NOW + HOUR);
  equal(limited.fresh, true);
  equal(limited.delegation.expiresAt, NOW + HOUR + 9 * 60_000);
  equal(state.asked, 5);
  // The same origin naming another chain: the signed message names the chain, so asked again.
  const chain = await delegate.sign({ ...ELSEWHERE, chainId: 10 }, "nine", 10 * 60_000, NOW + HOUR);
  equal(chain.fresh, true);
  equal(state.asked, 6);
});

Deno.test("a new delegation leaves a tenth of the server's limit, at least a minute, for skew", async () => {
  const { wallet } = countingWallet();
  const signed = await new WalletDelegate(wallet, DAY).sign(HERE, "one", HOUR, NOW);
  equal(signed.delegation.expiresAt, NOW + 0.9 * HOUR);
  const short = await new WalletDelegate(wallet, DAY).sign(HERE, "one", 300_000, NOW);
  equal(short.delegation.expiresAt, NOW + 240_000);
  deepEqual(
    check({ delegation: signed.delegation, signature: signText(delegateKey, "x") }, HOUR),
    "AUTH_BAD_SIGNATURE",
    "a delegation for another key, but within the limit",
  );
  for (const bad of [0, -1, 1.5, NaN, Infinity, 299_999, 366 * DAY]) {
    throws(() => new WalletDelegate(wallet, bad), RangeError);
  }
});

Deno.test("a refused prompt is the answer of every sign-in waiting on it, and the next one asks again", async () => {
  const { state, wallet } = countingWallet();
  const delegate = new WalletDelegate(wallet, HOUR);
  let release = () => {};
  state.gate = new Promise((resolve) => release = resolve);
  state.refuse = true;
  const first = delegate.sign(HERE, "one", DAY, NOW);
  const second = delegate.sign(HERE, "two", DAY, NOW);
  release();
  await rejects(first, /User rejected/);
  await rejects(second, /User rejected/);
  equal(state.asked, 1);
  state.refuse = false;
  equal((await delegate.sign(HERE, "three", DAY, NOW)).fresh, true);
  equal(state.asked, 2);
});

Deno.test("a prompt the wallet never answers is given up on after five minutes", async () => {
  const { state, wallet } = countingWallet();
  const delegate = new WalletDelegate(wallet, HOUR);
  state.gate = new Promise(() => {}); // never settles
  void delegate.sign(HERE, "one", DAY, NOW);
  // Within the five minutes a sign-in waits on it; after them it asks again.
  const waiting = delegate.sign(HERE, "two", DAY, NOW + 299_999);
  equal(state.asked, 1);
  state.gate = Promise.resolve();
  const again = await delegate.sign(HERE, "three", DAY, NOW + 300_000);
  equal(state.asked, 2);
  equal(again.fresh, true);
  void waiting; // still waiting on the first prompt, as its sign-in's connection has long gone
});

Deno.test("the client delegates only to a server that says it takes delegations", async () => {
  const { state, wallet } = countingWallet();
  const credentials = {
    kind: "signer" as const,
    signer: wallet,
    delegate: new WalletDelegate(wallet, HOUR),
  };
  const challenge = {
    nonce: FACTS.nonce,
    issuedAt: NOW,
    expiresAt: NOW + 60_000,
    origin: FACTS.origin,
    sessionKey: FACTS.serverSessionKey,
    serverKey: FACTS.serverSessionKey,
    serverSignature: "00".repeat(64),
    encryption: true,
    chainId: 1,
  };
  const signIn = () => new ConnectionSignIn(credentials, `${FACTS.origin}/`, undefined);
  // No maxDelegationMs, or one too short to be worth it: the wallet signs the challenge.
  for (const maxDelegationMs of [undefined, 299_999]) {
    const r = await signIn().sign({ ...challenge, maxDelegationMs });
    ok(r.ok);
    equal(r.value.delegation, undefined);
    equal(r.value.signature?.length, 130);
  }
  equal(state.asked, 2);
  // A server that takes them: a delegation, then the same one on the next connection.
  const one = signIn();
  const first = await one.sign({ ...challenge, maxDelegationMs: DAY });
  ok(first.ok && first.value.delegation !== undefined);
  equal(first.value.signature?.length, 128);
  equal(state.asked, 3);
  // Taken by the server (no refusal), then refused as expired later on: dropped, and the wallet is
  // asked for a new one.
  const two = signIn();
  const second = await two.sign({ ...challenge, maxDelegationMs: DAY });
  ok(second.ok);
  equal(second.value.delegation, first.value.delegation);
  equal(state.asked, 3);
  two.refused(errorResponse("AUTH_DELEGATION_EXPIRED"));
  const three = signIn();
  const third = await three.sign({ ...challenge, maxDelegationMs: DAY });
  ok(third.ok);
  notEqual(third.value.delegation, first.value.delegation);
  equal(state.asked, 4);
  // Refused the moment the wallet signed it: the clocks disagree, and a new one would fare no
  // better. It is offered again on every attempt, refused or not, with no further prompt.
  three.refused(errorResponse("AUTH_DELEGATION_EXPIRED"));
  for (let attempt = 0; attempt < 3; attempt++) {
    const next = signIn();
    const r = await next.sign({ ...challenge, maxDelegationMs: DAY });
    ok(r.ok);
    equal(r.value.delegation, third.value.delegation);
    next.refused(errorResponse("AUTH_DELEGATION_EXPIRED"));
  }
  equal(state.asked, 4);
});
