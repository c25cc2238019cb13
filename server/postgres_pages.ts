/**
 * The pages of the PostgreSQL source, read one of two ways. On the driver's
 * connections, each page is one query whose one cell is the page's text,
 * taken as the bytes PostgreSQL sent ({@linkcode "./postgres_records.ts"});
 * on a connection of sluice's own (a download's snapshot,
 * {@linkcode "./postgres_wire.ts"}), a plain `SELECT` whose `DataRow`s are
 * kept as they came. Either way a download's pages are written from those
 * bytes straight into export bytes where they can be
 * ({@linkcode "./postgres_record_bytes.ts"}), else read into cells. For the
 * reads of one download, the next page is asked for while the current one
 * is encoded and sent.
 *
 * Why read ahead: a page query keeps PostgreSQL busy for about as long as
 * the server takes to turn its rows into export bytes (1,000,000 rows of 11
 * columns: 1.4 s of PostgreSQL's CPU, 1.3 s of the server's). One after the
 * other, each waits for the other; with the next page already asked for,
 * they work at the same time. The page read ahead is the one the download
 * asks for next (the same query after the current page's last key), so it
 * holds what the download would read anyway, one page at most, and only
 * for a download with a connection of its own (a snapshot): a query on
 * the shared pool would take a connection that other downloads may need.
 * A download that asks for anything else drops it.
 *
 * A page's text must fit in one value: 1 GB in PostgreSQL, and about 512 MB
 * (2^29 UTF-16 units) in a JavaScript string; read as `DataRow`s, 256 MiB
 * (`RESULT_TOO_LARGE`, {@linkcode "./postgres_wire.ts"}). A page of ordinary rows is a
 * few hundred kilobytes; one whose rows hold texts of megabytes each could
 * reach that, and then fails as a database error (`failed`) or, past the
 * JavaScript limit, as an internal one, where reading it cell by cell
 * would have needed as much memory at once.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { EncodedRows, PageEncoding } from "../protocol/export_state.ts";
import type { RowPage, ScanQuery } from "./data_source.ts";
import { encodeRecords, type RecordPlan, recordPlan } from "./postgres_record_bytes.ts";
import type { BoundQuery, PostgresQueries } from "./postgres_query.ts";
import { parseRows, type RowScanner, RowSpans, textRows } from "./postgres_records.ts";
import { dataRowScanner, type WireRows } from "./postgres_wire.ts";

/** Runs one query; each cell's bytes as PostgreSQL sent them (`Uint8Array`, `null` for NULL). */
export type RunQuery = (text: string, params: readonly string[]) => Promise<unknown[][]>;

/** Runs one query on a connection of sluice's own; rows as PostgreSQL sent them. */
export type RunRows = (text: string, params: readonly string[]) => Promise<WireRows>;

/** A page as read: its rows' bytes (`null` for none), how many, and the last one's key. */
interface Page {
  readonly bytes: Uint8Array | null;
  readonly count: number;
  readonly lastKey: bigint | undefined;
}

/** A page asked for ahead of its turn. */
interface Ahead {
  readonly bound: BoundQuery;
  readonly page: Promise<Page>;
}

/**
 * Reads pages of one source through one runner.
 *
 * @example
 * ```ts ignore
 * import { PageReads } from "./postgres_pages.ts";
 * declare const reads: PageReads;
 * const page = await reads.page({ timeFrom: 0, timeTo: 1, filters: [], highWaterMark: 9n }, 100);
 * ```
 */
export class PageReads {
  readonly #queries: PostgresQueries;
  readonly #keyIndex: number;
  readonly #run: RunQuery;
  readonly #rows: RunRows | undefined;
  /** How the rows of a page are read: as `DataRow`s with `rows`, else as the page text. */
  readonly #scan: RowScanner;
  readonly #readAhead: (() => boolean) | undefined;
  #ahead: Ahead | undefined;
  #plans: { encoding: PageEncoding; plan: RecordPlan | undefined } | undefined;

  /**
   * Pages of `queries` through `run`, whose rows have their key at
   * `keyIndex`. With `readAhead`, each next page is asked for early (see
   * the module docs: only for one download's own connection), and served
   * while `readAhead()` says the connection it was read on is still sound:
   * a page read before the database went away is not served after, so that
   * the download ends where it would have without reading ahead. With
   * `rows`, pages are plain `SELECT`s whose rows come as PostgreSQL sent
   * them (postgres_wire.ts), not page texts.
   */
  constructor(
    queries: PostgresQueries,
    keyIndex: number,
    run: RunQuery,
    readAhead?: () => boolean,
    rows?: RunRows,
  ) {
    this.#queries = queries;
    this.#keyIndex = keyIndex;
    this.#run = run;
    this.#rows = rows;
    this.#scan = rows === undefined
      ? textRows(queries.layout)
      : dataRowScanner(queries.kinds.length);
    this.#readAhead = readAhead;
  }

  /** The next rows after `query.after` by key ascending, at most `limit`. */
  async page(query: ScanQuery, limit: number): Promise<RowPage> {
    return this.#cells(await this.#read(query, limit));
  }

  /**
   * The same rows written in `encoding` (postgres_record_bytes.ts), or, for
   * a schema or a page that module does not write, as cells.
   */
  async encodedPage(
    query: ScanQuery,
    limit: number,
    encoding: PageEncoding,
  ): Promise<EncodedRows | RowPage> {
    const plan = this.#plan(encoding);
    const page = await this.#read(query, limit);
    if (page.bytes === null || page.count === 0) {
      return { bytes: new Uint8Array(0), ends: [], keys: [], lead: 0 };
    }
    return (plan === undefined ? undefined : encodeRecords(page.bytes, plan, this.#scan)) ??
      this.#cells(page);
  }

  /** The plan of the last encoding asked for: a download asks for the same one, page after page. */
  #plan(encoding: PageEncoding): RecordPlan | undefined {
    const cached = this.#plans;
    if (cached !== undefined && sameEncoding(cached.encoding, encoding)) return cached.plan;
    const { columns, kinds, layout } = this.#queries;
    const plan = recordPlan({ columns, kinds, layout, keyIndex: this.#keyIndex }, encoding);
    this.#plans = { encoding, plan };
    return plan;
  }

  #cells(page: Page): RowPage {
    const rows = page.bytes === null ? [] : parseRows(page.bytes, this.#queries.kinds, this.#scan);
    const key = this.#keyIndex;
    if (!ascending(rows, key)) rows.sort((a, b) => compare(a[key] as Key, b[key] as Key));
    return { rows, lastKey: page.lastKey };
  }

  /** The page after `query.after`, read ahead or now. */
  async #read(query: ScanQuery, limit: number): Promise<Page> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`page limit must be a positive integer, got ${limit}`);
    }
    const bound = this.#bound(query, limit);
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (bound === undefined) return { bytes: null, count: 0, lastKey: undefined };
    const page =
      await (ahead !== undefined && sameQuery(ahead.bound, bound) && this.#readAhead!()
        ? ahead.page
        : this.#fetch(bound));
    // The next page is asked for before this one is read: PostgreSQL writes it meanwhile.
    if (this.#readAhead !== undefined && page.lastKey !== undefined && page.count === limit) {
      const next = this.#bound({ ...query, after: page.lastKey }, limit);
      if (next !== undefined) {
        const fetched = this.#fetch(next);
        // Read or not, it never goes unhandled: a page that is read reports its own failure.
        fetched.catch(() => undefined);
        this.#ahead = { bound: next, page: fetched };
        if (this.#rows === undefined) await written();
      }
    }
    return page;
  }

  /** The query of a page: its rows plain with `rows`, else as one page text. */
  #bound(query: ScanQuery, limit: number): BoundQuery | undefined {
    return this.#rows === undefined
      ? this.#queries.pageRecords(query, limit)
      : this.#queries.page(query, limit);
  }

  async #fetch(bound: BoundQuery): Promise<Page> {
    if (this.#rows !== undefined) {
      const rows = await this.#rows(bound.text, bound.params);
      if (rows.count === 0) return { bytes: rows.bytes, count: 0, lastKey: undefined };
      const spans = new RowSpans(this.#queries.kinds.length);
      if (this.#scan(rows.bytes, rows.last, spans) < 0) throw new TypeError("a malformed DataRow");
      const key = this.#keyIndex;
      const lastKey = BigInt(ascii(rows.bytes.subarray(spans.starts[key], spans.stops[key])));
      return { bytes: rows.bytes, count: rows.count, lastKey };
    }
    const [[text, count, max]] = await this.#run(bound.text, bound.params) as (
      | Uint8Array
      | null
    )[][];
    return {
      bytes: text,
      count: Number(ascii(count!)),
      lastKey: max === null ? undefined : BigInt(ascii(max)),
    };
  }
}

/** A short ASCII cell (a count, a key) as text. */
function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/**
 * Resolves once the query just asked for is on the wire. The driver (npm:postgres 3.4.9) sends a
 * short query from a `setImmediate` it schedules a microtask after the call; without waiting for
 * it, the query would leave only after this page is parsed, encoded and sent, all in this task,
 * and PostgreSQL would start on it just when the download asks for it (measured: no overlap at
 * all). The first turn runs before the driver's, the second after it.
 */
async function written(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function sameEncoding(a: PageEncoding, b: PageEncoding): boolean {
  return a.format === b.format && a.neutralizeFormulas === b.neutralizeFormulas &&
    (a.columns === b.columns ||
      (a.columns !== undefined && b.columns !== undefined && sameList(a.columns, b.columns)));
}

function sameQuery(a: BoundQuery, b: BoundQuery): boolean {
  return a.text === b.text && sameList(a.params, b.params);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Whether the keys ascend. `string_agg` keeps the order of its input,
 * which is the subquery's `ORDER BY` in every plan PostgreSQL makes for it;
 * checking costs one comparison a row, and a sort keeps the contract
 * should a plan ever not.
 */
function ascending(rows: readonly (readonly unknown[])[], key: number): boolean {
  for (let i = 1; i < rows.length; i++) {
    if ((rows[i - 1][key] as Key) >= (rows[i][key] as Key)) return false;
  }
  return true;
}

/** A key cell: a number or, beyond 2^53, a bigint (which JavaScript compares with each other). */
type Key = number | bigint;

function compare(a: Key, b: Key): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
