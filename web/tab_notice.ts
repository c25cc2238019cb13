/// <reference lib="dom" />
/**
 * The tab as a completion notice: its title counts the running downloads
 * and those that ended while the tab was hidden (`page_title.ts`), and a
 * download that ends then is notified when the person allowed it.
 *
 * @module
 */

import { pageTitle } from "./page_title.ts";

/** The tab's title and notifications. */
export class TabNotice {
  /** The page's own title. */
  readonly #base = document.title;
  readonly #unseen = { done: 0, failed: 0 };
  readonly #running: () => number;

  /** `running` counts the downloads that still run; looking at the tab again clears the rest. */
  constructor(running: () => number) {
    this.#running = running;
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) return;
      this.#unseen.done = this.#unseen.failed = 0;
      this.show();
    });
  }

  /** Writes the title for what runs and what ended unseen. */
  show(): void {
    document.title = pageTitle(this.#base, {
      running: this.#running(),
      doneUnseen: this.#unseen.done,
      failedUnseen: this.#unseen.failed,
    });
  }

  /** A download ended: counted in the title while the tab is hidden, and notified when allowed. */
  ended(outcome: string, name: string): void {
    if (document.hidden && (outcome === "done" || outcome === "failed")) {
      this.#unseen[outcome]++;
      if (globalThis.Notification?.permission === "granted") {
        new Notification(outcome === "done" ? "Download done" : "Download failed", { body: name });
      }
    }
    this.show();
  }
}
