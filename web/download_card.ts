/**
 * One download on the demo page: its card (name, request, progress bar,
 * rows, speed, time left, bytes received, outcome) kept in step with the
 * client's `Download`, and the pipe from the download to its save target.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { Download, DownloadSummary, ErrorResponse } from "./sluice_client.js";
import { explain } from "./error_text.ts";
import { byteSize, count, duration, percent, rowRate } from "./format.ts";
import type { SaveTarget } from "./save_target.ts";

/** Where a card stands; also its `data-state` attribute, which styles and tests read. */
export type CardState = "queued" | "running" | "paused" | "done" | "cancelled" | "failed";

const STATE_LABELS: Readonly<Record<CardState, string>> = {
  queued: "Waiting",
  running: "Downloading",
  paused: "Paused",
  done: "Done",
  cancelled: "Cancelled",
  failed: "Failed",
};

/** What a card shows and drives. */
export interface DownloadCardOptions {
  /** The card template of the page. */
  readonly template: HTMLTemplateElement;
  /** The file name offered to the person. */
  readonly name: string;
  /** One line describing the request. */
  readonly summary: string;
  /** The running download. */
  readonly download: Download;
  /** Where its bytes go. */
  readonly target: SaveTarget;
  /** Whether the connection is up now. */
  readonly connected: boolean;
  /** Told once how the download ended (for the history). */
  readonly ended?: (end: CardEnd) => void;
}

/** How a card's download ended. */
export type CardEnd =
  | { outcome: "done"; rows: number; bytes: number; sha256?: string }
  | { outcome: "cancelled" | "failed"; code?: string };

const find = <T extends Element = HTMLElement>(root: ParentNode, selector: string): T => {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};

/** A download's card; `element` goes into the page's list. */
export class DownloadCard {
  /** The card's list item. */
  readonly element: HTMLLIElement;
  readonly #download: Download;
  readonly #target: SaveTarget;
  readonly #name: string;
  #state: CardState = "queued";
  #started = false;
  #connected: boolean;
  /** Why the download waits to ask the server again (its database away, a limit full). */
  #waiting: string | undefined;
  #cancelledByUser = false;
  readonly #ended: (end: CardEnd) => void;
  /**
   * When the card took its download, just asked for: what "done in" counts from. Not
   * `download:complete`'s `durationMs`, which the server counts from the last resume.
   */
  readonly #askedAt = performance.now();

  constructor(options: DownloadCardOptions) {
    const fragment = options.template.content.cloneNode(true) as DocumentFragment;
    this.element = find<HTMLLIElement>(fragment, "li");
    this.#download = options.download;
    this.#target = options.target;
    this.#name = options.name;
    this.#connected = options.connected;
    this.#ended = options.ended ?? (() => {});
    this.element.dataset.requestId = options.download.requestId;
    this.#text(".download-name", options.name);
    this.#text(".download-summary", options.summary);
    find(this.element, ".download-cancel").addEventListener("click", () => {
      this.#cancelledByUser = true;
      this.#download.cancel();
    });
    find(this.element, ".download-remove").addEventListener("click", () => {
      this.#target.release();
      this.element.remove();
    });
    this.#download.started.then((start) => {
      this.#started = true;
      this.#text(".stat-rows", `0 / ${count(start.totalRows)}`);
      this.#render();
    });
    this.#download.onRetry(({ error, attempt, attempts, delayMs }) => {
      const seconds = Math.ceil(delayMs / 1000);
      this.#waiting = `${error.code}, asking again in ${seconds} s (${attempt} of ${attempts})`;
      this.#render();
    });
    this.#download.onProgress((update) => {
      if (this.#waiting !== undefined) {
        this.#waiting = undefined;
        this.#render();
      }
      // Only a running download has a speed and a time left; a late update must not bring back
      // the numbers a pause or a cancel took away.
      if (this.#state !== "running" && this.#state !== "queued") return;
      this.#bar(update.progress);
      this.#text(".stat-percent", percent(update.progress));
      this.#text(".stat-rows", `${count(update.processedRows)} / ${count(update.totalRows)}`);
      this.#text(".stat-speed", rowRate(update.speed));
      this.#text(".stat-eta", duration(update.estimatedTimeRemaining));
      // As sent: compressed bytes for a gzip export, so it ends at the file's size.
      this.#text(".stat-bytes", byteSize(update.processedBytes));
    });
    this.#render();
    this.#run();
  }

  /** The file name the card shows. */
  get name(): string {
    return this.#name;
  }

  /** The download's request id. */
  get requestId(): string {
    return this.#download.requestId;
  }

  /** Where the card stands. */
  get state(): CardState {
    return this.#state;
  }

  /** Tells the card the connection went down or came back. */
  connectionChanged(connected: boolean): void {
    this.#connected = connected;
    this.#render();
  }

  async #run(): Promise<void> {
    const piped: Promise<{ saved: DownloadSummary } | { error: unknown }> = this.#download
      .pipeTo(this.#target.writable)
      .then(
        (saved) => ({ saved }),
        (error: unknown) => ({ error: error ?? new Error("write failed") }),
      );
    const outcome = await this.#download.done.then(
      (summary) => ({ ok: true as const, summary }),
      (error: ErrorResponse) => ({ ok: false as const, error }),
    );
    if (outcome.ok) {
      // Done only once the last byte is in the file (or the Blob).
      const result = await piped;
      if ("saved" in result) return this.#completed(result.saved);
      return this.#writeFailed(result.error);
    }
    if (outcome.error.code === "CANCELLED" && !this.#cancelledByUser) {
      // Nobody pressed Cancel: the file could not be written (disk full, permission withdrawn)
      // and the pipe cancelled the download, so the cause to show is the write error.
      const result = await piped;
      return this.#writeFailed("error" in result ? result.error : undefined);
    }
    // The pipe discards what was written; the card need not wait for a slow disk to say so.
    this.#failed(outcome.error);
  }

  #writeFailed(error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    this.#end("failed", "", `The file could not be written: ${why}`);
    this.#ended({ outcome: "failed" });
  }

  #completed(summary: DownloadSummary): void {
    const url = this.#target.finish();
    this.#bar(100);
    this.#text(".stat-percent", percent(100));
    this.#text(".stat-rows", `${count(summary.rows)} / ${count(summary.rows)}`);
    this.#text(".stat-bytes", byteSize(summary.deliveredBytes));
    if (url !== undefined) {
      const save = find<HTMLAnchorElement>(this.element, ".download-save");
      save.href = url;
      save.download = this.#name;
      save.hidden = false;
    }
    const where = this.#target.kind === "file" ? "Saved" : "Ready";
    const elapsedMs = performance.now() - this.#askedAt;
    this.#end(
      "done",
      "",
      `${where}: ${count(summary.rows)} rows, ${byteSize(summary.deliveredBytes)} in ${
        duration(elapsedMs)
      }. SHA-256 of the file: ${summary.sha256 ?? "–"}.`,
    );
    // Done: the speed it averaged, and no time left.
    const seconds = elapsedMs / 1000;
    this.#text(".stat-speed", seconds > 0 ? rowRate(summary.rows / seconds) : "–");
    this.#text(".stat-eta", duration(0));
    this.#ended({
      outcome: "done",
      rows: summary.rows,
      bytes: summary.deliveredBytes,
      ...(summary.sha256 === undefined ? {} : { sha256: summary.sha256 }),
    });
  }

  #failed(error: ErrorResponse): void {
    const { code, text } = explain(error);
    const outcome = error.code === "CANCELLED" ? "cancelled" : "failed";
    this.#end(outcome, code, text);
    this.#ended({ outcome, code });
  }

  #end(state: CardState, code: string, message: string): void {
    this.#state = state;
    this.#text(".message-code", code);
    this.#text(".message-text", message);
    find(this.element, ".download-message").hidden = false;
    find(this.element, ".download-cancel").hidden = true;
    find(this.element, ".download-remove").hidden = false;
    this.#render();
  }

  #render(): void {
    if (this.#state === "queued" || this.#state === "running" || this.#state === "paused") {
      const waits = !this.#connected || this.#waiting !== undefined;
      this.#state = waits ? "paused" : this.#started ? "running" : "queued";
    }
    this.element.dataset.state = this.#state;
    // A speed and a time left are true only while rows arrive (done sets its own; a queued card
    // has had none yet, unless an update came before its start was seen).
    if (this.#state === "paused" || this.#state === "cancelled" || this.#state === "failed") {
      this.#text(".stat-speed", "–");
      this.#text(".stat-eta", "–");
    }
    this.element.dataset.started = String(this.#started);
    const label = this.#state !== "paused"
      ? STATE_LABELS[this.#state]
      : !this.#connected
      ? "Paused: reconnecting"
      : `Paused: ${this.#waiting}`;
    this.#text(".download-state", label);
  }

  #bar(progress: number): void {
    const clamped = Math.min(100, Math.max(0, progress));
    find<HTMLElement>(this.element, ".bar-fill").style.width = `${clamped}%`;
    find(this.element, ".bar").setAttribute("aria-valuenow", clamped.toFixed(1));
  }

  #text(selector: string, text: string): void {
    find(this.element, selector).textContent = text;
  }
}
