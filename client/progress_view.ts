/**
 * The command-line client's progress display: a bar redrawn in place when
 * stderr is a terminal, a plain line per update (for logs) when it is not.
 *
 * @module
 */

import type { DownloadComplete, ProgressUpdate } from "../protocol/messages.ts";

const BAR_WIDTH = 24;
const encoder = new TextEncoder();

/** Renders progress to a terminal or a log. */
export class ProgressView {
  readonly #out: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean };
  readonly #tty: boolean;
  #drawn = false;

  /** Draws on `out`, usually `Deno.stderr`. */
  constructor(out: { writeSync(bytes: Uint8Array): number; isTerminal(): boolean }) {
    this.#out = out;
    this.#tty = out.isTerminal();
  }

  /** Shows one update. */
  update(p: ProgressUpdate): void {
    const line = `${p.progress.toFixed(1).padStart(5)}%  ${count(p.processedRows)}/${
      count(p.totalRows)
    } rows  ${megabytes(p.processedBytes)}  ${count(Math.round(p.speed))} rows/s  ETA ${
      eta(p.estimatedTimeRemaining)
    }`;
    if (this.#tty) {
      const filled = Math.round((p.progress / 100) * BAR_WIDTH);
      this.#write(`\r\x1b[2K[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${line}`);
      this.#drawn = true;
    } else this.#write(`progress ${line}\n`);
  }

  /** Clears the bar (before an error message). */
  clear(): void {
    if (this.#drawn) this.#write("\r\x1b[2K");
    this.#drawn = false;
  }

  /** Replaces the bar with the summary line. */
  finish(summary: DownloadComplete): void {
    this.clear();
    this.#write(
      `done: ${count(summary.rows)} rows, ${megabytes(summary.bytes)} in ${
        (summary.durationMs / 1000).toFixed(1)
      } s, digest ${summary.digest}\n`,
    );
  }

  #write(text: string): void {
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) at += this.#out.writeSync(bytes.subarray(at));
  }
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

function eta(ms: number): string {
  if (ms < 0) return "--";
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
