/**
 * The sans-IO core of sluice, for writing another client or server: message
 * types and the one strict parser, the binary frame codecs, the error-code
 * table, filters, timestamps, backoff, progress batching, the sign-in texts
 * and checks, the client's connection and download machines and the
 * server's session machine, as pure functions. No IO, no timers, no clock: it runs unchanged in Deno,
 * browsers and Node 22+.
 *
 * docs/PROTOCOL.md is the normative description of the same protocol. Each
 * export below is listed by name, and tests/exports_test.ts pins the list:
 * the documentation generators, the sealed frames' IV and header layout,
 * the frame type and flag constants and the HKDF labels are internal.
 *
 * This module is browser compatible.
 *
 * @example Parse what a peer sent
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseClientMessage } from "@sluice/sluice/protocol";
 * const r = parseClientMessage('{"event":"download:cancel","data":{},"timestamp":0,"requestId":"dl-1"}');
 * equal(r.ok && r.value.event, "download:cancel");
 * ```
 *
 * @module
 */

// Messages: the envelope, every event's payload, and how they are written and read.
export {
  type AuthAuthenticate,
  type AuthChallenge,
  type AuthDelegation,
  type AuthNonce,
  type AuthResult,
  type ClientMessage,
  type ColumnInfo,
  type ColumnType,
  DATASET_NAME,
  type DownloadAck,
  type DownloadCancelled,
  type DownloadComplete,
  type DownloadEstimate,
  type DownloadPhase,
  type DownloadRequest,
  type DownloadResume,
  type DownloadStart,
  type DownloadStatus,
  encodeMessage,
  type Envelope,
  type Filter,
  FILTER_OPERATORS,
  type FilterOperator,
  type FilterScalar,
  type HealthPing,
  type Identity,
  MAX_DELEGATION_MS,
  type Message,
  type MessageAuth,
  OUTPUT_FORMATS,
  type OutputFormat,
  type PreviewCell,
  type ProgressUpdate,
  REQUEST_ID_PATTERN,
  type ResumePoint,
  type SearchParams,
  type ServerMessage,
  type SignedInIdentity,
  type StatusCheck,
  type StatusUpdate,
  type SystemHealth,
  type TokenIdentity,
} from "./messages.ts";
export {
  type Direction,
  EVENT_TABLE,
  type EventInfo,
  type EventName,
  EVENTS,
  isEventName,
} from "./events.ts";
export {
  DEFAULT_PARSE_LIMITS,
  parseClientMessage,
  type ParseFailure,
  type ParseLimits,
  parseServerMessage,
} from "./parse.ts";
export type { Result } from "./result.ts";

// Errors: the one table of codes, and the responses made from it.
export {
  ERROR_CODES,
  ERROR_TABLE,
  type ErrorCode,
  type ErrorDetails,
  type ErrorFault,
  type ErrorInfo,
  type ErrorOverrides,
  type ErrorResponse,
  errorResponse,
  type ErrorScope,
  isErrorCode,
} from "./errors.ts";
export { TOKEN_REFUSALS } from "./error_codes.ts";

// WebSocket close codes, by what a close leads to; error codes a newer peer may send.
export {
  CLOSE_CODES,
  type CloseCodeInfo,
  type CloseCodes,
  type CloseOutcome,
  type CloseSide,
  closeWith,
  type EndCloseCodes,
  MAX_CLOSE_REASON_BYTES,
  type ReconnectCloseCodes,
  type SocketClose,
} from "./close_codes.ts";
export { type PeerErrorCode, peerErrorCode, type UnknownErrorCode } from "./peer_error_code.ts";

// Binary frames: data frames, control frames, sealed frames' counters, and the order a received
// payload is read in; the digest chain over a download's payloads.
export {
  type DataFrame,
  decodeDataFrame,
  encodeDataFrame,
  type FrameLimits,
  MAX_PAYLOAD_BYTES,
} from "./frame.ts";
export {
  binaryKind,
  COMPRESS_THRESHOLD_BYTES,
  type ControlFrame,
  decodeControlFrame,
  decodeSealedFrame,
  encodeControlFrame,
  type SealedFrame,
} from "./sealed_frame.ts";
export { chainDigest, INITIAL_DIGEST, nobleSha256, type Sha256 } from "./digest_chain.ts";
export {
  initialOpeningState,
  initialSealingState,
  type OpeningState,
  type OpenPlan,
  planOpen,
  planSeal,
  type SealingState,
  type SealPlan,
  tagFailed,
} from "./sealed_counter.ts";
export {
  type Incoming,
  type Inflated,
  type InnerStep,
  readInflated,
  readInner,
  type ReadOptions,
  readPayload,
  type ReadStep,
  type TextForm,
  textForm,
} from "./channel_framing.ts";

// Requests: what a server checks before it exports, and the values it reads rows with.
export { type RequestLimits, validateDownloadRequest, type ValidatedRequest } from "./request.ts";
export {
  type ColumnSchema,
  DEFAULT_FILTER_LIMITS,
  type FilterLimits,
  type FilterValue,
  operatorsFor,
  type ValidatedFilter,
  validateFilters,
} from "./filter.ts";
export { formatTimestamp, parseTimestamp } from "./time.ts";
export {
  parseSchemaDocument,
  type SchemaColumn,
  type SchemaDataset,
  type SchemaDocument,
  schemaDocument,
} from "./schema_document.ts";
export {
  type BatcherOptions,
  ProgressBatcher,
  progressUpdate,
  RateMeter,
  type RateWindowOptions,
} from "./progress.ts";

// Signing in: the texts each side signs, their signatures, and the server's checks.
export {
  challengeText,
  ethereumAddress,
  identityLabel,
  recoverPersonalSigner,
  serverProofText,
  type SignInFacts,
  signPersonalMessage,
  signText,
  verifyIdentitySignature,
  verifyText,
} from "./auth.ts";
export { type DelegationFacts, delegationText } from "./wallet_texts.ts";
export {
  checkAuthenticate,
  checkCommandAuth,
  type CommandState,
  type IssuedChallenge,
  parseAllowEntry,
} from "./sign_in.ts";
export { commandSigningInput, type SignedCommand } from "./session_crypto.ts";

// The client's state machines: (state, event, clock) -> { state, effects }.
export { backoffDelay, type BackoffOptions, DEFAULT_BACKOFF } from "./backoff.ts";
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

// The server's state machine: one connection's session and its downloads, (state, event, now) ->
// { state, effects }, with the byte work behind synchronous ports.
export { type SessionStep, step as stepSession } from "./session_machine.ts";
export type { SessionBounds } from "./session_bounds.ts";
export type { SignInLimiter } from "./sign_in_limits.ts";
export {
  type AdmitVerdict,
  type AuthorizeAnswer,
  type ExportSourceEvent,
  initialSessionState,
  nextDeadline,
  type PendingDownload,
  readsInput,
  type SessionConfig,
  type SessionEffect,
  type SessionEntropy,
  type SessionEvent,
  type SessionPhase,
  type SessionSchema,
  type SessionSignIn,
  type SessionState,
  type SessionWait,
} from "./session_state.ts";
export type { EstimatedEvent, EstimateEffect, EstimateWait } from "./session_estimate.ts";
export { chooseDataset, type DatasetView, type SessionDataset } from "./session_datasets.ts";
export { checkRowFilter, type RowFilter, rowFilterFor } from "./row_filter.ts";
export {
  SESSION_ANSWERS,
  SESSION_CLOSES,
  SESSION_EVENT_KEYS,
  SESSION_EVENT_SOURCES,
  SESSION_PHASES,
  SESSION_TRANSITIONS,
  type SessionEventKey,
  type SessionEventSource,
  type SessionRow,
} from "./session_table.ts";
export type { OpenToken, TokenRefusal, TokenVerdict } from "./session_token.ts";
export {
  MAX_SEALED_TOKEN_LENGTH,
  MAX_TOKEN_BYTES,
  SEALED_TOKEN,
  TOKEN_SEAL_INFO,
  TOKEN_SEAL_IV,
} from "./token_seal.ts";
export type {
  EncodedRows,
  EncoderOptions,
  ExportEffect,
  ExportEvent,
  ExportLimits,
  ExportPorts,
  ExportQuery,
  ExportStage,
  ExportState,
  PageEncoding,
  PageRows,
  Row,
  RowEncoderPort,
  SourceFailure,
  UnackedFrame,
} from "./export_state.ts";
export { UnfitValueError } from "./export_state.ts";
export type { PendingProgress, ProgressBatch, RateSample, RateSamples } from "./progress_state.ts";
