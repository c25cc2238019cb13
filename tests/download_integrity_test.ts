// What the client checks of what the server claims: order, sequence, digests and the summary.
import { deepStrictEqual, equal } from "node:assert/strict";
import { step } from "../protocol/download_machine.ts";
import { resumePoint } from "../protocol/download_state.ts";
import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "../protocol/digest_chain.ts";
import { errorResponse } from "../protocol/errors.ts";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import {
  CLOCK,
  corrupted,
  envelope,
  finished,
  next,
  sent,
  streaming,
  summaryOf,
} from "./_download_fixtures.ts";

Deno.test("step() rejects a data frame before download:start", () => {
  const state = sent();
  const r = step(state, next(state), CLOCK);
  equal(r.state.phase, "error");
  deepStrictEqual(r.effects, [
    { type: "send", message: { event: "download:cancel", data: {}, ...envelope } },
    {
      type: "failed",
      error: errorResponse("ILLEGAL_TRANSITION", { phase: "requested", event: "frame" }),
    },
  ]);
});

Deno.test("a summary that disagrees with the received rows, bytes or digest is INTEGRITY_MISMATCH", () => {
  const done = finished();
  const good = summaryOf(done);
  for (
    const summary of [
      { ...good, rows: good.rows + 1 },
      { ...good, bytes: good.bytes - 1 },
      { ...good, digest: INITIAL_DIGEST },
      { ...good, digest: streaming(1).digest }, // the chain value one frame before the end
    ]
  ) {
    const r = step(done, { type: "complete", summary }, CLOCK);
    equal(r.state.error?.code, "INTEGRITY_MISMATCH");
    deepStrictEqual(r.effects, [{ type: "failed", error: r.state.error }]);
  }
});

Deno.test("download:complete before the FINAL frame is SEQUENCE_GAP", () => {
  const s = streaming();
  const r = step(s, { type: "complete", summary: summaryOf(s) }, CLOCK);
  equal(r.state.error?.code, "SEQUENCE_GAP");
});

Deno.test("a frame that does not continue the stream is SEQUENCE_GAP and stops the server", () => {
  const s = streaming();
  const frame = next(s);
  if (frame.type !== "frame") throw new Error("unreachable");
  const bad = [
    { ...frame.header, sequence: s.sequence + 1 },
    { ...frame.header, sequence: s.sequence - 1 },
    { ...frame.header, rowOffset: s.rows + 1 },
    { ...frame.header, byteOffset: s.bytes - 1 },
  ];
  for (const header of bad) {
    const r = step(s, { ...frame, header }, CLOCK);
    equal(r.state.error?.code, "SEQUENCE_GAP", JSON.stringify(header));
    deepStrictEqual(r.effects[0], {
      type: "send",
      message: { event: "download:cancel", data: {}, ...envelope },
    });
  }
  const done = finished();
  equal(step(done, next(done), CLOCK).state.error?.code, "SEQUENCE_GAP");
});

Deno.test("a frame whose payload does not match its digest is DIGEST_MISMATCH: never delivered, resume point kept", () => {
  const s = streaming(2);
  const before = resumePoint(s);
  const frame = corrupted(s);
  const r = step(s, frame, CLOCK);
  equal(r.state.phase, "error");
  equal(r.state.error?.code, "DIGEST_MISMATCH");
  equal(r.state.error?.recoverable, true);
  deepStrictEqual(r.effects.map((e) => e.type), ["send", "failed"], "no deliver effect");
  deepStrictEqual(r.effects[0], {
    type: "send",
    message: { event: "download:cancel", data: {}, ...envelope },
  });
  // Rows, bytes, sequence, cursor and digest all stay before the bad frame.
  deepStrictEqual(resumePoint(r.state), before);
  // A digest copied from another position of the chain is refused too, even with intact bytes.
  const good = next(s);
  if (good.type !== "frame") throw new Error("unreachable");
  const replayed = { ...good, header: { ...good.header, digest: hexToBytes(s.digest) } };
  equal(step(s, replayed, CLOCK).state.error?.code, "DIGEST_MISMATCH");
  equal(bytesToHex(good.header.digest), chainDigest(s.digest, good.payload, nobleSha256));
  equal(step(s, good, CLOCK).state.phase, "streaming");
});
