// A scenario for every error code and close code of the server session machine's table, by
// the event the table lists it for: tests/session_table_test.ts runs each and checks that the
// step of that event sent the code.
import { errorResponse } from "../protocol/errors.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { SESSION_ANSWERS, type SessionEventKey } from "../protocol/session_table.ts";
import { SERVER_PORTS } from "../server/export_ports.ts";
import { ALL, Driver, estimateOf, requestOf, resumeOf } from "./_session_driver.ts";
import { ESTIMATED } from "./_estimate_scenarios.ts";
import { MALFORMED } from "./_malformed_texts.ts";
import { MEMORY_SCHEMA } from "./_memory_source.ts";
import { AUTHENTICATE, limitedChallenge, signedIn, TOKEN_CHECKED } from "./_sign_in_scenarios.ts";
import { BOUND_CLOSE_SCENARIOS, BOUND_SCENARIOS } from "./_bound_scenarios.ts";

/** A run of the machine that ends in the step a code is expected from. */
export type Scenario = () => Driver;

const RESUME = {
  highWaterMark: "100",
  cursor: "",
  sequence: 0,
  rows: 0,
  bytes: 0,
  digest: "00".repeat(32),
};

/** A message of each command kind, for request id `id`. */
const COMMANDS: Record<string, (id: string) => ClientMessage> = {
  "download:request": (id) => requestOf(id),
  "download:resume": (id) => resumeOf(id, RESUME),
  "download:estimate": (id) => estimateOf(id),
  "download:cancel": (id) => ({ event: "download:cancel", data: {}, timestamp: 0, requestId: id }),
  "download:ack": (id) => ({
    event: "download:ack",
    data: { sequence: 0 },
    timestamp: 0,
    requestId: id,
  }),
  "status:check": (id) => ({ event: "status:check", data: {}, timestamp: 0, requestId: id }),
  "connection:health": (id) => ({
    event: "connection:health",
    data: {},
    timestamp: 0,
    requestId: id,
  }),
};

const INVALID = {
  UNKNOWN_COLUMN: [{ field: "colour", operator: "eq", value: "red" }],
  INVALID_OPERATOR: [{ field: "maker", operator: "gt", value: true }],
  INVALID_FILTER_VALUE: [{ field: "price", operator: "eq", value: "cheap" }],
  TOO_MANY_FILTERS: Array(33).fill({ field: "id", operator: "gt", value: 1 }),
};

/** Scenarios for the codes every command shares: the gate. */
function gateScenarios(key: string): Record<string, Scenario> {
  const make = COMMANDS[key];
  return {
    AUTH_REQUIRED: () => {
      const d = new Driver({ tuning: { signIn: { anonymous: false } } });
      d.receive(make("r"));
      return d;
    },
    COMMAND_UNSIGNED: () => {
      const d = signedIn();
      d.receive(make("r"));
      return d;
    },
    TOKEN_INVALID: () => {
      const d = signedIn();
      d.receive(d.signed(make("r"), { token: "00".repeat(16) }));
      return d;
    },
    SESSION_EXPIRED: () => {
      const d = signedIn({ tuning: { signIn: { anonymous: false, sessionTtlMs: 1000 } } });
      d.now += 2000;
      d.receive(d.signed(make("r")));
      return d;
    },
    COMMAND_STALE: () => {
      const d = signedIn();
      d.receive(d.signed(make("r"), { timestamp: d.now - 60_000 }));
      return d;
    },
    COMMAND_REPLAYED: () => {
      const d = signedIn();
      const first = d.signed(make("r"));
      d.receive(first);
      d.receive(d.signed(make("r2"), { timestamp: first.auth!.timestamp }));
      return d;
    },
  };
}

function startScenarios(
  key: "download:request" | "download:resume" | "download:estimate",
): Record<string, Scenario> {
  const make = (id: string, request = ALL) =>
    key === "download:request"
      ? requestOf(id, request)
      : key === "download:resume"
      ? resumeOf(id, RESUME, request)
      : estimateOf(id, request);
  const invalid = (filters: unknown[]) => () => {
    const d = new Driver();
    d.receive(
      make("r", { ...ALL, searchParams: { ...ALL.searchParams, filters: filters as never } }),
    );
    return d;
  };
  return {
    ...gateScenarios(key),
    DUPLICATE_REQUEST: () => {
      const d = new Driver({ source: false });
      d.receive(make("r"));
      d.receive(make("r"));
      return d;
    },
    TOO_MANY_DOWNLOADS: () => {
      const d = new Driver({ source: false, tuning: { maxDownloads: 1 } });
      d.receive(make("a"));
      d.receive(make("b"));
      return d;
    },
    UNKNOWN_DATASET: () => {
      const d = new Driver({ tuning: { datasets: [{ name: "trades", schema: MEMORY_SCHEMA }] } });
      d.receive(make("r", { ...ALL, searchParams: { ...ALL.searchParams, dataset: "orders" } }));
      return d;
    },
    FORBIDDEN: () => {
      // An anonymous client, and a dataset only one key may download.
      const allow = new Set(["02" + "11".repeat(32)]);
      const d = new Driver({
        tuning: { datasets: [{ name: "trades", schema: MEMORY_SCHEMA, allow }] },
      });
      d.receive(make("r"));
      return d;
    },
    ROW_FILTER_CLAIM_MISSING: () => {
      // An anonymous client, and a dataset that shows each token its own rows.
      const d = new Driver({ tuning: { rowFilter: { column: "user_id", claim: "acct" } } });
      d.receive(make("r"));
      return d;
    },
    INVALID_RANGE: () => {
      const d = new Driver();
      d.receive(make("r", {
        ...ALL,
        searchParams: { timeFrom: "2025-01-01", timeTo: "2024-01-01", filters: [] },
      }));
      return d;
    },
    ...Object.fromEntries(Object.entries(INVALID).map(([code, f]) => [code, invalid(f)])),
    // A column chosen twice (column_choice.ts).
    INVALID_VALUE: () => {
      const d = new Driver();
      const searchParams = { ...ALL.searchParams, columns: ["id", "id"] };
      d.receive(make("r", { ...ALL, searchParams }));
      return d;
    },
  };
}

/** A download that has counted its rows and waits for its first page (source answered by hand). */
function counting(d: Driver, message = requestOf("r")): number {
  d.receive(message);
  const job = d.state.downloads[0].job;
  d.answerSource(job, "highWaterMark");
  return job;
}

export const SCENARIOS: Partial<Record<SessionEventKey, Record<string, Scenario>>> = {
  "download:request": startScenarios("download:request"),
  "download:resume": startScenarios("download:resume"),
  "download:estimate": Object.fromEntries(
    Object.entries(startScenarios("download:estimate")).filter(([code]) =>
      code !== "DUPLICATE_REQUEST" && code !== "TOO_MANY_DOWNLOADS"
    ),
  ),
  estimated: ESTIMATED,
  "download:cancel": {
    ...gateScenarios("download:cancel"),
    UNKNOWN_REQUEST: () => {
      const d = new Driver();
      d.receive(COMMANDS["download:cancel"]("nope"));
      return d;
    },
  },
  "download:ack": {
    ...gateScenarios("download:ack"),
    UNKNOWN_REQUEST: () => {
      const d = new Driver();
      d.receive(COMMANDS["download:ack"]("nope"));
      return d;
    },
    INVALID_VALUE: () => {
      const d = new Driver({ source: false });
      d.receive(requestOf("r"));
      d.receive(COMMANDS["download:ack"]("r"));
      return d;
    },
  },
  "status:check": {
    ...gateScenarios("status:check"),
    UNKNOWN_REQUEST: () => {
      const d = new Driver();
      d.receive({
        event: "status:check",
        data: { requestId: "nope" },
        timestamp: 0,
        requestId: "s",
      });
      return d;
    },
  },
  "connection:health": Object.fromEntries(
    Object.entries(gateScenarios("connection:health")).filter(([code]) => code !== "AUTH_REQUIRED"),
  ),
  "auth:nonce": {
    AUTH_IN_PROGRESS: () => {
      const d = new Driver();
      d.signIn({ signature: undefined });
      d.receive({
        event: "auth:nonce",
        data: { identity: d.identity, sessionKey: "02" + "11".repeat(32) },
        timestamp: 0,
        requestId: "again",
      });
      return d;
    },
    SIGN_IN_RATE_LIMITED: limitedChallenge,
  },
  "auth:authenticate": AUTHENTICATE,
  tokenChecked: TOKEN_CHECKED,
  malformed: Object.fromEntries(
    Object.entries(MALFORMED).map(([code, text]) => [code, () => {
      const d = new Driver();
      d.receive(text);
      return d;
    }]),
  ),
  binary: {
    UNEXPECTED_EVENT: () => {
      const d = new Driver();
      d.step({ type: "binary" });
      return d;
    },
  },
  undecodable: Object.fromEntries(SESSION_ANSWERS.undecodable.map((code) => [code, () => {
    const d = new Driver();
    d.step({ type: "undecodable", error: errorResponse(code), fatal: false });
    return d;
  }])),
  verified: {
    COMMAND_SIGNATURE_INVALID: () => {
      const d = signedIn();
      d.receive(d.signed(COMMANDS["status:check"]("s"), { signature: "00".repeat(32) }));
      return d;
    },
  },
  authorized: {
    FORBIDDEN: () => {
      const d = new Driver({ authorize: () => ({ value: false }) });
      d.receive(requestOf("r"));
      return d;
    },
    INTERNAL_ERROR: () => {
      const d = new Driver({ authorize: () => ({ failed: true }) });
      d.receive(requestOf("r"));
      return d;
    },
    ...Object.fromEntries(
      Object.entries(INVALID).map(([code, filters]) => [code, () => {
        const d = new Driver({ authorize: () => ({ value: { filters } }) });
        d.receive(requestOf("r"));
        return d;
      }]),
    ),
  },
  admitted: {
    TOO_MANY_DOWNLOADS: () => {
      const d = signedIn({ admit: () => ({ ok: false, limit: "concurrent", max: 1 }) });
      d.receive(d.signed(requestOf("r")));
      return d;
    },
    RATE_LIMITED: () => {
      const d = signedIn({ admit: () => ({ ok: false, limit: "rate", max: 5, retryAfter: 10 }) });
      d.receive(d.signed(requestOf("r")));
      return d;
    },
  },
  highWaterMark: {
    RESUME_MISMATCH: () => {
      const d = new Driver();
      d.receive(resumeOf("r", { ...RESUME, highWaterMark: "99999999" }));
      return d;
    },
  },
  rowCount: {
    ROW_LIMIT_EXCEEDED: () => {
      const d = new Driver({ tuning: { exports: { maxRows: 10 } } });
      d.receive(requestOf("r"));
      return d;
    },
    RESUME_MISMATCH: () => {
      const d = new Driver();
      d.receive(resumeOf("r", { ...RESUME, cursor: "5", rows: 1000 }));
      return d;
    },
    INTERNAL_ERROR: () => {
      const encoder = () => {
        throw new RangeError("no encoder for these columns");
      };
      const d = new Driver({ tuning: { ports: { ...SERVER_PORTS, encoder } } });
      d.receive(requestOf("r"));
      return d;
    },
  },
  page: {
    UNEXPORTABLE_VALUE: () => {
      const d = new Driver({ source: false });
      const job = counting(d);
      d.answerSource(job, "rowCount");
      // A price that is not an integer of the decimal's scale: the encoder refuses it.
      d.answerSource(job, "page", [[1, 0, "BTC-USD", 1.5, 1, 1, null]]);
      return d;
    },
    INTERNAL_ERROR: () => {
      // A port that fails for another reason than a value: a bug, not the data.
      const encoder = () => ({
        header: () => new Uint8Array(0),
        encodeRows: (): Uint8Array => {
          throw new RangeError("a broken encoder");
        },
        footer: () => new Uint8Array(0),
      });
      const d = new Driver({ source: false, tuning: { ports: { ...SERVER_PORTS, encoder } } });
      const job = counting(d);
      d.answerSource(job, "rowCount");
      d.answerSource(job, "page", [[1, 0, "BTC-USD", 150, 1, 1, null]]);
      return d;
    },
  },
  sourceFailed: {
    SOURCE_UNAVAILABLE: () => {
      const d = new Driver({ source: false });
      const job = counting(d);
      d.step({ type: "sourceFailed", job, kind: "unavailable" });
      return d;
    },
    SOURCE_FAILED: () => {
      const d = new Driver({ source: false });
      const job = counting(d);
      d.answerSource(job, "rowCount");
      d.step({ type: "sourceFailed", job, kind: "failed" });
      return d;
    },
    UNEXPORTABLE_VALUE: () => {
      const d = new Driver({ source: false });
      const job = counting(d);
      // A key the source cannot read as an integer (a text in SQLite's key column).
      d.step({ type: "sourceFailed", job, kind: "unfit", column: "id" });
      return d;
    },
    INTERNAL_ERROR: () => {
      const d = new Driver({ source: false });
      const job = counting(d);
      d.step({ type: "sourceFailed", job, kind: "internal" });
      return d;
    },
  },
  timeout: {
    IDLE_TIMEOUT: () => {
      const d = new Driver();
      d.advanceTo(d.now + 60_000);
      return d;
    },
    SIGN_IN_TIMEOUT: () => {
      const d = new Driver({ tuning: { signIn: { anonymous: false, signInTimeoutMs: 1000 } } });
      d.advanceTo(d.now + 1000);
      return d;
    },
    ...BOUND_SCENARIOS.timeout,
  },
  heard: BOUND_SCENARIOS.heard,
  drained: BOUND_SCENARIOS.drained,
  shutdown: {
    SERVER_SHUTTING_DOWN: () => {
      const d = new Driver();
      d.step({ type: "shutdown" });
      return d;
    },
  },
  fault: {
    INTERNAL_ERROR: () => {
      const d = new Driver();
      d.step({ type: "fault", reason: "handler" });
      return d;
    },
  },
};

/** Scenarios for the close codes, by event key and code. */
export const CLOSE_SCENARIOS: Partial<Record<SessionEventKey, Record<number, Scenario>>> = {
  ...Object.fromEntries(
    Object.keys(COMMANDS).map((key) => [key, { 4401: gateScenarios(key).SESSION_EXPIRED }]),
  ),
  "auth:nonce": { 4401: limitedChallenge },
  "auth:authenticate": { 4401: AUTHENTICATE.AUTH_BAD_SIGNATURE },
  tokenChecked: { 4401: TOKEN_CHECKED.AUTH_TOKEN_EXPIRED },
  undecodable: {
    4400: () => {
      const d = new Driver();
      d.step({
        type: "undecodable",
        error: errorResponse("DECRYPTION_FAILED"),
        fatal: true,
      });
      return d;
    },
  },
  timeout: {
    4408: SCENARIOS.timeout!.IDLE_TIMEOUT,
    4401: SCENARIOS.timeout!.SIGN_IN_TIMEOUT,
    4429: BOUND_SCENARIOS.timeout.READER_STALLED,
  },
  shutdown: { 1001: SCENARIOS.shutdown!.SERVER_SHUTTING_DOWN },
  fault: {
    4401: () => {
      const d = new Driver({ failKeys: true });
      d.signIn();
      return d;
    },
  },
  ...BOUND_CLOSE_SCENARIOS,
};
