/**
 * What a cell writer of {@linkcode "./formats.ts"} is, the error every
 * writer throws for a value that does not fit its column, and the writer
 * of `boolean` cells. The writers of the other column types are in
 * `_text_cells.ts`, `_number_cells.ts` and `_timestamp_cells.ts`.
 *
 * @module
 */

import { UnfitValueError } from "../protocol/export_state.ts";
import type { ColumnSchema } from "../protocol/filter.ts";
import { type Sink, utf8 } from "./_byte_sink.ts";

/** Writes one non-null cell. */
export type CellWriter = (out: Sink, value: unknown) => void;

const TRUE = utf8.encode("true");
const FALSE = utf8.encode("false");

/** Throws the {@linkcode UnfitValueError} of a cell that does not fit its column: the data is broken. */
export function fail(column: ColumnSchema, value: unknown): never {
  const shown = typeof value === "bigint" ? `${value}n` : String(value);
  throw new UnfitValueError(
    column.name,
    `${typeof value} ${shown} does not fit ${column.type} column ${column.name}`,
  );
}

/** `boolean` cells: `true` / `false`, from 1/0 as SQLite stores them, or from booleans. */
export function booleanWriter(column: ColumnSchema): CellWriter {
  return (out, v) => {
    if (v === 1 || v === true || v === 1n) out.put(TRUE);
    else if (v === 0 || v === false || v === 0n) out.put(FALSE);
    else fail(column, v);
  };
}
