/**
 * Opens the datasets of a configuration file (dataset_config.ts), each
 * the way the program opens its one (`openDataset`), with one PostgreSQL
 * pool per database URL, shared by the datasets of that database (its
 * connections bound the server's load on it, whatever the number of
 * tables). Every dataset that cannot be served is reported, not only the
 * first.
 *
 * @module
 */

import { checkRowFilter } from "../protocol/row_filter.ts";
import type { ConfiguredDataset } from "./dataset_config.ts";
import { DatasetRefused, openDataset, type OpenedDataset } from "./open_dataset.ts";
import { PostgresPool } from "./postgres_pool.ts";
import type { ServerDataset } from "./server_datasets.ts";

/** The datasets opened, ready for `createServer({ datasets })`. */
export interface OpenedDatasets {
  /** Each dataset with its source, in the file's order (the default first). */
  readonly datasets: readonly ServerDataset[];
  /** Where they read, for the server's log, without any password. */
  readonly description: string;
  /** Closes every source, then the shared pools. */
  close(): Promise<void>;
}

/**
 * Opens every dataset of the list.
 *
 * @throws {DatasetRefused} with one line per problem of every dataset
 * that cannot be served (`datasets[1] (trades): …`); a database that
 * cannot be reached throws its `DataSourceError`. Either way, what was
 * opened is closed first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { openDatasets } from "./open_datasets.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.sqlite`;
 * const db = new DatabaseSync(path);
 * db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER)");
 * db.close();
 * const opened = await openDatasets([{
 *   name: "t",
 *   settings: { kind: "sqlite", path, table: { table: "t", timeColumn: "ts" } },
 *   limits: {},
 * }]);
 * equal(opened.datasets[0].name, "t");
 * await opened.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function openDatasets(list: readonly ConfiguredDataset[]): Promise<OpenedDatasets> {
  const pools = new Map<string, PostgresPool>();
  const opened: { entry: ConfiguredDataset; dataset: OpenedDataset }[] = [];
  const problems: string[] = [];
  const close = async () => {
    for (const { dataset } of opened) await dataset.source.close();
    for (const pool of pools.values()) await pool.close();
  };
  try {
    for (const [i, entry] of list.entries()) {
      let { settings } = entry;
      if (settings.kind === "postgres") {
        const pool = pools.get(settings.url) ?? new PostgresPool({ url: settings.url });
        pools.set(settings.url, pool);
        settings = { ...settings, pool };
      }
      try {
        const dataset = await openDataset(settings);
        opened.push({ entry, dataset });
        const checked = entry.rowFilter === undefined
          ? undefined
          : checkRowFilter(entry.rowFilter, dataset.source.schema().columns);
        if (checked?.ok === false) {
          problems.push(`datasets[${i}] (${entry.name}): ${checked.error}`);
        }
      } catch (error) {
        if (!(error instanceof DatasetRefused)) throw error;
        for (const line of error.problems) problems.push(`datasets[${i}] (${entry.name}): ${line}`);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  if (problems.length > 0) {
    await close();
    throw new DatasetRefused(problems);
  }
  return {
    datasets: opened.map(({ entry, dataset }) => ({
      name: entry.name,
      source: dataset.source,
      ...(entry.allow === undefined ? {} : { allow: entry.allow }),
      limits: entry.limits,
      ...(entry.rowFilter === undefined ? {} : { rowFilter: entry.rowFilter }),
    })),
    description: opened.map(({ entry, dataset }) => `${entry.name}: ${dataset.description}`)
      .join("; "),
    close,
  };
}
