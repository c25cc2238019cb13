/**
 * The text of the command-line client's progress display, as pure
 * functions of a progress update and a terminal width: the bar redrawn in
 * place on a terminal, and the plain lines written to a log. Nothing here
 * writes or reads a clock; progress_view.ts does the drawing.
 *
 * @module
 */

import type { ProgressUpdate } from "../protocol/messages.ts";

/** Narrowest bar drawn; below it the bar is left out rather than squeezed. */
const MIN_BAR = 10;
/** Widest bar drawn, however wide the terminal. */
const MAX_BAR = 24;

/**
 * Something the display says instead of speed and ETA while they are not
 * true: a reconnect being waited for, or the resume that followed.
 */
export type ProgressNote =
  | {
    readonly type: "reconnecting";
    /** The reconnect attempt waited for, from 1. */
    readonly attempt: number;
    /** Attempts allowed in all. */
    readonly maxAttempts: number;
    /** The shortest and longest wait before it, milliseconds. */
    readonly delayMs: { readonly min: number; readonly max: number };
  }
  | {
    /** The server turned the download away for now; the client asks again. */
    readonly type: "retrying";
    /** The server's error code, e.g. `SOURCE_UNAVAILABLE`. */
    readonly code: string;
    /** The attempt waited for, from 1. */
    readonly attempt: number;
    /** Attempts allowed in a row. */
    readonly maxAttempts: number;
    /** The wait before it, milliseconds. */
    readonly delayMs: number;
  }
  | {
    readonly type: "resumed";
    /** Rows the download had when it resumed. */
    readonly rows: number;
  };

/**
 * One redraw of the bar for a terminal `columns` wide: at most
 * `columns - 1` characters (the last column is left free, so no terminal
 * wraps the line), dropping the least useful parts first (size, speed, ETA,
 * then the bar) until it fits. With a `note`, the note replaces speed and
 * ETA, which are stale during an outage.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { barLine } from "./progress_line.ts";
 * const p = {
 *   requestId: "r", progress: 50, processedRows: 10_000, totalRows: 20_000,
 *   speed: 12_000, estimatedTimeRemaining: 1000, processedBytes: 1_048_576,
 * };
 * equal(barLine(p, 40), "[#####.....]  50.0%  10,000/20,000 rows");
 * ok(barLine(p, 120).includes("12,000 rows/s"));
 * ```
 */
export function barLine(p: ProgressUpdate, columns: number, note?: ProgressNote): string {
  const room = Math.max(1, Math.floor(columns) - 1);
  const percent = `${p.progress.toFixed(1).padStart(5)}%`;
  const rows = `${count(p.processedRows)}/${count(p.totalRows)} rows`;
  const layouts: [boolean, string[]][] = note === undefined
    ? [
      [true, [rows, megabytes(p.processedBytes), speed(p), `ETA ${eta(p)}`]],
      [true, [rows, speed(p), `ETA ${eta(p)}`]],
      [true, [rows, `ETA ${eta(p)}`]],
      [true, [rows]],
      [true, [`ETA ${eta(p)}`]],
      [false, [rows, `ETA ${eta(p)}`]],
      [true, []],
    ]
    : [
      [true, [rows, noteText(note, "long")]],
      [true, [noteText(note, "long")]],
      [true, [noteText(note, "short")]],
      [false, [noteText(note, "short")]],
    ];
  for (const [bar, parts] of layouts) {
    const text = [percent, ...parts].join("  ");
    if (!bar) {
      if (text.length <= room) return text;
      continue;
    }
    const width = Math.min(MAX_BAR, room - text.length - 3);
    if (width >= MIN_BAR) return `${drawBar(p.progress, width)} ${text}`;
  }
  return percent.trim().slice(0, room);
}

/**
 * The line a log gets for one progress update (stderr is not a terminal).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { logLine } from "./progress_line.ts";
 * equal(
 *   logLine({
 *     requestId: "r", progress: 100, processedRows: 20_000, totalRows: 20_000,
 *     speed: 0, estimatedTimeRemaining: -1, processedBytes: 2_097_152,
 *   }),
 *   "progress 100.0%  20,000/20,000 rows  2.0 MiB  0 rows/s  ETA --",
 * );
 * ```
 */
export function logLine(p: ProgressUpdate): string {
  return `progress ${p.progress.toFixed(1).padStart(5)}%  ${count(p.processedRows)}/${
    count(p.totalRows)
  } rows  ${megabytes(p.processedBytes)}  ${speed(p)}  ETA ${eta(p)}`;
}

/**
 * What a note says: `long` for a log line and a wide bar, `short` for a
 * narrow one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { noteText } from "./progress_line.ts";
 * const note = {
 *   type: "reconnecting" as const, attempt: 2, maxAttempts: 5, delayMs: { min: 1000, max: 2000 },
 * };
 * equal(noteText(note, "long"), "reconnecting (attempt 2 of 5, next in 1-2 s)");
 * equal(noteText(note, "short"), "reconnecting 2/5 in 1-2 s");
 * equal(noteText({ type: "resumed", rows: 12_345 }, "long"), "resumed at row 12,345");
 * const away = { type: "retrying", code: "SOURCE_UNAVAILABLE", attempt: 1, maxAttempts: 5, delayMs: 5000 } as const;
 * equal(noteText(away, "long"), "SOURCE_UNAVAILABLE: asking again (attempt 1 of 5, in 5 s)");
 * equal(noteText(away, "short"), "retry 1/5 in 5 s");
 * ```
 */
export function noteText(note: ProgressNote, form: "long" | "short"): string {
  switch (note.type) {
    case "reconnecting": {
      const wait = waitText(note.delayMs);
      return form === "long"
        ? `reconnecting (attempt ${note.attempt} of ${note.maxAttempts}, next in ${wait})`
        : `reconnecting ${note.attempt}/${note.maxAttempts} in ${wait}`;
    }
    case "retrying": {
      const wait = waitText({ min: note.delayMs, max: note.delayMs });
      return form === "long"
        ? `${note.code}: asking again (attempt ${note.attempt} of ${note.maxAttempts}, in ${wait})`
        : `retry ${note.attempt}/${note.maxAttempts} in ${wait}`;
    }
    case "resumed":
      return `resumed at row ${count(note.rows)}`;
    default: {
      const unreachable: never = note;
      throw new Error(`unknown note ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Thousands separated by commas, whatever the locale.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { count } from "./progress_line.ts";
 * equal(count(1234567), "1,234,567");
 * ```
 */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Bytes in MiB with one decimal.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { megabytes } from "./progress_line.ts";
 * equal(megabytes(3_145_728), "3.0 MiB");
 * ```
 */
export function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

function speed(p: ProgressUpdate): string {
  return `${count(Math.round(p.speed))} rows/s`;
}

function eta(p: ProgressUpdate): string {
  const ms = p.estimatedTimeRemaining;
  if (ms < 0) return "--";
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

function drawBar(progress: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round((progress / 100) * width)));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/** A wait between `min` and `max` ms: `50-100 ms` under a second, else `1-2 s`, `0.5-1 s`. */
function waitText({ min, max }: { readonly min: number; readonly max: number }): string {
  if (max < 1000) return min === max ? `${max} ms` : `${min}-${max} ms`;
  return min === max ? `${seconds(max)} s` : `${seconds(min)}-${seconds(max)} s`;
}

/** Milliseconds as seconds: one decimal under 10 s when it is not whole, else whole. */
function seconds(ms: number): string {
  const s = ms / 1000;
  if (s >= 10) return String(Math.round(s));
  const tenths = Math.round(s * 10) / 10;
  return Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1);
}
