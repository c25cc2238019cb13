// The texts the parser refuses, one per code, for the session table's walk
// (tests/_session_scenarios.ts).
import { ALL, requestOf } from "./_session_driver.ts";
import type { ClientMessage } from "../protocol/messages.ts";

function withFilters(filters: unknown[]): ClientMessage {
  return requestOf("r", {
    ...ALL,
    searchParams: { ...ALL.searchParams, filters: filters as never },
  });
}

/** Texts the parser refuses, one per code. */
export const MALFORMED: Record<string, string> = {
  MESSAGE_TOO_LARGE: JSON.stringify({ ...requestOf("r"), pad: "x".repeat(70_000) }),
  MALFORMED_JSON: "{not json",
  NESTING_TOO_DEEP: '{"a":[[[[[[[[[[1]]]]]]]]]]}',
  FORBIDDEN_KEY: '{"event":"status:check","data":{"__proto__":{}},"timestamp":0,"requestId":"r"}',
  UNKNOWN_EVENT: '{"event":"download:steal","data":{},"timestamp":0,"requestId":"r"}',
  UNEXPECTED_EVENT: '{"event":"download:start","data":{},"timestamp":0,"requestId":"r"}',
  MISSING_FIELD: '{"event":"status:check","data":{},"requestId":"r"}',
  UNKNOWN_FIELD: JSON.stringify({ ...requestOf("r"), extra: true }),
  INVALID_TYPE: '{"event":"status:check","data":{},"timestamp":"now","requestId":"r"}',
  INVALID_VALUE: '{"event":"download:ack","data":{"sequence":-1},"timestamp":0,"requestId":"r"}',
  NON_FINITE_NUMBER: '{"event":"status:check","data":{},"timestamp":1e999,"requestId":"r"}',
  STRING_TOO_LONG: JSON.stringify({ ...requestOf("x".repeat(5000)) }),
  ARRAY_TOO_LONG: JSON.stringify(withFilters(Array(1001).fill(1))),
  INVALID_DATE: JSON.stringify(requestOf("r", {
    ...ALL,
    searchParams: { timeFrom: "last tuesday", timeTo: "2024-01-01", filters: [] },
  })),
  INVALID_OPERATOR: JSON.stringify(withFilters([{ field: "id", operator: "like", value: 1 }])),
  UNSUPPORTED_FORMAT: JSON.stringify(requestOf("r")).replace('"csv"', '"xlsx"'),
};
