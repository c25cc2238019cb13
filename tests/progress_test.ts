import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import type { ProgressUpdate } from "../protocol/messages.ts";
import { ProgressBatcher, progressUpdate, RateMeter } from "../protocol/progress.ts";
import { mulberry32 } from "../server/demo_data.ts";

/** A progress update of `requestId` at `processedRows` of 1000. */
function update(requestId: string, processedRows: number): ProgressUpdate {
  return {
    requestId,
    progress: processedRows / 10,
    processedRows,
    totalRows: 1000,
    speed: 0,
    estimatedTimeRemaining: -1,
    processedBytes: processedRows * 64,
  };
}

/** `[requestId, processedRows]` of each update, for short assertions. */
const summary = (batch: ProgressUpdate[]) => batch.map((u) => [u.requestId, u.processedRows]);

/** A meter that has seen `rows` rows in `ms` milliseconds from time 0. */
function meterAt(rows: number, ms: number): RateMeter {
  const meter = new RateMeter();
  meter.record(0, 0, 0);
  meter.record(ms, rows, rows * 100);
  return meter;
}

// RateMeter

Deno.test("RateMeter measures 10,000 rows in 2,000 ms as 5,000 rows/s", () => {
  const meter = meterAt(10_000, 2000);
  equal(meter.rowsPerSecond(), 5000);
  equal(meter.bytesPerSecond(), 500_000);
});

Deno.test("RateMeter reports 0 until it has two samples apart in time", () => {
  const meter = new RateMeter();
  equal(meter.rowsPerSecond(), 0);
  meter.record(100, 50, 500);
  equal(meter.rowsPerSecond(), 0);
  meter.record(100, 80, 800);
  equal(meter.rowsPerSecond(), 0);
  equal(meter.bytesPerSecond(), 0);
  meter.record(600, 130, 1300);
  equal(meter.rowsPerSecond(), 160); // (130 - 50) rows over 500 ms
  equal(meter.bytesPerSecond(), 1600);
});

Deno.test("RateMeter forgets samples older than its window", () => {
  const meter = new RateMeter({ windowMs: 5000 });
  meter.record(0, 0, 0);
  meter.record(1000, 100_000, 1_000_000); // a fast start…
  meter.record(6000, 105_000, 1_050_000); // …then 5,000 rows over 5 s
  // Sample 0 is older than 6000 - 5000 and no longer counts.
  equal(meter.rowsPerSecond(), 1000);
  equal(meter.bytesPerSecond(), 10_000);
  // A sample exactly at the window's edge still counts.
  meter.record(6000, 105_000, 1_050_000);
  equal(meter.rowsPerSecond(), 1000);
  meter.record(6001, 105_000, 1_050_000);
  equal(meter.rowsPerSecond(), 0); // only 6000 and 6001 remain, with no rows between
});

Deno.test("RateMeter keeps a sample that is still inside the window after a long gap", () => {
  const meter = new RateMeter({ windowMs: 5000 });
  meter.record(0, 0, 0);
  meter.record(70, 7, 70);
  meter.record(5010, 501, 5010);
  // Sample 0 has left the window; 70 has not.
  equal(meter.rowsPerSecond(), (501 - 7) / 4940 * 1000);
  meter.record(20_000, 600, 6000);
  equal(meter.rowsPerSecond(), 0); // a lone sample in the window
});

Deno.test("RateMeter stays exact at a steady rate however often it records", () => {
  const meter = new RateMeter({ windowMs: 1000 });
  for (let t = 0; t <= 100_000; t++) {
    meter.record(t, t * 3, t * 300);
    if (t >= 1) equal(meter.rowsPerSecond(), 3000, `at t = ${t}`);
  }
  equal(meter.bytesPerSecond(), 300_000);
});

Deno.test("RateMeter speed is between the window's extreme rates for random records", () => {
  const seed = 0x9e0f_2024;
  const random = mulberry32(seed);
  const meter = new RateMeter({ windowMs: 2000 });
  let t = 0, rows = 0;
  const history: [number, number][] = [];
  for (let i = 0; i < 20_000; i++) {
    t += Math.floor(random() * 20);
    rows += Math.floor(random() * 100);
    meter.record(t, rows, rows);
    history.push([t, rows]);
    // The speed is measured from some sample in the window to the latest.
    const inWindow = history.filter(([s]) => s >= t - 2000 && s < t);
    if (inWindow.length === 0) continue;
    const rates = inWindow.map(([s, r]) => (rows - r) / (t - s) * 1000);
    const speed = meter.rowsPerSecond();
    ok(
      speed >= Math.min(...rates) - 1e-9 && speed <= Math.max(...rates) + 1e-9,
      `seed ${seed}, step ${i}: ${speed} outside the window's rates`,
    );
    if (history.length > 400) history.shift();
  }
});

Deno.test("RateMeter refuses time going back, totals decreasing and bad numbers", () => {
  const meter = new RateMeter();
  meter.record(1000, 10, 100);
  throws(() => meter.record(999, 10, 100), RangeError);
  throws(() => meter.record(1000, 9, 100), RangeError);
  throws(() => meter.record(1000, 10, 99), RangeError);
  for (const bad of [NaN, Infinity, -1]) {
    throws(() => meter.record(bad, 10, 100), RangeError);
    throws(() => meter.record(2000, bad, 100), RangeError);
    throws(() => meter.record(2000, 10, bad), RangeError);
  }
  meter.record(2000, 20, 200); // the meter is intact after refusing
  equal(meter.rowsPerSecond(), 10);
  for (const windowMs of [0, -5, NaN, Infinity]) {
    throws(() => new RateMeter({ windowMs }), RangeError);
  }
});

// progressUpdate

Deno.test("progressUpdate gives percent, speed and an exact ETA", () => {
  deepStrictEqual(progressUpdate("r1", 10_000, 40_000, 640_000, meterAt(10_000, 2000)), {
    requestId: "r1",
    progress: 25,
    processedRows: 10_000,
    totalRows: 40_000,
    speed: 5000,
    estimatedTimeRemaining: 6000, // 30,000 rows at 5,000 rows/s
    processedBytes: 640_000,
  });
});

Deno.test("progressUpdate ETA is -1 while the speed is unknown and 0 when done", () => {
  const unknown = progressUpdate("r1", 10, 100, 1, new RateMeter());
  equal(unknown.speed, 0);
  equal(unknown.estimatedTimeRemaining, -1);
  equal(unknown.progress, 10);
  const done = progressUpdate("r1", 100, 100, 1, new RateMeter());
  equal(done.estimatedTimeRemaining, 0);
  equal(done.progress, 100);
  equal(progressUpdate("r1", 100, 100, 1, meterAt(100, 1000)).estimatedTimeRemaining, 0);
});

Deno.test("progressUpdate of an export without rows is 100 percent and done", () => {
  const u = progressUpdate("empty", 0, 0, 0, new RateMeter());
  equal(u.progress, 100);
  equal(u.estimatedTimeRemaining, 0);
});

Deno.test("progressUpdate rounds speed to 2 decimals and the ETA to whole ms", () => {
  // 1000 rows in 3000 ms: 333.333… rows/s; 1 row left takes 3 ms.
  const u = progressUpdate("r1", 1000, 1001, 0, meterAt(1000, 3000));
  equal(u.speed, 333.33);
  equal(u.estimatedTimeRemaining, 3);
  // 2 rows in 3000 ms: 0.666… rows/s; 7 rows left take 10.5 s.
  const slow = progressUpdate("r1", 2, 9, 0, meterAt(2, 3000));
  equal(slow.speed, 0.67);
  equal(slow.estimatedTimeRemaining, 10_500);
});

Deno.test("progressUpdate never shows 100 percent before the last row", () => {
  const u = progressUpdate("r1", 999_999, 1_000_000, 0, new RateMeter());
  ok(u.progress < 100);
  equal(progressUpdate("r1", 11, 10, 0, new RateMeter()).progress, 100);
});

Deno.test("progressUpdate refuses negative or non-finite counts", () => {
  for (const bad of [-1, NaN, Infinity]) {
    throws(() => progressUpdate("r1", bad, 10, 0, new RateMeter()), RangeError);
    throws(() => progressUpdate("r1", 0, bad, 0, new RateMeter()), RangeError);
    throws(() => progressUpdate("r1", 0, 10, bad, new RateMeter()), RangeError);
  }
});

// ProgressBatcher

Deno.test("100 adds flush exactly once with the latest values per download", () => {
  const batcher = new ProgressBatcher();
  const flushes: ProgressUpdate[][] = [];
  for (let i = 0; i < 100; i++) {
    const batch = batcher.add(update(i % 2 === 0 ? "a" : "b", i), 1000 + i);
    if (batch.length > 0) flushes.push(batch);
    equal(batch.length > 0, i === 99, `add ${i + 1}`);
  }
  deepStrictEqual(flushes.map(summary), [[["a", 98], ["b", 99]]]);
  equal(batcher.pending, 0);
  equal(batcher.deadline(), undefined);
});

Deno.test("99 adds wait for the delay: due(t+999) flushes nothing, due(t+1000) flushes", () => {
  const batcher = new ProgressBatcher();
  const t = 5000;
  for (let i = 0; i < 99; i++) deepStrictEqual(batcher.add(update("a", i), t), []);
  deepStrictEqual(batcher.due(t + 999), []);
  equal(batcher.pending, 1);
  deepStrictEqual(summary(batcher.due(t + 1000)), [["a", 98]]);
  deepStrictEqual(batcher.due(t + 5000), []);
  // The count restarts after a flush: 99 more adds do not flush either.
  for (let i = 0; i < 99; i++) deepStrictEqual(batcher.add(update("a", i), t + 2000), []);
  equal(batcher.add(update("a", 99), t + 2000).length, 1);
});

Deno.test("deadline() is the oldest pending add plus the delay", () => {
  const batcher = new ProgressBatcher({ maxDelayMs: 250 });
  equal(batcher.deadline(), undefined);
  batcher.add(update("a", 1), 100);
  equal(batcher.deadline(), 350);
  batcher.add(update("a", 2), 200); // replacing a's update keeps its age
  batcher.add(update("b", 1), 300);
  equal(batcher.deadline(), 350);
  deepStrictEqual(batcher.due(349), []);
  deepStrictEqual(summary(batcher.due(350)), [["a", 2], ["b", 1]]);
  equal(batcher.deadline(), undefined);
  batcher.add(update("c", 1), 400);
  equal(batcher.deadline(), 650);
});

Deno.test("flush() empties the batcher and returns [] when nothing pends", () => {
  const batcher = new ProgressBatcher();
  deepStrictEqual(batcher.flush(), []);
  batcher.add(update("a", 1), 0);
  batcher.add(update("a", 2), 0);
  equal(batcher.pending, 1);
  deepStrictEqual(summary(batcher.flush()), [["a", 2]]);
  equal(batcher.pending, 0);
  deepStrictEqual(batcher.flush(), []);
  deepStrictEqual(batcher.due(1e9), []);
});

Deno.test("drop() forgets a download, its additions and its age", () => {
  const batcher = new ProgressBatcher({ maxUpdates: 5, maxDelayMs: 1000 });
  batcher.add(update("a", 1), 0);
  batcher.add(update("a", 2), 10);
  batcher.add(update("b", 1), 500);
  batcher.add(update("c", 1), 600);
  equal(batcher.deadline(), 1000);
  batcher.drop("a");
  batcher.drop("unknown"); // dropping what is not pending is harmless
  equal(batcher.pending, 2);
  equal(batcher.deadline(), 1500); // b is now the oldest
  // a's two additions no longer count: two more adds make 4 of 5.
  deepStrictEqual(batcher.add(update("b", 2), 700), []);
  deepStrictEqual(batcher.add(update("c", 2), 800), []);
  deepStrictEqual(summary(batcher.add(update("a", 3), 900)), [["b", 2], ["c", 2], ["a", 3]]);
  batcher.add(update("d", 1), 1000);
  batcher.drop("d");
  equal(batcher.pending, 0);
  equal(batcher.deadline(), undefined);
  deepStrictEqual(batcher.due(1e9), []);
});

Deno.test("a flush keeps one update per download in first-appearance order", () => {
  const batcher = new ProgressBatcher({ maxUpdates: 9 });
  const order = ["b", "c", "b", "a", "c", "a", "b", "a"];
  order.forEach((id, i) => deepStrictEqual(batcher.add(update(id, i), i), []));
  equal(batcher.pending, 3);
  deepStrictEqual(summary(batcher.add(update("c", 8), 8)), [["b", 6], ["c", 8], ["a", 7]]);
});

Deno.test("batcher memory follows distinct downloads, not updates added", () => {
  const batcher = new ProgressBatcher({ maxUpdates: Number.MAX_SAFE_INTEGER });
  for (let i = 0; i < 100_000; i++) batcher.add(update(`d${i % 3}`, i), i);
  equal(batcher.pending, 3);
  deepStrictEqual(summary(batcher.flush()), [["d0", 99_999], ["d1", 99_997], ["d2", 99_998]]);
});

Deno.test("batcher options and times are checked", () => {
  for (const maxUpdates of [0, -1, 1.5, NaN, Infinity]) {
    throws(() => new ProgressBatcher({ maxUpdates }), RangeError, String(maxUpdates));
  }
  for (const maxDelayMs of [-1, NaN, Infinity]) {
    throws(() => new ProgressBatcher({ maxDelayMs }), RangeError, String(maxDelayMs));
  }
  const batcher = new ProgressBatcher({ maxUpdates: 1, maxDelayMs: 0 });
  throws(() => batcher.add(update("a", 1), NaN), RangeError);
  throws(() => batcher.due(Infinity), RangeError);
  equal(batcher.pending, 0);
  // maxUpdates 1 flushes on every add.
  deepStrictEqual(summary(batcher.add(update("a", 1), 0)), [["a", 1]]);
});
