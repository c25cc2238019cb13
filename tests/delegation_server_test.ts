// A wallet's delegation with a real server (PROTOCOL.md §15.5): when the server takes delegations,
// a wallet asked once through a download that loses its connection three times, and the session a
// delegation opens.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { challengeText, type SignInFacts, signText } from "../protocol/auth.ts";
import type { Identity } from "../protocol/messages.ts";
import { createServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { ClientBuilder } from "../client/client_builder.ts";
import { demoPath, downloadCsv, RawPeer, startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { CuttingProxy } from "./_proxy.ts";
import {
  account,
  accountSigner,
  countingWallet,
  DAY,
  DELEGATE,
  delegateKey,
  delegation,
  HOUR,
} from "./_delegation_fixtures.ts";

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
          issuedAt: challenge.issuedAt,
          expiresAt: challenge.expiresAt,
          encryption: challenge.encryption,
          chainId: challenge.chainId,
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
