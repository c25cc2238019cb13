/**
 * The filter rows of the demo page's form, offered from the server's
 * schema document: each row picks a filterable column, one of the
 * operators the server lists for it, and a value box that fits both.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { Filter, FilterOperator } from "./sluice_client.js";
import type { Result } from "../protocol/result.ts";
import type { SchemaColumn, SchemaDocument } from "../protocol/schema_document.ts";
import { OPERATOR_LABELS, placeholder, toFilter, valueShape } from "./filter_input.ts";

const find = <T extends Element = HTMLElement>(root: ParentNode, selector: string): T => {
  const element = root.querySelector<T>(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};

interface Row {
  readonly element: HTMLLIElement;
  readonly field: HTMLSelectElement;
  readonly operator: HTMLSelectElement;
  readonly value: HTMLInputElement;
  readonly high: HTMLInputElement;
  readonly boolean: HTMLSelectElement;
  readonly problem: HTMLElement;
}

/** Why a row cannot be sent: which row (from 0), and the sentence. */
export interface RowProblem {
  /** The row, counted from 0 as the request's filters are. */
  readonly index: number;
  /** What is wrong. */
  readonly text: string;
}

/** The list of filter rows. */
export class FilterEditor {
  readonly #list: HTMLOListElement;
  readonly #template: HTMLTemplateElement;
  readonly #rows: Row[] = [];
  #columns: readonly SchemaColumn[] = [];
  readonly #suggestions: ((column: SchemaColumn) => string | undefined) | undefined;

  /**
   * Manages the rows of `list`, made from `template`; a value box offers
   * the `<datalist>` whose id `suggestions` gives for its column, if any.
   */
  constructor(
    list: HTMLOListElement,
    template: HTMLTemplateElement,
    suggestions?: (column: SchemaColumn) => string | undefined,
  ) {
    this.#list = list;
    this.#template = template;
    this.#suggestions = suggestions;
  }

  /**
   * Sets the columns rows may use: the filterable ones of `schema` (the
   * document's, or one dataset's). Rows made for other columns are removed.
   */
  setSchema(schema: Pick<SchemaDocument, "columns">): void {
    this.#columns = schema.columns.filter((c) => c.filterable && c.operators.length > 0);
    for (const row of this.#rows) row.element.remove();
    this.#rows.length = 0;
    this.#label();
  }

  /** Whether the schema offers anything to filter on. */
  get available(): boolean {
    return this.#columns.length > 0;
  }

  /**
   * Adds a row and focuses it. It starts on the first text column not yet filtered (in exports
   * these name things: a symbol, a currency), else the first column not yet filtered.
   */
  add(): void {
    const fragment = this.#template.content.cloneNode(true) as DocumentFragment;
    const element = find<HTMLLIElement>(fragment, "li");
    const row: Row = {
      element,
      field: find(element, ".filter-field"),
      operator: find(element, ".filter-operator"),
      value: find(element, ".filter-value"),
      high: find(element, ".filter-high"),
      boolean: find(element, ".filter-boolean"),
      problem: find(element, ".filter-problem"),
    };
    const used = new Set(this.#rows.map((r) => r.field.value));
    for (const column of this.#columns) row.field.add(new Option(column.name, column.name));
    const free = this.#columns.filter((c) => !used.has(c.name));
    row.field.value = (free.find((c) => c.type === "text") ?? free[0] ?? this.#columns[0]).name;
    row.field.addEventListener("change", () => this.#fillOperators(row));
    row.operator.addEventListener("change", () => this.#shapeValue(row));
    for (const input of [row.value, row.high]) {
      input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
    }
    find(element, ".filter-remove").addEventListener("click", () => {
      this.#rows.splice(this.#rows.indexOf(row), 1);
      element.remove();
      this.#label();
    });
    this.#rows.push(row);
    this.#list.append(element);
    this.#fillOperators(row);
    this.#label();
    row.field.focus();
  }

  /** The filters of every row, or the first incomplete row's problem. */
  filters(): Result<Filter[], RowProblem> {
    const out: Filter[] = [];
    for (const [index, row] of this.#rows.entries()) {
      const column = this.#column(row);
      const operator = row.operator.value as FilterOperator;
      const boolean = column.type === "boolean" && valueShape(operator) === "one";
      const r = toFilter({
        column,
        operator,
        value: boolean ? row.boolean.value : row.value.value,
        high: row.high.value,
      });
      if (!r.ok) return { ok: false, error: { index, text: r.error } };
      out.push(r.value);
    }
    return { ok: true, value: out };
  }

  /** Marks row `index` with `text` (and focuses its value when asked); clears every other row. */
  mark(problem: RowProblem | undefined, focus: boolean): void {
    for (const [i, row] of this.#rows.entries()) {
      const here = problem?.index === i;
      row.problem.hidden = !here;
      row.problem.textContent = here ? problem.text : "";
      for (const input of [row.value, row.high]) {
        if (here) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
      if (here && focus) (row.value.hidden ? row.boolean : row.value).focus();
    }
  }

  #column(row: Row): SchemaColumn {
    const column = this.#columns.find((c) => c.name === row.field.value);
    if (column === undefined) throw new Error(`no column ${row.field.value}`);
    return column;
  }

  #fillOperators(row: Row): void {
    const column = this.#column(row);
    const before = row.operator.value;
    row.operator.replaceChildren(
      ...column.operators.map((op) => new Option(OPERATOR_LABELS[op], op)),
    );
    row.operator.value = column.operators.includes(before as FilterOperator)
      ? before
      : column.operators[0];
    this.#shapeValue(row);
  }

  #shapeValue(row: Row): void {
    const column = this.#column(row);
    const operator = row.operator.value as FilterOperator;
    const shape = valueShape(operator);
    const boolean = column.type === "boolean" && shape === "one";
    row.boolean.hidden = !boolean;
    row.value.hidden = boolean;
    row.high.hidden = shape !== "range";
    row.value.placeholder = shape === "range" ? "from" : placeholder(column, operator);
    row.high.placeholder = "to";
    row.value.inputMode = column.type === "integer" || column.type === "decimal"
      ? "decimal"
      : "text";
    const suggested = shape === "range" ? undefined : this.#suggestions?.(column);
    if (suggested === undefined) row.value.removeAttribute("list");
    else row.value.setAttribute("list", suggested);
  }

  /** Numbers the rows' controls for assistive technology ("Filter 2 column"). */
  #label(): void {
    this.#rows.forEach((row, i) => {
      const n = `Filter ${i + 1}`;
      row.field.setAttribute("aria-label", `${n} column`);
      row.operator.setAttribute("aria-label", `${n} operator`);
      row.value.setAttribute("aria-label", `${n} value`);
      row.high.setAttribute("aria-label", `${n} upper value`);
      row.boolean.setAttribute("aria-label", `${n} value`);
      row.problem.id = `filter-problem-${i + 1}`;
      row.value.setAttribute("aria-describedby", row.problem.id);
    });
  }
}
