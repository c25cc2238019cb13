/// <reference lib="dom" />
/**
 * Values the page suggests for text filters: those an estimate's answer
 * offers (`values`, PROTOCOL.md §5.12: the values of text columns with few
 * among the first rows of the request), kept in one `<datalist>` per
 * column that a filter's value box names. They add up over estimates, up
 * to {@linkcode MAX_SUGGESTED} a column, so that a filter on one symbol
 * does not hide the others.
 *
 * @module
 */

import type { SchemaColumn } from "./sluice_client.js";

/** Most values kept for one column. */
export const MAX_SUGGESTED = 50;

/** The datalists, in a container of their own. */
export class ValueSuggestions {
  readonly #root: HTMLElement;
  readonly #values = new Map<string, Set<string>>();
  readonly #lists = new Map<string, HTMLDataListElement>();

  /** Keeps the datalists in `root`. */
  constructor(root: HTMLElement) {
    this.#root = root;
  }

  /** The id of the datalist of a text column, made empty if there is none yet; none otherwise. */
  listFor(column: SchemaColumn): string | undefined {
    if (column.type !== "text") return undefined;
    return this.#list(column.name).id;
  }

  /** An estimate's values: added to their columns' lists, sorted. */
  add(values: Readonly<Record<string, readonly string[]>>): void {
    for (const [name, more] of Object.entries(values)) {
      const known = this.#values.get(name) ?? new Set<string>();
      for (const value of more) if (known.size < MAX_SUGGESTED) known.add(value);
      this.#values.set(name, known);
      const list = this.#list(name);
      list.replaceChildren(...[...known].sort().map((value) => new Option(value)));
    }
  }

  /** Forgets every value (another dataset was picked). */
  clear(): void {
    this.#values.clear();
    for (const list of this.#lists.values()) list.replaceChildren();
  }

  #list(name: string): HTMLDataListElement {
    let list = this.#lists.get(name);
    if (list === undefined) {
      list = document.createElement("datalist");
      list.id = `values-${this.#lists.size + 1}`;
      list.dataset.column = name;
      this.#lists.set(name, list);
      this.#root.append(list);
    }
    return list;
  }
}
