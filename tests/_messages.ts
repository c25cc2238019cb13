// One well-formed example of every message, both directions; shared by the tests.
import type { ClientMessage, DownloadRequest, ServerMessage } from "../protocol/messages.ts";
import type { ErrorResponse } from "../protocol/errors.ts";

export const REQUEST: DownloadRequest = {
  searchParams: {
    timeFrom: "2024-01-01T00:00:00.000Z",
    timeTo: "2024-02-01",
    filters: [
      { field: "symbol", operator: "in", value: ["BTC-USD", "ETH-USD"] },
      { field: "price", operator: "between", value: ["100.5", "200"] },
      { field: "maker", operator: "eq", value: true },
    ],
  },
  outputFormat: "csv",
  compression: true,
};

const env = { timestamp: 1_710_923_400_123, requestId: "dl-1" };
const PUBKEY = "02" + "a".repeat(64);
const ERROR: ErrorResponse = {
  code: "UNKNOWN_COLUMN",
  message: "No such column.",
  recoverable: false,
};

export const CLIENT_MESSAGES: readonly ClientMessage[] = [
  { event: "download:request", data: REQUEST, ...env },
  { event: "download:request", data: { ...REQUEST, neutralizeFormulas: false }, ...env },
  { event: "download:cancel", data: {}, ...env },
  { event: "download:ack", data: { sequence: 41 }, ...env },
  {
    event: "download:resume",
    data: {
      request: REQUEST,
      resume: {
        highWaterMark: "1000000",
        cursor: "5120",
        sequence: 3,
        rows: 5120,
        bytes: 360_000,
        digest: "5d".repeat(32),
      },
    },
    ...env,
  },
  { event: "status:check", data: {}, ...env, requestId: "st-1" },
  { event: "status:check", data: { requestId: "dl-1" }, ...env, requestId: "st-2" },
  { event: "connection:health", data: {}, ...env, requestId: "ping-1" },
  {
    event: "auth:nonce",
    data: { identity: { kind: "secp256k1", publicKey: PUBKEY }, sessionKey: `03${"b".repeat(64)}` },
    ...env,
  },
  {
    event: "auth:authenticate",
    data: {
      identity: { kind: "ethereum", address: "0x" + "Ab".repeat(20) },
      nonce: "0f".repeat(32),
      signature: "1c".repeat(65),
    },
    ...env,
  },
  {
    event: "download:cancel",
    data: {},
    ...env,
    auth: { token: "t0k3n", timestamp: 1_710_923_400_000, signature: "ab".repeat(64) },
  },
  {
    event: "download:estimate",
    data: { ...REQUEST, searchParams: { ...REQUEST.searchParams, columns: ["ts", "price"] } },
    ...env,
    requestId: "es-1",
  },
];

export const SERVER_MESSAGES: readonly ServerMessage[] = [
  {
    event: "download:start",
    data: {
      totalRows: 1_000_000,
      columns: [{ name: "id", type: "integer" }, { name: "price", type: "decimal" }],
      highWaterMark: "1000000",
      outputFormat: "csv",
      compression: false,
      resumed: false,
    },
    ...env,
  },
  {
    event: "download:progress",
    data: {
      requestId: "dl-1",
      progress: 12.5,
      processedRows: 125_000,
      totalRows: 1_000_000,
      speed: 250_000.5,
      estimatedTimeRemaining: 3500,
      processedBytes: 8_000_000,
    },
    ...env,
  },
  {
    event: "download:complete",
    data: { rows: 1_000_000, bytes: 67_000_000, digest: "e3".repeat(32), durationMs: 4000 },
    ...env,
  },
  { event: "download:error", data: ERROR, ...env },
  {
    event: "download:error",
    data: {
      code: "TOO_MANY_DOWNLOADS",
      message: "Too many.",
      recoverable: true,
      retryAfter: 1000,
      details: { limit: 4, path: "data", strict: true },
    },
    ...env,
  },
  { event: "download:cancelled", data: { rows: 10, bytes: 700 }, ...env },
  {
    event: "status:update",
    data: {
      downloads: [{
        requestId: "dl-1",
        phase: "streaming",
        processedRows: 5,
        totalRows: 9,
        processedBytes: 300,
      }],
    },
    ...env,
  },
  { event: "system:error", data: ERROR, ...env },
  {
    event: "connection:health",
    data: {
      status: "ok",
      serverTime: 1_710_923_400_200,
      uptimeMs: 5000,
      connections: 3,
      activeDownloads: 2,
      load: 0.42,
    },
    ...env,
    requestId: "ping-1",
  },
  {
    event: "auth:challenge",
    data: {
      nonce: "0f".repeat(32),
      issuedAt: 1_710_923_400_123,
      expiresAt: 1_710_923_460_123,
      origin: "ws://127.0.0.1:8080",
      sessionKey: `02${"c".repeat(64)}`,
      serverKey: `03${"d".repeat(64)}`,
      serverSignature: "e".repeat(128),
      encryption: true,
      chainId: 1,
    },
    ...env,
  },
  {
    event: "auth:result",
    data: { authenticated: true, token: "t0k3n", expiresAt: 1_710_927_000_000 },
    ...env,
  },
  { event: "auth:result", data: { authenticated: false, error: ERROR }, ...env },
  {
    event: "download:estimate",
    data: {
      rows: 1234,
      exact: true,
      bytes: 98_765,
      preview: [{
        ts: "2024-01-01T00:00:00.000Z",
        price: "42000.50000000",
        maker: true,
        note: null,
      }],
      values: { symbol: ["BTC-USD", "ETH-USD"] },
      maxRows: 5_000_000,
    },
    ...env,
    requestId: "es-1",
  },
];
