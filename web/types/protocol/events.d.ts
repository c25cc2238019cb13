// Generated from protocol/events.ts by `deno task bundle`; do not edit.
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
export declare const EVENTS: {
    readonly DOWNLOAD_REQUEST: "download:request";
    readonly DOWNLOAD_START: "download:start";
    readonly DOWNLOAD_PROGRESS: "download:progress";
    readonly DOWNLOAD_COMPLETE: "download:complete";
    readonly DOWNLOAD_ERROR: "download:error";
    readonly STATUS_UPDATE: "status:update";
    readonly STATUS_CHECK: "status:check";
    readonly SYSTEM_ERROR: "system:error";
    readonly CONNECTION_HEALTH: "connection:health";
    readonly DOWNLOAD_CANCEL: "download:cancel";
    readonly DOWNLOAD_CANCELLED: "download:cancelled";
    readonly DOWNLOAD_ACK: "download:ack";
    readonly DOWNLOAD_RESUME: "download:resume";
    readonly AUTH_NONCE: "auth:nonce";
    readonly AUTH_CHALLENGE: "auth:challenge";
    readonly AUTH_AUTHENTICATE: "auth:authenticate";
    readonly AUTH_RESULT: "auth:result";
    readonly DOWNLOAD_ESTIMATE: "download:estimate";
};
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
export declare const EVENT_TABLE: Readonly<Record<EventName, EventInfo>>;
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
export declare function isEventName(value: string): value is EventName;
