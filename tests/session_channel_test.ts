// The channel under control messages and data frames: compression above 1 KiB, a deflate bomb
// stopped at the size limit, order kept across fast and slow paths, and sealing both ways.
import { deepEqual, equal } from "node:assert/strict";
import type { Incoming } from "../protocol/channel_framing.ts";
import { encodeControlFrame } from "../protocol/sealed_frame.ts";
import { deflate } from "../transport/compression.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.ts";
import { SessionChannel } from "../transport/session_channel.ts";
import type { Result } from "../protocol/result.ts";
import type { ErrorResponse } from "../protocol/errors.ts";

/** Two channels wired back to back: what `a` sends, `b` receives. */
function pair() {
  const received: (Incoming | string)[] = [];
  const sent: (string | Uint8Array)[] = [];
  const deliver = (r: Result<Incoming, ErrorResponse>) => {
    received.push(r.ok ? r.value : r.error.code);
  };
  const b = new SessionChannel({ send: () => {}, deliver });
  const a = new SessionChannel({
    send: (payload) => {
      sent.push(payload);
      b.receive(payload);
    },
    deliver: () => {},
  });
  return { a, b, sent, received };
}

const text = (incoming: Incoming | string) =>
  typeof incoming === "string" ? incoming : incoming.type === "text" ? incoming.text : "data";

Deno.test("control messages over 1 KiB travel deflated, smaller ones as text, in order", async () => {
  const { a, b, sent, received } = pair();
  const small = JSON.stringify({ event: "status:check", n: 1 });
  const large = JSON.stringify({ event: "status:update", pad: "x".repeat(5000) });
  a.sendText(small);
  a.sendText(large);
  a.sendText(small);
  a.sendData(new Uint8Array([1, 1, 0, 0]));
  await a.flushed();
  await b.drained();
  equal(typeof sent[0], "string");
  const frame = sent[1] as Uint8Array;
  deepEqual([frame[0], frame[1], frame[3]], [1, 2, 1]); // a control frame, DEFLATED
  equal(frame.length < 200, true, `${frame.length} bytes`);
  deepEqual(received.map(text), [small, large, small, "data"]);
});

Deno.test("a deflate bomb stops at the size limit; bad deflate and bad UTF-8 are refused", async () => {
  const received: string[] = [];
  const channel = new SessionChannel({
    send: () => {},
    deliver: (r) => void received.push(r.ok ? "ok" : r.error.code),
    maxMessageBytes: 65_536,
  });
  const bomb = await deflate(new Uint8Array(50_000_000)); // 50 MB of zeros, ~50 kB deflated
  channel.receive(encodeControlFrame(bomb, true));
  channel.receive(encodeControlFrame(new Uint8Array([1, 2, 3, 4]), true));
  channel.receive(encodeControlFrame(new Uint8Array([0xff, 0xfe]), false));
  channel.receive(encodeControlFrame(new TextEncoder().encode("{}"), false));
  await channel.drained();
  deepEqual(received, ["MESSAGE_TOO_LARGE", "MALFORMED_JSON", "MALFORMED_JSON", "ok"]);
});

Deno.test("after seal() every frame is sealed both ways, and plain input is refused", async () => {
  const secretAB = crypto.getRandomValues(new Uint8Array(32));
  const secretBA = crypto.getRandomValues(new Uint8Array(32));
  const { a, b, sent, received } = pair();
  a.sendText('{"before":1}');
  a.seal(await FrameSealer.create(secretAB), await FrameOpener.create(secretBA));
  b.seal(await FrameSealer.create(secretBA), await FrameOpener.create(secretAB));
  a.sendText('{"after":1}');
  a.sendData(new Uint8Array([1, 1, 9, 9]));
  await a.flushed();
  await b.drained();
  equal(sent[0], '{"before":1}');
  deepEqual(sent.slice(1).map((p) => (p as Uint8Array)[1]), [3, 3]);
  deepEqual(received.map(text), ['{"before":1}', '{"after":1}', "data"]);
  // A sealed channel refuses text, and after a failure it drops what follows.
  b.receive('{"plain":1}');
  b.receive(await (await FrameSealer.create(secretAB)).seal(new Uint8Array([1, 1])));
  await b.drained();
  deepEqual(received.slice(3), ["UNSEALED_MESSAGE"]);
});

Deno.test("a handler that throws is reported and the next payloads still arrive", async () => {
  const seen: string[] = [];
  const failures: unknown[] = [];
  const channel = new SessionChannel({
    send: () => {},
    deliver: (r) => {
      const value = r.ok && r.value.type === "text" ? r.value.text : "?";
      seen.push(value);
      if (value === "boom") throw new Error("handler bug");
    },
    handlerFailed: (error) => failures.push(error),
  });
  for (const text of ["a", "boom", "b"]) channel.receive(text);
  await channel.drained();
  deepEqual(seen, ["a", "boom", "b"]);
  equal(failures.length, 1);
});
