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
 * | column type | cell                                                          |
 * | ----------- | ------------------------------------------------------------- |
 * | `integer`   | `number` when a safe integer, else `bigint`                   |
 * | `decimal`   | the value × 10^scale as an integer, or exact decimal text     |
 * | `timestamp` | epoch milliseconds (`number`)                                 |
 * | `text`      | `string`                                                      |
 * | `boolean`   | `0` / `1` (or `false` / `true`)                               |
 *
 * and `null` for SQL NULL in any column. A `decimal` column with a `scale`
 * has exactly that many fraction digits in every value (text cells may have
 * fewer; the encoders pad them). A `decimal` column without a `scale` (such
 * as PostgreSQL's unconstrained `numeric`) has text cells only, written out
 * with the digits they have.
 *
 * ## NULL
 *
 * A filter never matches NULL (SQL's three-valued logic: `neq` and `in` do
 * not match NULL either), and a row whose key or time is NULL is in no
 * download. Every backend follows these rules (PROTOCOL.md §6.2).
 *
 * ## Consistency
 *
 * The high-water mark pins a set of keys, not a state of the rows. A source
 * whose {@linkcode DataSource.page} reads each page on its own shows rows
 * updated or deleted between pages as they are when their page is read. A
 * source that can do better offers {@linkcode DataSource.openSnapshot}: one
 * read view for the pages of one download (see PROTOCOL.md §9.5 for what a
 * client sees either way).
 *
 * ## Errors
 *
 * A source fails with {@linkcode DataSourceError} when the database fails
 * (unreachable, timed out, or refusing a query): its message is one fixed
 * sentence per kind, so that nothing of the query or the schema can travel
 * to a client; the database's own error is its `cause`, for the server's
 * log. Anything else a source throws is a bug or a broken schema.
 *
 * @module
 */

import {
  type EncodedRows,
  type PageEncoding,
  type SourceFailure,
  UnfitValueError,
} from "../protocol/export_state.ts";
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
export interface DataSource extends SourceReader {
  /** The exported table and columns; fixed for the life of the source. */
  schema(): SourceSchema;
  /**
   * Opens a reader whose every call sees one snapshot of the table, for the
   * reads of one download (its mark, count and pages), when the backend can
   * give one; absent otherwise. The caller releases it when the download
   * ends, however it ends. A backend may give up the snapshot early (say,
   * when the download has been idle for long): the reader then goes on as
   * the source itself does, page by page.
   */
  openSnapshot?(): Promise<SourceSnapshot>;
  /** Releases the connection; the source is unusable afterwards. */
  close(): Promise<void>;
}

/** The reads of a download: what {@linkcode DataSource} and {@linkcode SourceSnapshot} share. */
export interface SourceReader {
  /** The current largest key, `0n` when the table is empty. */
  highWaterMark(): Promise<bigint>;
  /** How many rows match `query`, ignoring `after`. */
  count(query: ScanQuery): Promise<number>;
  /**
   * The next matching rows after `query.after` by key ascending, at most
   * `limit` (a positive integer). An empty page means the scan is done.
   */
  page(query: ScanQuery, limit: number): Promise<RowPage>;
  /**
   * The same rows as {@linkcode SourceReader.page}, written by the source
   * itself in `encoding`, byte for byte as the encoders of
   * {@linkcode "./formats.ts"} write its cells; or, for a page it cannot
   * write so, its cells (the caller encodes them). Optional: a source that
   * can skip the cells altogether (PostgreSQL's page text) saves their
   * making and encoding.
   */
  encodedPage?(
    query: ScanQuery,
    limit: number,
    encoding: PageEncoding,
  ): Promise<EncodedRows | RowPage>;
}

/**
 * A {@linkcode SourceReader} over one snapshot, from
 * {@linkcode DataSource.openSnapshot}.
 *
 * @example Read a download from one snapshot where the source offers it
 * ```ts ignore
 * import type { DataSource, SourceReader } from "./data_source.ts";
 * async function rows(source: DataSource, timeFrom: number, timeTo: number): Promise<number> {
 *   const snapshot = await source.openSnapshot?.();
 *   const reader: SourceReader = snapshot ?? source;
 *   try {
 *     const highWaterMark = await reader.highWaterMark();
 *     return await reader.count({ timeFrom, timeTo, filters: [], highWaterMark });
 *   } finally {
 *     await snapshot?.release();
 *   }
 * }
 * ```
 */
export interface SourceSnapshot extends SourceReader {
  /** Ends the snapshot; calls after it fail. Releasing twice does nothing. */
  release(): Promise<void>;
}

/** What went wrong in a {@linkcode DataSourceError}. */
export type DataSourceErrorKind =
  /** The database cannot be reached or went away: try again when it is back. */
  | "unavailable"
  /** A query ran past the source's statement timeout, or was cancelled. */
  | "timeout"
  /** The database refused a query (a changed table, a value it cannot read). */
  | "failed";

const SOURCE_ERROR_MESSAGES: Readonly<Record<DataSourceErrorKind, string>> = {
  unavailable: "The database is unavailable.",
  timeout: "A database query took too long.",
  failed: "The database could not answer a query.",
};

/**
 * A database failure, safe to describe to a client: its message is fixed
 * per kind and its `cause` (the database's error) stays on the server.
 * `recoverable` says whether the same reads may succeed later: true for
 * `unavailable` and `timeout`, false for `failed`.
 *
 * @example
 * ```ts
 * import { DataSourceError } from "./data_source.ts";
 * import { equal } from "node:assert/strict";
 * const e = new DataSourceError("unavailable", new Error("connect ECONNREFUSED 127.0.0.1:5432"));
 * equal(e.recoverable, true);
 * equal(e.message, "The database is unavailable.");
 * ```
 */
export class DataSourceError extends Error {
  /** What went wrong. */
  readonly kind: DataSourceErrorKind;
  /** Whether a later attempt (a resume) may succeed. */
  readonly recoverable: boolean;

  /**
   * Makes the error of one kind.
   *
   * @param kind What went wrong.
   * @param cause The database's own error, for logs only.
   */
  constructor(kind: DataSourceErrorKind, cause?: unknown) {
    super(SOURCE_ERROR_MESSAGES[kind], { cause });
    this.name = "DataSourceError";
    this.kind = kind;
    this.recoverable = kind !== "failed";
  }

  /**
   * The failure a read's error reports to the session machine: a
   * `DataSourceError`'s kind, `unfit` with the column for a stored value
   * that does not fit it (an {@linkcode UnfitValueError}), `internal` for
   * anything else (a bug).
   *
   * @example
   * ```ts
   * import { deepEqual, equal } from "node:assert/strict";
   * import { DataSourceError } from "./data_source.ts";
   * import { UnfitValueError } from "../protocol/export_state.ts";
   * equal(DataSourceError.failureOf(new DataSourceError("timeout")).kind, "timeout");
   * equal(DataSourceError.failureOf(new TypeError("oops")).kind, "internal");
   * deepEqual(DataSourceError.failureOf(new UnfitValueError("id", "string x is no key")), { kind: "unfit", column: "id" });
   * ```
   */
  static failureOf(error: unknown): SourceFailure {
    if (error instanceof DataSourceError) return { kind: error.kind };
    if (error instanceof UnfitValueError) return { kind: "unfit", column: error.column };
    return { kind: "internal" };
  }
}
