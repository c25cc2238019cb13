/// <reference lib="dom" />
/**
 * A new download's card kept in view while the page above it settles.
 *
 * On a phone the list of downloads sits under the form, so a download that
 * starts scrolls its card into view. The form's estimate answers a moment
 * later (it waits for the form to settle) and grows or shrinks what is above
 * the card, which would move the card out of view again: the card is
 * brought back after each such change, until the person scrolls, touches,
 * clicks or types, from when on where the page sits is theirs.
 *
 * @module
 */

/** Keeps the element last {@linkcode KeepInView.show shown} in view while `above` changes size. */
export class KeepInView {
  #shown: Element | undefined;

  /**
   * `above`: what sits above the shown elements and may change size. The
   * person's scrolling is known by the input that does it; a page moved
   * without any (a scroll bar dragged, find in page) is still pulled back
   * by the next change above, which a scroll event could not tell from the
   * browser's own adjustment to that change.
   */
  constructor(...above: Element[]) {
    const observer = new ResizeObserver(() => this.#shown?.scrollIntoView({ block: "nearest" }));
    for (const element of above) observer.observe(element);
    const release = () => this.#shown = undefined;
    for (const type of ["pointerdown", "keydown", "wheel"]) {
      addEventListener(type, release, { capture: true, passive: true });
    }
  }

  /** Scrolls `element` into view, and keeps it there until the person moves the page. */
  show(element: Element): void {
    this.#shown = element;
    element.scrollIntoView({ block: "nearest" });
  }
}
