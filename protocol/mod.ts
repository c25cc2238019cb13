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
export * from "./channel.ts";
export * from "./digest_chain.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./filter.ts";
export * from "./frame.ts";
export * from "./messages.ts";
export * from "./parse.ts";
export * from "./progress.ts";
export * from "./request.ts";
export * from "./result.ts";
export * from "./sealed_frame.ts";
export * from "./session_crypto.ts";
export * from "./sign_in.ts";
export * from "./time.ts";
export {
  type AuthStep,
  CONNECTION_EVENT_KEYS,
  CONNECTION_EVENT_SOURCES,
  CONNECTION_PHASES,
  CONNECTION_TRANSITIONS,
  type ConnectionConfig,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionEventKey,
  type ConnectionEventSource,
  type ConnectionPhase,
  type ConnectionRow,
  type ConnectionState,
  connectionStateDiagram,
  type ConnectionStep,
  connectionTableMarkdown,
  initialConnectionState,
  isConnected,
  type MachineClock,
  type ResolvedConnectionConfig,
  step as stepConnection,
  type TimerName,
} from "./connection_machine.ts";
export {
  type ClientResumePoint,
  DOWNLOAD_EVENT_KEYS,
  DOWNLOAD_EVENT_SOURCES,
  DOWNLOAD_PHASES,
  DOWNLOAD_TRANSITIONS,
  type DownloadEffect,
  type DownloadEvent,
  type DownloadEventKey,
  type DownloadEventSource,
  type DownloadRow,
  type DownloadState,
  downloadStateDiagram,
  downloadStatus,
  type DownloadStep,
  downloadTableMarkdown,
  type FrameHeader,
  initialDownloadState,
  resumePoint,
  step as stepDownload,
} from "./download_machine.ts";
