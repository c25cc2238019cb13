/**
 * One dataset the server program exports, from its settings: the demo
 * table (built on first start), a table or view of a SQLite file, or one of
 * a PostgreSQL database. A server of several (open_datasets.ts) opens each
 * the same way.
 *
 * @module
 */

import type { CatalogOptions } from "./catalog.ts";
import type { DataSource } from "./data_source.ts";
import { openDemoSource } from "./demo_data.ts";
import { openPostgresTable, openSqliteTable } from "./open_table.ts";
import type { SqliteCatalogOptions } from "./sqlite_catalog.ts";
import type { PostgresPool } from "./postgres_pool.ts";

/** Where a dataset's rows come from, and what the operator says about its table. */
export type DatasetSettings =
  /** The demo `trades` table in a SQLite file, built there when the file is missing. */
  | { readonly kind: "demo"; readonly path: string; readonly rows: number }
  /** A table or view of an existing SQLite file, opened read-only. */
  | { readonly kind: "sqlite"; readonly path: string; readonly table: SqliteCatalogOptions }
  /** A table or view of a PostgreSQL database, in read-only sessions. */
  | {
    readonly kind: "postgres";
    /** `postgres://user:password@host:port/database`. */
    readonly url: string;
    readonly table: CatalogOptions;
    /** Most connections to the database at once. */
    readonly maxConnections?: number;
    /**
     * A pool to share with other datasets of the same database (then left
     * open when the source closes); absent, the source makes its own.
     */
    readonly pool?: PostgresPool;
  };

/** A dataset opened: its source, and where it reads for the server's log. */
export interface OpenedDataset {
  /** The rows. */
  readonly source: DataSource;
  /** Where they come from, without any password: `data/demo.sqlite`, `pay.sqlite, table payments`. */
  readonly description: string;
}

/**
 * The settings describe nothing sluice can serve: each line says what and
 * what to do (a table that is not there, a column of a type it cannot
 * export exactly, a demo file that holds something else).
 */
export class DatasetRefused extends Error {
  /** One line per problem. */
  readonly problems: readonly string[];

  /** The refusal of one dataset's settings. */
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "DatasetRefused";
    this.problems = problems;
  }
}

/**
 * A PostgreSQL URL as the log may show it: scheme, user, host, port and
 * database, without the password or parameters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { redactedUrl } from "./open_dataset.ts";
 * equal(redactedUrl("postgres://app:s3cret@db.internal:5432/exchange?sslmode=require"), "postgres://app@db.internal:5432/exchange");
 * ```
 */
/**
 * What is wrong with a PostgreSQL URL (`undefined` for nothing), never
 * quoting it: the URL may hold a password, and this goes to the terminal.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { postgresUrlProblem } from "./open_dataset.ts";
 * equal(postgresUrlProblem("postgres://app:s3cret@db.internal/exchange"), undefined);
 * equal(postgresUrlProblem("postgres://app:s3cret@db.internal:99999/x")?.includes("s3cret"), false);
 * ```
 */
export function postgresUrlProblem(url: string): string | undefined {
  if (!/^postgres(ql)?:\/\//.test(url)) return "must be a postgres:// or postgresql:// URL";
  if (!URL.canParse(url)) {
    return "is not a valid URL (a port past 65535, or a character to percent-encode); " +
      "not shown, as it may hold a password";
  }
  return undefined;
}

export function redactedUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.username === "" ? "" : `${u.username}@`}${u.host}${u.pathname}`;
}

/**
 * Opens a dataset. `progress` hears the demo build's progress (rows built,
 * of how many).
 *
 * @throws {DatasetRefused} when the settings describe nothing that can be
 * served; a database that cannot be reached throws its `DataSourceError`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openDataset } from "./open_dataset.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.sqlite`;
 * const { source, description } = await openDataset({ kind: "demo", path, rows: 100 });
 * equal(await source.highWaterMark(), 100n);
 * equal(description, path);
 * await source.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function openDataset(
  settings: DatasetSettings,
  progress?: (done: number, total: number) => void,
): Promise<OpenedDataset> {
  switch (settings.kind) {
    case "demo": {
      const { path, rows } = settings;
      try {
        return { source: openDemoSource(path, rows, progress), description: path };
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        throw new DatasetRefused([
          `${error.message}: delete it or pass --db with a new path ` +
          "(or --table NAME to export a table of its own)",
        ]);
      }
    }
    case "sqlite": {
      const { path, table } = settings;
      if (!isFile(path)) throw new DatasetRefused([`no SQLite file at ${path}`]);
      const opened = openSqliteTable({ ...table, path });
      if (!opened.ok) throw new DatasetRefused(opened.error);
      return { source: opened.value, description: `${path}, table ${table.table}` };
    }
    case "postgres": {
      const { url, table, maxConnections } = settings;
      const pool = settings.pool ?? { url, maxConnections };
      const opened = await openPostgresTable({ ...table, pool });
      if (!opened.ok) throw new DatasetRefused(opened.error);
      return { source: opened.value, description: `${redactedUrl(url)}, table ${table.table}` };
    }
    default: {
      const never: never = settings;
      throw new TypeError(`unknown dataset ${JSON.stringify(never)}`);
    }
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
