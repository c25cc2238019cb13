/**
 * The "Recent downloads" list of the demo page: each remembered download
 * with its request, outcome, the file's SHA-256, when it ran, and a
 * "Download again" button.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadRequest } from "../protocol/messages.ts";
import { instant } from "./format.ts";
import { type HistoryRecord, outcomeText } from "./history_record.ts";
import { requestSummary } from "./request_summary.ts";

/** What the list shows and calls. */
export interface HistoryListOptions {
  /** The list element. */
  readonly list: HTMLOListElement;
  /** The template of one entry. */
  readonly template: HTMLTemplateElement;
  /** Whether this tab still runs the download of `id`. */
  readonly active: (id: string) => boolean;
  /** "Download again" was pressed for `request`. */
  readonly again: (request: DownloadRequest) => void;
}

const find = <T extends Element = HTMLElement>(root: ParentNode, selector: string): T => {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};

/** Draws the records into the list. */
export function showHistory(options: HistoryListOptions, records: readonly HistoryRecord[]): void {
  options.list.replaceChildren(...records.map((record) => {
    const fragment = options.template.content.cloneNode(true) as DocumentFragment;
    const item = find<HTMLLIElement>(fragment, "li");
    item.dataset.outcome = record.outcome;
    item.dataset.requestId = record.id;
    find(item, ".history-name").textContent = record.name;
    find(item, ".history-summary").textContent = requestSummary(record.request);
    find(item, ".history-outcome").textContent = outcomeText(record, options.active(record.id));
    const when = find<HTMLTimeElement>(item, ".history-when");
    // To the second: the milliseconds of a start time are noise to a reader.
    const iso = new Date(Math.floor(record.startedAt / 1000) * 1000).toISOString();
    when.dateTime = iso;
    when.textContent = `${instant(iso)} UTC`;
    const sha = find(item, ".history-sha256");
    sha.textContent = record.sha256 ?? "";
    find(item, ".history-digest").hidden = record.sha256 === undefined;
    find(item, ".history-again").addEventListener("click", () => options.again(record.request));
    return item;
  }));
}
