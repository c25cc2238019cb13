// Generated from client/mod.ts by `deno task bundle`; do not edit.
/**
 * The sluice client alone, for browsers, Node 22+ and Deno: everything
 * `client.ts` exports, without its command-line entry point, plus the
 * reader of the server's schema document (`GET /schema.json`). `client.ts`
 * loads the command line (Deno APIs, `node:` modules) when it is the main
 * program, and a bundler that follows that dynamic import puts a static
 * `import "node:util"` into browser code; this module has no such path.
 *
 * `web/sluice_client.js`, the ES module the server serves at
 * `/sluice_client.js`, is this file bundled (`deno task bundle`).
 *
 * This module is browser compatible.
 *
 * @example
 * ```ts ignore
 * import { ClientBuilder } from "@sluice/sluice";
 * const client = new ClientBuilder("ws://127.0.0.1:8080/").build();
 * await client.connect();
 * const download = client.download({
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-01-02", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * });
 * const text = await new Response(download.readable).text();
 * await client.close();
 * ```
 *
 * @module
 */
export { ClientBuilder } from "./client_builder.d.ts";
export type { ClientConfig, SignerOptions } from "./client_builder.d.ts";
export type { Logger } from "../protocol/logger.d.ts";
export type { DelegatedSignature, DelegationSite, WalletDelegate } from "./delegation.d.ts";
export { SluiceClient } from "./sluice_client.d.ts";
export type { ClientEvents, Listener, SessionState } from "./client_events.d.ts";
export type { Download, DownloadOptions, DownloadRetry, DownloadSummary } from "./download.d.ts";
export { SluiceError } from "./sluice_error.d.ts";
export type { Credentials, EthereumSigner, TokenSource } from "./sign_in.d.ts";
export { generateSecretKey, publicKeyOf } from "./sign_in.d.ts";
export { parseSchemaDocument } from "../protocol/schema_document.d.ts";
export type { SchemaColumn, SchemaDataset, SchemaDocument } from "../protocol/schema_document.d.ts";
export type { BackoffOptions } from "../protocol/backoff.d.ts";
export type { ConnectionPhase } from "../protocol/connection_state.d.ts";
export type { ClientResumePoint } from "../protocol/download_state.d.ts";
export type { ErrorCode, ErrorDetails, ErrorResponse } from "../protocol/errors.d.ts";
export type { PeerErrorCode, UnknownErrorCode } from "../protocol/peer_error_code.d.ts";
export type { Result } from "../protocol/result.d.ts";
export type { AuthDelegation, ColumnInfo, ColumnType, DownloadComplete, DownloadEstimate, DownloadPhase, DownloadRequest, DownloadStart, DownloadStatus, Filter, FilterOperator, FilterScalar, OutputFormat, PreviewCell, ProgressUpdate, ResumePoint, SearchParams, SystemHealth, } from "../protocol/messages.d.ts";
