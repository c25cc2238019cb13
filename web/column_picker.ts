/// <reference lib="dom" />
/**
 * The page's choice of columns (`searchParams.columns`, PROTOCOL.md §5.1):
 * a checkbox for each column of the picked dataset, all ticked at first.
 * With every one ticked the request names none (the server writes all of
 * them); otherwise it names the ticked ones in the dataset's order.
 *
 * @module
 */

import type { SchemaColumn } from "./sluice_client.js";

/** The checkboxes, in a list of their own. */
export class ColumnPicker {
  readonly #list: HTMLElement;
  #boxes: HTMLInputElement[] = [];

  /** Fills `list` with a labelled checkbox per column. */
  constructor(list: HTMLElement) {
    this.#list = list;
  }

  /** The dataset's columns: each gets a ticked box (a dataset picked again starts afresh). */
  setColumns(columns: readonly SchemaColumn[]): void {
    this.#boxes = columns.map((column) => {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = column.name;
      box.name = "column";
      return box;
    });
    this.#list.replaceChildren(...this.#boxes.map((box) => {
      const item = document.createElement("li");
      const label = document.createElement("label");
      label.className = "check";
      const name = document.createElement("span");
      name.textContent = box.value;
      label.append(box, name);
      item.append(label);
      return item;
    }));
  }

  /**
   * The ticked columns when some are not (`undefined` when all are, or
   * the page has no schema yet); an empty list when none is.
   */
  chosen(): string[] | undefined {
    const ticked = this.#boxes.filter((box) => box.checked).map((box) => box.value);
    return ticked.length === this.#boxes.length ? undefined : ticked;
  }
}
