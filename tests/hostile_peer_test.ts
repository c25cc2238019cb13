// End-to-end: a real server on loopback against peers that break the rules on purpose (issue 16).
// The rules are proven on the machine (tests/session_bounds_test.ts); these prove the wiring.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ClientMessage } from "../protocol/messages.ts";
import { healthMessage, requestMessage, startServer } from "./_harness.ts";
import { clientFrame, eventually, OPCODE, RawSocket } from "./_raw_socket.ts";
import { finishedDownloads } from "./_fuzz_resources.ts";
import { SignedPeer } from "./_signed_peer.ts";

const ROWS = 2000;
/** Enough rows that their JSON overflows the loopback's socket buffers (about 20 MB). */
const STALL_ROWS = 100_000;
const EVERYTHING = { timeFrom: "2000-01-01", timeTo: "2100-01-01", filters: [] };

Deno.test("a sealed session that sends malformed JSON is ended with MALFORMED_JSON and close 4400", async () => {
  const server = startServer(ROWS, { anonymous: false });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    peer.send('{"event":"status:check",');
    equal((await peer.message("system:error")).data.code, "MALFORMED_JSON");
    equal((await peer.closed).code, 4400);
  } finally {
    await peer.close();
    await server.close();
  }
});

function statusCheck(): ClientMessage {
  return { event: "status:check", data: {}, timestamp: Date.now(), requestId: "st" };
}

/** The error codes of the `system:error` messages among `texts`. */
function systemErrors(texts: readonly string[]): string[] {
  return texts.flatMap((t) => {
    const m = JSON.parse(t);
    return m.event === "system:error" ? [m.data.code] : [];
  });
}

Deno.test("a peer that asks and never reads is closed at its queue's bound, and the server holds no connection for it", async () => {
  const server = startServer(ROWS, {
    // The rate limit is proven on its own; here the queue's bound must be what ends it.
    maxMessagesPerSecond: 1_000_000,
    socketBufferBytes: 65_536,
    maxQueuedBytes: 262_144,
  });
  const peer = await RawSocket.open(Number(new URL(server.url).port));
  try {
    // 64 finished downloads make every status:check's answer a status of all of them (deflated,
    // a few hundred bytes): past the kernel's socket buffers within a few thousand questions.
    await finishedDownloads(peer, 64);
    const ask = clientFrame(OPCODE.text, JSON.stringify(statusCheck()));
    const burst = new Uint8Array(Array(10).fill([...ask]).flat());
    for (let i = 0; i < 5000 && server.sluice.connections > 0; i++) {
      await peer.write(burst);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    ok(await eventually(() => server.sluice.connections === 0), "the peer is still held");
    // Read now: every answer queued before the end, then why, then the close.
    const frames = await peer.readAll((t) => t.includes('"system:error"'));
    deepStrictEqual(systemErrors(frames.texts), ["SEND_QUEUE_FULL"]);
    equal(frames.close?.code, 4429);
  } finally {
    peer.close();
    await server.close();
  }
});

Deno.test("a download whose reader stops reading is aborted after the stall timeout, not held", async () => {
  const server = startServer(STALL_ROWS, {
    stallTimeoutMs: 300,
    socketBufferBytes: 65_536,
    windowBytes: 1 << 30,
  });
  const port = Number(new URL(server.url).port);
  const peer = await RawSocket.open(port);
  try {
    await peer.send(
      OPCODE.text,
      JSON.stringify(requestMessage("big", { searchParams: EVERYTHING, outputFormat: "json" })),
    );
    // It reads nothing: the export fills the socket, and nothing leaves it.
    ok(await eventually(() => server.sluice.connections === 0), "the stalled reader is still held");
    const frames = await peer.readAll((t) => t.includes('"system:error"'));
    deepStrictEqual(systemErrors(frames.texts), ["READER_STALLED"]);
    equal(frames.close?.code, 4429);
    // The export ran into the peer's unread buffers before it stalled: more arrived than the
    // server's own socket buffer holds. How much more is the kernel's: 4.5 MB on a quiet machine
    // here, under 1 MB once, with two test suites filling sockets at the same time.
    ok(frames.binaryBytes > 2 * 65_536, `${frames.binaryBytes} bytes arrived`);
  } finally {
    peer.close();
    await server.close();
  }
});

for (const denoServe of [false, true]) {
  const where = denoServe ? "on Deno.serve alone" : "behind the guard";
  Deno.test(`${where}, a text message that is not UTF-8 ends only its own connection, and nothing is logged (PROTOCOL.md §19.3)`, async () => {
    const logged: unknown[] = [];
    const server = startServer(ROWS, {
      denoServe,
      logger: { error: (...args) => logged.push(args) },
    });
    const port = Number(new URL(server.url).port);
    const bystander = await RawSocket.open(port);
    const peer = await RawSocket.open(port);
    try {
      await peer.send(OPCODE.text, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
      const frames = await peer.readAll();
      // The guard's WebSocket fails the connection with 1007, as RFC 6455 says. The runtime's
      // checks UTF-8 before the server sees the message and drops the connection without a
      // close frame (if a Deno release sends 1007, this shows it).
      equal(frames.close?.code, denoServe ? undefined : 1007);
      deepStrictEqual(frames.texts, []);
      ok(await eventually(() => server.sluice.connections === 1));
      await bystander.send(OPCODE.text, JSON.stringify(healthMessage("still")));
      equal(JSON.parse((await bystander.nextText())!).event, "connection:health");
      deepStrictEqual(logged, []);
    } finally {
      peer.close();
      bystander.close();
      await server.close();
    }
  });
}
