/**
 * The table of wire events: every control message's `event` string, who may
 * send it, and why it exists (docs/PROTOCOL.md §4). The first nine are the
 * protocol's original events; the rest follow their `area:verb` form.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Who sends an event: the client, the server, or either. */
export type Direction = "client" | "server" | "both";

/**
 * Every event of the protocol, keyed by a constant name.
 *
 * @example Compare an incoming event name
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { EVENTS } from "./events.ts";
 * const isStart = (event: string) => event === EVENTS.DOWNLOAD_START;
 * equal(isStart("download:start"), true);
 * ```
 */
export const EVENTS = {
  // The original nine.
  DOWNLOAD_REQUEST: "download:request",
  DOWNLOAD_START: "download:start",
  DOWNLOAD_PROGRESS: "download:progress",
  DOWNLOAD_COMPLETE: "download:complete",
  DOWNLOAD_ERROR: "download:error",
  STATUS_UPDATE: "status:update",
  STATUS_CHECK: "status:check",
  SYSTEM_ERROR: "system:error",
  CONNECTION_HEALTH: "connection:health",
  // Added by sluice.
  DOWNLOAD_CANCEL: "download:cancel",
  DOWNLOAD_CANCELLED: "download:cancelled",
  DOWNLOAD_ACK: "download:ack",
  DOWNLOAD_RESUME: "download:resume",
  AUTH_NONCE: "auth:nonce",
  AUTH_CHALLENGE: "auth:challenge",
  AUTH_AUTHENTICATE: "auth:authenticate",
  AUTH_RESULT: "auth:result",
  DOWNLOAD_ESTIMATE: "download:estimate",
} as const;

/** The string value of any wire event, e.g. `"download:request"`. */
export type EventName = typeof EVENTS[keyof typeof EVENTS];

/** Sender and purpose of each event; docs/PROTOCOL.md is generated from it. */
export interface EventInfo {
  /** Who may send the event. */
  readonly direction: Direction;
  /** One line on what the event means. */
  readonly summary: string;
}

/**
 * Sender and one-line summary of every event, as data.
 *
 * @example List what a client may send
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { EVENT_TABLE } from "./events.ts";
 * const fromClient = Object.entries(EVENT_TABLE)
 *   .filter(([, info]) => info.direction !== "server")
 *   .map(([name]) => name);
 * ok(fromClient.includes("download:request"));
 * ```
 */
export const EVENT_TABLE: Readonly<Record<EventName, EventInfo>> = {
  "download:request": {
    direction: "client",
    summary: "ask for the rows of a time range that pass filters",
  },
  "download:start": {
    direction: "server",
    summary: "the export is accepted: total rows, columns, pinned high-water mark",
  },
  "download:progress": {
    direction: "server",
    summary: "batched progress: percent, rows, speed, time remaining",
  },
  "download:complete": {
    direction: "server",
    summary: "all bytes sent: rows, bytes, digest of the whole payload, duration",
  },
  "download:error": {
    direction: "server",
    summary: "the download (or a command about it) failed: an ErrorResponse",
  },
  "status:update": {
    direction: "server",
    summary: "answer to status:check: the state of one or all downloads",
  },
  "status:check": {
    direction: "client",
    summary: "ask for the state of one download, or of all",
  },
  "system:error": {
    direction: "server",
    summary: "an error not tied to a download, e.g. an unparsable message",
  },
  "connection:health": {
    direction: "both",
    summary: "client ping; server pong with its time and load",
  },
  "download:cancel": {
    direction: "client",
    summary: "stop a download at once",
  },
  "download:cancelled": {
    direction: "server",
    summary: "a cancelled download has stopped: rows and bytes sent",
  },
  "download:ack": {
    direction: "client",
    summary: "flow control: data frames up to a sequence number are consumed",
  },
  "download:resume": {
    direction: "client",
    summary: "continue a download from the cursor of its last complete frame",
  },
  "auth:nonce": {
    direction: "client",
    summary: "present an identity, ask for a challenge",
  },
  "auth:challenge": {
    direction: "server",
    summary: "a single-use nonce with its expiry",
  },
  "auth:authenticate": {
    direction: "client",
    summary: "identity and signature over the challenge",
  },
  "auth:result": {
    direction: "server",
    summary: "authenticated or not, with a session token or an ErrorResponse",
  },
  "download:estimate": {
    direction: "both",
    summary: "client: how big would this download be; server: rows, bytes, first rows, values",
  },
};

const NAMES: ReadonlySet<string> = new Set(Object.values(EVENTS));

/**
 * Narrows an untrusted string to a known event name.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isEventName } from "./events.ts";
 * equal(isEventName("download:request"), true);
 * equal(isEventName("download:explode"), false);
 * ```
 */
export function isEventName(value: string): value is EventName {
  return NAMES.has(value);
}
