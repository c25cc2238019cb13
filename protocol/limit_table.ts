/**
 * Every bound a server puts on what one peer may make it do or hold, as
 * one table (docs/PROTOCOL.md §19 is rendered from it): the bound, the
 * `createServer` option and the server flag that set it, its default, what
 * happens past it (the code, and the close code or HTTP status), and the
 * test that proves it, by file and exact name. tests/protocol_doc_test.ts
 * checks that every test named exists and that the tests of
 * tests/limits_test.ts are the table's, one to one; server/limit_flags.ts
 * reads the flags from it.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { CLOSE_CODES } from "./close_codes.ts";
import type { ErrorCode } from "./error_table.ts";
import { DEFAULT_FILTER_LIMITS } from "./filter.ts";
import { DEFAULT_PARSE_LIMITS } from "./parse.ts";
import { MAX_RESUME_COUNT, MAX_RESUME_SEQUENCE } from "./resume_bounds.ts";
import { DEFAULT_SERVER_BOUNDS, DEFAULT_SESSION_BOUNDS } from "./session_bounds.ts";
import { DEFAULT_SIGN_IN_LIMITS } from "./sign_in_limits.ts";

/** A test, by its file under tests/ and its exact name. */
export interface LimitTest {
  /** The file, e.g. `limits_test.ts`. */
  readonly file: string;
  /** The test's name, as it is registered. */
  readonly name: string;
}

/** One bound. */
export interface LimitRow {
  /** What is bounded, in words. */
  readonly limit: string;
  /**
   * The `createServer` option, as a path (`limits.maxRowsPerRequest`), or
   * the upgrade guard's (`serveGuarded.headTimeoutMs`, server/upgrade_guard.ts,
   * which the server program puts in front); none when fixed.
   */
  readonly option?: string;
  /** The server flag (also `SLUICE_` and the flag's name in capitals, as an environment variable). */
  readonly flag?: string;
  /** The default, in words (`65,536 bytes`, `none`). */
  readonly default: string;
  /** What happens past it. */
  readonly over: string;
  /** The error code sent, if any. */
  readonly code?: ErrorCode;
  /** The close code, or the HTTP status of a refused upgrade, if any. */
  readonly close?: number;
  /** The test that proves it. */
  readonly test: LimitTest;
}

const limits = (name: string): LimitTest => ({ file: "limits_test.ts", name });
const signInLimits = (name: string): LimitTest => ({ file: "sign_in_failures_test.ts", name });
const guard = (name: string): LimitTest => ({ file: "upgrade_guard_test.ts", name });
const n = (value: number): string => value.toLocaleString("en-US");
const { PROTOCOL_VIOLATION, SLOW_READER, SIGN_IN_FAILED, IDLE_TIMEOUT } = CLOSE_CODES.reconnect;

/**
 * The table, in the order a connection meets the bounds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { CLOSE_CODES } from "./close_codes.ts";
 * import { LIMIT_TABLE } from "./limit_table.ts";
 * const stall = LIMIT_TABLE.find((row) => row.flag === "--stall-timeout-ms");
 * equal(stall?.code, "READER_STALLED");
 * equal(stall?.close, CLOSE_CODES.reconnect.SLOW_READER.code);
 * ```
 */
export const LIMIT_TABLE: readonly LimitRow[] = [
  {
    limit: "connections open at once from one remote address (an IPv6 /64)",
    option: "maxConnectionsPerAddress",
    flag: "--max-connections-per-address",
    default: n(DEFAULT_SERVER_BOUNDS.maxConnectionsPerAddress),
    over: "the upgrade is refused; a connection counts until its socket closes",
    close: 429,
    test: {
      file: "connection_limits_test.ts",
      name:
        "an address over maxConnectionsPerAddress is refused with 429, until one of its connections closes",
    },
  },
  {
    limit: "connections open at once",
    option: "maxConnections",
    flag: "--max-connections",
    default: n(DEFAULT_SERVER_BOUNDS.maxConnections),
    over: "the upgrade is refused",
    close: 503,
    test: {
      file: "connection_limits_test.ts",
      name: "a server at maxConnections refuses more upgrades with 503",
    },
  },
  {
    limit: "time to send a complete request head (the upgrade request)",
    option: "serveGuarded.headTimeoutMs",
    flag: "--upgrade-timeout-ms",
    default: "10,000 ms",
    over: "answered, and the connection closed (§19.2)",
    close: 408,
    test: guard(
      "half-sent upgrade requests are answered 408 and closed after headTimeoutMs, and a download beside them goes on",
    ),
  },
  {
    limit: "connections still sending their request head, from one remote address (an IPv6 /64)",
    option: "serveGuarded.maxPendingPerAddress",
    flag: "--max-pending-upgrades-per-address",
    default: "32",
    over: "the new connection is answered and closed",
    close: 429,
    test: guard("connections still sending their head from one address are bounded: 429"),
  },
  {
    limit: "connections still sending their request head, in all",
    option: "serveGuarded.maxPending",
    flag: "--max-pending-upgrades",
    default: "1,024",
    over: "the new connection is answered and closed",
    close: 503,
    test: guard("connections still sending their head are bounded in all: 503"),
  },
  {
    limit: "size of a request head",
    option: "serveGuarded.maxHeadBytes",
    flag: "--max-head-bytes",
    default: "16,384 bytes",
    over: "answered, and the connection closed",
    close: 431,
    test: guard("a request head over maxHeadBytes is answered 431"),
  },
  {
    limit: "time one write to a peer may take (a peer that reads nothing)",
    option: "serveGuarded.writeStallMs",
    flag: "--write-stall-ms",
    default: "45,000 ms",
    over: "the TCP connection is cut, without a close frame (§19.1, §19.2)",
    test: guard(
      "a peer that stops reading is cut off after writeStallMs, its download ended on the server",
    ),
  },
  {
    limit: "size of one WebSocket message from a peer, fragments together",
    option: "serveGuarded.maxMessageBytes",
    flag: "--max-websocket-message-bytes",
    default: "4,194,304 bytes",
    over: "the connection is closed with 1009, from the frame's header (§19.3)",
    test: guard("a WebSocket message over maxMessageBytes is refused with 1009 from its header"),
  },
  {
    limit: "time to sign in, when anonymous access is off",
    option: "signInTimeoutMs",
    flag: "--sign-in-timeout-ms",
    default: "60,000 ms",
    over: "the connection is closed, heartbeats or not",
    code: "SIGN_IN_TIMEOUT",
    close: SIGN_IN_FAILED.code,
    test: limits(
      "a connection that does not sign in within signInTimeoutMs is closed with SIGN_IN_TIMEOUT, then SIGN_IN_FAILED",
    ),
  },
  {
    limit: "failed sign-ins from one remote address (an IPv6 /64), draining back as many a minute",
    option: "signInLimits.failuresPerAddress",
    flag: "--sign-in-failures-per-address",
    default: n(DEFAULT_SIGN_IN_LIMITS.failuresPerAddress),
    over: "a sign-in is refused before its challenge is made or its signature checked, with " +
      "`retryAfter`, and the connection is closed (§19.5)",
    code: "SIGN_IN_RATE_LIMITED",
    close: SIGN_IN_FAILED.code,
    test: signInLimits(
      "an address past signInLimits.failuresPerAddress is refused with SIGN_IN_RATE_LIMITED and retryAfter, then SIGN_IN_FAILED, whatever identity it names",
    ),
  },
  {
    limit: "failed sign-ins for one identity, from any address, draining back as many a minute",
    option: "signInLimits.failuresPerIdentity",
    flag: "--sign-in-failures-per-identity",
    default: n(DEFAULT_SIGN_IN_LIMITS.failuresPerIdentity),
    over: "a sign-in for that identity is refused before its challenge is made or its signature " +
      "checked, with `retryAfter`, and the connection is closed (§19.5)",
    code: "SIGN_IN_RATE_LIMITED",
    close: SIGN_IN_FAILED.code,
    test: signInLimits(
      "an identity past signInLimits.failuresPerIdentity is refused with SIGN_IN_RATE_LIMITED and retryAfter, then SIGN_IN_FAILED",
    ),
  },
  {
    limit: "time without any message from the client",
    option: "idleTimeoutMs",
    flag: "--idle-timeout-ms",
    default: "60,000 ms",
    over: "the connection is closed",
    code: "IDLE_TIMEOUT",
    close: IDLE_TIMEOUT.code,
    test: limits(
      "a connection silent for idleTimeoutMs is closed with IDLE_TIMEOUT, and the close code of that name",
    ),
  },
  {
    limit: "size of a control message, in UTF-8 bytes (after inflating)",
    option: "parseLimits.maxMessageBytes",
    flag: "--max-message-bytes",
    default: `${n(DEFAULT_PARSE_LIMITS.maxMessageBytes)} bytes`,
    over: "the message is refused and the connection goes on; in a sealed session it ends (4400)",
    code: "MESSAGE_TOO_LARGE",
    test: limits(
      "a message over maxMessageBytes is refused with MESSAGE_TOO_LARGE and the connection goes on",
    ),
  },
  {
    limit: "messages received and waiting to be handled",
    option: "maxWaitingMessages",
    flag: "--max-waiting-messages",
    default: n(DEFAULT_SERVER_BOUNDS.maxWaitingMessages),
    over: "the connection is closed (a client waits for answers and never has many in flight)",
    code: "TOO_MANY_MESSAGES",
    close: PROTOCOL_VIOLATION.code,
    test: limits(
      "more than maxWaitingMessages messages waiting end the connection with TOO_MANY_MESSAGES, then PROTOCOL_VIOLATION",
    ),
  },
  {
    limit: "messages a second, sustained (as many may come at once); a refused one counts as 10",
    option: "maxMessagesPerSecond",
    flag: "--max-messages-per-second",
    default: n(DEFAULT_SESSION_BOUNDS.maxMessagesPerSecond),
    over: "the connection is closed",
    code: "TOO_MANY_MESSAGES",
    close: PROTOCOL_VIOLATION.code,
    test: limits(
      "more messages a second than maxMessagesPerSecond end the connection with TOO_MANY_MESSAGES, then PROTOCOL_VIOLATION",
    ),
  },
  {
    limit: "bytes queued for one connection and not yet read by the client",
    option: "maxQueuedBytes",
    flag: "--max-queued-bytes",
    default: `${n(DEFAULT_SESSION_BOUNDS.maxQueuedBytes)} bytes`,
    over: "past it the server reads nothing more from the connection; more queued closes it at " +
      "once",
    code: "SEND_QUEUE_FULL",
    close: SLOW_READER.code,
    test: {
      file: "hostile_peer_test.ts",
      name:
        "a peer that asks and never reads is closed at its queue's bound, and the server holds no connection for it",
    },
  },
  {
    limit: "bytes queued for all connections together",
    option: "maxQueuedBytesTotal",
    flag: "--max-queued-bytes-total",
    default: `${n(DEFAULT_SERVER_BOUNDS.maxQueuedBytesTotal)} bytes`,
    over: "every connection waiting for its socket to drain with at least its fair share of " +
      "the total (the total over the connections holding some) is closed, and new upgrades " +
      "are refused (503) meanwhile",
    code: "SEND_QUEUE_FULL",
    close: SLOW_READER.code,
    test: limits(
      "over maxQueuedBytesTotal a connection behind on reading is closed with SEND_QUEUE_FULL, then SLOW_READER",
    ),
  },
  {
    limit: "time a socket the server waits for makes no progress",
    option: "stallTimeoutMs",
    flag: "--stall-timeout-ms",
    default: `${n(DEFAULT_SESSION_BOUNDS.stallTimeoutMs)} ms`,
    over: "the connection is aborted: the server lets it go at once (§19.1)",
    code: "READER_STALLED",
    close: SLOW_READER.code,
    test: {
      file: "hostile_peer_test.ts",
      name: "a download whose reader stops reading is aborted after the stall timeout, not held",
    },
  },
  {
    limit: "downloads running at once on one connection",
    option: "maxDownloadsPerConnection",
    flag: "--max-downloads-per-connection",
    default: "8",
    over: "the download is refused on `download:error`",
    code: "TOO_MANY_DOWNLOADS",
    test: limits("a download past maxDownloadsPerConnection is refused with TOO_MANY_DOWNLOADS"),
  },
  {
    limit: "downloads running at once for one signed-in identity, over its connections",
    option: "limits.maxConcurrentDownloads",
    flag: "--max-downloads-per-identity",
    default: "none",
    over: "the download is refused on `download:error`",
    code: "TOO_MANY_DOWNLOADS",
    test: limits(
      "a download past an identity's maxConcurrentDownloads is refused with TOO_MANY_DOWNLOADS",
    ),
  },
  {
    limit: "downloads one signed-in identity starts in any 60 s",
    option: "limits.requestsPerMinute",
    flag: "--downloads-per-minute",
    default: "none",
    over: "the download is refused on `download:error`, with `retryAfter`",
    code: "RATE_LIMITED",
    test: limits(
      "a download past an identity's requestsPerMinute is refused with RATE_LIMITED and retryAfter",
    ),
  },
  {
    limit: "rows of one download",
    option: "limits.maxRowsPerRequest",
    flag: "--max-rows-per-request",
    default: "none",
    over: "the download is refused on `download:error` once its rows are counted",
    code: "ROW_LIMIT_EXCEEDED",
    test: limits(
      "a download of more rows than maxRowsPerRequest is refused with ROW_LIMIT_EXCEEDED",
    ),
  },
  {
    limit: "filters in one request",
    option: "requestLimits.maxFilters",
    flag: "--max-filters",
    default: n(DEFAULT_FILTER_LIMITS.maxFilters),
    over: "the download is refused on `download:error`",
    code: "TOO_MANY_FILTERS",
    test: limits("a request with more filters than maxFilters is refused with TOO_MANY_FILTERS"),
  },
  {
    limit: "values in one `in` filter",
    option: "requestLimits.maxInValues",
    flag: "--max-filter-values",
    default: n(DEFAULT_FILTER_LIMITS.maxInValues),
    over: "the download is refused on `download:error`",
    code: "INVALID_FILTER_VALUE",
    test: limits(
      "an in filter with more values than maxInValues is refused with INVALID_FILTER_VALUE",
    ),
  },
  {
    limit: "a resume point's `sequence`; its `rows` and `bytes`",
    default: `${n(MAX_RESUME_SEQUENCE)}; ${n(MAX_RESUME_COUNT)} (fixed)`,
    over: "the resume is refused on `download:error`: the rest of the download would not fit " +
      "the frame counters (§7)",
    code: "INVALID_VALUE",
    test: {
      file: "resume_bounds_test.ts",
      name: "a resume point's sequence, rows and bytes past their bounds are INVALID_VALUE",
    },
  },
];

/**
 * The table as Markdown, for docs/PROTOCOL.md §19.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LIMIT_TABLE, limitTableMarkdown } from "./limit_table.ts";
 * equal(limitTableMarkdown().split("\n").length, LIMIT_TABLE.length + 2);
 * ```
 */
export function limitTableMarkdown(): string {
  const cell = (text: string | number | undefined) =>
    text === undefined ? "—" : String(text).replaceAll("|", "\\|");
  return [
    "| limit | option | flag | default | past it | code | close / HTTP | test |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...LIMIT_TABLE.map((row) =>
      [
        cell(row.limit),
        row.option === undefined ? "—" : `\`${row.option}\``,
        row.flag === undefined ? "—" : `\`${row.flag}\``,
        cell(row.default),
        cell(row.over),
        row.code === undefined ? "—" : `\`${row.code}\``,
        cell(row.close),
        `\`${row.test.file}\`: ${cell(row.test.name)}`,
      ].join(" | ")
    ).map((line) => `| ${line} |`),
  ].join("\n");
}
