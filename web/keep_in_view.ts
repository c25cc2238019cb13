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

  /** `above`: what sits above the shown elements and may change size. */
  constructor(above: Element) {
    new ResizeObserver(() => this.#shown?.scrollIntoView({ block: "nearest" })).observe(above);
    const release = () => this.#shown = undefined;
    for (const type of ["pointerdown", "keydown", "wheel", "touchstart"]) {
      addEventListener(type, release, { capture: true, passive: true });
    }
  }

  /** Scrolls `element` into view, and keeps it there until the person moves the page. */
  show(element: Element): void {
    this.#shown = element;
    element.scrollIntoView({ block: "nearest" });
  }
}
