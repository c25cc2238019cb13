/**
 * The server session machine's legal moves as data, in the manner of h11:
 * for each event and phase, the phases the event may lead to
 * ({@linkcode SESSION_TRANSITIONS}); whose each event is
 * ({@linkcode SESSION_EVENT_SOURCES}); and every error code and close code
 * each event may make the server send ({@linkcode SESSION_ANSWERS},
 * {@linkcode SESSION_CLOSES}). session_machine.ts checks every step
 * against all three, so a code the server sends is always one listed here;
 * docs/PROTOCOL.md §12.3 is rendered from them (by _machine_docs.ts), and a
 * test walks the table and reaches every code in it.
 *
 * The codes of `undecodable` are the transport's: it decodes payloads
 * (PROTOCOL.md §7, §16) and says why one failed; the machine decides the
 * answer (`system:error`) and whether the connection ends
 * (`PROTOCOL_VIOLATION`).
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorCode } from "./errors.ts";
import { TOKEN_REFUSALS } from "./error_codes.ts";
import { EXPORT_ANSWERS } from "./export_table.ts";
import type { ClientMessage } from "./messages.ts";
import { CLOSE_CODES } from "./close_codes.ts";
import type { SessionEvent, SessionPhase } from "./session_state.ts";

/**
 * An event as the table names it: a client message by its `event`, a text
 * that does not parse as `malformed`, and every other event by its `type`.
 */
export type SessionEventKey =
  | ClientMessage["event"]
  | "malformed"
  | Exclude<SessionEvent["type"], "text">;

/**
 * Whose an event is: the client's (`peer`: what it sent), or the shell's
 * (the socket, the timer, the answers to effects, the server).
 */
export type SessionEventSource = "peer" | "shell";

/** The source of every event key, in documentation order. */
export const SESSION_EVENT_SOURCES: Readonly<Record<SessionEventKey, SessionEventSource>> = {
  "download:request": "peer",
  "download:resume": "peer",
  "download:estimate": "peer",
  "download:cancel": "peer",
  "download:ack": "peer",
  "status:check": "peer",
  "connection:health": "peer",
  "auth:nonce": "peer",
  "auth:authenticate": "peer",
  malformed: "peer",
  binary: "peer",
  undecodable: "peer",
  heard: "shell",
  sessionOpened: "shell",
  tokenChecked: "shell",
  verified: "shell",
  authorized: "shell",
  admitted: "shell",
  health: "shell",
  estimated: "shell",
  highWaterMark: "shell",
  rowCount: "shell",
  page: "shell",
  sourceFailed: "shell",
  drained: "shell",
  timeout: "shell",
  peerClosed: "shell",
  shutdown: "shell",
  fault: "shell",
};

/** Every event key, in documentation order. */
export const SESSION_EVENT_KEYS: readonly SessionEventKey[] = Object.keys(
  SESSION_EVENT_SOURCES,
) as SessionEventKey[];

/** For one phase, the phases each legal event may lead to. */
export type SessionRow = Readonly<Partial<Record<SessionEventKey, readonly SessionPhase[]>>>;

/** What every live phase does with the same events; `opening` reads no message. */
function live(phase: Exclude<SessionPhase, "closed">): SessionRow {
  const here = [phase];
  const ends = [phase, "closed"] as const;
  return {
    ...(phase === "opening" ? {} : { malformed: here, binary: here }),
    undecodable: ends,
    // Too many payloads a second end the connection (session_overload.ts).
    heard: ends,
    authorized: here,
    admitted: here,
    health: here,
    estimated: here,
    highWaterMark: here,
    rowCount: here,
    page: here,
    sourceFailed: here,
    // The socket holds more than a connection may leave unread: the connection ends.
    drained: ends,
    timeout: ends,
    peerClosed: ["closed"],
    shutdown: ["closed"],
    fault: here,
  };
}

/** The commands a signed-in session checks the signature of. */
const COMMANDS = [
  "download:request",
  "download:resume",
  "download:estimate",
  "download:cancel",
  "download:ack",
  "status:check",
  "connection:health",
] as const;

function commands(to: readonly SessionPhase[]): SessionRow {
  return Object.fromEntries(COMMANDS.map((key) => [key, to]));
}

/**
 * Every legal move, as data. In `opening` the machine reads no message (it
 * waits for the session's keys), so client messages are not listed there;
 * in `closed` every event is ignored.
 *
 * @example What may a right answer to the challenge lead to?
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { SESSION_TRANSITIONS } from "./session_table.ts";
 * deepStrictEqual(SESSION_TRANSITIONS.challenged["auth:authenticate"], ["opening", "closed"]);
 * ```
 */
export const SESSION_TRANSITIONS: Readonly<Record<SessionPhase, SessionRow>> = {
  guest: {
    ...live("guest"),
    ...commands(["guest"]),
    // Over a limit on failed sign-ins: SIGN_IN_RATE_LIMITED, and the connection ends.
    "auth:nonce": ["challenged", "closed"],
    // No challenge was issued: AUTH_NONCE_UNKNOWN, and the connection ends.
    "auth:authenticate": ["closed"],
  },
  challenged: {
    ...live("challenged"),
    ...commands(["challenged"]),
    "auth:nonce": ["challenged"],
    "auth:authenticate": ["opening", "closed"],
  },
  opening: {
    ...live("opening"),
    sessionOpened: ["signedIn"],
    // A token's verdict: refused (the connection ends), or on to the session's keys.
    tokenChecked: ["opening", "closed"],
    // The keys could not be made: the sign-in is refused (INTERNAL_ERROR), and the connection ends.
    fault: ["closed"],
  },
  signedIn: {
    ...live("signedIn"),
    // A sealed text that cannot be decoded ends the session (PROTOCOL.md §16).
    malformed: ["signedIn", "closed"],
    // A command of an expired session ends it (SESSION_EXPIRED).
    ...commands(["signedIn", "closed"]),
    "auth:nonce": ["signedIn"],
    // The one nonce is used: AUTH_NONCE_USED, and the connection ends.
    "auth:authenticate": ["closed"],
    verified: ["signedIn"],
  },
  closed: {},
};

/** Every phase, in documentation order. */
export const SESSION_PHASES: readonly SessionPhase[] = Object.keys(
  SESSION_TRANSITIONS,
) as SessionPhase[];

/**
 * What validating filters against the source's columns may refuse
 * (protocol/filter.ts). Dates and operator names were checked by the parser.
 */
const INVALID_FILTERS: readonly ErrorCode[] = [
  "UNKNOWN_COLUMN",
  "INVALID_OPERATOR",
  "INVALID_FILTER_VALUE",
  "TOO_MANY_FILTERS",
];

/**
 * What validating a request against the source may refuse (protocol/request.ts): its range,
 * filters, and columns (column_choice.ts: a name given twice, or none, is `INVALID_VALUE`).
 */
const INVALID_REQUEST: readonly ErrorCode[] = [
  "INVALID_RANGE",
  ...INVALID_FILTERS,
  "INVALID_VALUE",
];

/** What checking a command's `auth` may refuse before its signature is checked. */
const COMMAND_AUTH: readonly ErrorCode[] = [
  "COMMAND_UNSIGNED",
  "TOKEN_INVALID",
  "SESSION_EXPIRED",
  "COMMAND_STALE",
  "COMMAND_REPLAYED",
];

/** Commands of an unsigned connection, heartbeats aside, when anonymous access is off. */
const GATED: readonly ErrorCode[] = ["AUTH_REQUIRED", ...COMMAND_AUTH];

/** What an estimate shares with its download (session_estimate.ts). */
const ESTIMATE: readonly ErrorCode[] = [
  ...GATED,
  // The dataset the request names (session_datasets.ts): not the server's, or not this identity's.
  "UNKNOWN_DATASET",
  "FORBIDDEN",
  // The dataset's row rule (row_filter.ts): the identity has no value for it.
  "ROW_FILTER_CLAIM_MISSING",
  ...INVALID_REQUEST,
];

const START: readonly ErrorCode[] = [...ESTIMATE, "DUPLICATE_REQUEST", "TOO_MANY_DOWNLOADS"];

/**
 * Every error code each event may make the server send, on
 * `download:error`, `system:error` or a refused `auth:result`. After
 * `verified`, the command goes on as its own row says.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { SESSION_ANSWERS } from "./session_table.ts";
 * equal(SESSION_ANSWERS.timeout.includes("IDLE_TIMEOUT"), true);
 * ```
 */
export const SESSION_ANSWERS: Readonly<Record<SessionEventKey, readonly ErrorCode[]>> = {
  "download:request": START,
  "download:resume": START,
  "download:estimate": ESTIMATE,
  "download:cancel": [...GATED, "UNKNOWN_REQUEST"],
  "download:ack": [...GATED, "UNKNOWN_REQUEST", ...EXPORT_ANSWERS["download:ack"]],
  "status:check": [...GATED, "UNKNOWN_REQUEST"],
  "connection:health": COMMAND_AUTH,
  "auth:nonce": ["AUTH_IN_PROGRESS", "SIGN_IN_RATE_LIMITED"],
  "auth:authenticate": [
    "AUTH_NONCE_UNKNOWN",
    "AUTH_NONCE_USED",
    "AUTH_IDENTITY_MISMATCH",
    "AUTH_NONCE_EXPIRED",
    "AUTH_DELEGATION_EXPIRED",
    "AUTH_DELEGATION_TOO_LONG",
    "AUTH_CONTRACT_WALLET_UNSUPPORTED",
    "AUTH_BAD_SIGNATURE",
    "AUTH_UNKNOWN_IDENTITY",
    "AUTH_TOKEN_UNSUPPORTED",
    "SIGN_IN_RATE_LIMITED",
    // A delegation of a key that is not an Ethereum account's, a signature where a sealed token
    // belongs or the other way round, or a session key off the curve.
    "INVALID_VALUE",
  ],
  // The parser's codes (protocol/parse.ts), in its order of checks.
  malformed: [
    "MESSAGE_TOO_LARGE",
    "MALFORMED_JSON",
    "NESTING_TOO_DEEP",
    "FORBIDDEN_KEY",
    "UNKNOWN_EVENT",
    "UNEXPECTED_EVENT",
    "MISSING_FIELD",
    "UNKNOWN_FIELD",
    "INVALID_TYPE",
    "INVALID_VALUE",
    "NON_FINITE_NUMBER",
    "STRING_TOO_LONG",
    "ARRAY_TOO_LONG",
    "INVALID_DATE",
    "INVALID_OPERATOR",
    "UNSUPPORTED_FORMAT",
  ],
  binary: ["UNEXPECTED_EVENT"],
  // The transport's decoding codes (PROTOCOL.md §7, §16), a flood, and a send that failed.
  undecodable: [
    "FRAME_TRUNCATED",
    "FRAME_VERSION",
    "FRAME_TYPE",
    "FRAME_FLAGS",
    "FRAME_FIELD",
    "MESSAGE_TOO_LARGE",
    "MALFORMED_JSON",
    "UNSEALED_MESSAGE",
    "REPLAYED_FRAME",
    "REORDERED_FRAME",
    "DECRYPTION_FAILED",
    "TOO_MANY_MESSAGES",
    "INTERNAL_ERROR",
  ],
  heard: ["TOO_MANY_MESSAGES"],
  sessionOpened: [],
  // The shell's verdict on a sealed token (session_token.ts).
  tokenChecked: TOKEN_REFUSALS,
  verified: ["COMMAND_SIGNATURE_INVALID"],
  // The hook's filters are validated as the client's were; its time range is the client's.
  authorized: ["FORBIDDEN", "INTERNAL_ERROR", ...INVALID_FILTERS],
  admitted: ["TOO_MANY_DOWNLOADS", "RATE_LIMITED"],
  health: [],
  // The source failed the reads (as a download's would), or a cell did not fit its column.
  estimated: EXPORT_ANSWERS.sourceFailed,
  highWaterMark: EXPORT_ANSWERS.highWaterMark,
  rowCount: EXPORT_ANSWERS.rowCount,
  page: EXPORT_ANSWERS.page,
  sourceFailed: EXPORT_ANSWERS.sourceFailed,
  drained: ["SEND_QUEUE_FULL"],
  timeout: ["IDLE_TIMEOUT", "SIGN_IN_TIMEOUT", "READER_STALLED"],
  peerClosed: [],
  shutdown: ["SERVER_SHUTTING_DOWN"],
  fault: ["INTERNAL_ERROR"],
};

const { GOING_AWAY, PROTOCOL_VIOLATION, SIGN_IN_FAILED, IDLE_TIMEOUT, SLOW_READER } =
  CLOSE_CODES.reconnect;

/**
 * Every close code each event may make the server close with, from the
 * table of close_codes.ts.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { CLOSE_CODES } from "./close_codes.ts";
 * import { SESSION_CLOSES } from "./session_table.ts";
 * const { IDLE_TIMEOUT, SIGN_IN_FAILED, SLOW_READER } = CLOSE_CODES.reconnect;
 * deepStrictEqual(SESSION_CLOSES.timeout, [IDLE_TIMEOUT.code, SIGN_IN_FAILED.code, SLOW_READER.code]);
 * ```
 */
export const SESSION_CLOSES: Readonly<Record<SessionEventKey, readonly number[]>> = everyKey({
  ...Object.fromEntries(COMMANDS.map((key) => [key, [SIGN_IN_FAILED.code]])),
  "auth:nonce": [SIGN_IN_FAILED.code],
  "auth:authenticate": [SIGN_IN_FAILED.code],
  tokenChecked: [SIGN_IN_FAILED.code],
  undecodable: [PROTOCOL_VIOLATION.code],
  malformed: [PROTOCOL_VIOLATION.code],
  heard: [PROTOCOL_VIOLATION.code],
  drained: [SLOW_READER.code],
  timeout: [IDLE_TIMEOUT.code, SIGN_IN_FAILED.code, SLOW_READER.code],
  shutdown: [GOING_AWAY.code],
  fault: [SIGN_IN_FAILED.code],
});

/** A list for every event key: the ones given, and none for the rest. */
function everyKey<T>(
  given: Partial<Record<SessionEventKey, readonly T[]>>,
): Record<SessionEventKey, readonly T[]> {
  const out = {} as Record<SessionEventKey, readonly T[]>;
  for (const key of SESSION_EVENT_KEYS) out[key] = given[key] ?? [];
  return out;
}

/**
 * The table key of an event; a `text` event's is that of its parsed
 * message, given by the caller that parsed it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sessionEventKey } from "./session_table.ts";
 * equal(sessionEventKey({ type: "timeout" }), "timeout");
 * ```
 */
export function sessionEventKey(
  event: Exclude<SessionEvent, { type: "text" }>,
): SessionEventKey {
  return event.type;
}
