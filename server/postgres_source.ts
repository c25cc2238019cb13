/**
 * A {@linkcode DataSource} over a PostgreSQL table or view.
 *
 * ## Reads
 *
 * Pages walk the key: `key >= after + 1 AND key <= hwm AND time >= from AND
 * time < to AND … ORDER BY key LIMIT n`, each a prepared statement with
 * bound parameters ({@linkcode "./postgres_query.ts"}). The driver's cost
 * per cell was most of an export's time, so its pages come back as one text
 * ({@linkcode "./postgres_pages.ts"}, {@linkcode "./postgres_records.ts"}),
 * and a download's snapshot reads on a connection of sluice's own whose
 * rows are kept as PostgreSQL sent them ({@linkcode "./postgres_wire.ts"}).
 * A download writes those bytes straight into its export bytes where it
 * can ({@linkcode PostgresSource.encodedPage},
 * {@linkcode "./postgres_record_bytes.ts"}), without making cells. A page
 * is one query of at most `n` rows, so memory
 * is bounded by the page whatever the size of the export; a download in a
 * snapshot also holds the next page, asked for while the current one is
 * sent, so that PostgreSQL and the server work at the same time. Keyset
 * pages were measured against a server-side cursor (`DECLARE … CURSOR` +
 * `FETCH n` in the same snapshot) reading 1,000,000 rows of five columns on
 * PostgreSQL 15 here: medians of 1.55 s against 1.75 s in pages of 10,000,
 * 1.23 s against 1.33 s in pages of 50,000, 2.24 s against 2.15 s in pages
 * of 1,000; the difference is within the noise of one run. Measured again
 * with pages as records (11 columns, pages of 1,542, bench/RESULTS.md):
 * keyset pages took 1.1–1.6 s of the server's CPU and 1.4–1.7 s of
 * PostgreSQL's per 1,000,000 rows, a cursor fetching each row's record
 * 1.1–1.6 s and 1.1–1.6 s, a cursor fetching the columns cell by cell
 * 1.8–2.3 s and 0.6–0.8 s: no cursor does less work in all. Keyset pages win on what matters beside speed: a
 * page is a query of its own, the same one a resume runs, and it needs no
 * transaction, so a download without a snapshot holds no connection
 * between pages.
 *
 * ## Consistency
 *
 * {@linkcode PostgresSource.openSnapshot} gives a download one
 * `REPEATABLE READ READ ONLY` transaction on a connection of its own: its
 * high-water mark, count and pages all see the table as it was at its first
 * read, so rows updated or deleted meanwhile are seen as they were. Holding
 * a transaction has costs: the connection is the download's for as long as
 * it runs, and VACUUM cannot remove rows that the snapshot may still see.
 * So a snapshot is given up, and the download goes on page by page at
 * `READ COMMITTED` like a resumed one, when the download has not read for
 * `snapshotIdleMs` (a reader that stopped), when it has held the snapshot
 * for `snapshotMaxMs`, or when the pool's `maxReserved` snapshots are all
 * open (then the download never gets one). A failed read ends the snapshot
 * with the download.
 *
 * ## Values
 *
 * `int2` / `int4` / `int8` → integer (`int8` as a bigint beyond 2^53);
 * `numeric` → its exact text; `timestamptz` and `timestamp` (read as UTC)
 * → epoch milliseconds, microseconds cut toward the past; `boolean`; text
 * types as they are (`char(n)` without its padding, `uuid` in lowercase);
 * any other type declared `text` is read as `col::text`.
 * {@linkcode "./postgres_values.ts"} has the details.
 *
 * @module
 */

import type { EncodedRows, PageEncoding } from "../protocol/export_state.ts";
import type {
  DataSource,
  RowPage,
  ScanQuery,
  SourceReader,
  SourceSchema,
  SourceSnapshot,
} from "./data_source.ts";
import { postgresColumnKinds, readPostgresColumns } from "./postgres_catalog.ts";
import {
  PostgresPool,
  type PostgresPoolOptions,
  type SnapshotTransaction,
} from "./postgres_pool.ts";
import { PageReads, type RunQuery, type RunRows } from "./postgres_pages.ts";
import { type PostgresColumn, PostgresQueries } from "./postgres_query.ts";

/** Options of {@linkcode PostgresSource.open}. */
export interface PostgresSourceOptions {
  /**
   * The pool to read through, shared with other sources and not closed by
   * this one; or the options of a pool of its own, which `close()` closes.
   */
  readonly pool: PostgresPool | PostgresPoolOptions;
  /**
   * Whether `close()` closes the pool too.
   *
   * @default {true when the source made its pool, false for a pool passed in}
   */
  readonly closePool?: boolean;
  /** The table (`name` or `schema.name`) and columns to export. */
  readonly schema: SourceSchema;
  /**
   * Give up a download's snapshot after it has not read for this long, in milliseconds.
   *
   * @default {30000}
   */
  readonly snapshotIdleMs?: number;
  /**
   * Give up a download's snapshot after it has held it for this long, in milliseconds.
   *
   * @default {900000}
   */
  readonly snapshotMaxMs?: number;
}

type Run = RunQuery;

const decoder = new TextDecoder();

/** The reads of a source, over whatever runs its queries. */
class Reads implements SourceReader {
  readonly #queries: PostgresQueries;
  readonly #run: Run;
  readonly #pages: PageReads;

  /**
   * `readAhead` for the reads of one download only, `rows` where its
   * connection gives them (see {@linkcode PageReads}).
   */
  constructor(
    queries: PostgresQueries,
    keyIndex: number,
    run: Run,
    readAhead?: () => boolean,
    rows?: RunRows,
  ) {
    this.#queries = queries;
    this.#run = run;
    this.#pages = new PageReads(queries, keyIndex, run, readAhead, rows);
  }

  async highWaterMark(): Promise<bigint> {
    const [[max]] = await this.#run(this.#queries.maxKey(), []);
    return max === null ? 0n : BigInt(decoder.decode(max as Uint8Array));
  }

  async count(query: ScanQuery): Promise<number> {
    const { text, params } = this.#queries.count(query);
    const [[n]] = await this.#run(text, params);
    return Number(decoder.decode(n as Uint8Array));
  }

  page(query: ScanQuery, limit: number): Promise<RowPage> {
    return this.#pages.page(query, limit);
  }

  encodedPage(
    query: ScanQuery,
    limit: number,
    encoding: PageEncoding,
  ): Promise<EncodedRows | RowPage> {
    return this.#pages.encodedPage(query, limit, encoding);
  }
}

/**
 * Exports a PostgreSQL table or view.
 *
 * @example
 * ```ts ignore
 * import { PostgresSource } from "./postgres_source.ts";
 * const source = await PostgresSource.open({
 *   pool: { url: "postgres://sluice@127.0.0.1/exchange", maxConnections: 8 },
 *   schema: {
 *     table: "trades",
 *     keyColumn: "id",
 *     timeColumn: "ts",
 *     columns: [
 *       { name: "id", type: "integer" },
 *       { name: "ts", type: "timestamp" },
 *       { name: "price", type: "decimal", scale: 8 },
 *     ],
 *   },
 * });
 * const hwm = await source.highWaterMark();
 * await source.page({ timeFrom: 0, timeTo: Date.now(), filters: [], highWaterMark: hwm }, 1000);
 * await source.close();
 * ```
 */
export class PostgresSource implements DataSource {
  readonly #pool: PostgresPool;
  readonly #ownsPool: boolean;
  readonly #schema: SourceSchema;
  readonly #queries: PostgresQueries;
  readonly #keyIndex: number;
  readonly #reads: Reads;
  readonly #idleMs: number;
  readonly #maxMs: number;
  readonly #snapshots = new Set<PostgresSnapshot>();

  private constructor(
    pool: PostgresPool,
    ownsPool: boolean,
    schema: SourceSchema,
    columns: readonly PostgresColumn[],
    options: PostgresSourceOptions,
  ) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#schema = schema;
    this.#queries = new PostgresQueries(schema, columns);
    this.#keyIndex = schema.columns.findIndex((c) => c.name === schema.keyColumn);
    this.#reads = new Reads(this.#queries, this.#keyIndex, (t, p) => pool.query(t, p, true));
    this.#idleMs = options.snapshotIdleMs ?? 30_000;
    this.#maxMs = options.snapshotMaxMs ?? 900_000;
  }

  /**
   * Connects, reads the table's columns from the catalog and checks the
   * schema against them: a declared column the table lacks, or of a type
   * that cannot hold the declared one, throws a `TypeError` naming them
   * all; a database that cannot be reached throws a `DataSourceError`.
   */
  static async open(options: PostgresSourceOptions): Promise<PostgresSource> {
    const owns = options.closePool ?? !(options.pool instanceof PostgresPool);
    const pool = options.pool instanceof PostgresPool
      ? options.pool
      : new PostgresPool(options.pool);
    try {
      const [[encoding, client, dateStyle, timeZone]] = await pool.query(
        "SELECT current_setting('server_encoding'), current_setting('client_encoding'), " +
          "current_setting('DateStyle'), current_setting('TimeZone')",
        [],
      );
      if (encoding !== "UTF8") {
        throw new TypeError(`the database's encoding is ${encoding}; sluice needs UTF8`);
      }
      // The pool sets these; a parameter of the URL overrides it, and the page texts would then
      // not read as written (lengths in bytes, timestamps in UTC).
      const wrong = [
        client === "UTF8" ? undefined : `client_encoding is ${client}, not UTF8`,
        String(dateStyle).startsWith("ISO") ? undefined : `DateStyle is ${dateStyle}, not ISO`,
        timeZone === "UTC" ? undefined : `TimeZone is ${timeZone}, not UTC`,
      ].filter((line) => line !== undefined);
      if (wrong.length > 0) {
        throw new TypeError(`the connection's ${wrong.join(", ")}: remove it from the URL`);
      }
      const found = await readPostgresColumns(pool, options.schema.table);
      if (found === undefined) throw new TypeError(`no table or view ${options.schema.table}`);
      const kinds = postgresColumnKinds(options.schema, found);
      if (!kinds.ok) throw new TypeError(kinds.error.join("\n"));
      return new PostgresSource(pool, owns, options.schema, kinds.value, options);
    } catch (error) {
      if (owns) await pool.close();
      throw error;
    }
  }

  /** The exported table and columns. */
  schema(): SourceSchema {
    return this.#schema;
  }

  /** The current largest key, `0n` for an empty table. */
  highWaterMark(): Promise<bigint> {
    return this.#reads.highWaterMark();
  }

  /** How many rows match, ignoring `after`. */
  count(query: ScanQuery): Promise<number> {
    return this.#reads.count(query);
  }

  /** The next rows after `query.after` by key ascending, at most `limit`. */
  page(query: ScanQuery, limit: number): Promise<RowPage> {
    return this.#reads.page(query, limit);
  }

  /** The same rows written as export bytes (server/postgres_record_bytes.ts), where it can. */
  encodedPage(
    query: ScanQuery,
    limit: number,
    encoding: PageEncoding,
  ): Promise<EncodedRows | RowPage> {
    return this.#reads.encodedPage(query, limit, encoding);
  }

  /** A reader on one snapshot for one download (see the module docs for when it gives it up). */
  async openSnapshot(): Promise<SourceSnapshot> {
    const transaction = await this.#pool.snapshot();
    const snapshot: PostgresSnapshot = new PostgresSnapshot({
      transaction,
      pooled: this.#reads,
      readsOn: (run, sound, rows) => new Reads(this.#queries, this.#keyIndex, run, sound, rows),
      released: () => this.#snapshots.delete(snapshot),
      idleMs: this.#idleMs,
      maxMs: this.#maxMs,
    });
    this.#snapshots.add(snapshot);
    return snapshot;
  }

  /** Ends every snapshot and, when the source made its pool, closes it. */
  async close(): Promise<void> {
    await Promise.all([...this.#snapshots].map((s) => s.release()));
    if (this.#ownsPool) await this.#pool.close();
  }
}

/** What a {@linkcode PostgresSnapshot} is made of. */
interface SnapshotParts {
  /** Its transaction, or `undefined` when the pool had none to give. */
  readonly transaction: SnapshotTransaction | undefined;
  /** The source's own reads, page by page on the pool. */
  readonly pooled: Reads;
  /** The same reads through other runners, reading ahead while `sound()`. */
  readonly readsOn: (run: Run, sound: () => boolean, rows?: RunRows) => Reads;
  /** Called once, when the snapshot is released. */
  readonly released: () => void;
  readonly idleMs: number;
  readonly maxMs: number;
}

/** One download's reads in one transaction, until it is released or given up. */
class PostgresSnapshot implements SourceSnapshot {
  readonly #parts: SnapshotParts;
  readonly #deadline: number;
  #connection: SnapshotTransaction | undefined;
  #reads: Reads;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #released = false;
  /**
   * What a query in the transaction failed with, the page read ahead's
   * included: every read after it fails with it, as the page would have had
   * it been read in turn, so the download ends there (and its resume opens
   * a snapshot of its own) instead of going on outside the snapshot.
   */
  #failure: { readonly error: unknown } | undefined;

  constructor(parts: SnapshotParts) {
    this.#parts = parts;
    this.#connection = parts.transaction;
    this.#deadline = performance.now() + parts.maxMs;
    const transaction = parts.transaction;
    this.#reads = transaction === undefined ? parts.pooled : parts.readsOn(
      (t, p) => this.#run((c) => c.query(t, p)),
      () => this.#connection?.broken === false,
      transaction.rows === undefined ? undefined : (t, p) => this.#run((c) => c.rows!(t, p)),
    );
    this.#arm();
  }

  highWaterMark(): Promise<bigint> {
    return this.#read((r) => r.highWaterMark());
  }

  count(query: ScanQuery): Promise<number> {
    return this.#read((r) => r.count(query));
  }

  page(query: ScanQuery, limit: number): Promise<RowPage> {
    return this.#read((r) => r.page(query, limit));
  }

  encodedPage(
    query: ScanQuery,
    limit: number,
    encoding: PageEncoding,
  ): Promise<EncodedRows | RowPage> {
    return this.#read((r) => r.encodedPage(query, limit, encoding));
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#parts.released();
    await this.#giveUp();
  }

  async #read<T>(read: (reads: Reads) => Promise<T>): Promise<T> {
    if (this.#released) throw new TypeError("the snapshot was released");
    if (this.#failure !== undefined) throw this.#failure.error;
    if (this.#connection !== undefined && performance.now() > this.#deadline) await this.#giveUp();
    return await read(this.#reads);
  }

  async #run<T>(query: (connection: SnapshotTransaction) => Promise<T>): Promise<T> {
    const connection = this.#connection;
    if (connection === undefined) throw new TypeError("the snapshot was given up");
    clearTimeout(this.#timer);
    try {
      const rows = await query(connection);
      this.#arm();
      return rows;
    } catch (error) {
      // The transaction is aborted or the connection gone: the download ends here, and its
      // resume starts afresh.
      this.#failure = { error };
      await this.#giveUp();
      throw error;
    }
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#connection === undefined) return;
    // giveUp never rejects: a transaction's failure ends in its own `end()`.
    this.#timer = setTimeout(() => void this.#giveUp(), this.#parts.idleMs);
  }

  /** Ends the transaction and hands the connection back; reads go on through the pool. */
  async #giveUp(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const connection = this.#connection;
    if (connection === undefined) return;
    this.#connection = undefined;
    this.#reads = this.#parts.pooled;
    await connection.end();
  }
}
