// The command line's progress text as pure functions of an update and a width, and the view that
// draws it: every redraw fits the terminal (120, 80 and 40 columns), the parts dropped first are
// the least useful, and an outage shows its reconnect attempts and the resume instead of a stale
// speed and ETA.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ProgressUpdate } from "../protocol/messages.ts";
import { barLine, logLine, noteText, type ProgressNote } from "../client/progress_line.ts";
import { ProgressView } from "../client/progress_view.ts";

const WIDTHS = [120, 80, 40] as const;

/** An update part way through `total` rows, with counts as wide as they come at that size. */
function update(total: number): ProgressUpdate {
  const rows = Math.floor(total * 0.423);
  return {
    requestId: "r",
    progress: (rows / total) * 100,
    processedRows: rows,
    totalRows: total,
    speed: 123_456.7,
    estimatedTimeRemaining: 3_723_000,
    processedBytes: rows * 104,
  };
}

const UPDATES = [update(20_000), update(10_000_000), update(2_000_000_000)];
const RECONNECTING: ProgressNote = {
  type: "reconnecting",
  attempt: 2,
  maxAttempts: 5,
  delayMs: { min: 1000, max: 2000 },
};
const RESUMED: ProgressNote = { type: "resumed", rows: 846_000_000 };

Deno.test("every bar fits its terminal with a column to spare, with or without a note", () => {
  for (const columns of [...WIDTHS, 60, 41, 39]) {
    for (const p of UPDATES) {
      for (const note of [undefined, RECONNECTING, RESUMED]) {
        const line = barLine(p, columns, note);
        ok(line.length <= columns - 1, `${columns}: ${line.length} ${JSON.stringify(line)}`);
        ok(!["\r", "\n", "\x1b"].some((c) => line.includes(c)), JSON.stringify(line));
        ok(/^\[?.*\d+\.\d%/.test(line), `the percentage is always shown: ${line}`);
      }
    }
  }
});

Deno.test("at 120 columns the bar shows everything; narrower, size and speed go before rows", () => {
  const p = update(20_000);
  const wide = barLine(p, 120);
  for (const part of ["[", "8,460/20,000 rows", "0.8 MiB", "123,457 rows/s", "ETA 62m03s"]) {
    ok(wide.includes(part), `${part} missing from ${wide}`);
  }
  const eighty = barLine(update(10_000_000), 80);
  ok(eighty.includes("4,230,000/10,000,000 rows") && eighty.includes("ETA 62m03s"), eighty);
  ok(eighty.startsWith("["), eighty);
  const forty = barLine(p, 40);
  ok(forty.startsWith("[") && forty.includes("8,460/20,000 rows"), forty);
  ok(!forty.includes("rows/s") && !forty.includes("MiB"), forty);
  // Counts too wide for a bar beside them at 40 columns: the bar stays, with the ETA.
  const huge = barLine(update(2_000_000_000), 40);
  ok(huge.startsWith("[") && huge.includes("ETA"), huge);
});

Deno.test("the bar's filling follows the percentage at every width", () => {
  for (const columns of WIDTHS) {
    for (const progress of [0, 50, 100]) {
      const line = barLine({ ...update(20_000), progress }, columns);
      const bar = /^\[(#*)(\.*)\]/.exec(line);
      ok(bar !== null, line);
      const width = bar[1].length + bar[2].length;
      equal(bar[1].length, Math.round((progress / 100) * width), line);
    }
  }
});

Deno.test("during an outage the bar says which attempt it waits for instead of speed and ETA", () => {
  for (const columns of WIDTHS) {
    const line = barLine(update(20_000), columns, RECONNECTING);
    ok(!line.includes("rows/s") && !line.includes("ETA"), line);
    const said = line.includes(noteText(RECONNECTING, "long")) ||
      line.includes(noteText(RECONNECTING, "short"));
    ok(said, `${columns}: ${line}`);
  }
  ok(barLine(update(20_000), 80, RECONNECTING).includes("attempt 2 of 5, next in 1-2 s"));
  ok(barLine(update(20_000), 40, RESUMED).includes("resumed at row 846,000,000"));
});

Deno.test("notes read the same in a log: attempts, the range of the wait, the row resumed at", () => {
  const note = (min: number, max: number): ProgressNote => ({
    type: "reconnecting",
    attempt: 1,
    maxAttempts: 3,
    delayMs: { min, max },
  });
  deepStrictEqual(
    [note(500, 1000), note(50, 100), note(2000, 2000), note(15_000, 30_000)].map((n) =>
      noteText(n, "long")
    ),
    [
      "reconnecting (attempt 1 of 3, next in 0.5-1 s)",
      "reconnecting (attempt 1 of 3, next in 50-100 ms)",
      "reconnecting (attempt 1 of 3, next in 2 s)",
      "reconnecting (attempt 1 of 3, next in 15-30 s)",
    ],
  );
  equal(noteText({ type: "resumed", rows: 0 }, "long"), "resumed at row 0");
});

Deno.test("a log line keeps its one form, whatever the width", () => {
  equal(
    logLine(update(20_000)),
    "progress  42.3%  8,460/20,000 rows  0.8 MiB  123,457 rows/s  ETA 62m03s",
  );
});

/** A stand-in for stderr that records what is written. */
function output(
  terminal: boolean,
): { text(): string; writeSync(b: Uint8Array): number; isTerminal(): boolean } {
  let text = "";
  const decoder = new TextDecoder();
  return {
    text: () => text,
    writeSync(bytes) {
      text += decoder.decode(bytes);
      return bytes.length;
    },
    isTerminal: () => terminal,
  };
}

Deno.test("on a terminal every redraw clears its line and fits the width read at that moment", () => {
  let columns = 80;
  const out = output(true);
  const view = new ProgressView(out, () => columns);
  view.update(update(20_000));
  columns = 40; // the window was narrowed
  view.update(update(10_000_000));
  view.note(RECONNECTING);
  view.note({ type: "resumed", rows: 4_230_000 });
  const draws = out.text().split("\r\x1b[2K").slice(1);
  equal(draws.length, 4);
  deepStrictEqual(draws.map((d) => d.length <= (d === draws[0] ? 79 : 39)), [
    true,
    true,
    true,
    true,
  ]);
  ok(draws[2].includes("reconnecting 2/5 in 1-2 s"), draws[2]);
  ok(draws[3].includes("resumed at row 4,230,000"), draws[3]);
  ok(!out.text().includes("\n"), "a redraw never starts a new line");
});

Deno.test("the summary names the output's SHA-256 and the protocol's chain value, each on a line of its own", () => {
  const summary = { rows: 20_000, bytes: 2_097_152, digest: "ab".repeat(32), durationMs: 1234 };
  const sha = "cd".repeat(32);
  const expected = `done: 20,000 rows, 2.0 MiB in 1.2 s\nsha256 ${sha}\nchain ${"ab".repeat(32)}\n`;
  for (const [tty, columns] of [[true, 80], [true, 200], [false, 80]] as const) {
    const out = output(tty);
    new ProgressView(out, () => columns).finish(summary, sha, 1234);
    equal(out.text(), expected, `${tty} ${columns}`);
  }
});

Deno.test("after a resume, the summary's time is named as the time since the resume", () => {
  const summary = { rows: 20_000, bytes: 2_097_152, digest: "ab".repeat(32), durationMs: 1234 };
  const out = output(false);
  new ProgressView(out, () => 80).finish(summary, "cd".repeat(32), 1234, 8_000);
  equal(
    out.text().split("\n")[0],
    "done: 20,000 rows, 2.0 MiB in 1.2 s since the resume at row 8,000",
  );
});

Deno.test("the summary's time is the run's own, not the server's time since the last resume", () => {
  // After an outage the server counts from the resume (durationMs); the user waited for all of it.
  const summary = { rows: 20_000, bytes: 2_097_152, digest: "ab".repeat(32), durationMs: 900 };
  const out = output(false);
  new ProgressView(out, () => 80).finish(summary, "cd".repeat(32), 15_250);
  equal(out.text().split("\n")[0], "done: 20,000 rows, 2.0 MiB in 15.3 s");
});

Deno.test("in a log, notes are lines of their own between the progress lines", () => {
  const out = output(false);
  const view = new ProgressView(out, () => 40);
  view.update(update(20_000));
  view.note(RECONNECTING);
  view.note({ type: "resumed", rows: 8_460 });
  deepStrictEqual(out.text().split("\n"), [
    logLine(update(20_000)),
    "reconnecting (attempt 2 of 5, next in 1-2 s)",
    "resumed at row 8,460",
    "",
  ]);
});

Deno.test("a reader of stderr that went away ends the display, not the download", () => {
  let writes = 0;
  const view = new ProgressView({
    writeSync() {
      writes++;
      throw new Deno.errors.BrokenPipe("gone");
    },
    isTerminal: () => false,
  });
  view.update(update(20_000));
  view.update(update(20_000));
  view.note(RESUMED);
  equal(writes, 1);
});
