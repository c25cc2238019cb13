/**
 * What a filter row of the demo page means: the labels of the operators,
 * and the row's typed text turned into a protocol `Filter`. Values go to
 * the server as text, which it accepts for every column type
 * (docs/PROTOCOL.md §6.2) and checks against the column. This module
 * checks only that something was typed; `request_check.ts` then runs the
 * protocol's own check on the whole request, so a value the server would
 * refuse is refused on the page with the server's code.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { Filter, FilterOperator } from "../protocol/messages.ts";
import type { Result } from "../protocol/result.ts";
import type { SchemaColumn } from "../protocol/schema_document.ts";

/** How the page names each operator. */
export const OPERATOR_LABELS: Readonly<Record<FilterOperator, string>> = {
  eq: "=",
  neq: "≠",
  lt: "<",
  lte: "≤",
  gt: ">",
  gte: "≥",
  in: "is one of",
  between: "between",
  prefix: "starts with",
};

/** What a filter row holds, as typed. */
export interface FilterInput {
  /** The column chosen. */
  readonly column: SchemaColumn;
  /** The operator chosen. */
  readonly operator: FilterOperator;
  /** The value; for `in` a comma-separated list, for `between` the low end. */
  readonly value: string;
  /** For `between`: the high end. */
  readonly high: string;
}

/** How many value boxes an operator takes, and what goes in the first. */
export function valueShape(operator: FilterOperator): "one" | "list" | "range" {
  return operator === "in" ? "list" : operator === "between" ? "range" : "one";
}

/**
 * A hint for the value box of a column and operator.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { placeholder } from "./filter_input.ts";
 * equal(
 *   placeholder({ name: "symbol", type: "text", filterable: true, operators: [] }, "in"),
 *   "e.g. BTC-USD, ETH-USD",
 * );
 * ```
 */
export function placeholder(column: SchemaColumn, operator: FilterOperator): string {
  const example = EXAMPLES[column.type];
  if (operator === "in") return `e.g. ${example[0]}, ${example[1]}`;
  return `e.g. ${example[0]}`;
}

const EXAMPLES: Readonly<Record<SchemaColumn["type"], readonly [string, string]>> = {
  integer: ["42", "7"],
  decimal: ["42000.5", "0.25"],
  text: ["BTC-USD", "ETH-USD"],
  timestamp: ["2024-01-31T12:00:00Z", "2024-02-01"],
  boolean: ["true", "false"],
};

/**
 * The protocol filter a row stands for, or why it is incomplete.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { toFilter } from "./filter_input.ts";
 * const column = { name: "symbol", type: "text" as const, filterable: true, operators: [] };
 * deepStrictEqual(toFilter({ column, operator: "in", value: "BTC-USD, ETH-USD", high: "" }), {
 *   ok: true,
 *   value: { field: "symbol", operator: "in", value: ["BTC-USD", "ETH-USD"] },
 * });
 * ```
 */
export function toFilter(input: FilterInput): Result<Filter, string> {
  const { column, operator } = input;
  const field = column.name;
  switch (valueShape(operator)) {
    case "list": {
      const values = input.value.split(",").map((v) => v.trim()).filter((v) => v !== "");
      if (values.length === 0) {
        return { ok: false, error: `Enter one or more values for ${field}.` };
      }
      return { ok: true, value: { field, operator, value: values } };
    }
    case "range": {
      const low = input.value.trim(), high = input.high.trim();
      if (low === "" || high === "") {
        return { ok: false, error: `Enter both ends of the range for ${field}.` };
      }
      return { ok: true, value: { field, operator, value: [low, high] } };
    }
    case "one": {
      // Text is compared byte for byte, spaces included; other types never start or end with one.
      const value = column.type === "text" ? input.value : input.value.trim();
      if (value === "" && column.type !== "text") {
        return { ok: false, error: `Enter a value for ${field}.` };
      }
      return { ok: true, value: { field, operator, value } };
    }
  }
}
