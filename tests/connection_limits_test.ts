// What an upgrade must pass before it becomes a session (issue 16): the connection counts, per
// remote address and in total, the page origins allowed, and the checks of those options.
import { equal, throws } from "node:assert/strict";
import { demoPath, startServer } from "./_harness.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { eventually, RawSocket } from "./_raw_socket.ts";
import { createServer } from "../server/create_server.ts";
import { ConnectionGate } from "../server/connection_gate.ts";

const ROWS = 1000;

/** The status line of an upgrade with these headers. */
async function upgradeStatus(port: number, headers: Record<string, string> = {}): Promise<string> {
  try {
    const socket = await RawSocket.open(port, { headers });
    socket.close();
    return "101";
  } catch (error) {
    return String((error as Error).message).replace(/^upgrade refused: HTTP\/1\.1 /, "").slice(
      0,
      3,
    );
  }
}

Deno.test("an address over maxConnectionsPerAddress is refused with 429, until one of its connections closes", async () => {
  const server = startServer(ROWS, { maxConnectionsPerAddress: 2 });
  const port = Number(new URL(server.url).port);
  const open = [await RawSocket.open(port), await RawSocket.open(port)];
  try {
    equal(await upgradeStatus(port), "429");
    open.pop()!.close();
    equal(await eventually(() => server.sluice.connections === 1), true);
    open.push(await RawSocket.open(port));
  } finally {
    for (const socket of open) socket.close();
    await server.close();
  }
});

Deno.test("the addresses of one IPv6 /64 share one per-address count; another /64 has its own", () => {
  const gate = new ConnectionGate({ maxConnections: 100, maxConnectionsPerAddress: 2 });
  const held = [gate.admit("2001:db8:a:b::1"), gate.admit("2001:db8:a:b:ffff:1:2:3")];
  equal(held.every((v) => v.ok), true);
  // A third address of the /64 (any spelling of it) is over its count, one of another is not.
  equal(gate.admit("2001:DB8:A:B::9").ok, false);
  equal(gate.admit("[2001:db8:a:b:0:0:0:7]").ok, false);
  equal(gate.admit("2001:db8:a:c::1").ok, true);
  // An IPv4-mapped address counts as its IPv4 address.
  equal(gate.admit("192.0.2.7").ok, true);
  equal(gate.admit("::ffff:192.0.2.7").ok, true);
  equal(gate.admit("192.0.2.7").ok, false);
  const first = held[0];
  if (first.ok) first.release();
  equal(gate.admit("2001:db8:a:b::42").ok, true);
});

Deno.test("an upgrade the runtime cannot accept (no Sec-WebSocket-Key) is 400 and gives its slot back", async () => {
  const server = startServer(ROWS, { maxConnectionsPerAddress: 2 });
  const port = Number(new URL(server.url).port);
  try {
    // Three times the address's bound: each one held a slot for good before.
    for (let i = 0; i < 6; i++) {
      const raw = await RawSocket.open(port, { upgrade: false });
      await raw.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
      equal((await raw.readHead()).slice(0, 12), "HTTP/1.1 400");
      raw.close();
    }
    const good = [await RawSocket.open(port), await RawSocket.open(port)];
    for (const socket of good) socket.close();
  } finally {
    await server.close();
  }
});

Deno.test("a server at maxConnections refuses more upgrades with 503", async () => {
  const server = startServer(ROWS, { maxConnections: 1 });
  const port = Number(new URL(server.url).port);
  const first = await RawSocket.open(port);
  try {
    equal(await upgradeStatus(port), "503");
  } finally {
    first.close();
    await server.close();
  }
});

Deno.test("a page whose Origin is not in allowedOrigins is refused with 403; programs without one are not", async () => {
  const server = startServer(ROWS, { allowedOrigins: ["https://export.example.com"] });
  const port = Number(new URL(server.url).port);
  try {
    equal(await upgradeStatus(port, { Origin: "https://evil.example" }), "403");
    equal(await upgradeStatus(port, { Origin: "null" }), "403");
    equal(await upgradeStatus(port, { Origin: "https://export.example.com" }), "101");
    equal(await upgradeStatus(port), "101");
  } finally {
    await server.close();
  }
});

Deno.test("createServer refuses bounds that cannot hold and origins that are not web origins", async () => {
  const source = openDemoSource(demoPath(ROWS), ROWS);
  try {
    throws(() => createServer({ source, maxQueuedBytes: 1000 }), RangeError);
    throws(() => createServer({ source, stallTimeoutMs: 0 }), RangeError);
    throws(() => createServer({ source, maxConnectionsPerAddress: 0.5 }), RangeError);
    throws(() => createServer({ source, allowedOrigins: ["wss://export.example.com"] }), TypeError);
    throws(() => createServer({ source, allowedOrigins: ["https://a.example/path"] }), TypeError);
  } finally {
    await source.close();
  }
});
