/// <reference lib="dom" />
/**
 * The page's dataset picker: on a server of several datasets
 * (`/schema.json` lists them, PROTOCOL.md §17) a select of their names,
 * shown only when there is more than one; the columns that filters and
 * the page's checks use are the picked dataset's.
 *
 * @module
 */

import type { SchemaColumn, SchemaDocument } from "./sluice_client.js";

/** The picker, over its field (a label, hidden until there is a choice) and its select. */
export class DatasetPicker {
  readonly #field: HTMLElement;
  readonly #select: HTMLSelectElement;
  readonly #picked: (columns: readonly SchemaColumn[]) => void;
  #schema: SchemaDocument | undefined;

  /** `picked` hears the columns of each dataset picked, the first at `load`. */
  constructor(
    field: HTMLElement,
    select: HTMLSelectElement,
    picked: (columns: readonly SchemaColumn[]) => void,
  ) {
    this.#field = field;
    this.#select = select;
    this.#picked = picked;
    select.addEventListener("change", () => picked(this.columnsOf(this.picked) ?? []));
  }

  /** The server's document: its datasets fill the select. */
  load(schema: SchemaDocument): void {
    this.#schema = schema;
    const names = schema.datasets?.map((d) => d.name) ?? [];
    this.#select.replaceChildren(...names.map((name) => new Option(name, name)));
    this.#field.hidden = names.length < 2;
    this.#picked(this.columnsOf(this.picked) ?? []);
  }

  /** Whether the document is read. */
  get loaded(): boolean {
    return this.#schema !== undefined;
  }

  /** The dataset picked, on a server of named datasets; none on a server of one unnamed. */
  get picked(): string | undefined {
    return this.#schema?.datasets === undefined ? undefined : this.#select.value;
  }

  /** A dataset's columns by name (the default's for none), or none if the server lacks it. */
  columnsOf(dataset: string | undefined): readonly SchemaColumn[] | undefined {
    const schema = this.#schema;
    if (dataset === undefined || schema?.datasets === undefined) return schema?.columns;
    return schema.datasets.find((d) => d.name === dataset)?.columns;
  }
}
