/**
 * The control messages of the protocol: the envelope (docs/PROTOCOL.md §3)
 * `{ event, data, timestamp, requestId }` and the payload of every event,
 * as discriminated unions on `event`. Values of these types come only from
 * {@linkcode "./parse.ts"} (untrusted input) or from code that builds them.
 *
 * Conventions: times are epoch milliseconds (numbers) or ISO 8601 UTC text
 * (strings); durations are milliseconds; sizes are bytes.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorResponse } from "./errors.ts";

/** Output encodings a download can ask for. */
export type OutputFormat = "csv" | "json" | "ndjson";

/** Every output format, in documentation order. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["csv", "json", "ndjson"];

/** Comparison operators of a {@linkcode Filter}. */
export type FilterOperator =
  | "eq"
  | "neq"
  | "lt"
  | "lte"
  | "gt"
  | "gte"
  | "in"
  | "between"
  | "prefix";

/** Every filter operator, in documentation order. */
export const FILTER_OPERATORS: readonly FilterOperator[] = [
  "eq",
  "neq",
  "lt",
  "lte",
  "gt",
  "gte",
  "in",
  "between",
  "prefix",
];

/** One value a filter compares with. Decimals travel as exact text. */
export type FilterScalar = string | number | boolean;

/**
 * A condition on one column. `value` is a scalar for the comparison
 * operators and `prefix`, a non-empty list for `in`, and `[low, high]`
 * (both inclusive) for `between`.
 */
export interface Filter {
  /** The column's name, as the data source's schema declares it. */
  readonly field: string;
  /** How to compare. */
  readonly operator: FilterOperator;
  /** What to compare with. */
  readonly value: FilterScalar | readonly FilterScalar[];
}

/** The `searchParams` of a `DownloadRequest` (PROTOCOL.md §5.1). */
export interface SearchParams {
  /** Inclusive start, ISO 8601 (`2024-01-01` or `2024-01-01T00:00:00.000Z`). */
  readonly timeFrom: string;
  /** Exclusive end, same form as `timeFrom`. */
  readonly timeTo: string;
  /** All must hold for a row to be exported. */
  readonly filters: readonly Filter[];
}

/** The payload of `download:request` (PROTOCOL.md §5.1). */
export interface DownloadRequest {
  /** Which rows. */
  readonly searchParams: SearchParams;
  /** How to encode them. */
  readonly outputFormat: OutputFormat;
  /** Gzip the output. */
  readonly compression: boolean;
  /**
   * Prefix CSV text cells starting with `=`, `+`, `-`, `@`, tab or CR with
   * `'` so spreadsheets do not run them as formulas.
   *
   * @default {true}
   */
  readonly neutralizeFormulas?: boolean;
}

/** Types a column of a data source can have. */
export type ColumnType = "integer" | "decimal" | "text" | "timestamp" | "boolean";

/** A column as `download:start` announces it. */
export interface ColumnInfo {
  /** Column name; also the CSV header cell and the JSON key. */
  readonly name: string;
  /** How its values are written. */
  readonly type: ColumnType;
}

/** Payload of `download:start`. */
export interface DownloadStart {
  /** Rows the export will contain, counted at start under the high-water mark. */
  readonly totalRows: number;
  /** The columns, in output order. */
  readonly columns: readonly ColumnInfo[];
  /** The last key the export may include; rows added later are not exported. */
  readonly highWaterMark: string;
  /** The format the bytes are in. */
  readonly outputFormat: OutputFormat;
  /** Whether the bytes are gzip members. */
  readonly compression: boolean;
  /** True when this answers a `download:resume`. */
  readonly resumed: boolean;
}

/** The payload of `download:progress` (PROTOCOL.md §5.3), with the bytes sent so far. */
export interface ProgressUpdate {
  /** The download this is about. */
  readonly requestId: string;
  /** Percent done, 0 to 100. */
  readonly progress: number;
  /** Rows sent so far. */
  readonly processedRows: number;
  /** Rows the export will contain. */
  readonly totalRows: number;
  /** Rows per second over a moving window. */
  readonly speed: number;
  /** Milliseconds until done at the current speed; -1 while unknown. */
  readonly estimatedTimeRemaining: number;
  /** Payload bytes sent so far. */
  readonly processedBytes: number;
}

/** Payload of `download:complete`. */
export interface DownloadComplete {
  /** Rows in the export. */
  readonly rows: number;
  /** Payload bytes of the export, as sent (compressed when gzip'd). */
  readonly bytes: number;
  /**
   * The digest chain value after the FINAL frame (the FINAL frame's
   * `digest`), lowercase hex: it covers every payload byte of the download
   * from byte 0, in order, however often it was resumed (§7.1).
   */
  readonly digest: string;
  /** Milliseconds from `download:request` to the last byte. */
  readonly durationMs: number;
}

/** Payload of `download:cancelled`. */
export interface DownloadCancelled {
  /** Rows sent before the download stopped. */
  readonly rows: number;
  /** Payload bytes sent before the download stopped. */
  readonly bytes: number;
}

/** Payload of `download:ack`: frames up to `sequence` are consumed. */
export interface DownloadAck {
  /** The highest data-frame sequence number the reader has consumed. */
  readonly sequence: number;
}

/** Where a download stands after its last complete data frame. */
export interface ResumePoint {
  /** The high-water mark of `download:start`. */
  readonly highWaterMark: string;
  /** The cursor of the last complete frame ("" before the first). */
  readonly cursor: string;
  /** The sequence number the next frame must have. */
  readonly sequence: number;
  /** Rows received so far. */
  readonly rows: number;
  /** Payload bytes received so far. */
  readonly bytes: number;
  /**
   * The digest chain value after the last complete frame, lowercase hex
   * (64 zeros before the first frame); the server continues the chain from it.
   */
  readonly digest: string;
}

/** Payload of `download:resume`: the original request and where to go on. */
export interface DownloadResume {
  /** The request exactly as first sent. */
  readonly request: DownloadRequest;
  /** Where the client stands. */
  readonly resume: ResumePoint;
}

/** The phases of a download, as `status:update` reports them. */
export type DownloadPhase =
  | "requested"
  | "started"
  | "streaming"
  | "complete"
  | "error"
  | "cancelled";

/** One download in a `status:update`. */
export interface DownloadStatus {
  /** The download. */
  readonly requestId: string;
  /** Where it is in its life. */
  readonly phase: DownloadPhase;
  /** Rows sent so far. */
  readonly processedRows: number;
  /** Rows the export will contain (0 before `download:start`). */
  readonly totalRows: number;
  /** Payload bytes sent so far. */
  readonly processedBytes: number;
}

/** Payload of `status:check`: one download, or all when `requestId` is absent. */
export interface StatusCheck {
  /** The download to report on. */
  readonly requestId?: string;
}

/** Payload of `status:update`. */
export interface StatusUpdate {
  /** The downloads asked about. */
  readonly downloads: readonly DownloadStatus[];
}

/** Payload of a client's `connection:health` ping; it carries nothing. */
export type HealthPing = Record<string, never>;

/** `SystemHealth`: the server's answer to a ping (PROTOCOL.md §5.10). */
export interface SystemHealth {
  /** `degraded` when the server sheds load. */
  readonly status: "ok" | "degraded";
  /** The server's clock, epoch milliseconds. */
  readonly serverTime: number;
  /** Milliseconds since the server started. */
  readonly uptimeMs: number;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Downloads in progress, all connections together. */
  readonly activeDownloads: number;
  /** The host's one-minute load average. */
  readonly load: number;
}

/** Who a client claims to be. */
export type Identity =
  | {
    /** A raw secp256k1 key. */
    readonly kind: "secp256k1";
    /** The compressed public key, 66 lowercase hex characters. */
    readonly publicKey: string;
  }
  | {
    /** An Ethereum account. */
    readonly kind: "ethereum";
    /** The address, `0x` and 40 hex characters. */
    readonly address: string;
  };

/** Payload of `auth:nonce` (PROTOCOL.md §15.1). */
export interface AuthNonce {
  /** Who is signing in. */
  readonly identity: Identity;
  /** The client's ephemeral session public key, compressed, 66 lowercase hex. */
  readonly sessionKey: string;
}

/** Payload of `auth:challenge`. */
export interface AuthChallenge {
  /** Single-use random nonce, 64 lowercase hex characters. */
  readonly nonce: string;
  /** When the nonce stops being accepted, epoch milliseconds. */
  readonly expiresAt: number;
  /** The origin the signature is bound to, e.g. `wss://export.example.com`. */
  readonly origin: string;
  /** The server's ephemeral session public key, compressed, 66 lowercase hex. */
  readonly sessionKey: string;
  /** The server's long-term identity public key, compressed, 66 lowercase hex. */
  readonly serverKey: string;
  /** The identity key's signature over the server proof text, 128 hex. */
  readonly serverSignature: string;
  /** Whether every frame after a successful sign-in is sealed (AES-256-GCM). */
  readonly encryption: boolean;
  /**
   * How far ahead a wallet's delegation may end, milliseconds; absent when
   * the server takes no delegations (docs/PROTOCOL.md §15.5).
   */
  readonly maxDelegationMs?: number;
}

/** Payload of `auth:authenticate` (PROTOCOL.md §15.1). */
export interface AuthAuthenticate {
  /** The identity of `auth:nonce`. */
  readonly identity: Identity;
  /** The nonce of `auth:challenge`. */
  readonly nonce: string;
  /**
   * The signature over the challenge text, hex: the identity's own, or,
   * with `delegation`, the delegate key's (ECDSA, 128 hex).
   */
  readonly signature: string;
  /** With an `ethereum` identity only: the delegation whose key made `signature`. */
  readonly delegation?: AuthDelegation;
}

/**
 * The longest a server may let wallet delegations last, milliseconds: a
 * year. `maxDelegationMs` of `auth:challenge` is at most this.
 */
export const MAX_DELEGATION_MS: number = 365 * 86_400_000;

/**
 * An Ethereum account's signed permission for a secp256k1 key to sign in
 * for it at one origin until it expires (docs/PROTOCOL.md §15.5), so that a
 * wallet is asked once rather than on every reconnect.
 */
export interface AuthDelegation {
  /** The delegate's public key, compressed, 66 lowercase hex. */
  readonly key: string;
  /** When the delegation ends, epoch milliseconds. */
  readonly expiresAt: number;
  /** The account's EIP-191 signature over the delegation text, 130 hex. */
  readonly signature: string;
}

/** Payload of `auth:result`. */
export type AuthResult =
  | {
    /** Signed in. */
    readonly authenticated: true;
    /** The session token commands carry in `auth.token`. */
    readonly token: string;
    /** When the session ends, epoch milliseconds. */
    readonly expiresAt: number;
  }
  | {
    /** Refused. */
    readonly authenticated: false;
    /** Why. */
    readonly error: ErrorResponse;
  };

/** Per-message authentication of a signed command (PROTOCOL.md §15.3). */
export interface MessageAuth {
  /** The session token of `auth:result`. */
  readonly token: string;
  /** When the command was signed, epoch milliseconds. */
  readonly timestamp: number;
  /** Signature over the command's canonical encoding, hex. */
  readonly signature: string;
}

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
  | Envelope<"auth:authenticate", AuthAuthenticate>;

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
  | Envelope<"auth:result", AuthResult>;

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
