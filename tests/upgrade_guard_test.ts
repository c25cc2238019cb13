// The upgrade guard in front of Deno.serve (server/upgrade_guard.ts, docs/PROTOCOL.md §19.2): half-
// sent request heads are answered 408 and closed in bounded time, and bounded in number per address
// and in total; a download through it is the same as without it; the peer's address reaches the
// server and a peer cannot forge it; a peer that stops reading is cut off.
import { concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  type ConnectionInfo,
  createServer,
  openDemoSource,
  type ServerOptions,
} from "../server/mod.ts";
import { WebSocketConnection } from "../server/websocket_connection.ts";
import { innerHandler, serveGuarded, type UpgradeGuardOptions } from "../server/upgrade_guard.ts";
import { demoPath, healthMessage, RawPeer, readDownload, requestMessage } from "./_harness.ts";
import { clientFrame, eventually, OPCODE, RawSocket, upgradeRequest } from "./_raw_socket.ts";

const ROWS = 20_000;
const EVERYTHING = { timeFrom: "2000-01-01", timeTo: "2100-01-01", filters: [] };
const HALF = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n";

function guarded(
  options: Partial<UpgradeGuardOptions> = {},
  { rows = ROWS, ...sluiceOptions }: Partial<ServerOptions> & { rows?: number } = {},
) {
  const source = openDemoSource(demoPath(rows), rows);
  const sluice = createServer({ source, anonymous: true, ...sluiceOptions });
  const seen: string[] = [];
  const server = serveGuarded(
    { hostname: "127.0.0.1", port: 0, ...options },
    (request, info) => {
      seen.push(info.remoteAddr.hostname);
      return sluice.fetch(request, info);
    },
  );
  return {
    port: server.addr.port,
    url: `ws://127.0.0.1:${server.addr.port}/`,
    server,
    sluice,
    seen,
    async close() {
      await sluice.close();
      await server.shutdown();
      await source.close();
    },
  };
}

/** Reads what the server sends until it closes: the status line of its answer, or "". */
async function answer(socket: RawSocket): Promise<string> {
  const status = await socket.readHead();
  while (await socket.readSome() > 0) { /* to the end */ }
  return status;
}

Deno.test("half-sent upgrade requests are answered 408 and closed after headTimeoutMs, and a download beside them goes on", async () => {
  const s = guarded({ headTimeoutMs: 300 });
  const halves: RawSocket[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const half = await RawSocket.open(s.port, { upgrade: false });
      await half.write(HALF);
      halves.push(half);
    }
    const peer = await RawPeer.open(s.url);
    peer.send(requestMessage("all", { searchParams: EVERYTHING }));
    equal((await readDownload(peer, "all")).complete.rows, ROWS);
    await peer.close();
    const started = performance.now();
    const answers = await Promise.all(halves.map(answer));
    deepStrictEqual(new Set(answers), new Set(["HTTP/1.1 408 Request Timeout"]));
    ok(performance.now() - started < 5_000);
    ok(await eventually(() => s.server.pending === 0), "no head left pending");
  } finally {
    for (const half of halves) half.close();
    await s.close();
  }
});

/** Three heads pending fill `limits`; a fourth connection gets `status`, and the slots free up. */
async function pendingBound(limits: Partial<UpgradeGuardOptions>, status: string): Promise<void> {
  const s = guarded({ headTimeoutMs: 5_000, ...limits });
  const halves: RawSocket[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const half = await RawSocket.open(s.port, { upgrade: false });
      await half.write(HALF);
      halves.push(half);
    }
    ok(await eventually(() => s.server.pending === 3), "three pending");
    const fourth = await RawSocket.open(s.port, { upgrade: false });
    equal(await answer(fourth), status);
    fourth.close();
    // Once those connections are gone, the slots are free again.
    for (const half of halves) half.close();
    ok(await eventually(() => s.server.pending === 0), "the slots are free");
    const peer = await RawPeer.open(s.url);
    await peer.close();
  } finally {
    for (const half of halves) half.close();
    await s.close();
  }
}

Deno.test("connections still sending their head from one address are bounded: 429", async () => {
  await pendingBound({ maxPendingPerAddress: 3 }, "HTTP/1.1 429 Too Many Requests");
});

Deno.test("connections still sending their head are bounded in all: 503", async () => {
  await pendingBound({ maxPending: 3 }, "HTTP/1.1 503 Service Unavailable");
});

Deno.test("a request head over maxHeadBytes is answered 431", async () => {
  const s = guarded({ maxHeadBytes: 1024 });
  try {
    const big = await RawSocket.open(s.port, { upgrade: false });
    await big.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${"a".repeat(2000)}\r\n\r\n`);
    equal(await answer(big), "HTTP/1.1 431 Request Header Fields Too Large");
    big.close();
  } finally {
    await s.close();
  }
});

Deno.test("the peer's address reaches the server through the guard, and a forged one (or a guessed guard secret) is dropped", async () => {
  const s = guarded();
  try {
    const forged = await RawSocket.open(s.port, {
      headers: { "X-Sluice-Peer": "203.0.113.9", "X-Sluice-Guard": "a guess" },
    });
    ok(await eventually(() => s.seen.length === 1), "the server saw it");
    deepStrictEqual(s.seen, ["127.0.0.1"]);
    equal(s.sluice.connections, 1);
    forged.close();
  } finally {
    await s.close();
  }
});

Deno.test("a plain HTTP request through the guard gets its answer and the connection closes after it", async () => {
  const s = guarded();
  try {
    const socket = await RawSocket.open(s.port, { upgrade: false });
    await socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
    // createServer alone answers a plain request with 426 Upgrade Required.
    // `answer` reads to the end: it returns only because the connection was closed, although
    // the request asked to keep it alive.
    equal(await answer(socket), "HTTP/1.1 426 Upgrade Required");
    equal(await socket.readSome(), 0);
    socket.close();
  } finally {
    await s.close();
  }
});

Deno.test("a peer that stops reading is cut off after writeStallMs, its download ended on the server", async () => {
  // The server itself would wait ten minutes and never stop for want of acknowledgements.
  const s = guarded({ writeStallMs: 400 }, {
    rows: 200_000,
    stallTimeoutMs: 600_000,
    windowBytes: 1 << 30,
  });
  try {
    const stuck = await RawSocket.open(s.port);
    await stuck.send(1, JSON.stringify(requestMessage("all", { searchParams: EVERYTHING })));
    // It reads nothing: once the kernel's buffers are full, the guard's write to it stops
    // completing, and the guard cuts the connection, which ends the session.
    ok(await eventually(() => s.sluice.connections === 0, 10_000), "the server let go of it");
    stuck.close();
  } finally {
    await s.close();
  }
});

Deno.test("a WebSocket message over maxMessageBytes is refused with 1009 from its header", async () => {
  const s = guarded({ maxMessageBytes: 1000 });
  try {
    const peer = await RawSocket.open(s.port);
    // Only the header of a 2,000-byte message: the guard refuses it without waiting for the rest.
    await peer.write(clientFrame(OPCODE.text, "x".repeat(2000)).subarray(0, 8));
    equal((await peer.readAll()).close?.code, 1009);
    peer.close();
    // Another peer's messages within the bound are the server's to judge, as any other.
    const bystander = await RawSocket.open(s.port);
    await bystander.send(OPCODE.text, JSON.stringify(healthMessage("still")));
    equal(JSON.parse((await bystander.nextText())!).event, "connection:health");
    bystander.close();
  } finally {
    await s.close();
  }
});

Deno.test("the guard's WebSocket: pings answered, a close echoed, frames sent with the head read, a bad handshake refused", async () => {
  const s = guarded();
  try {
    // Frames in the same write as the request head are read once the socket is open.
    const early = await RawSocket.open(s.port, { upgrade: false });
    await early.write(
      concatBytes(
        new TextEncoder().encode(upgradeRequest(s.port)),
        clientFrame(OPCODE.ping, "p1"),
        clientFrame(OPCODE.text, JSON.stringify(healthMessage("early"))),
        clientFrame(OPCODE.close, new Uint8Array([0x0f, 0xa0])),
      ),
    );
    equal(await early.readHead(), "HTTP/1.1 101 Switching Protocols");
    const seen = await early.readAll();
    deepStrictEqual(seen.texts.map((t) => JSON.parse(t).event), ["connection:health"]);
    // The close is echoed with the peer's code (4000), and then the connection ends.
    deepStrictEqual(seen.close, { code: 4000, reason: "" });
    equal(await early.readSome(), 0);
    early.close();
    ok(await eventually(() => s.sluice.connections === 0), "the session ended with the close");
    // No Sec-WebSocket-Key: the server's own refusal, as behind Deno.serve.
    const bad = await RawSocket.open(s.port, { upgrade: false });
    await bad.write(upgradeRequest(s.port).replace(/Sec-WebSocket-Key: [^\r]*\r\n/, ""));
    equal(await answer(bad), "HTTP/1.1 400 ");
    bad.close();
  } finally {
    await s.close();
  }
});

Deno.test("a socket the handler made and did not hand back still ends: its close event comes, the peer gets the handler's answer", async () => {
  const closes: number[] = [];
  const cases = [
    // Upgraded, then refused after all (a wrapper that answers in its own way).
    (request: Request, upgrade: NonNullable<ConnectionInfo["upgrade"]>) => {
      upgrade(request).socket.addEventListener("close", (e) => closes.push(e.code));
      return new Response("no\n", { status: 403 });
    },
    // Upgraded, then failed.
    (request: Request, upgrade: NonNullable<ConnectionInfo["upgrade"]>) => {
      upgrade(request).socket.addEventListener("close", (e) => closes.push(e.code));
      throw new Error("a handler bug");
    },
  ];
  let which = 0;
  const server = serveGuarded({ hostname: "127.0.0.1", port: 0 }, (request, info) => {
    return cases[which++](request, info.upgrade!);
  });
  try {
    for (const status of ["HTTP/1.1 403 ", "HTTP/1.1 500 "]) {
      const peer = await RawSocket.open(server.addr.port, { upgrade: false });
      await peer.write(upgradeRequest(server.addr.port));
      equal(await answer(peer), status);
      peer.close();
    }
    ok(await eventually(() => closes.length === 2), `close events: ${closes}`);
    deepStrictEqual(closes, [1006, 1006]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a head with a bare LF, or a control character in a value, is answered 400 and reaches no handler", async () => {
  const s = guarded();
  try {
    for (
      const head of [
        "GET / HTTP/1.1\r\nHost: x\nx-sluice-peer: 203.0.113.9\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\nX: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n",
      ]
    ) {
      const peer = await RawSocket.open(s.port, { upgrade: false });
      await peer.write(head);
      equal(await answer(peer), "HTTP/1.1 400 Bad Request");
      peer.close();
    }
    deepStrictEqual(s.seen, []);
  } finally {
    await s.close();
  }
});

Deno.test("Host values and upgrades the guard takes as Deno.serve does, and the ones it answers 400", async () => {
  const s = guarded();
  try {
    const upgrade = (host: string, version = "HTTP/1.1") =>
      upgradeRequest(s.port).replace(/Host: [^\r]*/, `Host: ${host}`).replace("HTTP/1.1", version);
    const status = async (head: string) => {
      const peer = await RawSocket.open(s.port, { upgrade: false });
      await peer.write(head);
      const line = await peer.readHead();
      peer.close();
      return line;
    };
    // A docker-compose service name, an IPv6 literal: upgraded.
    equal(await status(upgrade("my_service:8000")), "HTTP/1.1 101 Switching Protocols");
    equal(await status(upgrade("[::1]:8000")), "HTTP/1.1 101 Switching Protocols");
    // Not an authority the URL parser takes, or one with userinfo: 400, answered.
    for (const host of ["a:b:c", "[", "a:99999", "user@good"]) {
      equal(await status(upgrade(host)), "HTTP/1.1 400 ", host);
    }
    // An HTTP/1.0 upgrade is not one (RFC 6455 asks for 1.1): the server refuses it.
    equal(await status(upgrade(`127.0.0.1:${s.port}`, "HTTP/1.0")), "HTTP/1.0 400 Bad Request");
    // Another protocol's Upgrade on a plain request does not stop it being served.
    equal(
      await status(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n`,
      ),
      "HTTP/1.1 426 Upgrade Required",
    );
  } finally {
    await s.close();
  }
});

Deno.test("a peer that pings and reads nothing makes the guard's socket hold one pong, not one per ping", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peer = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const conn = await listener.accept();
  listener.close();
  const socket = new WebSocketConnection(conn, {
    maxMessageBytes: 1 << 20,
    writeStallMs: 60_000,
    closeWaitMs: 1000,
  });
  const ended = socket.start(new Uint8Array(0), new Uint8Array(0));
  try {
    // 200,000 pings of 125 bytes (26 MB): their pongs would fill the kernel's buffers many times.
    const ping = clientFrame(OPCODE.ping, new Uint8Array(125));
    const batch = new Uint8Array(ping.length * 1000);
    for (let i = 0; i < 1000; i++) batch.set(ping, i * ping.length);
    for (let i = 0; i < 200; i++) {
      for (let at = 0; at < batch.length;) at += await peer.write(batch.subarray(at));
    }
    ok(await eventually(() => socket.bufferedAmount <= 2 * 127), `held ${socket.bufferedAmount}`);
  } finally {
    peer.close();
    await ended;
  }
});

Deno.test("the inner server answers 403 to a request that did not come through the guard", async () => {
  const seen: string[] = [];
  const inner = innerHandler("the-secret", (_request, info) => {
    seen.push(info.remoteAddr.hostname);
    return new Response("served");
  });
  const strays: Record<string, string>[] = [
    {},
    { "x-sluice-guard": "a guess", "x-sluice-peer": "203.0.113.9" },
  ];
  for (const headers of strays) {
    equal((await inner(new Request("http://127.0.0.1/", { headers }))).status, 403);
  }
  const through = { "x-sluice-guard": "the-secret", "x-sluice-peer": "192.0.2.7" };
  equal(
    await (await inner(new Request("http://127.0.0.1/", { headers: through }))).text(),
    "served",
  );
  deepStrictEqual(seen, ["192.0.2.7"]);
});
