// A wallet's delegation (PROTOCOL.md §15.5): the server's checks, the client's delegate, and a
// wallet asked once through a download that loses its connection three times.
import { deepEqual, equal, notEqual, ok, rejects, throws } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
import {
  challengeText,
  delegationText,
  type SignInFacts,
  signText,
  verifyText,
} from "../protocol/auth.ts";
import type { AuthAuthenticate, AuthDelegation, Identity } from "../protocol/messages.ts";
import { errorResponse } from "../protocol/errors.ts";
import { ConnectionSignIn } from "../client/sign_in.ts";
import { createServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { parseClientMessage } from "../protocol/parse.ts";
import { checkAuthenticate } from "../protocol/sign_in.ts";
import { WalletDelegate } from "../client/delegation.ts";
import { ClientBuilder } from "../client/client_builder.ts";
import { demoPath, downloadCsv, RawPeer, startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { CuttingProxy } from "./_proxy.ts";

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const account = privateKeyToAccount(`0x${"0a".repeat(32)}`);
/** The account as an `EthereumSigner`: viem's `signMessage` takes `{ message }`. */
const accountSigner = {
  address: account.address,
  signMessage: (message: string) => account.signMessage({ message }),
};
const other = privateKeyToAccount(`0x${"0b".repeat(32)}`);
const delegateKey = secp.utils.randomSecretKey();
const DELEGATE = bytesToHex(secp.getPublicKey(delegateKey));

const FACTS: SignInFacts = {
  origin: "wss://export.example.com",
  identity: { kind: "ethereum", address: account.address.toLowerCase() },
  nonce: "5a".repeat(32),
  clientSessionKey: "02" + "11".repeat(32),
  serverSessionKey: "03" + "22".repeat(32),
  expiresAt: NOW + 60_000,
  encryption: true,
};

/** A delegation signed by viem (an independent EIP-191 implementation). */
async function delegation(
  { by = account, origin = FACTS.origin, key = DELEGATE, expiresAt = NOW + HOUR } = {},
): Promise<AuthDelegation> {
  const text = delegationText({ origin, address: account.address, delegateKey: key, expiresAt });
  const signature = (await by.signMessage({ message: text })).slice(2);
  return { key, expiresAt, signature };
}

function check(message: Partial<AuthAuthenticate>, maxDelegationMs = DAY) {
  const full: AuthAuthenticate = {
    identity: FACTS.identity,
    nonce: FACTS.nonce,
    signature: signText(delegateKey, challengeText(FACTS)),
    ...message,
  };
  const r = checkAuthenticate({ facts: FACTS, used: false }, full, NOW, maxDelegationMs);
  return r.ok ? r.value : r.error.code;
}

Deno.test("a challenge signed by a key the account delegated to signs in as the account", async () => {
  deepEqual(check({ delegation: await delegation() }), FACTS.identity);
  // The address as the identity gives it, in any case, is the same account.
  const mixed = { kind: "ethereum" as const, address: account.address };
  deepEqual(check({ identity: mixed, delegation: await delegation() }), FACTS.identity);
});

Deno.test("each bad delegation is refused with its own code", async () => {
  equal(check({ delegation: await delegation({ expiresAt: NOW - 1 }) }), "AUTH_DELEGATION_EXPIRED");
  equal(
    check({ delegation: await delegation({ expiresAt: NOW + DAY + 1 }) }),
    "AUTH_DELEGATION_TOO_LONG",
  );
  // A server that takes no delegations at all.
  equal(check({ delegation: await delegation() }, 0), "AUTH_DELEGATION_TOO_LONG");
  // Past what a Date can print: refused before any text is built.
  const far = { ...(await delegation()), expiresAt: Number.MAX_SAFE_INTEGER };
  equal(check({ delegation: far }), "AUTH_DELEGATION_TOO_LONG");
  // Signed by another account, for another origin, or for another key.
  equal(check({ delegation: await delegation({ by: other }) }), "AUTH_BAD_SIGNATURE");
  equal(
    check({ delegation: await delegation({ origin: "wss://evil.example" }) }),
    "AUTH_BAD_SIGNATURE",
  );
  const stranger = bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey()));
  equal(check({ delegation: await delegation({ key: stranger }) }), "AUTH_BAD_SIGNATURE");
  // A good delegation, but the challenge signed by some other key.
  const wrongSigner = signText(secp.utils.randomSecretKey(), challengeText(FACTS));
  equal(check({ delegation: await delegation(), signature: wrongSigner }), "AUTH_BAD_SIGNATURE");
  // A good delegation, but the challenge of another nonce.
  const otherNonce = signText(delegateKey, challengeText({ ...FACTS, nonce: "00".repeat(32) }));
  equal(check({ delegation: await delegation(), signature: otherNonce }), "AUTH_BAD_SIGNATURE");
  // Only an Ethereum account delegates: a raw key signs for itself.
  const keyIdentity = { kind: "secp256k1" as const, publicKey: DELEGATE };
  const asKey = checkAuthenticate(
    { facts: { ...FACTS, identity: keyIdentity }, used: false },
    {
      identity: keyIdentity,
      nonce: FACTS.nonce,
      signature: signText(delegateKey, challengeText({ ...FACTS, identity: keyIdentity })),
      delegation: await delegation(),
    },
    NOW,
    DAY,
  );
  equal(asKey.ok ? "ok" : asKey.error.code, "INVALID_VALUE");
});

Deno.test("a malformed delegation is refused by the parser, field by field", async () => {
  const good = await delegation();
  const parse = (delegation: unknown) => {
    const r = parseClientMessage(JSON.stringify({
      event: "auth:authenticate",
      data: {
        identity: FACTS.identity,
        nonce: FACTS.nonce,
        signature: "ab".repeat(64),
        delegation,
      },
      timestamp: NOW,
      requestId: "auth-1",
    }));
    return r.ok ? "ok" : `${r.error.error.code} ${r.error.error.details?.path}`;
  };
  equal(parse(good), "ok");
  equal(parse({ ...good, extra: 1 }), "UNKNOWN_FIELD data.delegation.extra");
  equal(parse({ ...good, key: "04" + "11".repeat(32) }), "INVALID_VALUE data.delegation.key");
  equal(parse({ ...good, expiresAt: -1 }), "INVALID_VALUE data.delegation.expiresAt");
  equal(parse({ ...good, expiresAt: "soon" }), "INVALID_TYPE data.delegation.expiresAt");
  equal(parse({ ...good, signature: "ab".repeat(64) }), "INVALID_VALUE data.delegation.signature");
  equal(parse({ key: good.key }), "MISSING_FIELD data.delegation.expiresAt");
});

/** A wallet that counts its prompts, and can be told to refuse or to wait for a release. */
function countingWallet() {
  const state = { asked: 0, refuse: false, gate: Promise.resolve() };
  const wallet = {
    address: account.address,
    signMessage: async (message: string) => {
      state.asked++;
      await state.gate;
      if (state.refuse) throw new Error("User rejected");
      return account.signMessage({ message });
    },
  };
  return { state, wallet };
}

Deno.test("the delegate asks the wallet once, shares the prompt, and asks again only when it must", async () => {
  const { state, wallet } = countingWallet();
  const delegate = new WalletDelegate(wallet, HOUR);
  // Two sign-ins at once (a connection replaced while the wallet was open): one prompt.
  const [a, b] = await Promise.all([
    delegate.sign(FACTS.origin, "one", DAY, NOW),
    delegate.sign(FACTS.origin, "two", DAY, NOW),
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
    expiresAt: NOW + HOUR,
  });
  equal(`0x${a.delegation.signature}`, await account.signMessage({ message: text }));
  ok(verifyText(a.delegation.key, "one", a.signature));
  ok(verifyText(b.delegation.key, "two", b.signature));
  // Later in the hour: the same delegation.
  const later = await delegate.sign(FACTS.origin, "three", DAY, NOW + 40 * 60_000);
  equal(later.delegation, a.delegation);
  equal(later.fresh, false);
  equal(state.asked, 1);
  // Within a minute of its end, for another origin, or refused once taken: asked again.
  const renewed = await delegate.sign(FACTS.origin, "four", DAY, NOW + HOUR - 30_000);
  equal(state.asked, 2);
  ok(renewed.delegation.key !== a.delegation.key, "a new delegation has a new key");
  const elsewhere = await delegate.sign("wss://other.example.com", "five", DAY, NOW + HOUR);
  equal(state.asked, 3);
  // A refusal of one no longer in use keeps the current one; a refusal of it does not.
  delegate.refused(renewed.delegation, false);
  equal((await delegate.sign("wss://other.example.com", "six", DAY, NOW + HOUR)).fresh, false);
  delegate.refused(elsewhere.delegation, false);
  equal((await delegate.sign("wss://other.example.com", "seven", DAY, NOW + HOUR)).fresh, true);
  equal(state.asked, 4);
  // A server whose limit is now below what the delegation has left: asked again.
  const limited = await delegate.sign("wss://other.example.com", "eight", 10 * 60_000, NOW + HOUR);
  equal(limited.fresh, true);
  equal(limited.delegation.expiresAt, NOW + HOUR + 9 * 60_000);
  equal(state.asked, 5);
});

Deno.test("a new delegation leaves a tenth of the server's limit, at least a minute, for skew", async () => {
  const { wallet } = countingWallet();
  const signed = await new WalletDelegate(wallet, DAY).sign(FACTS.origin, "one", HOUR, NOW);
  equal(signed.delegation.expiresAt, NOW + 0.9 * HOUR);
  const short = await new WalletDelegate(wallet, DAY).sign(FACTS.origin, "one", 300_000, NOW);
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
  const first = delegate.sign(FACTS.origin, "one", DAY, NOW);
  const second = delegate.sign(FACTS.origin, "two", DAY, NOW);
  release();
  await rejects(first, /User rejected/);
  await rejects(second, /User rejected/);
  equal(state.asked, 1);
  state.refuse = false;
  equal((await delegate.sign(FACTS.origin, "three", DAY, NOW)).fresh, true);
  equal(state.asked, 2);
});

Deno.test("a prompt the wallet never answers is given up on after five minutes", async () => {
  const { state, wallet } = countingWallet();
  const delegate = new WalletDelegate(wallet, HOUR);
  state.gate = new Promise(() => {}); // never settles
  void delegate.sign(FACTS.origin, "one", DAY, NOW);
  // Within the five minutes a sign-in waits on it; after them it asks again.
  const waiting = delegate.sign(FACTS.origin, "two", DAY, NOW + 299_999);
  equal(state.asked, 1);
  state.gate = Promise.resolve();
  const again = await delegate.sign(FACTS.origin, "three", DAY, NOW + 300_000);
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
    expiresAt: NOW + 60_000,
    origin: FACTS.origin,
    sessionKey: FACTS.serverSessionKey,
    serverKey: FACTS.serverSessionKey,
    serverSignature: "00".repeat(64),
    encryption: true,
  };
  const signIn = () => new ConnectionSignIn(credentials, `${FACTS.origin}/`, undefined);
  // No maxDelegationMs, or one too short to be worth it: the wallet signs the challenge.
  for (const maxDelegationMs of [undefined, 299_999]) {
    const r = await signIn().sign({ ...challenge, maxDelegationMs });
    ok(r.ok);
    equal(r.value.delegation, undefined);
    equal(r.value.signature.length, 130);
  }
  equal(state.asked, 2);
  // A server that takes them: a delegation, then the same one on the next connection.
  const one = signIn();
  const first = await one.sign({ ...challenge, maxDelegationMs: DAY });
  ok(first.ok && first.value.delegation !== undefined);
  equal(first.value.signature.length, 128);
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

Deno.test("a server takes delegations only with configured origins, and a sane limit", async () => {
  const source = openDemoSource(demoPath(1_000), 1_000);
  try {
    for (const bad of [-1, 1.5, NaN, Infinity, 366 * DAY]) {
      throws(() => createServer({ source, maxDelegationMs: bad }), RangeError);
    }
    // What the challenge advertises, with or without the server's own origin configured.
    const wallet = { kind: "ethereum" as const, address: account.address };
    const advertised = async (
      ownOrigin: boolean,
      options: { maxDelegationMs?: number } = {},
      identity: Identity = wallet,
    ) => {
      const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = free.addr.port;
      free.close();
      const url = `ws://127.0.0.1:${port}/`;
      const sluice = createServer({
        source,
        anonymous: false,
        ...options,
        ...(ownOrigin ? { origin: url.slice(0, -1) } : {}),
      });
      const http = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, sluice.fetch);
      const peer = await SignedPeer.open(url, secp.utils.randomSecretKey());
      try {
        return (await peer.requestChallenge(identity)).maxDelegationMs;
      } finally {
        await peer.close();
        await sluice.close();
        await http.shutdown();
      }
    };
    equal(await advertised(false), undefined, "off without a configured origin");
    equal(await advertised(true), DAY, "a day with one");
    equal(await advertised(true, { maxDelegationMs: HOUR }), HOUR);
    equal(await advertised(true, { maxDelegationMs: 0 }), undefined);
    equal(await advertised(false, { maxDelegationMs: HOUR }), HOUR, "the operator's own choice");
    // A key signs for itself: its challenge never carries the field (nor trips an older parser).
    const key = { kind: "secp256k1" as const, publicKey: DELEGATE };
    equal(await advertised(true, {}, key), undefined);
    throws(() => createServer({ source, origin: [] }), RangeError);
  } finally {
    await source.close();
  }
});

Deno.test("a delegating wallet is asked once through three lost connections, and the file is whole", async () => {
  // ~10 MB of CSV: three cuts, each a fifth of it into a new connection, all land mid-export.
  const rows = 100_000;
  const server = startServer(rows, {
    anonymous: false,
    allow: [account.address],
    maxDelegationMs: DAY,
  });
  const proxy = new CuttingProxy(Number(new URL(server.url).port));
  try {
    const { bytes: expected } = await downloadCsv(
      new ClientBuilder(server.url).withSigner(accountSigner),
    );
    const { state, wallet } = countingWallet();
    const builder = new ClientBuilder(`ws://127.0.0.1:${proxy.port}/`)
      .withSigner(wallet, { delegateForMs: HOUR })
      .withReconnect({ baseMs: 10, maxMs: 50 });
    let opened = 0;
    const result = await downloadCsv(builder, (client) =>
      client.on("state", ({ to }) => {
        if (to === "open" && opened++ < 3) proxy.cutAfter(expected.length / 5);
      }));
    equal(result.rows, rows);
    equal(proxy.cuts, 3);
    deepEqual(result.bytes, expected);
    equal(state.asked, 1, "the wallet signed the delegation, and nothing after");
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("a delegation opens a session of the usual life; one the server finds too long is refused", async () => {
  const server = startServer(1_000, {
    anonymous: false,
    allow: [account.address],
    maxDelegationMs: HOUR,
  });
  try {
    // A raw peer speaks for the client, to send a delegation the library would not make.
    const signIn = async (expiresAt: number) => {
      const peer = await RawPeer.open(server.url);
      try {
        const identity = { kind: "ethereum" as const, address: account.address };
        peer.send({
          event: "auth:nonce",
          data: { identity, sessionKey: DELEGATE },
          timestamp: Date.now(),
          requestId: "auth-1",
        });
        const challenge = (await peer.message("auth:challenge")).data;
        equal(challenge.maxDelegationMs, HOUR);
        const facts: SignInFacts = {
          origin: challenge.origin,
          identity,
          nonce: challenge.nonce,
          clientSessionKey: DELEGATE,
          serverSessionKey: challenge.sessionKey,
          expiresAt: challenge.expiresAt,
          encryption: challenge.encryption,
        };
        peer.send({
          event: "auth:authenticate",
          data: {
            identity,
            nonce: challenge.nonce,
            signature: signText(delegateKey, challengeText(facts)),
            delegation: await delegation({ origin: challenge.origin, expiresAt }),
          },
          timestamp: Date.now(),
          requestId: "auth-2",
        });
        return (await peer.message("auth:result")).data;
      } finally {
        await peer.close();
      }
    };
    const before = Date.now();
    const admitted = await signIn(before + 10 * 60_000);
    ok(admitted.authenticated);
    // The delegation bounds when its key may sign in; the session lasts a session's life.
    ok(admitted.expiresAt >= before + DAY, "the session has its own life, a day");
    const long = await signIn(Date.now() + 2 * HOUR);
    ok(!long.authenticated);
    equal(long.error.code, "AUTH_DELEGATION_TOO_LONG");
    deepEqual(long.error.details, { maxMs: HOUR });
  } finally {
    await server.close();
  }
});
