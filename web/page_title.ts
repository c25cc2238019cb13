/**
 * The tab's title as a completion notice: how many downloads run, and how
 * many ended while the person looked elsewhere, so a background tab says
 * "done" without being opened.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** What the title counts. */
export interface TitleCounts {
  /** Downloads still running (or waiting, or paused). */
  readonly running: number;
  /** Downloads that completed since the person last looked at the tab. */
  readonly doneUnseen: number;
  /** Downloads that failed since the person last looked at the tab. */
  readonly failedUnseen: number;
}

/**
 * The title for `counts`, in front of the page's own `base` title.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pageTitle } from "./page_title.ts";
 * equal(pageTitle("sluice", { running: 0, doneUnseen: 0, failedUnseen: 0 }), "sluice");
 * equal(pageTitle("sluice", { running: 1, doneUnseen: 2, failedUnseen: 0 }), "✓ 2 done · 1 running · sluice");
 * ```
 */
export function pageTitle(base: string, counts: TitleCounts): string {
  const parts = [
    counts.failedUnseen > 0 ? `✗ ${counts.failedUnseen} failed` : "",
    counts.doneUnseen > 0 ? `✓ ${counts.doneUnseen} done` : "",
    counts.running > 0 ? `${counts.running} running` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? base : `${parts.join(" · ")} · ${base}`;
}
