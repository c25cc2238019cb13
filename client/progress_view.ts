/**
 * The command-line client's progress display: a bar redrawn in place when
 * stderr is a terminal, fitted to its width, and a plain line per update
 * (for logs) when it is not. The text itself comes from progress_line.ts.
 *
 * @module
 */

import type { DownloadComplete, ProgressUpdate } from "../protocol/messages.ts";
import {
  barLine,
  count,
  logLine,
  megabytes,
  noteText,
  type ProgressNote,
} from "./progress_line.ts";

const encoder = new TextEncoder();

/** Where the view draws: `Deno.stderr`, or a stand-in in tests. */
export interface ProgressOutput {
  /** Writes some of `bytes`, returning how many. */
  writeSync(bytes: Uint8Array): number;
  /** Whether it is a terminal (then the bar is redrawn in place). */
  isTerminal(): boolean;
}

/** The terminal's width, read at every redraw so that a resized window is followed. */
function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch (error) {
    // Not a terminal after all (stdin, stdout and stderr all redirected): a classic width.
    if (error instanceof Error) return 80;
    throw error;
  }
}

/**
 * Renders progress to a terminal or a log.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ProgressView } from "./progress_view.ts";
 * let text = "";
 * const log = {
 *   writeSync: (b: Uint8Array) => (text += new TextDecoder().decode(b), b.length),
 *   isTerminal: () => false,
 * };
 * new ProgressView(log).note({ type: "resumed", rows: 500 });
 * equal(text, "resumed at row 500\n");
 * ```
 */
export class ProgressView {
  readonly #out: ProgressOutput;
  readonly #tty: boolean;
  readonly #columns: () => number;
  #last: ProgressUpdate | undefined;
  #drawn = false;
  /** Set once a write found the reader gone: nothing more is written. */
  #gone = false;

  /**
   * Draws on `out`, usually `Deno.stderr`; on a terminal, fits each redraw
   * to `columns()` (by default the console's width).
   */
  constructor(out: ProgressOutput, columns: () => number = terminalColumns) {
    this.#out = out;
    this.#tty = out.isTerminal();
    this.#columns = columns;
  }

  /** Shows one update. */
  update(p: ProgressUpdate): void {
    this.#last = p;
    if (this.#tty) this.#redraw(barLine(p, this.#columns()));
    else this.#write(`${logLine(p)}\n`);
  }

  /**
   * Shows a note (reconnecting, resumed): on the bar in place of speed and
   * ETA until the next update, or as a line of its own in a log.
   */
  note(note: ProgressNote): void {
    if (!this.#tty) return this.#write(`${noteText(note, "long")}\n`);
    const columns = this.#columns();
    if (this.#last !== undefined) return this.#redraw(barLine(this.#last, columns, note));
    const room = Math.max(1, columns - 1);
    const long = noteText(note, "long");
    this.#redraw(long.length <= room ? long : noteText(note, "short").slice(0, room));
  }

  /** Clears the bar (before an error message). */
  clear(): void {
    if (this.#drawn) this.#write("\r\x1b[2K");
    this.#drawn = false;
  }

  /**
   * Replaces the bar with the summary: rows, size and `elapsedMs`, the time
   * this run took from asking for the download to its last byte, waits for
   * a server or a database that went away included (after a `--continue`,
   * the run that resumed at row `resumedAt`); then on lines of their own the
   * SHA-256 of the output as written (what `sha256sum FILE` says) and the
   * protocol's digest chain the client checked (PROTOCOL.md §7.1), which is
   * not a hash of the file. (`download:complete`'s `durationMs` is the
   * server's, from the last request or resume: after an outage, only the
   * time since.)
   */
  finish(summary: DownloadComplete, sha256: string, elapsedMs: number, resumedAt?: number): void {
    this.clear();
    const since = resumedAt === undefined ? "" : ` since the resume at row ${count(resumedAt)}`;
    this.#write(
      `done: ${count(summary.rows)} rows, ${megabytes(summary.bytes)} in ${
        (elapsedMs / 1000).toFixed(1)
      } s${since}\nsha256 ${sha256}\nchain ${summary.digest}\n`,
    );
  }

  #redraw(line: string): void {
    this.#write(`\r\x1b[2K${line}`);
    this.#drawn = true;
  }

  #write(text: string): void {
    if (this.#gone) return;
    const bytes = encoder.encode(text);
    try {
      for (let at = 0; at < bytes.length;) at += this.#out.writeSync(bytes.subarray(at));
    } catch (error) {
      // Whoever read stderr went away (`2>&1 | head`): the download goes on without a display.
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      this.#gone = true;
    }
  }
}
