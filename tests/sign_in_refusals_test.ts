// Every refused sign-in (issue 5): its own code, the connection closed, and no data sent; a
// command before sign-in, a second challenge, a sign-in that never comes, a foreign Host.
import { deepEqual, equal } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, signText } from "../protocol/auth.ts";
import { demoPath, requestMessage, startServer } from "./_harness.ts";
import { createServer, type SluiceServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { assertNoData, ROWS, statusCheck } from "./_security_fixtures.ts";

/** One sign-in that must be refused with `code`: the result, the close 4401, and no data. */
async function refusedSignIn(
  url: string,
  code: string,
  attempt: (peer: SignedPeer) => Promise<unknown>,
): Promise<void> {
  const peer = await SignedPeer.open(url);
  try {
    const result = await attempt(peer);
    deepEqual(
      result && typeof result === "object" && "authenticated" in result
        ? {
          authenticated: result.authenticated,
          code: (result as { error?: { code: string } }).error?.code,
        }
        : result,
      { authenticated: false, code },
    );
    equal((await peer.closed).code, 4401);
    assertNoData(peer);
  } finally {
    await peer.close();
  }
}

Deno.test("each bad sign-in is refused with its own code and the connection closed", async () => {
  const allowed = secp.utils.randomSecretKey();
  const server = startServer(ROWS, {
    anonymous: false,
    allow: [bytesToHex(secp.getPublicKey(allowed))],
  });
  const expiring = startServer(ROWS, { anonymous: false, nonceTtlMs: 1 });
  try {
    const open = (key = allowed) => SignedPeer.open(server.url, key);
    await refusedSignIn(server.url, "AUTH_UNKNOWN_IDENTITY", async (peer) => {
      await peer.requestChallenge();
      return await peer.authenticate();
    });
    const cases: [string, (peer: SignedPeer) => Promise<unknown>][] = [
      ["AUTH_BAD_SIGNATURE", async (peer) => {
        await peer.requestChallenge();
        return await peer.authenticate(
          signText(secp.utils.randomSecretKey(), challengeText(peer.facts())),
        );
      }],
      ["AUTH_BAD_SIGNATURE", async (peer) => {
        await peer.requestChallenge();
        const otherNonce = { ...peer.facts(), nonce: "ab".repeat(32) };
        return await peer.authenticate(signText(allowed, challengeText(otherNonce)));
      }],
      ["AUTH_BAD_SIGNATURE", async (peer) => {
        await peer.requestChallenge();
        const otherOrigin = { ...peer.facts(), origin: "wss://export.example.com" };
        return await peer.authenticate(signText(allowed, challengeText(otherOrigin)));
      }],
      ["AUTH_CONTRACT_WALLET_UNSUPPORTED", async (peer) => {
        // An account whose answer is no ECDSA signature: a contract wallet's (PROTOCOL.md §15.7).
        const identity = { kind: "ethereum" as const, address: `0x${"ab".repeat(20)}` };
        const challenge = await peer.requestChallenge(identity);
        equal(challenge.chainId, 1, "the chain id unless the operator names one");
        return await peer.authenticate("ab".repeat(130), { identity });
      }],
      ["AUTH_NONCE_UNKNOWN", async (peer) => {
        await peer.requestChallenge();
        return await peer.authenticate(undefined, { nonce: "ab".repeat(32) });
      }],
      ["AUTH_IDENTITY_MISMATCH", async (peer) => {
        await peer.requestChallenge();
        const other = {
          kind: "secp256k1" as const,
          publicKey: bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey())),
        };
        return await peer.authenticate(undefined, { identity: other });
      }],
    ];
    for (const [code, attempt] of cases) {
      const peer = await open();
      try {
        const result = await attempt(peer);
        deepEqual(
          {
            code: (result as { error?: { code: string } }).error?.code,
            closed: (await peer.closed).code,
          },
          { code, closed: 4401 },
        );
        assertNoData(peer);
      } finally {
        await peer.close();
      }
    }
    // A nonce issued on one connection is unknown on another.
    const first = await open();
    const second = await open();
    try {
      await first.requestChallenge();
      await second.requestChallenge();
      const stolen = first.challenge!.nonce;
      const result = await second.authenticate(undefined, { nonce: stolen });
      equal(!result.authenticated && result.error.code, "AUTH_NONCE_UNKNOWN");
    } finally {
      await first.close();
      await second.close();
    }
    await refusedSignIn(expiring.url, "AUTH_NONCE_EXPIRED", async (peer) => {
      await peer.requestChallenge();
      await new Promise((resolve) => setTimeout(resolve, 20));
      return await peer.authenticate();
    });
  } finally {
    await server.close();
    await expiring.close();
  }
});

Deno.test("a used nonce is refused even after a successful sign-in", async () => {
  const server = startServer(ROWS, { anonymous: false });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    const again = await peer.authenticate();
    equal(!again.authenticated && again.error.code, "AUTH_NONCE_USED");
    equal((await peer.closed).code, 4401);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("commands before sign-in are refused with AUTH_REQUIRED and no data", async () => {
  const server = startServer(ROWS, { anonymous: false });
  const peer = await SignedPeer.open(server.url);
  try {
    peer.send(requestMessage("r"));
    equal((await peer.message("download:error", "r")).data.code, "AUTH_REQUIRED");
    peer.send(statusCheck());
    equal((await peer.message("system:error", "st-1")).data.code, "AUTH_REQUIRED");
    // Heartbeats need no sign-in; then signing in still works on the same connection.
    peer.send({ event: "connection:health", data: {}, timestamp: Date.now(), requestId: "p-1" });
    await peer.message("connection:health", "p-1");
    assertNoData(peer);
    await peer.signIn();
    peer.send(await peer.signed(statusCheck("st-2")));
    await peer.message("status:update", "st-2");
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("one challenge per connection, and a connection that never signs in is closed", async () => {
  const server = startServer(ROWS, { anonymous: false, signInTimeoutMs: 300 });
  try {
    const peer = await SignedPeer.open(server.url);
    try {
      await peer.requestChallenge();
      peer.send({
        event: "auth:nonce",
        data: { identity: peer.identity, sessionKey: peer.sessionPublicKey },
        timestamp: Date.now(),
        requestId: "again",
      });
      equal((await peer.message("system:error", "again")).data.code, "AUTH_IN_PROGRESS");
      // Heartbeats do not keep it open: past the sign-in timeout it is closed.
      const beating = setInterval(() => {
        peer.send({ event: "connection:health", data: {}, timestamp: Date.now(), requestId: "p" });
      }, 50);
      try {
        equal((await peer.message("system:error", "client")).data.code, "SIGN_IN_TIMEOUT");
        equal((await peer.closed).code, 4401);
      } finally {
        clearInterval(beating);
      }
    } finally {
      await peer.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("configured origins: the challenge names them, and other hosts are refused", async () => {
  const source = openDemoSource(demoPath(ROWS), ROWS);
  // The origin names the port, known only once listening: the handler is bound after.
  const bound: { sluice?: SluiceServer } = {};
  const http = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (r) => bound.sluice!.fetch(r),
  );
  const own = `ws://127.0.0.1:${http.addr.port}`;
  const sluice = bound.sluice = createServer({ source, origin: ["wss://export.example.com", own] });
  try {
    // A party that asks for another host (to have the challenge name it) is turned away. Raw
    // TCP, because fetch() will not send a Host header of the caller's choosing.
    const status = async (host: string) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: http.addr.port });
      try {
        await conn.write(new TextEncoder().encode(
          `GET / HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        ));
        const buffer = new Uint8Array(256);
        const n = await conn.read(buffer);
        return new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split(" ")[1];
      } finally {
        conn.close();
      }
    };
    equal(await status("evil.example"), "421");
    equal(await status("export.example.com"), "101");
    const peer = await SignedPeer.open(`${own}/`);
    try {
      equal((await peer.requestChallenge()).origin, own);
    } finally {
      await peer.close();
    }
  } finally {
    await sluice.close();
    await http.shutdown();
    await source.close();
  }
});
