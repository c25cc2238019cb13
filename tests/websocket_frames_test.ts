// The server's RFC 6455 framing (server/websocket_frames.ts): every rule a client's frame must
// keep, fed whole, byte by byte and split anywhere, beside the frames the server writes.
import { concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { deepStrictEqual, equal } from "node:assert/strict";
import {
  acceptValue,
  closePayload,
  type FrameEvent,
  frameHeader,
  FrameReader,
  OPCODE,
  upgradeProblem,
} from "../server/websocket_frames.ts";
import { clientFrame } from "./_raw_socket.ts";

const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function frame(opcode: number, payload: Uint8Array | string, fin = true): Uint8Array {
  return clientFrame(opcode, payload, { fin, mask: MASK });
}

/** The events of `bytes` read whole, one byte at a time, and split at every offset: all the same. */
function read(bytes: Uint8Array, max = 1 << 20): FrameEvent[] {
  const whole = new FrameReader(max).receive(bytes);
  const byByte = new FrameReader(max);
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i++) events.push(...byByte.receive(bytes.subarray(i, i + 1)));
  deepStrictEqual(events, whole);
  for (let cut = 1; cut < Math.min(bytes.length, 40); cut++) {
    const reader = new FrameReader(max);
    deepStrictEqual(
      [...reader.receive(bytes.subarray(0, cut)), ...reader.receive(bytes.subarray(cut))],
      whole,
    );
  }
  return whole;
}

const code = (events: FrameEvent[]) => {
  const last = events.at(-1);
  return last?.type === "fail" ? last.code : last?.type;
};

Deno.test("text and binary messages, of every length form, arrive unmasked", () => {
  const binary = Uint8Array.from({ length: 70_000 }, (_, i) => i % 251);
  deepStrictEqual(read(concatBytes(frame(OPCODE.text, "héllo 🚀"), frame(OPCODE.binary, binary))), [
    { type: "message", data: "héllo 🚀" },
    { type: "message", data: binary },
  ]);
  deepStrictEqual(read(frame(OPCODE.text, "x".repeat(300))), [
    { type: "message", data: "x".repeat(300) },
  ]);
  deepStrictEqual(read(frame(OPCODE.text, "")), [{ type: "message", data: "" }]);
});

Deno.test("a fragmented message is joined, with pings between its parts answered on their own", () => {
  const bytes = concatBytes(
    frame(OPCODE.text, "ab", false),
    frame(OPCODE.ping, "p"),
    frame(OPCODE.continuation, "c", false),
    frame(OPCODE.continuation, "d"),
  );
  deepStrictEqual(read(bytes), [
    { type: "ping", payload: new TextEncoder().encode("p") },
    { type: "message", data: "abcd" },
  ]);
  // A character split between fragments is whole once joined.
  const rocket = new TextEncoder().encode("🚀");
  deepStrictEqual(
    read(concatBytes(
      frame(OPCODE.text, rocket.subarray(0, 2), false),
      frame(OPCODE.continuation, rocket.subarray(2)),
    )),
    [{ type: "message", data: "🚀" }],
  );
});

Deno.test("close frames: a code and reason, none at all, and nothing read after", () => {
  deepStrictEqual(
    read(concatBytes(frame(OPCODE.close, closePayload(4000, "bye")), frame(1, "late"))),
    [
      { type: "close", code: 4000, reason: "bye" },
    ],
  );
  deepStrictEqual(read(frame(OPCODE.close, new Uint8Array(0))), [
    { type: "close", code: undefined, reason: "" },
  ]);
  equal(code(read(frame(OPCODE.close, new Uint8Array([3])))), 1002);
  for (const bad of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000]) {
    equal(code(read(frame(OPCODE.close, closePayload(bad)))), 1002, `close code ${bad}`);
  }
  equal(code(read(frame(OPCODE.close, new Uint8Array([3, 232, 0xff])))), 1007);
  equal(read(frame(OPCODE.pong, "x"))[0].type, "pong");
});

Deno.test("frames that break RFC 6455 fail with 1002, and nothing after them is read", () => {
  const unmasked = frame(OPCODE.text, "{}");
  const plain = new Uint8Array([0x81, 2, 0x7b, 0x7d]);
  equal(code(read(plain)), 1002, "unmasked");
  const rsv = frame(OPCODE.text, "{}");
  rsv[0] |= 0x40;
  equal(code(read(rsv)), 1002, "reserved bit");
  for (const opcode of [3, 7, 11, 15]) equal(code(read(frame(opcode, "x"))), 1002, `op ${opcode}`);
  equal(code(read(frame(OPCODE.ping, "x", false))), 1002, "fragmented ping");
  equal(code(read(frame(OPCODE.ping, "x".repeat(126)))), 1002, "ping of 126 bytes");
  equal(code(read(frame(OPCODE.continuation, "x"))), 1002, "continuation of nothing");
  equal(code(read(concatBytes(frame(OPCODE.text, "a", false), frame(OPCODE.text, "b")))), 1002);
  deepStrictEqual(read(concatBytes(plain, unmasked)).length, 1);
});

Deno.test("a text that is not UTF-8 fails with 1007, even split across fragments", () => {
  equal(code(read(frame(OPCODE.text, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])))), 1007);
  equal(code(read(frame(OPCODE.text, new Uint8Array([0xed, 0xa0, 0x80])))), 1007, "a surrogate");
  equal(
    code(read(concatBytes(
      frame(OPCODE.text, new Uint8Array([0xf0, 0x9f]), false),
      frame(OPCODE.continuation, new Uint8Array([0x41])),
    ))),
    1007,
  );
  // A byte order mark is the message's own, kept as the runtime's WebSocket keeps it.
  deepStrictEqual(read(frame(OPCODE.text, "\ufeff{}")), [{ type: "message", data: "\ufeff{}" }]);
  // Binary messages are bytes: not checked.
  deepStrictEqual(read(frame(OPCODE.binary, new Uint8Array([0xff]))), [
    { type: "message", data: new Uint8Array([0xff]) },
  ]);
});

Deno.test("a message over the bound fails with 1009 from its header, before its payload comes", () => {
  const reader = new FrameReader(1000);
  const big = frame(OPCODE.binary, new Uint8Array(1001));
  // The header alone (2 + 2 + 4 bytes) is enough to refuse it.
  deepStrictEqual(code(reader.receive(big.subarray(0, 8))), 1009);
  equal(code(read(frame(OPCODE.binary, new Uint8Array(1000)), 1000)), "message");
  // Fragments count together.
  const parts = concatBytes(
    frame(OPCODE.text, "x".repeat(600), false),
    frame(OPCODE.continuation, "x".repeat(401)),
  );
  equal(code(read(parts, 1000)), 1009);
  // A 64-bit length beyond any bound; one with its top bit set is no length at all (1002).
  const huge = new Uint8Array([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  equal(code(new FrameReader(1000).receive(huge)), 1009);
  huge[2] = 0x80;
  equal(code(new FrameReader(1000).receive(huge)), 1002);
});

Deno.test("the frames the server writes, and the accept value and upgrade checks of the handshake", () => {
  deepStrictEqual(frameHeader(OPCODE.binary, 125), new Uint8Array([0x82, 125]));
  deepStrictEqual(frameHeader(OPCODE.binary, 65_535), new Uint8Array([0x82, 126, 255, 255]));
  deepStrictEqual(
    frameHeader(OPCODE.binary, 65_536),
    new Uint8Array([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]),
  );
  // A reason cut to the 123 bytes a close frame leaves it: 41 of the 50 three-byte characters.
  const cut = closePayload(1000, "€".repeat(50));
  equal(cut.length, 2 + 123);
  equal(new TextDecoder("utf-8", { fatal: true }).decode(cut.subarray(2)), "€".repeat(41));
  equal(acceptValue("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const headers = (extra: Record<string, string>) =>
    new Headers({
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      ...extra,
    });
  equal(upgradeProblem("GET", headers({})), undefined);
  equal(upgradeProblem("GET", headers({ upgrade: "h2c" })), "no Upgrade: websocket");
  equal(upgradeProblem("GET", headers({ connection: "close" })), "no Connection: upgrade");
  equal(upgradeProblem("GET", headers({ "sec-websocket-version": "8" })), "not version 13");
  equal(
    upgradeProblem("GET", headers({ "sec-websocket-key": "c2hvcnQ=" })),
    "no Sec-WebSocket-Key of 16 bytes",
  );
});
