// The counter rules of sealed frames, on the pure functions: each counter once and in order, the
// first failure for good, and an IV that never repeats.
import { deepEqual, equal, throws } from "node:assert/strict";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import {
  initialOpeningState,
  initialSealingState,
  type OpeningState,
  planOpen,
  planSeal,
  tagFailed,
} from "../protocol/sealed_counter.ts";
import { decodeSealedFrame, MAX_COUNTER, sealedHeader } from "../protocol/sealed_frame.ts";

/** A sealed frame with this counter and an all-zero body (the cipher is not under test here). */
function frame(counter: number): Uint8Array {
  const bytes = new Uint8Array(12 + 16 + 3);
  bytes.set(sealedHeader(counter));
  return bytes;
}

/** Feeds frames to an opening end; the outcome of each as "ok:<counter>" or its code. */
function open(state: OpeningState, counters: number[]): { state: OpeningState; seen: string[] } {
  const seen: string[] = [];
  for (const counter of counters) {
    const r = planOpen(state, frame(counter));
    state = r.state;
    seen.push(r.result.ok ? `ok:${r.result.value.counter}` : r.result.error.code);
  }
  return { state, seen };
}

Deno.test("an opening end takes each counter once and in order, and fails for good after", () => {
  const inOrder = open(initialOpeningState(), [0, 1, 2, 3, 3, 4]);
  deepEqual(inOrder.seen, ["ok:0", "ok:1", "ok:2", "ok:3", "REPLAYED_FRAME", "REPLAYED_FRAME"]);
  equal(inOrder.state.failure?.code, "REPLAYED_FRAME");

  const skipping = open(initialOpeningState(), [1, 0]);
  deepEqual(skipping.seen, ["REORDERED_FRAME", "REORDERED_FRAME"], "poisoned after a failure");
  deepEqual(skipping.state.failure?.details, { counter: 1, expected: 0 });

  const afterReplay = open(initialOpeningState(), [0, 0, 1]);
  deepEqual(afterReplay.seen, ["ok:0", "REPLAYED_FRAME", "REPLAYED_FRAME"]);
});

Deno.test("a tag that fails is DECRYPTION_FAILED for good, and the counter it took stays taken", () => {
  const first = planOpen(initialOpeningState(), frame(0));
  equal(first.result.ok, true);
  const failed = tagFailed(first.state, 0);
  equal(failed.error.code, "DECRYPTION_FAILED");
  deepEqual(failed.error.details, { counter: 0 });
  deepEqual(open(failed.state, [1, 0]).seen, ["DECRYPTION_FAILED", "DECRYPTION_FAILED"]);
  // The first failure is the one every later frame carries, a tag failing later included.
  const replayed = open(initialOpeningState(), [1]).state;
  equal(tagFailed(replayed, 0).error.code, "REORDERED_FRAME");
  // Without a failure the frame after an accepted one is the next counter.
  deepEqual(open(first.state, [1]).seen, ["ok:1"]);
});

Deno.test("a malformed sealed header fails the opening end with its FRAME_* code", () => {
  const flagged = frame(0);
  flagged[3] = 1;
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(20), "FRAME_TRUNCATED"],
    [flagged, "FRAME_FLAGS"],
    [
      Uint8Array.from([1, 3, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, ...frame(0).slice(12)]),
      "FRAME_FIELD",
    ],
  ];
  for (const [bytes, code] of cases) {
    const r = planOpen(initialOpeningState(), bytes);
    equal(r.result.ok ? "ok" : r.result.error.code, code);
    equal(r.state.failure?.code, code);
  }
});

Deno.test("an accepted frame's plan is its header as additional data, its counter's IV and the rest", () => {
  const bytes = frame(0);
  bytes.set([7, 8, 9], 28);
  const r = planOpen(initialOpeningState(), bytes);
  equal(r.result.ok, true);
  if (!r.result.ok) return;
  deepEqual([...r.result.value.header], [...sealedHeader(0)]);
  deepEqual([...r.result.value.iv], new Array(12).fill(0));
  deepEqual([...r.result.value.ciphertext].slice(-3), [7, 8, 9]);
  equal(r.result.value.ciphertext.length, 16 + 3);
});

Deno.test("counters, and so IVs, never repeat across a session", () => {
  let state = initialSealingState();
  const ivs = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const { state: next, plan } = planSeal(state);
    state = next;
    equal(plan.counter, i);
    const decoded = decodeSealedFrame(Uint8Array.from([...plan.header, ...new Array(16).fill(0)]));
    equal(decoded.ok && decoded.value.counter, i, "the header carries the counter");
    deepEqual([...plan.iv.subarray(0, 4)], [0, 0, 0, 0]);
    deepEqual([...plan.iv.subarray(4)], [...plan.header.subarray(4)], "the IV is the counter");
    ivs.add(bytesToHex(plan.iv));
  }
  equal(ivs.size, 2000);
  equal(state.next, 2000);
  // The last counters of a session: the largest one seals, the one after it never does.
  const last = planSeal({ next: MAX_COUNTER });
  equal(last.plan.counter, MAX_COUNTER);
  throws(() => planSeal(last.state), RangeError);
});
