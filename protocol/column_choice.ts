/**
 * A request's choice of columns (`searchParams.columns`, PROTOCOL.md §5.1):
 * which of the dataset's columns an export writes, in which order. The data
 * source still reads whole rows (the key column is the cursor whether or not
 * it is written); the rows are cut down to the chosen columns just before
 * they are encoded, so the CSV header, the JSON keys, `download:start`'s
 * columns and the frames' cut points all follow the choice, and a resume,
 * whose request carries the same list, writes the same bytes.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { Row, RowEncoderPort } from "./export_state.ts";
import type { ColumnSchema } from "./filter.ts";
import type { Result } from "./result.ts";

/** Longest list of column names a detail carries (details are read up to 1024 characters). */
const MAX_NAMES_DETAIL = 1000;

/**
 * The places of the chosen columns among the schema's, in the order asked;
 * `undefined` when the request chose none (every column). A name the schema
 * does not have is `UNKNOWN_COLUMN` (its details name it and list the
 * columns); an empty list, or a name given twice, is `INVALID_VALUE`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { chooseColumns } from "./column_choice.ts";
 * const schema = [{ name: "id", type: "integer" as const }, { name: "symbol", type: "text" as const }];
 * const r = chooseColumns(["symbol", "id"], schema);
 * deepStrictEqual(r.ok && r.value, [1, 0]);
 * const bad = chooseColumns(["colour"], schema);
 * equal(!bad.ok && bad.error.code, "UNKNOWN_COLUMN");
 * ```
 */
export function chooseColumns(
  names: readonly string[] | undefined,
  schema: readonly ColumnSchema[],
): Result<readonly number[] | undefined, ErrorResponse> {
  if (names === undefined) return { ok: true, value: undefined };
  const path = "data.searchParams.columns";
  if (names.length === 0) {
    return { ok: false, error: errorResponse("INVALID_VALUE", { path, reason: "no columns" }) };
  }
  const chosen: number[] = [];
  for (const [i, name] of names.entries()) {
    const index = schema.findIndex((c) => c.name === name);
    if (index === -1) {
      const error = errorResponse("UNKNOWN_COLUMN", {
        path: `${path}[${i}]`,
        column: name,
        columns: listNames(schema),
      });
      return { ok: false, error };
    }
    if (chosen.includes(index)) {
      const error = errorResponse("INVALID_VALUE", {
        path: `${path}[${i}]`,
        column: name,
        reason: "a column given twice",
      });
      return { ok: false, error };
    }
    chosen.push(index);
  }
  return { ok: true, value: chosen };
}

/**
 * The columns an export writes: the chosen ones in their order, or all.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { chosenColumns } from "./column_choice.ts";
 * const schema = [{ name: "id", type: "integer" as const }, { name: "symbol", type: "text" as const }];
 * deepStrictEqual(chosenColumns(schema, [1]).map((c) => c.name), ["symbol"]);
 * deepStrictEqual(chosenColumns(schema, undefined), schema);
 * ```
 */
export function chosenColumns(
  schema: readonly ColumnSchema[],
  chosen: readonly number[] | undefined,
): readonly ColumnSchema[] {
  return chosen === undefined ? schema : chosen.map((i) => schema[i]);
}

/**
 * An encoder of whole rows that writes only the chosen cells: `inner` is
 * made for the chosen columns, and every row is cut down before it is
 * encoded. With no choice, `inner` itself.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { projectedEncoder } from "./column_choice.ts";
 * const text = new TextEncoder();
 * const inner = {
 *   header: () => new Uint8Array(0),
 *   encodeRows: (rows: readonly (readonly unknown[])[]) => text.encode(rows.map((r) => r.join(",")).join("\n")),
 *   footer: () => new Uint8Array(0),
 * };
 * const bytes = projectedEncoder(inner, [2, 0]).encodeRows([[1, "x", "y"]], true);
 * equal(new TextDecoder().decode(bytes), "y,1");
 * ```
 */
export function projectedEncoder(
  inner: RowEncoderPort,
  chosen: readonly number[] | undefined,
): RowEncoderPort {
  if (chosen === undefined) return inner;
  const cut = (row: Row): Row => chosen.map((i) => row[i]);
  return {
    header: () => inner.header(),
    encodeRows: (rows, first) => inner.encodeRows(rows.map(cut), first),
    footer: () => inner.footer(),
  };
}

function listNames(schema: readonly ColumnSchema[]): string {
  let text = "";
  for (const { name } of schema) {
    const next = text === "" ? name : `${text}, ${name}`;
    if (next.length > MAX_NAMES_DETAIL) return `${text}, …`;
    text = next;
  }
  return text;
}
