/// <reference lib="dom" />
/**
 * Under the export form: how big the download would be and its first
 * rows, from `client.estimate()` (PROTOCOL.md §5.12), asked again a moment
 * after the form last changed. Only the answer to the latest question is
 * shown. A server older than the estimate answers `UNKNOWN_EVENT`: the
 * page then shows nothing and asks no more; any other refusal hides the
 * estimate (pressing Download says what is wrong, where it is wrong).
 *
 * @module
 */

import type { DownloadEstimate, DownloadRequest } from "./sluice_client.js";
import { estimateText } from "./estimate_text.ts";

/** How long the form stays unchanged before the estimate is asked for. */
const SETTLE_MS = 400;

/** What the view works with. */
export interface EstimateViewOptions {
  /** The sentence's element. */
  readonly summary: HTMLElement;
  /** The preview table, and its caption. */
  readonly table: HTMLTableElement;
  /** Asks the server; `undefined` when there is no connection to ask through. */
  readonly ask: (request: DownloadRequest) => Promise<DownloadEstimate> | undefined;
  /** Hears each estimate's values of text columns. */
  readonly values: (values: DownloadEstimate["values"]) => void;
}

/** The estimate and the preview. */
export class EstimateView {
  readonly #options: EstimateViewOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The latest question's number: answers to earlier ones are dropped. */
  #asked = 0;
  /** The server does not offer estimates. */
  #unsupported = false;
  /** A question was asked and its answer is not in yet. */
  #waiting = false;
  /** The latest form that settled while a question waited. */
  #queued: { request: DownloadRequest; asked: number } | undefined;

  /** Shows estimates in the elements given. */
  constructor(options: EstimateViewOptions) {
    this.#options = options;
    this.#hide();
  }

  /** The form holds `request` now (`undefined`: nothing that could be sent); asked soon. */
  refresh(request: DownloadRequest | undefined): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const asked = ++this.#asked;
    if (request === undefined || this.#unsupported) return this.#hide();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#ask(request, asked);
    }, SETTLE_MS);
  }

  /**
   * One question at a time: a form that settles again while one waits is
   * asked once that answer is in, so that a server that does not know the
   * question is asked it once, and a busy one is not asked twice.
   */
  #ask(request: DownloadRequest, asked: number): void {
    // The answer that said so may have come while this question waited to settle.
    if (this.#unsupported) return this.#hide();
    if (this.#waiting) {
      this.#queued = { request, asked };
      return;
    }
    const answer = this.#options.ask(request);
    if (answer === undefined) return this.#hide();
    this.#waiting = true;
    answer.then(
      (estimate) => asked === this.#asked && this.#show(estimate, request),
      (error) => {
        if ((error as { code?: string }).code === "UNKNOWN_EVENT") this.#unsupported = true;
        if (asked === this.#asked) this.#hide();
      },
    ).finally(() => {
      this.#waiting = false;
      const queued = this.#queued;
      this.#queued = undefined;
      // Only the latest form counts, and not at all once the server said it has no estimates.
      if (queued !== undefined && queued.asked === this.#asked && !this.#unsupported) {
        this.#ask(queued.request, queued.asked);
      }
    });
  }

  #hide(): void {
    const { summary, table } = this.#options;
    summary.hidden = true;
    summary.textContent = "";
    table.hidden = true;
    table.replaceChildren();
  }

  #show(estimate: DownloadEstimate, request: DownloadRequest): void {
    const { summary, table } = this.#options;
    const said = estimateText(estimate, request.compression);
    summary.textContent = said.text;
    summary.classList.toggle("error-text", said.warning);
    summary.hidden = false;
    this.#options.values(estimate.values);
    const rows = estimate.preview;
    table.hidden = rows.length === 0;
    if (rows.length === 0) return table.replaceChildren();
    const names = Object.keys(rows[0]);
    const caption = document.createElement("caption");
    caption.textContent = rows.length === 1 ? "The first row" : `The first ${rows.length} rows`;
    const head = document.createElement("tr");
    for (const name of names) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const body = document.createElement("tbody");
    for (const row of rows) {
      const tr = document.createElement("tr");
      for (const name of names) {
        const td = document.createElement("td");
        const cell = row[name];
        td.textContent = cell === null || cell === undefined ? "" : String(cell);
        tr.append(td);
      }
      body.append(tr);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    table.replaceChildren(caption, thead, body);
  }
}
