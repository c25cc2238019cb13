import { deepEqual, equal, ok } from "node:assert/strict";
import { Sink } from "../server/_byte_sink.ts";

Deno.test("Sink: what is taken stays as it was while the sink writes on", () => {
  const sink = new Sink();
  sink.text("first page");
  const first = sink.take();
  sink.text("second page, longer than the first");
  sink.byte(0x21);
  const second = sink.take();
  equal(new TextDecoder().decode(first), "first page");
  equal(new TextDecoder().decode(second), "second page, longer than the first!");
  // Nothing written since the last take: an empty view.
  equal(sink.take().length, 0);
});

Deno.test("Sink: grows past its first buffer without losing bytes, and lets it go on take", () => {
  const sink = new Sink();
  const row = new Uint8Array(1000).map((_, i) => i & 0xff);
  for (let i = 0; i < 300; i++) sink.put(row); // 300,000 bytes: past the first 64 KiB buffer
  const taken = sink.take();
  equal(taken.length, 300_000);
  deepEqual(taken.subarray(299_000), row);
  deepEqual(taken.subarray(0, 1000), row);
  equal(sink.buf.length, 0);
  // The next buffer is made about the size of the last page, not grown from 64 KiB again.
  sink.byte(1);
  ok(sink.buf.length >= 300_000);
});
