/**
 * A {@linkcode DataSource} over a SQLite file, on the built-in `node:sqlite`.
 *
 * ## Storage representation
 *
 * | column type | SQLite storage                                                 |
 * | ----------- | -------------------------------------------------------------- |
 * | `integer`   | INTEGER                                                        |
 * | `decimal`   | INTEGER holding the value × 10^scale, exactly (no REAL ever)   |
 * | `timestamp` | INTEGER epoch milliseconds                                     |
 * | `text`      | TEXT, compared with the BINARY collation (code point order)    |
 * | `boolean`   | INTEGER 0 / 1                                                  |
 *
 * and, named in the `storage` option: `decimal_text`, a `decimal` held as
 * exact decimal text in TEXT (for amounts beyond 64 bits; compared exactly
 * by a registered function, without an index), and `cast_text`, a `text`
 * column of another storage read as `CAST(col AS TEXT)`. The filter SQL is
 * {@linkcode "./sqlite_filters.ts"}.
 *
 * A filter's canonical decimal text is scaled to the same integer exactly
 * (`"100.5"` at scale 8 is `10050000000n`), so `price = "0.1"` matches
 * exactly the rows that store 10000000. A decimal filter value beyond the
 * 64-bit range is bound as ±2^64 (a REAL), which SQLite compares exactly
 * against every INTEGER, so `lt` / `gt` stay right and `eq` matches nothing.
 *
 * ## Queries
 *
 * Filters become SQL over declared columns only: every name comes from the
 * schema (checked against {@linkcode IDENTIFIER} and double-quoted), every
 * operator maps to a fixed fragment, and every value is a bound parameter.
 * `prefix` is the range `col >= p AND col < succ(p)` (succ increments the
 * last code point), which is exact under BINARY collation and uses an index.
 *
 * Pages walk the primary key: `key > after AND key <= hwm AND +time >= from
 * AND +time < to AND … ORDER BY key LIMIT n`. The unary `+` stops SQLite from
 * choosing the time index for pages, a plan that re-reads and re-sorts the
 * whole remaining range for every page (quadratic). Instead the time index
 * is read once per scan to count the range's rows and, for a narrow range,
 * to find their smallest and largest key, which bound the key walk; for
 * append-mostly tables, whose keys grow with time, that walk reads only the
 * range's rows. The count is most of an export's time to first byte.
 *
 * Integers are read as JavaScript numbers (fast); a page holding an integer
 * beyond 2^53 is re-read with BigInt reads, so values are always exact.
 *
 * @module
 */

import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { UnfitValueError } from "../protocol/export_state.ts";
import type { ValidatedFilter } from "../protocol/filter.ts";
import type { DataSource, RowPage, ScanQuery, SourceSchema } from "./data_source.ts";
import { checkSchema } from "./_sqlite_schema.ts";
import {
  type ArrayQuery,
  isOutOfRange,
  prepareArrays,
  remember,
  settle,
  SQLITE_OPEN_TIMEOUT_MS,
  SQLITE_READ_TIMEOUT_MS,
} from "./_sqlite_statements.ts";
import {
  decimalTextCompare,
  filterCondition,
  filterParams,
  filterShape,
  SQLITE_DECIMAL_COMPARE,
  type SqliteColumn,
  sqliteColumnExpression,
} from "./sqlite_filters.ts";

export { IDENTIFIER } from "./_sqlite_schema.ts";
export { prefixSuccessor } from "./prefix_successor.ts";
export { scaleDecimal } from "./sqlite_filters.ts";

/** Options of {@linkcode SqliteSource}. */
export interface SqliteSourceOptions {
  /** The database file, or `:memory:`. */
  readonly path: string;
  /** The table and columns to export. */
  readonly schema: SourceSchema;
  /**
   * Open the file read-only. A source only reads; `false` opens it as
   * SQLite opens a file by default, read and write (which also lets SQLite
   * make the write-ahead log's files of a WAL database that has none yet).
   *
   * @default {true}
   */
  readonly readOnly?: boolean;
  /**
   * Columns stored otherwise than the table in the module docs says:
   * `decimal_text` for a `decimal` column holding exact decimal text in
   * TEXT (its scale optional, 0..30), `cast_text` for a `text` column of
   * another storage, read as `CAST(col AS TEXT)`. {@linkcode
   * "./sqlite_catalog.ts"} fills this in from the table's declared types.
   * (The values of `SqliteStorage` in sqlite_filters.ts, spelled out
   * because that name is internal; the compiler refuses a value here that
   * it lacks, where the map is passed on.)
   *
   * @default {{}}
   */
  readonly storage?: Readonly<Record<string, "decimal_text" | "cast_text">>;
}

const INT64_MIN_NUMBER = -(2 ** 63);
/** Prepared statement shapes kept per source; `in` lists of many lengths could grow it unbounded. */
const STATEMENT_CACHE_SIZE = 64;
/** Key-range lookups kept per source, one per distinct (time range, high-water mark). */
const RANGE_CACHE_SIZE = 64;

interface Statements {
  readonly page: ArrayQuery;
  readonly pageSql: string;
  /** The same query reading every integer as a BigInt; prepared on first need. */
  pageBig?: ArrayQuery;
  readonly count: ArrayQuery;
}

/** Rows with a time in the range and key ≤ hwm, and bounds on their keys; `undefined` when none. */
type KeyRange = { readonly rows: number; readonly low: bigint; readonly high: bigint } | undefined;

/**
 * Exports a SQLite table.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { SqliteSource } from "./sqlite_source.ts";
 * import { DatabaseSync } from "node:sqlite";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.db`;
 * const db = new DatabaseSync(path);
 * db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL); INSERT INTO t VALUES (1, 5)");
 * db.close();
 * const source = new SqliteSource({
 *   path,
 *   schema: {
 *     table: "t",
 *     timeColumn: "ts",
 *     keyColumn: "id",
 *     columns: [{ name: "id", type: "integer" }, { name: "ts", type: "timestamp" }],
 *   },
 * });
 * const hwm = await source.highWaterMark();
 * equal(hwm, 1n);
 * const page = await source.page({ timeFrom: 0, timeTo: 10, filters: [], highWaterMark: hwm }, 100);
 * deepStrictEqual(page.rows, [[1, 5]]);
 * await source.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class SqliteSource implements DataSource {
  readonly #db: DatabaseSync;
  readonly #schema: SourceSchema;
  readonly #columns: ReadonlyMap<string, SqliteColumn>;
  readonly #keyIndex: number;
  /** Columns read as INTEGER: integers, scaled decimals, timestamps. */
  readonly #integerColumns: readonly number[];
  readonly #select: string;
  readonly #table: string;
  readonly #key: string;
  readonly #time: string;
  readonly #statements = new Map<string, Statements>();
  readonly #ranges = new Map<string, KeyRange>();
  readonly #maxKey: ArrayQuery;
  readonly #minKey: ArrayQuery;
  readonly #countRange: ArrayQuery;
  readonly #countAll: ArrayQuery;
  readonly #boundRange: ArrayQuery;

  /** Opens the database; throws on a schema that cannot be used (a programmer error). */
  constructor(options: SqliteSourceOptions) {
    const schema = options.schema;
    const storage = options.storage ?? {};
    const columns = schema.columns.map((c): SqliteColumn =>
      Object.hasOwn(storage, c.name) ? { ...c, storage: storage[c.name] } : c
    );
    checkSchema(schema, columns, storage);
    this.#schema = schema;
    this.#columns = new Map(columns.map((c) => [c.name, c]));
    this.#keyIndex = schema.columns.findIndex((c) => c.name === schema.keyColumn);
    this.#integerColumns = columns.flatMap((c, i) =>
      c.storage === undefined && c.type !== "text" && c.type !== "boolean" ? [i] : []
    );
    this.#table = quote(schema.table);
    this.#key = quote(schema.keyColumn);
    this.#time = quote(schema.timeColumn);
    this.#select = columns.map(sqliteColumnExpression).join(", ");
    this.#db = new DatabaseSync(options.path, {
      readOnly: options.readOnly ?? true,
      timeout: SQLITE_OPEN_TIMEOUT_MS,
    });
    if (columns.some((c) => c.storage === "decimal_text")) {
      this.#db.function(SQLITE_DECIMAL_COMPARE, { deterministic: true }, decimalTextCompare);
    }
    this.#maxKey = prepareArrays(
      this.#db,
      `SELECT max(${this.#key}) AS m FROM ${this.#table}`,
      true,
    );
    this.#minKey = prepareArrays(
      this.#db,
      `SELECT min(${this.#key}) AS m FROM ${this.#table}`,
      true,
    );
    // Both read the time index (if any); the count(*) also stops SQLite from answering the
    // min/max by walking the whole key order.
    this.#countRange = prepareArrays(
      this.#db,
      `SELECT count(*) AS n FROM ${this.#table}
       WHERE ${this.#time} >= ? AND ${this.#time} < ? AND ${this.#key} <= ?`,
      false,
    );
    this.#countAll = prepareArrays(
      this.#db,
      `SELECT count(*) AS n FROM ${this.#table} WHERE ${this.#time} >= ? AND ${this.#time} < ?`,
      false,
    );
    this.#boundRange = prepareArrays(
      this.#db,
      `SELECT count(*) AS n, min(${this.#key}) AS lo, max(${this.#key}) AS hi FROM ${this.#table}
       WHERE ${this.#time} >= ? AND ${this.#time} < ? AND ${this.#key} <= ?`,
      true,
    );
    this.#db.exec(`PRAGMA busy_timeout = ${SQLITE_READ_TIMEOUT_MS}`);
  }

  /** The exported table and columns. */
  schema(): SourceSchema {
    return this.#schema;
  }

  /**
   * The current largest key, `0n` for an empty table. A download's first
   * read: the key bounds of earlier scans are forgotten here, since rows
   * may have moved in time since.
   */
  highWaterMark(): Promise<bigint> {
    return settle(() => {
      this.#ranges.clear();
      const [max] = this.#maxKey.all()[0];
      return max === null ? 0n : this.#keyOf(max);
    });
  }

  /** How many rows match, ignoring `after`. */
  count(query: ScanQuery): Promise<number> {
    return settle(() => {
      const statements = this.#prepare(query.filters);
      const range = this.#rangeOf(query);
      if (query.filters.length === 0 || range === undefined) return range?.rows ?? 0;
      const [n] = statements.count.all(
        range.low,
        range.high,
        BigInt(query.timeFrom),
        BigInt(query.timeTo),
        ...filterParams(query.filters, this.#columns),
      )[0];
      return Number(n);
    });
  }

  /** The next rows after `query.after` by key ascending, at most `limit`. */
  page(query: ScanQuery, limit: number): Promise<RowPage> {
    return settle(() => this.#page(query, limit));
  }

  /** Closes the database. */
  close(): Promise<void> {
    return settle(() => {
      this.#statements.clear();
      this.#ranges.clear();
      this.#db.close();
    });
  }

  #page(query: ScanQuery, limit: number): RowPage {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`page limit must be a positive integer, got ${limit}`);
    }
    const range = this.#rangeOf(query);
    const after = query.after;
    if (range === undefined || (after !== undefined && after >= range.high)) {
      return { rows: [], lastKey: undefined };
    }
    // The first page starts at the range's own low key, which may be -2^63 itself.
    const low = after !== undefined && after >= range.low ? after + 1n : range.low;
    const statements = this.#prepare(query.filters);
    const params: SQLInputValue[] = [
      low,
      range.high,
      BigInt(query.timeFrom),
      BigInt(query.timeTo),
      ...filterParams(query.filters, this.#columns),
      BigInt(limit),
    ];
    let rows: unknown[][];
    try {
      rows = statements.page.all(...params);
      if (this.#hasInt64Min(rows)) rows = this.#readBig(statements, params);
    } catch (error) {
      if (!isOutOfRange(error)) throw error;
      rows = this.#readBig(statements, params);
    }
    const last = rows.at(-1);
    return { rows, lastKey: last && this.#keyOf(last[this.#keyIndex]) };
  }

  /**
   * A key as read, as the integer it must be. A column SQLite does not keep
   * to integers (any key but the rowid) may hold a real or a text, which no
   * scan by key can pass: an {@linkcode UnfitValueError} of the key column,
   * which ends the download with `UNEXPORTABLE_VALUE` (a text key sorts
   * above every integer, so it is the largest key, and every download of
   * the table ends so until it is fixed).
   */
  #keyOf(value: unknown): bigint {
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
    const key = this.#schema.keyColumn;
    throw new UnfitValueError(
      key,
      `${typeof value} ${value} in key column ${key} is not an integer`,
    );
  }

  /**
   * The rows of the query's time range under its high-water mark and bounds
   * on their keys, cached for the scan, until the next download's
   * {@linkcode SqliteSource.highWaterMark}: an update that moves a row into
   * the range after its bounds were found, outside them, reaches the
   * downloads that start after it (the download under way, which counted
   * before it, does not see it). Exact bounds cost a pass over the
   * range's index entries that is twice as slow as counting them, so they
   * are found only for a range that holds under a quarter of the table; for
   * a wider one the table's own key range bounds the walk, which then reads
   * at most four rows per exported row (and reads rows much faster than it
   * exports them).
   */
  #rangeOf(query: ScanQuery): KeyRange {
    const id = `${query.timeFrom}:${query.timeTo}:${query.highWaterMark}`;
    if (this.#ranges.has(id)) return this.#ranges.get(id);
    const params = [BigInt(query.timeFrom), BigInt(query.timeTo), query.highWaterMark];
    const [count, first] = this.#snapshot(() => {
      // While no row is above the mark, the key test (half of the count's time) is moot.
      const [max] = this.#maxKey.all()[0];
      const [count] = max === query.highWaterMark
        ? this.#countAll.all(params[0], params[1])[0]
        : this.#countRange.all(...params)[0];
      return [count, this.#minKey.all()[0][0]];
    });
    const lowest = count === 0 || first === null ? undefined : this.#keyOf(first);
    let range: KeyRange;
    if (lowest === undefined) {
      range = undefined;
    } else if (BigInt(count as number) * 4n >= query.highWaterMark - lowest + 1n) {
      range = { rows: Number(count), low: lowest, high: query.highWaterMark };
    } else {
      const [, low, high] = this.#boundRange.all(...params)[0];
      range = { rows: Number(count), low: this.#keyOf(low), high: this.#keyOf(high) };
    }
    remember(this.#ranges, id, range, RANGE_CACHE_SIZE);
    return range;
  }

  /** Runs `work` in one read transaction, so that its statements see one state of the table. */
  #snapshot<T>(work: () => T): T {
    if (this.#db.isTransaction) return work();
    this.#db.exec("BEGIN");
    try {
      return work();
    } finally {
      this.#db.exec("COMMIT");
    }
  }

  /**
   * Whether a number read is -2^63: `node:sqlite` hands that one integer out
   * as an inexact number instead of refusing it as out of range (its range
   * check takes the magnitude, which overflows for -2^63).
   */
  #hasInt64Min(rows: readonly unknown[][]): boolean {
    const columns = this.#integerColumns;
    if (columns.length === 0) return false;
    for (const row of rows) {
      for (const i of columns) if (row[i] === INT64_MIN_NUMBER) return true;
    }
    return false;
  }

  /** Re-reads a page whose integers overflow numbers, then brings safe ones back to numbers. */
  #readBig(statements: Statements, params: SQLInputValue[]): unknown[][] {
    statements.pageBig ??= prepareArrays(this.#db, statements.pageSql, true);
    const rows = statements.pageBig.all(...params);
    const types = this.#schema.columns.map((c) => c.type);
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        const v = row[i];
        if (typeof v !== "bigint") continue;
        const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
        if (safe || types[i] === "timestamp" || types[i] === "boolean") row[i] = Number(v);
      }
    }
    return rows;
  }

  /** The prepared statements for one filter shape (operators, columns, list lengths). */
  #prepare(filters: readonly ValidatedFilter[]): Statements {
    const shape = filters.map(filterShape).join("\u0001");
    const cached = this.#statements.get(shape);
    if (cached !== undefined) return cached;
    const conditions = filters.map((f) => ` AND ${filterCondition(f, this.#columns)}`).join("");
    const [key, time] = [this.#key, this.#time];
    const pageSql = `SELECT ${this.#select} FROM ${this.#table}
       WHERE ${key} >= ? AND ${key} <= ? AND +${time} >= ? AND +${time} < ?${conditions}
       ORDER BY ${key} LIMIT ?`;
    // Counting within the range's key bounds may use any index, the time index included.
    const count = prepareArrays(
      this.#db,
      `SELECT count(*) AS n FROM ${this.#table}
       WHERE ${key} >= ? AND ${key} <= ? AND ${time} >= ? AND ${time} < ?${conditions}`,
      false,
    );
    const page = prepareArrays(this.#db, pageSql, false);
    const statements: Statements = { page, pageSql, count };
    remember(this.#statements, shape, statements, STATEMENT_CACHE_SIZE);
    return statements;
  }
}

/** Double-quotes a checked identifier. */
function quote(name: string): string {
  return `"${name}"`;
}
