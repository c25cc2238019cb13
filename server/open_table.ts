/**
 * A data source over an existing table or view, with nothing declared by
 * hand: its columns and types come from the database's catalog
 * ({@linkcode "./sqlite_catalog.ts"}, {@linkcode "./postgres_catalog.ts"}),
 * and the operator says only what a catalog cannot (which columns, the key
 * and time column when they are not the obvious ones, columns to export as
 * text). Both open the table read-only: sluice never writes to it.
 *
 * What cannot be exported comes back as one line per problem, naming the
 * column and its type (`column ratio has type double precision, …`); a
 * database that cannot be reached throws a `DataSourceError`.
 *
 * @module
 */

import { SQLITE_OPEN_TIMEOUT_MS } from "./_sqlite_statements.ts";
import { DatabaseSync } from "node:sqlite";
import type { Result } from "../protocol/result.ts";
import type { CatalogOptions } from "./catalog.ts";
import { postgresSchema, readPostgresColumns } from "./postgres_catalog.ts";
import { PostgresPool } from "./postgres_pool.ts";
import { PostgresSource, type PostgresSourceOptions } from "./postgres_source.ts";
import { readSqliteColumns, type SqliteCatalogOptions, sqliteSchema } from "./sqlite_catalog.ts";
import { SqliteSource } from "./sqlite_source.ts";

/** Options of {@linkcode openSqliteTable}. */
export interface SqliteTableOptions extends SqliteCatalogOptions {
  /** The SQLite file; opened read-only. */
  readonly path: string;
}

/** Options of {@linkcode openPostgresTable}: the pool and snapshot settings, and the table. */
export interface PostgresTableOptions
  extends CatalogOptions, Omit<PostgresSourceOptions, "schema"> {}

function problems<T>(...lines: string[]): Result<T, string[]> {
  return { ok: false, error: lines };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens a SQLite table or view, read-only, from what its catalog says.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { openSqliteTable } from "./open_table.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.db`;
 * const db = new DatabaseSync(path);
 * db.exec(`CREATE TABLE payments (id INTEGER PRIMARY KEY, paid_at INTEGER, amount TEXT, ok BOOLEAN);
 *   INSERT INTO payments VALUES (1, 1704067200000, '12.50', 1)`);
 * db.close();
 * const opened = openSqliteTable({
 *   path,
 *   table: "payments",
 *   timeColumn: "paid_at", // epoch milliseconds
 *   decimalColumns: { amount: 2 }, // exact decimal text
 * });
 * equal(opened.ok && opened.value.schema().columns.map((c) => c.type).join(), "integer,timestamp,decimal,boolean");
 * if (opened.ok) await opened.value.close();
 * equal(openSqliteTable({ path, table: "refunds" }).ok, false);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function openSqliteTable(options: SqliteTableOptions): Result<SqliteSource, string[]> {
  const { path, table } = options;
  let columns: ReturnType<typeof readSqliteColumns>;
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true, timeout: SQLITE_OPEN_TIMEOUT_MS });
    columns = readSqliteColumns(db, table);
  } catch (error) {
    return problems(`cannot read the tables of ${path}: ${reason(error)}`);
  } finally {
    db?.close();
  }
  if (columns === undefined) return problems(`${path} has no table or view ${table}`);
  const found = sqliteSchema(columns, options);
  if (!found.ok) return found;
  const { schema, storage } = found.value;
  try {
    return { ok: true, value: new SqliteSource({ path, schema, storage, readOnly: true }) };
  } catch (error) {
    // A column whose name cannot be quoted plainly, or a view SQLite cannot plan the reads of.
    return problems(`cannot export ${table}: ${reason(error)}`);
  }
}

/**
 * Opens a PostgreSQL table or view (`name` or `schema.name`) from what its
 * catalog says. A pool made from options is closed with the source; a pool
 * passed in is left open unless `closePool` says otherwise.
 *
 * @throws {Error} a `DataSourceError` when the database cannot be reached.
 *
 * @example
 * ```ts ignore
 * import { openPostgresTable } from "./open_table.ts";
 * const opened = await openPostgresTable({
 *   pool: { url: "postgres://sluice@127.0.0.1/exchange" },
 *   table: "public.trades",
 *   textColumns: ["venue"], // an enum, exported as its text
 * });
 * if (!opened.ok) throw new Error(opened.error.join("\n"));
 * ```
 */
export async function openPostgresTable(
  options: PostgresTableOptions,
): Promise<Result<PostgresSource, string[]>> {
  const made = !(options.pool instanceof PostgresPool);
  const pool = options.pool instanceof PostgresPool ? options.pool : new PostgresPool(options.pool);
  const closePool = options.closePool ?? made;
  let result: Result<PostgresSource, string[]>;
  try {
    const found = await readPostgresColumns(pool, options.table);
    const schema = found === undefined
      ? problems<never>(`the database has no table or view ${options.table}`)
      : postgresSchema(found, options);
    result = !schema.ok ? schema : {
      ok: true,
      value: await PostgresSource.open({ ...options, pool, closePool, schema: schema.value }),
    };
  } catch (error) {
    // A name that cannot be quoted plainly, a database not in UTF-8: the open's TypeErrors.
    if (!(error instanceof TypeError)) {
      if (closePool) await pool.close();
      throw error;
    }
    result = problems(...error.message.split("\n"));
  }
  if (!result.ok && closePool) await pool.close();
  return result;
}
