/**
 * The interface every export backend implements: a table with a declared
 * schema, scanned in key order a page at a time (keyset pagination), with
 * the set of rows pinned at the start of a download by a high-water mark.
 *
 * The methods return promises although the built-in SQLite backend
 * ({@linkcode "./sqlite_source.ts"}) answers synchronously: a PostgreSQL
 * backend cannot, the pipeline awaits either way, and the cost of one
 * promise per page is negligible (measured: a 1,000,000-row scan in pages
 * of 10,000 is 100 awaits, well under a millisecond of a ~1 s scan).
 *
 * ## Cell values
 *
 * A row is an array in the order of {@linkcode SourceSchema.columns}. Every
 * backend hands out cells in this one representation, which the encoders of
 * {@linkcode "./formats.ts"} expect:
 *
 * | column type | cell                                                        |
 * | ----------- | ----------------------------------------------------------- |
 * | `integer`   | `number` when a safe integer, else `bigint`                 |
 * | `decimal`   | the value × 10^scale as an integer (`number` or `bigint`)   |
 * | `timestamp` | epoch milliseconds (`number`)                               |
 * | `text`      | `string`                                                    |
 * | `boolean`   | `0` / `1` (or `false` / `true`)                             |
 *
 * and `null` for SQL NULL in any column. A filter never matches NULL (SQL
 * three-valued logic: `neq` does not match NULL either).
 *
 * ## Consistency
 *
 * Each page is read on its own, so a download sees a consistent set of rows
 * only for append-only tables: rows whose key is above the high-water mark
 * are ignored, but rows updated or deleted between pages are seen as they
 * are when their page is read.
 *
 * @module
 */

import type { ColumnSchema, ValidatedFilter } from "../protocol/filter.ts";

/** What a data source exports. */
export interface SourceSchema {
  /** The table (or view) name. */
  readonly table: string;
  /** The exported columns, in output order. */
  readonly columns: readonly ColumnSchema[];
  /** The `timestamp` column a download's time range applies to. */
  readonly timeColumn: string;
  /**
   * A unique, ordered `integer` column: the keyset-pagination cursor and
   * the high-water mark. Rows are appended with increasing keys.
   */
  readonly keyColumn: string;
}

/** Which rows a download covers. */
export interface ScanQuery {
  /** Inclusive start of the time range, epoch milliseconds. */
  readonly timeFrom: number;
  /** Exclusive end of the time range, epoch milliseconds. */
  readonly timeTo: number;
  /** All must hold for a row to be included. */
  readonly filters: readonly ValidatedFilter[];
  /** Only rows with key ≤ this are included; pinned at download start. */
  readonly highWaterMark: bigint;
  /** Exclusive cursor: only rows with key > this; absent for the first page. */
  readonly after?: bigint;
}

/** One page of a scan. */
export interface RowPage {
  /** Rows by key ascending, each an array in column order (see the module docs). */
  readonly rows: readonly (readonly unknown[])[];
  /** The key of the last row, to pass as `after`; `undefined` when `rows` is empty. */
  readonly lastKey: bigint | undefined;
}

/**
 * A table a download reads from.
 *
 * @example Scan every matching row
 * ```ts ignore
 * import type { DataSource, ScanQuery } from "./data_source.ts";
 * async function scan(source: DataSource, query: ScanQuery): Promise<number> {
 *   let after: bigint | undefined;
 *   let rows = 0;
 *   for (;;) {
 *     const page = await source.page({ ...query, after }, 10_000);
 *     if (page.lastKey === undefined) return rows;
 *     rows += page.rows.length;
 *     after = page.lastKey;
 *   }
 * }
 * ```
 */
export interface DataSource {
  /** The exported table and columns; fixed for the life of the source. */
  schema(): SourceSchema;
  /** The current largest key, `0n` when the table is empty. */
  highWaterMark(): Promise<bigint>;
  /** How many rows match `query`, ignoring `after`. */
  count(query: ScanQuery): Promise<number>;
  /**
   * The next matching rows after `query.after` by key ascending, at most
   * `limit` (a positive integer). An empty page means the scan is done.
   */
  page(query: ScanQuery, limit: number): Promise<RowPage>;
  /** Releases the connection; the source is unusable afterwards. */
  close(): Promise<void>;
}
