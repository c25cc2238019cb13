// One test per bound of the limits table (protocol/limit_table.ts, docs/PROTOCOL.md §19) that is
// not proven elsewhere: a real server on loopback, set through its createServer option, and a
// peer that goes past it. The rules themselves are the session machine's, proven there; these
// prove that each option reaches them. tests/protocol_doc_test.ts checks that the table and the
// tests of this file are the same, one to one.
import { equal, ok } from "node:assert/strict";
import type { ClientMessage } from "../protocol/messages.ts";
import { healthMessage, RawPeer, requestMessage, startServer } from "./_harness.ts";
import { clientFrame, eventually, OPCODE, RawSocket } from "./_raw_socket.ts";
import { finishedDownloads } from "./_fuzz_resources.ts";
import { SignedPeer } from "./_signed_peer.ts";

const ROWS = 20_000;
const EVERYTHING = { timeFrom: "2000-01-01", timeTo: "2100-01-01", filters: [] };

function statusCheck(): ClientMessage {
  return { event: "status:check", data: {}, timestamp: Date.now(), requestId: "st" };
}

Deno.test("a connection that does not sign in within signInTimeoutMs is closed with SIGN_IN_TIMEOUT, then SIGN_IN_FAILED", async () => {
  const server = startServer(ROWS, { anonymous: false, signInTimeoutMs: 200 });
  const peer = await RawPeer.open(server.url);
  try {
    equal((await peer.message("system:error")).data.code, "SIGN_IN_TIMEOUT");
    equal((await peer.closed).code, 4401);
  } finally {
    await server.close();
  }
});

Deno.test("a connection silent for idleTimeoutMs is closed with IDLE_TIMEOUT, and the close code of that name", async () => {
  const server = startServer(ROWS, { idleTimeoutMs: 200 });
  const peer = await RawPeer.open(server.url);
  try {
    equal((await peer.message("system:error")).data.code, "IDLE_TIMEOUT");
    equal((await peer.closed).code, 4408);
  } finally {
    await server.close();
  }
});

Deno.test("a message over maxMessageBytes is refused with MESSAGE_TOO_LARGE and the connection goes on", async () => {
  const server = startServer(ROWS, { parseLimits: { maxMessageBytes: 1000 } });
  const peer = await RawPeer.open(server.url);
  try {
    peer.send(JSON.stringify({ ...healthMessage("big"), pad: "x".repeat(2000) }));
    equal((await peer.message("system:error")).data.code, "MESSAGE_TOO_LARGE");
    peer.send(healthMessage("after"));
    await peer.message("connection:health", "after");
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("more than maxWaitingMessages messages waiting end the connection with TOO_MANY_MESSAGES, then PROTOCOL_VIOLATION", async () => {
  // A hook that never answers: the first request waits for it, and what follows waits behind.
  const server = startServer(ROWS, {
    maxWaitingMessages: 4,
    authorize: () => new Promise(() => {}),
  });
  const peer = await RawPeer.open(server.url);
  try {
    peer.send(requestMessage("held"));
    // Four wait; the fifth is one too many. (Nothing after it: a peer that goes on sending
    // after the server's close makes the runtime drop the connection before its close frame.)
    for (let i = 0; i < 5; i++) peer.send(healthMessage(`h${i}`));
    equal((await peer.message("system:error")).data.code, "TOO_MANY_MESSAGES");
    equal((await peer.closed).code, 4400);
  } finally {
    await server.close();
  }
});

Deno.test("more messages a second than maxMessagesPerSecond end the connection with TOO_MANY_MESSAGES, then PROTOCOL_VIOLATION", async () => {
  const server = startServer(ROWS, { maxMessagesPerSecond: 5 });
  const peer = await RawPeer.open(server.url);
  try {
    // Five the bucket holds; the sixth is one too many (and nothing after it, as above).
    for (let i = 0; i < 6; i++) peer.send(healthMessage(`h${i}`));
    equal((await peer.message("system:error")).data.code, "TOO_MANY_MESSAGES");
    equal((await peer.closed).code, 4400);
  } finally {
    await server.close();
  }
});

Deno.test("over maxQueuedBytesTotal a connection behind on reading is closed with SEND_QUEUE_FULL, then SLOW_READER", async () => {
  const server = startServer(ROWS, {
    maxMessagesPerSecond: 1_000_000,
    socketBufferBytes: 65_536,
    maxQueuedBytes: 4_194_304,
    maxQueuedBytesTotal: 200_000,
  });
  const peer = await RawSocket.open(Number(new URL(server.url).port));
  try {
    // 64 finished downloads make each status:check's answer a status of all of them.
    await finishedDownloads(peer, 64);
    const ask = clientFrame(OPCODE.text, JSON.stringify(statusCheck()));
    const burst = new Uint8Array(Array(10).fill([...ask]).flat());
    for (let i = 0; i < 5000 && server.sluice.connections > 0; i++) {
      await peer.write(burst);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    ok(await eventually(() => server.sluice.connections === 0), "the peer is still held");
    const frames = await peer.readAll((t) => t.includes('"system:error"'));
    equal(frames.texts.length, 1);
    const error = JSON.parse(frames.texts[0]).data;
    equal(error.code, "SEND_QUEUE_FULL");
    equal(error.details.server, true);
    ok(error.details.queued < 4_194_304, "closed for the server's total, not its own bound");
    equal(frames.close?.code, 4429);
  } finally {
    peer.close();
    await server.close();
  }
});

Deno.test("a download past maxDownloadsPerConnection is refused with TOO_MANY_DOWNLOADS", async () => {
  // A small window and no acknowledgements: the first download waits, still running.
  const server = startServer(ROWS, { maxDownloadsPerConnection: 1, windowBytes: 65_536 });
  const peer = await RawPeer.open(server.url);
  try {
    peer.send(requestMessage("a", { searchParams: EVERYTHING }));
    await peer.message("download:start", "a");
    peer.send(requestMessage("b"));
    equal((await peer.message("download:error", "b")).data.code, "TOO_MANY_DOWNLOADS");
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("a download past an identity's maxConcurrentDownloads is refused with TOO_MANY_DOWNLOADS", async () => {
  const server = startServer(ROWS, {
    anonymous: false,
    windowBytes: 65_536,
    limits: { maxConcurrentDownloads: 1 },
  });
  const key = crypto.getRandomValues(new Uint8Array(32));
  const [first, second] = [
    await SignedPeer.open(server.url, key),
    await SignedPeer.open(server.url, key),
  ];
  try {
    await first.signIn();
    await second.signIn();
    first.send(await first.signed(requestMessage("a", { searchParams: EVERYTHING })));
    await first.message("download:start", "a");
    // The same identity on another connection: its one slot is taken.
    second.send(await second.signed(requestMessage("b")));
    equal((await second.message("download:error", "b")).data.code, "TOO_MANY_DOWNLOADS");
  } finally {
    await first.close();
    await second.close();
    await server.close();
  }
});

Deno.test("a download past an identity's requestsPerMinute is refused with RATE_LIMITED and retryAfter", async () => {
  const server = startServer(ROWS, { anonymous: false, limits: { requestsPerMinute: 1 } });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    peer.send(await peer.signed(requestMessage("a")));
    await peer.message("download:start", "a");
    peer.send(await peer.signed(requestMessage("b")));
    const error = (await peer.message("download:error", "b")).data;
    equal(error.code, "RATE_LIMITED");
    ok((error.retryAfter ?? 0) > 0);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("a download of more rows than maxRowsPerRequest is refused with ROW_LIMIT_EXCEEDED", async () => {
  const server = startServer(ROWS, { limits: { maxRowsPerRequest: 10 } });
  const peer = await RawPeer.open(server.url);
  try {
    peer.send(requestMessage("r", { searchParams: EVERYTHING }));
    equal((await peer.message("download:error", "r")).data.code, "ROW_LIMIT_EXCEEDED");
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("a request with more filters than maxFilters is refused with TOO_MANY_FILTERS", async () => {
  const server = startServer(ROWS, { requestLimits: { maxFilters: 2 } });
  const peer = await RawPeer.open(server.url);
  try {
    const filters = Array(3).fill({ field: "id", operator: "gt", value: 1 });
    peer.send(requestMessage("r", { searchParams: { ...EVERYTHING, filters } }));
    equal((await peer.message("download:error", "r")).data.code, "TOO_MANY_FILTERS");
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("an in filter with more values than maxInValues is refused with INVALID_FILTER_VALUE", async () => {
  const server = startServer(ROWS, { requestLimits: { maxInValues: 3 } });
  const peer = await RawPeer.open(server.url);
  try {
    const filters = [{ field: "id", operator: "in", value: [1, 2, 3, 4] }] as never;
    peer.send(requestMessage("r", { searchParams: { ...EVERYTHING, filters } }));
    equal((await peer.message("download:error", "r")).data.code, "INVALID_FILTER_VALUE");
  } finally {
    await peer.close();
    await server.close();
  }
});
