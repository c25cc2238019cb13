// Issue 5's "Done when": who may sign in, every refusal with its own code and no data sent,
// sealed frames that cannot be tampered with, replayed or reordered.
import { deepEqual, equal, ok } from "node:assert/strict";
import * as secp from "@noble/secp256k1";
import { bytesToHex } from "@noble/hashes/utils.js";
import { privateKeyToAccount } from "viem/accounts";
import { challengeText, ethereumAddress, signText } from "../protocol/auth.ts";
import type { ClientMessage, Filter } from "../protocol/messages.ts";
import { ClientBuilder } from "../client/client_builder.ts";
import { SluiceError } from "../client/sluice_error.ts";
import { demoPath, downloadCsv, requestMessage, startServer } from "./_harness.ts";
import { createServer, type SluiceServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { opensslKey, opensslSign } from "./_openssl.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 10_000;
const FROM = "2024-01-01";
const TO = "2030-01-01";
const SEARCH = { timeFrom: FROM, timeTo: TO, filters: [] };
const USER_7: Filter = { field: "user_id", operator: "eq", value: 7 };

/** Whatever a refused peer received must hold no export data. */
function assertNoData(peer: SignedPeer): void {
  const leaked = peer.drain().filter((r) =>
    r.kind === "frame" || (r.kind === "message" && r.message.event === "download:start")
  );
  deepEqual(leaked, []);
}

function statusCheck(requestId = "st-1"): ClientMessage {
  return { event: "status:check", data: {}, timestamp: Date.now(), requestId };
}

Deno.test("a raw key and an Ethereum account (signed by viem) sign in and download", async () => {
  const key = secp.utils.randomSecretKey();
  const account = privateKeyToAccount(`0x${bytesToHex(secp.utils.randomSecretKey())}`);
  const server = startServer(ROWS, {
    anonymous: false,
    allow: [bytesToHex(secp.getPublicKey(key)), account.address],
  });
  try {
    const expected = await sha256Hex(
      await sqlite3Csv(demoPath(ROWS), Date.parse(FROM), Date.parse(TO)),
    );
    const { bytes: byKey } = await downloadCsv(new ClientBuilder(server.url).withKeypair(key));
    equal(await sha256Hex(byKey), expected);
    let signed = 0;
    const wallet = {
      address: account.address,
      signMessage: (message: string) => {
        signed++;
        return account.signMessage({ message });
      },
    };
    const { bytes: byWallet } = await downloadCsv(new ClientBuilder(server.url).withSigner(wallet));
    equal(await sha256Hex(byWallet), expected);
    equal(signed, 1);
  } finally {
    await server.close();
  }
});

Deno.test("a wallet slower than the handshake timeout still signs in, asked once", async () => {
  const account = privateKeyToAccount(`0x${bytesToHex(secp.utils.randomSecretKey())}`);
  const server = startServer(ROWS, { anonymous: false, allow: [account.address] });
  try {
    let asked = 0;
    // A person reading the prompt: far longer than the network part of a connect may take. The
    // rule (the signer's wait is the challenge's life, not the handshake timeout) is the
    // connection machine's, on a fake clock (tests/connection_machine_test.ts); here the ratio
    // proves the wiring, with a handshake timeout still ~50 times a loopback sign-in.
    const handshakeTimeoutMs = 500;
    const wallet = {
      address: account.address,
      signMessage: async (message: string) => {
        asked++;
        await new Promise((resolve) => setTimeout(resolve, 2.5 * handshakeTimeoutMs));
        return account.signMessage({ message });
      },
    };
    const builder = new ClientBuilder(server.url).withSigner(wallet)
      .withHandshakeTimeout(handshakeTimeoutMs);
    const { rows } = await downloadCsv(builder);
    equal(rows, ROWS);
    equal(asked, 1);
  } finally {
    await server.close();
  }
});

Deno.test("a challenge signed by openssl signs in", async () => {
  const dir = await Deno.makeTempDir();
  const server = startServer(ROWS, { anonymous: false });
  try {
    const { pem, secretKey } = await opensslKey(dir);
    const peer = await SignedPeer.open(server.url, secretKey);
    try {
      await peer.requestChallenge();
      const result = await peer.authenticate(await opensslSign(pem, challengeText(peer.facts())));
      ok(result.authenticated, JSON.stringify(result));
      peer.send(await peer.signed(statusCheck()));
      deepEqual((await peer.message("status:update", "st-1")).data, { downloads: [] });
    } finally {
      await peer.close();
    }
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

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

Deno.test("each bad command auth is refused with its own code and the session goes on", async () => {
  const server = startServer(ROWS, { anonymous: false, commandWindowMs: 30_000 });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    const good = await peer.signed(statusCheck("st-0"));
    const cases: [string, ClientMessage][] = [
      ["COMMAND_UNSIGNED", statusCheck("st-1")],
      ["TOKEN_INVALID", {
        ...good,
        requestId: "st-2",
        auth: { ...good.auth!, token: "f".repeat(32) },
      }],
      ["COMMAND_STALE", await peer.signed(statusCheck("st-3"), { timestamp: Date.now() - 60_000 })],
      ["COMMAND_STALE", await peer.signed(statusCheck("st-4"), { timestamp: Date.now() + 60_000 })],
      ["COMMAND_SIGNATURE_INVALID", { ...good, requestId: "st-5" }],
    ];
    for (const [code, message] of cases) {
      peer.send(message);
      equal(
        (await peer.message("system:error", message.requestId)).data.code,
        code,
        message.requestId,
      );
    }
    peer.send(good);
    await peer.message("status:update", "st-0");
    peer.send(good);
    equal((await peer.message("system:error", "st-0")).data.code, "COMMAND_REPLAYED");
    // A signed request whose signature is valid runs, after all that.
    peer.send(await peer.signed(statusCheck("st-6")));
    await peer.message("status:update", "st-6");
  } finally {
    await peer.close();
    await server.close();
  }
});

/** A signed-in, sealed session whose next command is held back so the test can play with it. */
async function heldCommand(url: string): Promise<{ peer: SignedPeer; sealed: Uint8Array[] }> {
  const peer = await SignedPeer.open(url);
  await peer.signIn();
  peer.hold = true;
  const before = peer.sent.length;
  peer.send(await peer.signed(statusCheck("st-1")));
  peer.send(await peer.signed(statusCheck("st-2")));
  await peer.flushed();
  peer.hold = false;
  return { peer, sealed: peer.sent.slice(before) as Uint8Array[] };
}

Deno.test("a tampered, replayed, reordered or unsealed frame ends the session with its code", async () => {
  const server = startServer(ROWS, { anonymous: false });
  try {
    const cases: [string, (peer: SignedPeer, sealed: Uint8Array[]) => void][] = [
      ["DECRYPTION_FAILED", (peer, [first]) => {
        const tampered = first.slice();
        tampered[20] ^= 0x01;
        peer.sendRaw(tampered);
      }],
      ["REPLAYED_FRAME", (peer, [first]) => {
        peer.sendRaw(first);
        peer.sendRaw(first);
      }],
      ["REORDERED_FRAME", (peer, [, second]) => peer.sendRaw(second)],
      ["UNSEALED_MESSAGE", (peer) => peer.sendRaw(JSON.stringify(statusCheck("st-9")))],
    ];
    for (const [code, play] of cases) {
      const { peer, sealed } = await heldCommand(server.url);
      try {
        equal(sealed.length, 2);
        ok(sealed.every((s) => s instanceof Uint8Array && s[1] === 3), "sealed frames");
        play(peer, sealed);
        equal((await peer.message("system:error")).data.code, code);
        equal((await peer.closed).code, 4400);
      } finally {
        await peer.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("authorize refuses with FORBIDDEN and narrows a download to the identity's rows", async () => {
  const key = secp.utils.randomSecretKey();
  const publicKey = bytesToHex(secp.getPublicKey(key));
  const server = startServer(ROWS, {
    anonymous: false,
    authorize: (identity, request) => {
      if (identity?.kind !== "secp256k1" || identity.publicKey !== publicKey) return false;
      if (request.outputFormat === "json") return false;
      return { filters: [USER_7] };
    },
  });
  try {
    const expected = await sqlite3Csv(
      demoPath(ROWS),
      Date.parse(FROM),
      Date.parse(TO),
      " AND user_id = 7",
    );
    const { bytes: mine } = await downloadCsv(new ClientBuilder(server.url).withKeypair(key));
    equal(await sha256Hex(mine), await sha256Hex(expected));
    ok(mine.length > 200, "user 7 has rows");

    for (
      const [builder, format] of [[new ClientBuilder(server.url), "csv"], [
        new ClientBuilder(server.url).withKeypair(key),
        "json",
      ]] as const
    ) {
      const client = builder.build();
      try {
        await client.connect();
        const download = client.download({
          searchParams: SEARCH,
          outputFormat: format,
          compression: false,
        });
        const error = await download.done.then(() => undefined, (e) => e);
        ok(error instanceof SluiceError);
        equal(error.code, "FORBIDDEN");
      } finally {
        await client.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("every per-identity limit refuses with its code and a retryAfter", async () => {
  const server = startServer(ROWS, {
    anonymous: false,
    windowBytes: 65_536,
    limits: { maxConcurrentDownloads: 1, requestsPerMinute: 3, maxRowsPerRequest: 9_000 },
  });
  const key = secp.utils.randomSecretKey();
  const peers = [await SignedPeer.open(server.url, key), await SignedPeer.open(server.url, key)];
  try {
    for (const peer of peers) await peer.signIn();
    const [a, b] = peers;
    const small = {
      searchParams: { ...SEARCH, filters: [USER_7] },
    };
    // One download runs (held by its window: nothing is acknowledged); the same identity on
    // another connection may not start a second.
    a.send(
      await a.signed(
        requestMessage("held", {
          searchParams: { timeFrom: FROM, timeTo: "2024-01-03", filters: [] },
        }),
      ),
    );
    await a.message("download:start", "held");
    b.send(await b.signed(requestMessage("second", small)));
    const busy = (await b.message("download:error", "second")).data;
    deepEqual([busy.code, busy.retryAfter! > 0], ["TOO_MANY_DOWNLOADS", true]);
    a.send(
      await a.signed({
        event: "download:cancel",
        data: {},
        timestamp: Date.now(),
        requestId: "held",
      }),
    );
    await a.message("download:cancelled", "held");
    // Too many rows.
    b.send(await b.signed(requestMessage("all")));
    const big = (await b.message("download:error", "all")).data;
    equal(big.code, "ROW_LIMIT_EXCEEDED");
    deepEqual(b.drain(), []);
    // The third download in this minute runs (it is small: no acknowledgement needed) …
    b.send(await b.signed(requestMessage("third", small)));
    await b.message("download:complete", "third");
    // … and the fourth must wait.
    b.send(await b.signed(requestMessage("fourth", small)));
    const rate = (await b.message("download:error", "fourth")).data;
    equal(rate.code, "RATE_LIMITED");
    ok(rate.retryAfter! > 0 && rate.retryAfter! <= 60_000, `retryAfter ${rate.retryAfter}`);
  } finally {
    for (const peer of peers) await peer.close();
    await server.close();
  }
});

Deno.test("an Ethereum address recovered from our own signer matches viem's", () => {
  const key = secp.utils.randomSecretKey();
  equal(
    ethereumAddress(secp.getPublicKey(key)),
    privateKeyToAccount(`0x${bytesToHex(key)}`).address.toLowerCase(),
  );
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

Deno.test("authorize sees addresses in lowercase, and a hook that answers nonsense refuses", async () => {
  const seen: string[] = [];
  const logged: string[] = [];
  const account = privateKeyToAccount(`0x${bytesToHex(secp.utils.randomSecretKey())}`);
  const server = startServer(ROWS, {
    anonymous: false,
    // The hook's bug is reported to the server's logger, never to the client.
    logger: { error: (message) => void logged.push(message) },
    authorize: (identity, request) => {
      if (identity?.kind === "ethereum") seen.push(identity.address);
      // A bug in the hook: neither a boolean nor { filters }.
      return (request.outputFormat === "json" ? undefined : true) as unknown as boolean;
    },
  });
  try {
    // viem's address is checksummed (mixed case); the client sends it as it is.
    const signer = {
      address: account.address,
      signMessage: (m: string) => account.signMessage({ message: m }),
    };
    const client = new ClientBuilder(server.url).withSigner(signer).build();
    try {
      await client.connect();
      const bad = client.download({
        searchParams: SEARCH,
        outputFormat: "json",
        compression: false,
      });
      const error = await bad.done.then(() => undefined, (e) => e);
      equal(error?.code, "INTERNAL_ERROR");
      const good = client.download({
        searchParams: SEARCH,
        outputFormat: "csv",
        compression: false,
      });
      await new Response(good.readable).arrayBuffer();
      await good.done;
    } finally {
      await client.close();
    }
    deepEqual(seen, [account.address.toLowerCase(), account.address.toLowerCase()]);
    ok(account.address !== account.address.toLowerCase());
    equal(logged.length, 1);
    ok(logged[0].startsWith("sluice: "), logged[0]);
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

Deno.test("a sealed payload over the size limit ends the session before it is decrypted", async () => {
  const server = startServer(ROWS, { anonymous: false, parseLimits: { maxMessageBytes: 4096 } });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    peer.sendRaw(new Uint8Array(64 * 1024).fill(1));
    equal((await peer.message("system:error")).data.code, "MESSAGE_TOO_LARGE");
    equal((await peer.closed).code, 4400);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("a download still awaiting authorize when its connection closes never starts", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let asked = 0;
  const server = startServer(ROWS, {
    anonymous: false,
    authorize: async () => {
      asked++;
      await held;
      return true;
    },
  });
  try {
    const peer = await SignedPeer.open(server.url);
    await peer.signIn();
    peer.send(await peer.signed(requestMessage("late")));
    while (asked === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await peer.close();
    release();
    const watcher = await SignedPeer.open(server.url);
    try {
      await watcher.signIn();
      watcher.send(
        await watcher.signed({
          event: "connection:health",
          data: {},
          timestamp: Date.now(),
          requestId: "h",
        }),
      );
      equal((await watcher.message("connection:health", "h")).data.activeDownloads, 0);
    } finally {
      await watcher.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("a flood of messages while a handler waits ends that connection, not the server", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const server = startServer(ROWS, { authorize: () => held.then(() => true) });
  try {
    const peer = await SignedPeer.open(server.url);
    try {
      peer.send(requestMessage("slow"));
      for (let i = 0; i < 2000; i++) peer.send(statusCheck(`st-${i}`));
      equal((await peer.message("system:error", "client")).data.code, "TOO_MANY_MESSAGES");
      // Closed by the server (4400, or abnormally when its close meets the flood still arriving).
      await peer.closed;
    } finally {
      release();
      await peer.close();
    }
    // The server goes on serving others.
    const other = await SignedPeer.open(server.url);
    try {
      other.send(statusCheck("after"));
      await other.message("status:update", "after");
    } finally {
      await other.close();
    }
  } finally {
    await server.close();
  }
});
