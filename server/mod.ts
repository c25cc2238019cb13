/**
 * The sluice server as a library (`@sluice/sluice/server`, Deno only):
 * {@linkcode createServer} gives a web-standard `fetch` handler that turns
 * WebSocket requests into sluice sessions over a {@linkcode DataSource},
 * such as a {@linkcode SqliteSource} or a {@linkcode PostgresSource} (made
 * from a table's catalog by {@linkcode openSqliteTable} and
 * {@linkcode openPostgresTable}); {@linkcode createWebApp} adds the demo
 * page, the client as an ES module and the schema document beside it.
 * Embed either in any `Deno.serve` app.
 *
 * The program that `deno run server.ts`, `deno task start` and
 * `deno serve server.ts` run (flags, environment, key files, the demo
 * database, signals) is `server/main.ts`; none of it is part of this API.
 *
 * @example Embed it
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createServer, openDemoSource } from "@sluice/sluice/server";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.sqlite`;
 * const source = openDemoSource(path, 1000);
 * const sluice = createServer({ source });
 * const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, sluice.fetch);
 * // Clients connect to ws://127.0.0.1:<port>/; a plain HTTP request is told to upgrade.
 * const response = await fetch(`http://127.0.0.1:${http.addr.port}/`);
 * equal(response.status, 426);
 * await response.body?.cancel();
 * await sluice.close();
 * await http.shutdown();
 * await source.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @module
 */

export { createServer } from "./create_server.ts";
export { serveGuarded } from "./upgrade_guard.ts";
export type { GuardedHandler, GuardedServer, UpgradeGuardOptions } from "./upgrade_guard.ts";
export type { ConnectionInfo, ServerOptions, SluiceServer } from "./create_server.ts";
export type { SessionSocket } from "./websocket_connection.ts";
export type { ConnectionOptions } from "./connection_options.ts";
export type { Logger } from "../protocol/logger.ts";
export type { Authorize, AuthorizeDecision } from "./authorize.ts";
export type { RowFilter } from "../protocol/row_filter.ts";
export type { IdentityLimits } from "./identity_limits.ts";
export type { SignInLimits } from "./sign_in_failures.ts";
export type { DatasetLimits, ServerDataset } from "./server_datasets.ts";
export type { Authenticate, TokenAuthentication, TokenOptions } from "./token_verifier.ts";
export { DataSourceError } from "./data_source.ts";
export type {
  DataSource,
  DataSourceErrorKind,
  RowPage,
  ScanQuery,
  SourceReader,
  SourceSchema,
  SourceSnapshot,
} from "./data_source.ts";
export type { EncodedRows, PageEncoding } from "../protocol/export_state.ts";
export { SqliteSource } from "./sqlite_source.ts";
export type { SqliteSourceOptions } from "./sqlite_source.ts";
export type { SqliteStorage } from "./sqlite_filters.ts";
export { PostgresSource } from "./postgres_source.ts";
export type { PostgresSourceOptions } from "./postgres_source.ts";
export { PostgresPool } from "./postgres_pool.ts";
export type { PostgresPoolOptions, SnapshotTransaction } from "./postgres_pool.ts";
export type { WireRows } from "./postgres_wire.ts";
// From a table's catalog to a source: the openers, and the steps they take for those who adjust.
export { openPostgresTable, openSqliteTable } from "./open_table.ts";
export type { PostgresTableOptions, SqliteTableOptions } from "./open_table.ts";
export { schemaFromCatalog } from "./catalog.ts";
export type { CatalogColumn, CatalogOptions } from "./catalog.ts";
export { readSqliteColumns, sqliteSchema } from "./sqlite_catalog.ts";
export type {
  SqliteCatalogColumn,
  SqliteCatalogOptions,
  SqliteCatalogResult,
} from "./sqlite_catalog.ts";
export { postgresSchema, readPostgresColumns } from "./postgres_catalog.ts";
export type { CatalogQuery, PostgresCatalogColumn } from "./postgres_catalog.ts";
export { createDemoDatabase, DEMO_SCHEMA, openDemoSource } from "./demo_data.ts";
export { createWebApp } from "./web_app.ts";
export type { WebApp, WebAppOptions } from "./web_app.ts";
// The protocol's shapes that the options, hooks and sources above name.
export type {
  ColumnSchema,
  FilterLimits,
  FilterValue,
  ValidatedFilter,
} from "../protocol/filter.ts";
export type { ParseLimits } from "../protocol/parse.ts";
export type { Result } from "../protocol/result.ts";
export type { RequestLimits } from "../protocol/request.ts";
export type {
  ColumnType,
  DownloadRequest,
  Filter,
  FilterOperator,
  FilterScalar,
  Identity,
  OutputFormat,
  SearchParams,
  SignedInIdentity,
  TokenIdentity,
} from "../protocol/messages.ts";
