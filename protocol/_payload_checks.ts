/**
 * Internal: the check of every event's payload, one table per direction.
 * The types of the tables tie each check to its payload type in
 * messages.ts, so the two cannot drift apart.
 *
 * @module
 */

import type { ErrorResponse } from "./errors.ts";
import { type PeerErrorCode, peerErrorCode } from "./peer_error_code.ts";
import {
  bool,
  type Check,
  count,
  flatRecord,
  Invalid,
  isoDate,
  list,
  literal,
  num,
  object,
  oneOf,
  scalarOrList,
  str,
  tagged,
} from "./_schema.ts";
import {
  type AuthResult,
  type ClientMessage,
  DATASET_NAME,
  type DownloadRequest,
  FILTER_OPERATORS,
  type FilterScalar,
  type Identity,
  MAX_DELEGATION_MS,
  OUTPUT_FORMATS,
  type PreviewCell,
  REQUEST_ID_PATTERN,
  type ServerMessage,
} from "./messages.ts";
import {
  COMPACT_SIGNATURE,
  COMPRESSED_KEY,
  ETHEREUM_ADDRESS,
  HEX_32_BYTES,
  WHOLE_BYTES,
} from "./hex_patterns.ts";

import { MAX_RESUME_COUNT, MAX_RESUME_SEQUENCE } from "./resume_bounds.ts";
import { MAX_DATE_MS } from "./time.ts";
import { MAX_SEALED_TOKEN_LENGTH, SEALED_TOKEN } from "./token_seal.ts";

/** Bounds the payload checks need from the parser's limits. */
export interface PayloadBounds {
  /** Longest list anywhere. */
  readonly maxArrayLength: number;
}

const U32_MAX = 0xffff_ffff;
const requestId = str({ max: 64, pattern: REQUEST_ID_PATTERN });
const empty = object({});

const publicKey = str({ max: 66, pattern: COMPRESSED_KEY });

/** A time a signed text prints: ISO 8601 goes no further than `Date` does. */
const epochMs = num({ min: 0, max: MAX_DATE_MS, integer: true });

/**
 * A signature as a client may send it: whole bytes of lowercase hex, up to
 * 2 KiB, so that a contract wallet's (EIP-1271: a Safe's owners' 65 bytes
 * each, an ERC-6492 wrapper) reaches the check that refuses it by name.
 */
const anySignature = str({ max: 4096, pattern: WHOLE_BYTES });

const identity: Check<Identity> = tagged<Identity>("kind", {
  secp256k1: object({
    kind: literal("secp256k1"),
    publicKey,
  }),
  ethereum: object({
    kind: literal("ethereum"),
    address: str({ max: 42, pattern: ETHEREUM_ADDRESS }),
  }),
  token: object({ kind: literal("token") }),
});

/** A peer's error code: one of ours, or a newer peer's kept as it came (errors.ts). */
const errorCodeText = str({ max: 64, pattern: /^[A-Z][A-Z0-9_]{0,63}$/ });
const errorCode: Check<PeerErrorCode> = (value, path) => peerErrorCode(errorCodeText(value, path));

const errorPayload: Check<ErrorResponse> = object({
  code: errorCode,
  message: str({ max: 1024 }),
  recoverable: bool,
}, {
  details: flatRecord(32, 1024),
  retryAfter: count,
});

function downloadRequest(bounds: PayloadBounds): Check<DownloadRequest> {
  const scalar: Check<FilterScalar> = (value, path) =>
    typeof value === "boolean"
      ? value
      : typeof value === "number"
      ? num()(value, path)
      : str({ max: 4096 })(value, path);
  const filter = object({
    field: str({ max: 128 }),
    operator: oneOf(FILTER_OPERATORS, "INVALID_OPERATOR"),
    value: scalarOrList(scalar, list(scalar, bounds.maxArrayLength)),
  });
  return object({
    searchParams: object({
      timeFrom: isoDate(),
      timeTo: isoDate(),
      filters: list(filter, bounds.maxArrayLength),
    }, {
      dataset: str({ max: 64, pattern: DATASET_NAME }),
      columns: list(str({ max: 128 }), bounds.maxArrayLength),
    }),
    outputFormat: oneOf(OUTPUT_FORMATS, "UNSUPPORTED_FORMAT"),
    compression: bool,
  }, { neutralizeFormulas: bool });
}

/** Most rows an estimate's preview carries (PROTOCOL.md §5.12). */
export const MAX_PREVIEW_ROWS = 20;

/** Most values an estimate offers for one column. */
export const MAX_COLUMN_VALUES = 16;

/** Whether a value is a plain object (not null, not a list). */
function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A preview row: up to `maxKeys` cells, each a JSON scalar or null. */
function previewRow(maxKeys: number): Check<Record<string, PreviewCell>> {
  const text = str({ max: 4096 });
  return (value, path) => {
    if (!isPlain(value)) throw new Invalid("INVALID_TYPE", path, "expected object");
    const entries = Object.entries(value);
    if (entries.length > maxKeys) throw new Invalid("ARRAY_TOO_LONG", path, "too many cells");
    const out: Record<string, PreviewCell> = {};
    for (const [key, cell] of entries) {
      const at = `${path}.${key}`;
      out[key] = cell === null || typeof cell === "boolean"
        ? cell
        : typeof cell === "number"
        ? num()(cell, at)
        : text(cell, at);
    }
    return out;
  };
}

/** An estimate's values: per column, a short list of texts. */
function valueLists(maxKeys: number): Check<Record<string, string[]>> {
  const values = list(str({ max: 256 }), MAX_COLUMN_VALUES);
  return (value, path) => {
    if (!isPlain(value)) throw new Invalid("INVALID_TYPE", path, "expected object");
    const entries = Object.entries(value);
    if (entries.length > maxKeys) throw new Invalid("ARRAY_TOO_LONG", path, "too many columns");
    return Object.fromEntries(entries.map(([key, item]) => [key, values(item, `${path}.${key}`)]));
  };
}

type DataChecks<M extends { event: string; data: unknown }> = {
  readonly [E in M["event"]]: Check<Extract<M, { event: E }>["data"]>;
};

/** Checks of what a client may send, keyed by event. */
export function clientChecks(bounds: PayloadBounds): DataChecks<ClientMessage> {
  const request = downloadRequest(bounds);
  return {
    "download:request": request,
    "download:estimate": request,
    "download:cancel": empty,
    "download:ack": object({ sequence: num({ min: 0, max: U32_MAX, integer: true }) }),
    "download:resume": object({
      request,
      resume: object({
        highWaterMark: str({ max: 64 }),
        cursor: str({ max: 255 }),
        // Room for the frames still to come (resume_bounds.ts).
        sequence: num({ min: 0, max: MAX_RESUME_SEQUENCE, integer: true }),
        rows: num({ min: 0, max: MAX_RESUME_COUNT, integer: true }),
        bytes: num({ min: 0, max: MAX_RESUME_COUNT, integer: true }),
        digest: str({ max: 64, pattern: HEX_32_BYTES }),
      }),
    }),
    "status:check": object({}, { requestId }),
    "connection:health": empty,
    "auth:nonce": object({ identity, sessionKey: publicKey }),
    "auth:authenticate": object({
      identity,
      nonce: str({ max: 64, pattern: HEX_32_BYTES }),
    }, {
      // Which of the two an identity kind needs is sign_in.ts's rule (PROTOCOL.md §15.8).
      signature: anySignature,
      sealedToken: str({ max: MAX_SEALED_TOKEN_LENGTH, pattern: SEALED_TOKEN }),
      delegation: object({
        key: publicKey,
        issuedAt: epochMs,
        expiresAt: count,
        signature: anySignature,
      }),
    }),
  };
}

/** Checks of what a server may send, keyed by event. */
export function serverChecks(bounds: PayloadBounds): DataChecks<ServerMessage> {
  return {
    "download:start": object({
      totalRows: count,
      columns: list(
        object({
          name: str({ max: 128 }),
          type: oneOf(["integer", "decimal", "text", "timestamp", "boolean"]),
        }),
        bounds.maxArrayLength,
      ),
      highWaterMark: str({ max: 64 }),
      outputFormat: oneOf(OUTPUT_FORMATS, "UNSUPPORTED_FORMAT"),
      compression: bool,
      resumed: bool,
    }),
    "download:progress": object({
      requestId,
      progress: num({ min: 0, max: 100 }),
      processedRows: count,
      totalRows: count,
      speed: num({ min: 0 }),
      estimatedTimeRemaining: num({ min: -1 }),
      processedBytes: count,
    }),
    "download:complete": object({
      rows: count,
      bytes: count,
      digest: str({ max: 64, pattern: HEX_32_BYTES }),
      durationMs: count,
    }),
    "download:error": errorPayload,
    "download:cancelled": object({ rows: count, bytes: count }),
    "status:update": object({
      downloads: list(
        object({
          requestId,
          phase: oneOf(["requested", "started", "streaming", "complete", "error", "cancelled"]),
          processedRows: count,
          totalRows: count,
          processedBytes: count,
        }),
        bounds.maxArrayLength,
      ),
    }),
    "system:error": errorPayload,
    "connection:health": object({
      status: oneOf(["ok", "degraded"]),
      serverTime: count,
      uptimeMs: count,
      connections: count,
      activeDownloads: count,
      load: num({ min: 0 }),
    }),
    "auth:challenge": object({
      nonce: str({ max: 64, pattern: HEX_32_BYTES }),
      issuedAt: epochMs,
      expiresAt: epochMs,
      origin: str({ max: 256 }),
      sessionKey: publicKey,
      serverKey: publicKey,
      serverSignature: str({ max: 128, pattern: COMPACT_SIGNATURE }),
      encryption: bool,
      chainId: num({ min: 1, integer: true }),
    }, { maxDelegationMs: num({ min: 1, max: MAX_DELEGATION_MS, integer: true }) }),
    "download:estimate": object({
      rows: count,
      exact: bool,
      bytes: count,
      preview: list(previewRow(bounds.maxArrayLength), MAX_PREVIEW_ROWS),
      values: valueLists(bounds.maxArrayLength),
    }, { maxRows: count }),
    "auth:result": tagged<AuthResult>("authenticated", {
      true: object({ authenticated: literal(true), token: str({ max: 256 }), expiresAt: count }),
      false: object({ authenticated: literal(false), error: errorPayload }),
    }),
  };
}
