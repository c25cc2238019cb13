/**
 * Internal helpers of {@linkcode "./sqlite_source.ts"}: prepared statements
 * whose rows come back as arrays, a bounded cache of them, and synchronous
 * work turned into promises.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

/**
 * How long an open waits for a lock another connection holds (SQLite's
 * busy timeout), instead of failing at once with "database is locked": the
 * first connection to a WAL file after the last one closed recovers it
 * under a lock, and a writer's commit holds one briefly. Reads then wait
 * {@linkcode SQLITE_READ_TIMEOUT_MS} at most, since `node:sqlite` waits on
 * the server's one thread.
 */
export const SQLITE_OPEN_TIMEOUT_MS = 5_000;

/** How long a read waits for a lock once the source is open (see above). */
export const SQLITE_READ_TIMEOUT_MS = 250;

/** A prepared query whose rows come back as arrays in select-list order. */
export interface ArrayQuery {
  /** Every row, each an array. */
  all(...params: SQLInputValue[]): unknown[][];
}

/** `setReturnArrays`, which `node:sqlite`'s type declarations do not list yet. */
type ArrayCapable = StatementSync & { setReturnArrays?: (enabled: boolean) => void };

/**
 * Prepares `sql` to return rows as arrays. `all()` over arrays measured
 * ~1.1M rows/s in pages of 10,000, against 0.3-0.45M for `iterate()`; a
 * runtime without `setReturnArrays` gets objects turned into arrays (slower,
 * same result: every result column has a distinct name).
 */
export function prepareArrays(db: DatabaseSync, sql: string, readBigInts: boolean): ArrayQuery {
  const statement: ArrayCapable = db.prepare(sql);
  statement.setReadBigInts(readBigInts);
  if (typeof statement.setReturnArrays === "function") {
    statement.setReturnArrays(true);
    return { all: (...params) => statement.all(...params) as unknown[] as unknown[][] };
  }
  return { all: (...params) => statement.all(...params).map((row) => Object.values(row)) };
}

/** Runs synchronous SQLite work so that its failures, too, arrive as rejections. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Inserts into a bounded cache, dropping the oldest entry when full. */
export function remember<K, V>(cache: Map<K, V>, key: K, value: V, size: number): void {
  if (cache.size >= size) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
}

/** Whether `node:sqlite` refused to read an integer as a number. */
export function isOutOfRange(error: unknown): boolean {
  return error instanceof RangeError && (error as { code?: unknown }).code === "ERR_OUT_OF_RANGE";
}
