/**
 * One pool of PostgreSQL connections (on `npm:postgres`), shared by every
 * download of every source built on it, with a maximum.
 *
 * Its sessions are read-only (`default_transaction_read_only`), run in UTC
 * with ISO dates (so {@linkcode "./postgres_values.ts"} reads timestamps
 * exactly) and under a statement timeout. `int8` comes back as a number or
 * a bigint, timestamps as epoch milliseconds, `numeric` as its exact text.
 *
 * Every failure of the database comes out as a {@linkcode DataSourceError}:
 * `unavailable` (cannot connect, the connection broke, the server is shutting
 * down or out of connections, a transaction conflict), `timeout` (the
 * statement timeout or a cancel), or `failed` (anything else PostgreSQL
 * refused). Its message is fixed; PostgreSQL's error, which may quote the
 * query or name the table, is only its `cause`.
 *
 * @module
 */

// Only the driver's types are imported here; the driver itself is loaded when a pool is first
// made (loadDriver). A full specifier, not the import map: a script that imports the server by
// path resolves it without our deno.json, and only the server loads it (never the client).
// deno-lint-ignore no-import-prefix
import type postgres from "npm:postgres@3.4.9";
import { env } from "node:process";
import { DataSourceError } from "./data_source.ts";
import { DRIVER_TYPES } from "./postgres_values.ts";
import {
  wireCells,
  WireConnection,
  WireError,
  type WireRows,
  type WireSettings,
  wireSettings,
} from "./postgres_wire.ts";

/** Options of {@linkcode PostgresPool}. */
export interface PostgresPoolOptions {
  /** `postgres://user:password@host:port/database?sslmode=…`. */
  readonly url: string;
  /**
   * Most connections open at once; queries beyond wait for one.
   *
   * @default {10}
   */
  readonly maxConnections?: number;
  /**
   * Most connections that snapshots (one per download, see
   * {@linkcode PostgresPool.snapshot}) may hold at once, so that downloads
   * without one always find a connection.
   *
   * @default {half of maxConnections, rounded down (none with a pool of one)}
   */
  readonly maxReserved?: number;
  /**
   * PostgreSQL's `statement_timeout` for every query, in milliseconds; 0 turns it off.
   *
   * @default {30000}
   */
  readonly statementTimeoutMs?: number;
  /**
   * How long to wait for a connection to open, in seconds.
   *
   * @default {10}
   */
  readonly connectTimeoutSeconds?: number;
  /**
   * Whether snapshots read on connections of sluice's own
   * ({@linkcode "./postgres_wire.ts"}), which cost about a fifth less CPU
   * a row, the server's and PostgreSQL's, than the driver's; only for a URL that module reads as the
   * driver does (one host, no query parameter but `sslmode`), the driver's
   * otherwise. Those connections count in `maxConnections`: the driver
   * then opens at most `maxConnections - maxReserved`, also while no
   * snapshot is open (what downloads without a snapshot and estimates
   * share).
   *
   * @default {true}
   */
  readonly ownSnapshotConnections?: boolean;
}

/**
 * A `REPEATABLE READ READ ONLY` transaction on a connection of its own, from
 * {@linkcode PostgresPool.snapshot}.
 */
export interface SnapshotTransaction {
  /**
   * Runs one query in the transaction; each cell's bytes as PostgreSQL sent
   * them (`Uint8Array`, `null` for NULL), as {@linkcode PostgresPool.query}
   * gives them with `raw`.
   */
  query(text: string, params: readonly string[]): Promise<(Uint8Array | null)[][]>;
  /**
   * The same query's rows as PostgreSQL sent them (postgres_wire.ts), on a
   * connection of sluice's own; absent on the driver's.
   */
  readonly rows?: (text: string, params: readonly string[]) => Promise<WireRows>;
  /** Whether the transaction is over by itself (its connection lost, or a query failed). */
  readonly broken: boolean;
  /** Ends the transaction and gives the connection back; ending twice does nothing. */
  end(): Promise<void>;
}

/**
 * The driver, evaluated on first use only. The specifier is a literal so that JSR (and
 * `deno publish`) can see the dependency; Deno then fetches the package (428 KB) with the
 * program even when it never serves PostgreSQL, which a fresh `deno task start` can afford.
 */
let driver: Promise<typeof postgres> | undefined;
/** The driver's error class, once it is loaded: nothing can be one before. */
let PostgresError: typeof postgres.PostgresError | undefined;

function loadDriver(): Promise<typeof postgres> {
  // deno-lint-ignore no-import-prefix
  driver ??= import("npm:postgres@3.4.9").then((module) => {
    PostgresError = module.default.PostgresError;
    return module.default;
  });
  return driver;
}

/** Whether an error is one PostgreSQL sent (not the driver's or the socket's). */
function isPostgresError(error: unknown): error is postgres.PostgresError {
  return PostgresError !== undefined && error instanceof PostgresError;
}

/** The SQLSTATE classes and codes after which the same reads may succeed later. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03|25P03)/;
/** Errors of the driver or the socket (not of PostgreSQL) that mean the connection is gone. */
const CONNECTION_ERRORS = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNABORTED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENETRESET",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * node:tls's codes for a server certificate it refused (OpenSSL's names, and
 * its own for a name the certificate does not hold): sluice's settings or
 * the server's certificate are wrong, and trying again will not help.
 */
const CERTIFICATE_REFUSED =
  /^(ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_\w+|\w*CERT\w*|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED)$/;

/** Whether an error of the driver means the connection itself is gone (not only its transaction). */
function connectionLost(error: unknown): boolean {
  if (isPostgresError(error)) {
    return error.severity === "FATAL" || error.severity === "PANIC" ||
      /^(08|57P0)/.test(error.code);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_ERRORS.has(code);
}

/**
 * Classifies a failure of a query: a {@linkcode DataSourceError} for the
 * database's errors, the error itself for anything else (a bug).
 *
 * @example
 * ```ts
 * import { sourceError } from "./postgres_pool.ts";
 * import { DataSourceError } from "./data_source.ts";
 * import { equal } from "node:assert/strict";
 * const e = sourceError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
 * equal(e instanceof DataSourceError && e.kind, "unavailable");
 * ```
 */
export function sourceError(error: unknown): unknown {
  if (error instanceof DataSourceError) return error;
  if (isPostgresError(error) || (error instanceof WireError && error.fromServer)) {
    const code = String(error.code);
    if (code === "57014") return new DataSourceError("timeout", error);
    return new DataSourceError(UNAVAILABLE_SQLSTATE.test(code) ? "unavailable" : "failed", error);
  }
  if (error instanceof WireError) {
    // The socket, or a server that broke the protocol or stopped answering: the same reads may
    // work later. A TLS handshake or sign-in that sluice cannot complete will not, nor a result
    // past its bound.
    if (error.code === "QUERY_TIMEOUT") return new DataSourceError("timeout", error);
    const lost = CONNECTION_ERRORS.has(error.code) || error.code === "PROTOCOL";
    return new DataSourceError(lost ? "unavailable" : "failed", error);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CONNECTION_ERRORS.has(code)) {
    return new DataSourceError("unavailable", error);
  }
  if (typeof code === "string" && CERTIFICATE_REFUSED.test(code)) {
    return new DataSourceError("failed", error);
  }
  return error;
}

/** How long after the statement timeout a query's connection is given up for silent. */
const QUERY_GRACE_MS = 10_000;

/** How long ending a snapshot goes on cancelling a read ahead under way. */
const CANCELLING_MS = 1000;
/** Too little time to ask a cancel in: the loop above stops rather than start one. */
const MIN_CANCEL_MS = 50;

/** How long an idle connection stays open, in seconds. */
const IDLE_SECONDS = 60;

/** A connection of sluice's own between snapshots, and the timer that closes it. */
interface IdleConnection {
  readonly connection: WireConnection;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * The driver's `ssl` option where the URL has it check the certificate
 * (`verify-full`, `verify-ca`, `sslrootcert=system`) for one host: that
 * host, which the driver does not tell node:tls, so that an IP address
 * would be checked as "localhost" (a certificate for localhost passing, one
 * for the address refused). Nothing otherwise, the driver reading the URL
 * as it does.
 */
function driverVerification(url: string): { ssl?: { host: string } } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Several hosts (`h1:5432,h2:5432`) are no URL to the WHATWG parser: the driver's own check.
    return {};
  }
  const query = parsed.searchParams;
  const mode = query.get("sslmode");
  const verifies = mode === "verify-full" || mode === "verify-ca" ||
    query.get("sslrootcert") === "system";
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  return verifies && host !== "" ? { ssl: { host: decodeURIComponent(host) } } : {};
}

/** The driver's result (an Array subclass with query details) as a plain array of rows. */
function plain(rows: readonly unknown[][]): unknown[][] {
  return Array.from(rows);
}

/** A query's rows as arrays: of parsed cells, or `raw` of their bytes as sent. */
function rowsOf(query: postgres.PendingQuery<postgres.Row[]>, raw: boolean): Promise<unknown[][]> {
  return raw ? query.raw() : query.values();
}

/**
 * A pool of read-only PostgreSQL sessions.
 *
 * @example
 * ```ts ignore
 * import { PostgresPool } from "./postgres_pool.ts";
 * const pool = new PostgresPool({ url: "postgres://sluice@127.0.0.1/exchange", maxConnections: 8 });
 * const [[n]] = await pool.query("SELECT count(*) FROM trades", []);
 * await pool.close();
 * ```
 */
export class PostgresPool {
  readonly #sql: Promise<postgres.Sql>;
  /** Snapshots open at once at most (fewer once they fall back to the driver's connections). */
  #maxReserved: number;
  /** The driver's connections. */
  readonly #driverMax: number;
  /** Where snapshots connect on their own; `undefined` when they use the driver's. */
  #wire: WireSettings | undefined;
  /**
   * Those connections: every one open, the idle ones waiting for the next snapshot, and,
   * while the pool closes, what to call once none is open.
   */
  readonly #own = {
    idle: [] as IdleConnection[],
    all: new Set<WireConnection>(),
    drained: undefined as (() => void) | undefined,
  };
  #reserved = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  /** Sets the pool up; the driver loads and connections open on first use. */
  constructor(options: PostgresPoolOptions) {
    const max = options.maxConnections ?? 10;
    if (!Number.isInteger(max) || max < 1) throw new RangeError("maxConnections must be ≥ 1");
    // At least one connection stays for reads without a snapshot (counts, marks, pages after a
    // snapshot was given up): with a pool of one, no download gets a snapshot.
    const reserved = options.maxReserved ?? Math.floor(max / 2);
    if (!Number.isInteger(reserved) || reserved < 0 || reserved >= max) {
      throw new RangeError(
        `maxReserved must be 0 to maxConnections - 1 (${max - 1}), got ${reserved}`,
      );
    }
    this.#maxReserved = reserved;
    const timeout = options.statementTimeoutMs ?? 30_000;
    if (!Number.isSafeInteger(timeout) || timeout < 0) {
      throw new RangeError(`statementTimeoutMs must be a whole number ≥ 0, got ${timeout}`);
    }
    const connectSeconds = options.connectTimeoutSeconds ?? 10;
    // What every session runs with. As text: the driver leaves out a parameter whose value is
    // falsy, so a timeout of 0 would not turn the server's off.
    const parameters = {
      application_name: "sluice",
      TimeZone: "UTC",
      DateStyle: "ISO, YMD",
      statement_timeout: String(timeout),
      default_transaction_read_only: "true",
    };
    this.#wire = options.ownSnapshotConnections === false || reserved === 0
      ? undefined
      : wireSettings(options.url, parameters, env, connectSeconds * 1000, {
        // A server or network that stopped answering, well after PostgreSQL's own timeout.
        queryTimeoutMs: timeout === 0 ? 0 : timeout + QUERY_GRACE_MS,
      });
    this.#driverMax = this.#wire === undefined ? max : max - reserved;
    this.#sql = loadDriver().then((postgres) =>
      postgres(options.url, {
        ...driverVerification(options.url),
        max: this.#driverMax,
        connect_timeout: connectSeconds,
        idle_timeout: IDLE_SECONDS,
        fetch_types: false,
        // Library code never prints on its own; notices of read-only queries carry nothing to act on.
        onnotice: () => {},
        // The driver's types ask for numbers and booleans; it sends every value as text.
        connection: parameters as unknown as Partial<postgres.ConnectionParameters>,
        types: DRIVER_TYPES,
      })
    );
    // A driver that cannot load fails each query with its reason; never an unhandled rejection.
    this.#sql.catch(() => undefined);
  }

  /** Snapshots that may still open. */
  get reservable(): number {
    return Math.max(0, this.#maxReserved - this.#reserved);
  }

  /**
   * Runs one query on any connection of the pool; rows as arrays of cells,
   * or with `raw` of each cell's bytes (`Uint8Array`, `null` for NULL).
   */
  async query(text: string, params: readonly string[], raw = false): Promise<unknown[][]> {
    try {
      const sql = await this.#sql;
      return plain(await rowsOf(sql.unsafe(text, params as string[], { prepare: true }), raw));
    } catch (error) {
      throw sourceError(error);
    }
  }

  /**
   * Opens a snapshot: a `REPEATABLE READ READ ONLY` transaction on a
   * connection of its own, whose first query fixes what every later one
   * sees; `undefined` when `maxReserved` snapshots are already open.
   *
   * It runs on a connection of sluice's own (`ownSnapshotConnections`);
   * once one fails to open for good (`failed`: it could not sign in,
   * negotiate TLS or begin), on the driver's from then on, at most one
   * fewer at once than the driver has connections. There it runs in the
   * driver's `begin()`, which notices a connection that closes while the
   * transaction waits between queries (the driver's `reserve()` does not,
   * and 3.4.9 then writes the next query to a closed socket). A failed query
   * ends the transaction too.
   */
  async snapshot(): Promise<SnapshotTransaction | undefined> {
    if (this.#closed || this.#reserved >= this.#maxReserved) return undefined;
    this.#reserved++;
    if (this.#wire !== undefined) {
      try {
        return await this.#ownSnapshot(this.#wire);
      } catch (error) {
        if (!(error instanceof DataSourceError && error.kind === "failed")) throw error;
        // A sign-in, TLS handshake or BEGIN that sluice's own connection cannot complete and
        // the driver may (a SCRAM iteration count past sluice's bound, say): from now on the
        // snapshots are the driver's, within the connections it has, of which one always stays
        // for reads without a snapshot.
        this.#wire = undefined;
        this.#maxReserved = Math.min(this.#maxReserved, this.#driverMax - 1);
        if (this.#reserved >= this.#maxReserved) return undefined;
        this.#reserved++;
      }
    }
    let sql: postgres.Sql;
    try {
      sql = await this.#sql;
    } catch (error) {
      this.#reserved--;
      throw error;
    }
    let broken = false;
    // Set once the connection is known to be gone: then the transaction must never be ended,
    // since ending it sends COMMIT or ROLLBACK, which the driver would write to the dead socket.
    let lost = false;
    let finish = () => {};
    let ended: Promise<unknown> = Promise.resolve();
    let transaction: postgres.TransactionSql;
    try {
      transaction = await new Promise<postgres.TransactionSql>((ready, fail) => {
        ended = sql.begin("isolation level repeatable read read only", (tx) => {
          ready(tx);
          return new Promise<void>((resolve) => finish = resolve);
        }).catch((error) => {
          // Before `end()` this is the connection closing (or BEGIN failing); after it, the
          // rollback of a failed transaction, where `lost` no longer matters.
          broken = lost = true;
          fail(sourceError(error));
        }).finally(() => this.#reserved--);
      });
    } catch (error) {
      await ended;
      throw error;
    }
    return {
      query: async (text, params) => {
        if (broken) throw new DataSourceError("unavailable");
        try {
          return plain(
            await rowsOf(transaction.unsafe(text, params as string[], { prepare: true }), true),
          ) as (Uint8Array | null)[][];
        } catch (error) {
          // The driver rolls the transaction back when it ends; until then it is aborted.
          broken = true;
          lost ||= connectionLost(error);
          throw sourceError(error);
        }
      },
      get broken() {
        return broken;
      },
      end: async () => {
        if (!lost) finish();
        await ended;
      },
    };
  }

  /**
   * Closes every connection, letting running queries finish for up to five
   * seconds; closing again waits for the same close.
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= Promise.all([this.#end(), this.#endOwn()]).then(() => undefined);
    return this.#closing;
  }

  /**
   * A snapshot on a connection of sluice's own: an idle one, or a new one.
   * Ended, its connection waits for the next snapshot for up to a minute;
   * one whose transaction failed, or that ended with a query under way
   * (which it cancels), is closed instead, since it is no longer known to
   * be idle.
   */
  async #ownSnapshot(settings: WireSettings): Promise<SnapshotTransaction> {
    const own = this.#own;
    let connection: WireConnection | undefined;
    try {
      for (let idle = own.idle.pop(); idle !== undefined; idle = own.idle.pop()) {
        clearTimeout(idle.timer);
        if (idle.connection.idle) {
          connection = idle.connection;
          break;
        }
        this.#closeOwn(idle.connection);
      }
      if (connection === undefined) {
        connection = await WireConnection.open(settings);
        own.all.add(connection);
        // Closed while it opened: it never serves.
        if (this.#closed) throw new DataSourceError("unavailable");
      }
      await connection.simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    } catch (error) {
      if (connection !== undefined) this.#closeOwn(connection);
      this.#reserved--;
      throw sourceError(error);
    }
    const open = connection;
    let broken = false;
    let ended: Promise<void> | undefined;
    const run = async (text: string, params: readonly string[]) => {
      // Once ended, its connection may already serve another snapshot.
      if (ended !== undefined || broken || open.closed) throw new DataSourceError("unavailable");
      try {
        return await open.query(text, params);
      } catch (error) {
        broken = true;
        throw sourceError(error);
      }
    };
    const end = async () => {
      if (broken || open.closed || this.#closed) return this.#closeOwn(open);
      if (open.busy) {
        // A read ahead that nobody will read: cancelled, asked again until it has ended (a
        // cancel can reach PostgreSQL before the query it is meant for), for a second at most
        // however slowly cancels connect; and the connection not reused, since a cancel may
        // also arrive after its query.
        const until = performance.now() + CANCELLING_MS;
        const left = () => until - performance.now();
        while (left() >= MIN_CANCEL_MS && open.busy && !open.closed) {
          await open.cancel(left());
          await open.quiet(Math.max(0, Math.min(100, left())));
        }
        return this.#closeOwn(open);
      }
      try {
        await open.simple("COMMIT");
      } catch (_failed) {
        // The connection broke or the commit failed: it is closed below.
      }
      if (!open.idle || this.#closed) return this.#closeOwn(open);
      const timer = setTimeout(() => {
        own.idle = own.idle.filter((i) => i.connection !== open);
        this.#closeOwn(open);
      }, IDLE_SECONDS * 1000);
      own.idle.push({ connection: open, timer });
    };
    return {
      query: async (text, params) => wireCells(await run(text, params)),
      rows: run,
      get broken() {
        return broken || open.closed;
      },
      end: () => {
        ended ??= end().finally(() => this.#reserved--);
        return ended;
      },
    };
  }

  #closeOwn(connection: WireConnection): void {
    this.#own.all.delete(connection);
    connection.close();
    if (this.#own.all.size === 0) this.#own.drained?.();
  }

  /**
   * Closes the idle connections of sluice's own at once, and those of
   * snapshots still open after five seconds (the driver's grace).
   */
  async #endOwn(): Promise<void> {
    const own = this.#own;
    for (const { connection, timer } of own.idle.splice(0)) {
      clearTimeout(timer);
      this.#closeOwn(connection);
    }
    if (own.all.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((drained) => {
        own.drained = drained;
        timer = setTimeout(drained, 5000);
      });
      clearTimeout(timer);
    }
    for (const connection of own.all) this.#closeOwn(connection);
  }

  async #end(): Promise<void> {
    let sql: postgres.Sql;
    try {
      sql = await this.#sql;
    } catch (_notLoaded) {
      // The driver never loaded: no connection was ever opened.
      return;
    }
    await sql.end({ timeout: 5 });
  }
}
