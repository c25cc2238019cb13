/**
 * The sans-IO core of sluice, shared by the server and the client: message
 * types and the one strict parser, binary data frames, the error-code
 * table, filters, timestamps, backoff, progress batching, and the
 * connection and download state machines as pure functions. No IO, no
 * timers, no clock: it runs unchanged in Deno, browsers and Node 22+.
 *
 * docs/PROTOCOL.md is the normative description of the same protocol.
 *
 * This module is browser compatible.
 *
 * @example Parse what a peer sent
 * ```ts
 * import { parseClientMessage } from "./mod.ts";
 * const r = parseClientMessage('{"event":"download:cancel","data":{},"timestamp":0,"requestId":"dl-1"}');
 * r.ok ? r.value.event : r.error.error.code; // "download:cancel"
 * ```
 *
 * @module
 */

export * from "./auth.ts";
export * from "./backoff.ts";
export * from "./close_codes.ts";
export * from "./channel.ts";
export * from "./digest_chain.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./filter.ts";
export * from "./frame.ts";
export * from "./messages.ts";
export * from "./parse.ts";
export * from "./peer_error_code.ts";
export * from "./progress.ts";
export * from "./request.ts";
export * from "./result.ts";
export * from "./sealed_frame.ts";
export * from "./session_crypto.ts";
export * from "./sign_in.ts";
export * from "./time.ts";
export { type ConnectionStep, step as stepConnection } from "./connection_machine.ts";
export {
  type AuthStep,
  type ConnectionConfig,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionPhase,
  type ConnectionState,
  initialConnectionState,
  isConnected,
  type MachineClock,
  type ResolvedConnectionConfig,
  type TimerName,
} from "./connection_state.ts";
export {
  CONNECTION_EVENT_KEYS,
  CONNECTION_EVENT_SOURCES,
  CONNECTION_PHASES,
  CONNECTION_TRANSITIONS,
  type ConnectionEventKey,
  type ConnectionEventSource,
  type ConnectionRow,
  connectionStateDiagram,
  connectionTableMarkdown,
} from "./connection_table.ts";
export { type DownloadStep, step as stepDownload } from "./download_machine.ts";
export {
  type ClientResumePoint,
  type DownloadEffect,
  type DownloadEvent,
  type DownloadState,
  downloadStatus,
  type FrameHeader,
  initialDownloadState,
  resumePoint,
} from "./download_state.ts";
export {
  DOWNLOAD_EVENT_KEYS,
  DOWNLOAD_EVENT_SOURCES,
  DOWNLOAD_PHASES,
  DOWNLOAD_TRANSITIONS,
  type DownloadEventKey,
  type DownloadEventSource,
  type DownloadRow,
  downloadStateDiagram,
  downloadTableMarkdown,
} from "./download_table.ts";
