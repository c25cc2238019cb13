/**
 * The control messages of the protocol: the envelope (docs/PROTOCOL.md §3)
 * `{ event, data, timestamp, requestId }` and the payload of every event,
 * as discriminated unions on `event`. Values of these types come only from
 * {@linkcode "./parse.ts"} (untrusted input) or from code that builds them.
 *
 * The payloads live one concept to a file, and this module re-exports
 * them all, so that every message type can be imported from here:
 * {@linkcode "./request_payloads.ts"} (`download:request`),
 * {@linkcode "./download_payloads.ts"} (the rest of a download),
 * {@linkcode "./status_payloads.ts"} (status and health) and
 * {@linkcode "./auth_payloads.ts"} (sign-in and signed commands).
 *
 * Conventions: times are epoch milliseconds (numbers) or ISO 8601 UTC text
 * (strings); durations are milliseconds; sizes are bytes.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorResponse } from "./errors.ts";
import type { DownloadRequest } from "./request_payloads.ts";
import type {
  DownloadAck,
  DownloadCancelled,
  DownloadComplete,
  DownloadResume,
  DownloadStart,
  ProgressUpdate,
} from "./download_payloads.ts";
import type { DownloadEstimate } from "./estimate_payloads.ts";
import type { HealthPing, StatusCheck, StatusUpdate, SystemHealth } from "./status_payloads.ts";
import type {
  AuthAuthenticate,
  AuthChallenge,
  AuthNonce,
  AuthResult,
  MessageAuth,
} from "./auth_payloads.ts";

export {
  DATASET_NAME,
  type DownloadRequest,
  type Filter,
  FILTER_OPERATORS,
  type FilterOperator,
  type FilterScalar,
  OUTPUT_FORMATS,
  type OutputFormat,
  type SearchParams,
} from "./request_payloads.ts";
export type {
  ColumnInfo,
  ColumnType,
  DownloadAck,
  DownloadCancelled,
  DownloadComplete,
  DownloadResume,
  DownloadStart,
  ProgressUpdate,
  ResumePoint,
} from "./download_payloads.ts";
export type {
  DownloadPhase,
  DownloadStatus,
  HealthPing,
  StatusCheck,
  StatusUpdate,
  SystemHealth,
} from "./status_payloads.ts";
export {
  type AuthAuthenticate,
  type AuthChallenge,
  type AuthDelegation,
  type AuthNonce,
  type AuthResult,
  type Identity,
  MAX_DELEGATION_MS,
  type MessageAuth,
  type SignedInIdentity,
  type TokenIdentity,
} from "./auth_payloads.ts";
export type { DownloadEstimate, PreviewCell } from "./estimate_payloads.ts";

/** The envelope around every control message (PROTOCOL.md §3). */
export interface Envelope<E extends string, D> {
  /** What the message is. */
  readonly event: E;
  /** The event's payload. */
  readonly data: D;
  /** When the sender built the message, epoch milliseconds. */
  readonly timestamp: number;
  /** The download it concerns, or a correlation id chosen by the sender. */
  readonly requestId: string;
  /** Authentication (PROTOCOL.md §15.3), on client commands of a signed session. */
  readonly auth?: MessageAuth;
}

/** Every message a client may send. */
export type ClientMessage =
  | Envelope<"download:request", DownloadRequest>
  | Envelope<"download:cancel", Record<string, never>>
  | Envelope<"download:ack", DownloadAck>
  | Envelope<"download:resume", DownloadResume>
  | Envelope<"status:check", StatusCheck>
  | Envelope<"connection:health", HealthPing>
  | Envelope<"auth:nonce", AuthNonce>
  | Envelope<"auth:authenticate", AuthAuthenticate>
  | Envelope<"download:estimate", DownloadRequest>;

/** Every message a server may send. */
export type ServerMessage =
  | Envelope<"download:start", DownloadStart>
  | Envelope<"download:progress", ProgressUpdate>
  | Envelope<"download:complete", DownloadComplete>
  | Envelope<"download:error", ErrorResponse>
  | Envelope<"download:cancelled", DownloadCancelled>
  | Envelope<"status:update", StatusUpdate>
  | Envelope<"system:error", ErrorResponse>
  | Envelope<"connection:health", SystemHealth>
  | Envelope<"auth:challenge", AuthChallenge>
  | Envelope<"auth:result", AuthResult>
  | Envelope<"download:estimate", DownloadEstimate>;

/** Any control message. */
export type Message = ClientMessage | ServerMessage;

/**
 * Request ids are 1 to 64 characters of `A-Z a-z 0-9 . _ : -`, so that they
 * fit a data frame's header and any log line unescaped.
 */
export const REQUEST_ID_PATTERN: RegExp = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Serialises a message to its wire text (JSON).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { encodeMessage } from "./messages.ts";
 * equal(
 *   encodeMessage({ event: "status:check", data: {}, timestamp: 0, requestId: "s1" }),
 *   '{"event":"status:check","data":{},"timestamp":0,"requestId":"s1"}',
 * );
 * ```
 */
export function encodeMessage(message: Message): string {
  return JSON.stringify(message);
}
