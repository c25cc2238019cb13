/**
 * The one place where untrusted text or bytes become typed control
 * messages. {@linkcode parseClientMessage} is what a server runs on every
 * text frame; {@linkcode parseServerMessage} is what a client runs. Both
 * return a typed message or a typed error, never throw, and never let an
 * unchecked value through.
 *
 * Checks run in a fixed order, so one input always gives one code:
 * size, UTF-8, nesting depth, JSON syntax, forbidden keys and non-finite
 * numbers anywhere, then the envelope, then the event's payload.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { utf8Length } from "./utf8_length.ts";
import { clientChecks, type PayloadBounds, serverChecks } from "./_payload_checks.ts";
import { type Check, count, Invalid, object, str } from "./_schema.ts";
import { type ErrorCode, type ErrorResponse, errorResponse } from "./errors.ts";
import { EVENT_TABLE, type EventName, isEventName } from "./events.ts";
import {
  type ClientMessage,
  type MessageAuth,
  REQUEST_ID_PATTERN,
  type ServerMessage,
} from "./messages.ts";
import type { Result } from "./result.ts";
import { LOWERCASE_HEX } from "./hex_patterns.ts";

/** Bounds on one control message. */
export interface ParseLimits {
  /**
   * Largest message, in UTF-8 bytes.
   *
   * @default {65536}
   */
  readonly maxMessageBytes?: number;
  /**
   * Deepest nesting of objects and arrays (the envelope is depth 1).
   *
   * @default {8}
   */
  readonly maxDepth?: number;
  /**
   * Longest string anywhere, in UTF-16 code units; fields may allow less.
   *
   * @default {4096}
   */
  readonly maxStringLength?: number;
  /**
   * Longest array anywhere.
   *
   * @default {1000}
   */
  readonly maxArrayLength?: number;
}

/** Defaults of {@linkcode ParseLimits}. */
export const DEFAULT_PARSE_LIMITS: Required<ParseLimits> = {
  maxMessageBytes: 65_536,
  maxDepth: 8,
  maxStringLength: 4096,
  maxArrayLength: 1000,
};

/**
 * A message that failed to parse: the error to answer with, and whatever of
 * the envelope could still be read, so the answer can name the request.
 */
export interface ParseFailure {
  /** The error; `details.path` names the offending field. */
  readonly error: ErrorResponse;
  /** The message's event, when it was a known one. */
  readonly event?: EventName;
  /** The message's requestId, when it was well formed. */
  readonly requestId?: string;
}

/** Keys that could reach an object's prototype in careless consumers. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const utf8 = new TextDecoder("utf-8", { fatal: true });

const messageAuth: Check<MessageAuth> = object({
  token: str({ max: 256 }),
  timestamp: count,
  signature: str({ max: 256, pattern: LOWERCASE_HEX }),
});

const requestIdCheck: Check<string> = str({ max: 64, pattern: REQUEST_ID_PATTERN });

type Side = "client" | "server";

interface Parser {
  readonly limits: Required<ParseLimits>;
  readonly checks: Readonly<Record<string, Check<unknown>>>;
}

const parsers = new Map<string, Parser>();

function parserFor(side: Side, limits: ParseLimits): Parser {
  const resolved = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const key = `${side}:${JSON.stringify(resolved)}`;
  let parser = parsers.get(key);
  if (parser === undefined) {
    const bounds: PayloadBounds = { maxArrayLength: resolved.maxArrayLength };
    parser = {
      limits: resolved,
      checks: side === "client" ? clientChecks(bounds) : serverChecks(bounds),
    };
    parsers.set(key, parser);
  }
  return parser;
}

/**
 * Parses a message a client sent (run by servers).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseClientMessage } from "./parse.ts";
 * const r = parseClientMessage('{"event":"status:check","data":{},"timestamp":1,"requestId":"s1"}');
 * equal(r.ok && r.value.event, "status:check");
 * ```
 */
export function parseClientMessage(
  input: string | Uint8Array,
  limits: ParseLimits = {},
): Result<ClientMessage, ParseFailure> {
  // The payload table is typed per event, so a passing check yields ClientMessage.
  return parse(input, "client", parserFor("client", limits)) as Result<ClientMessage, ParseFailure>;
}

/**
 * Parses a message a server sent (run by clients).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseServerMessage } from "./parse.ts";
 * const r = parseServerMessage(
 *   '{"event":"download:cancelled","data":{"rows":0,"bytes":0},"timestamp":1,"requestId":"d1"}',
 * );
 * equal(r.ok && r.value.event, "download:cancelled");
 * ```
 */
export function parseServerMessage(
  input: string | Uint8Array,
  limits: ParseLimits = {},
): Result<ServerMessage, ParseFailure> {
  return parse(input, "server", parserFor("server", limits)) as Result<ServerMessage, ParseFailure>;
}

function parse(
  input: string | Uint8Array,
  from: Side,
  parser: Parser,
): Result<unknown, ParseFailure> {
  const { limits } = parser;
  let text: string;
  if (typeof input === "string") {
    if (utf8Length(input, limits.maxMessageBytes) > limits.maxMessageBytes) {
      return failure("MESSAGE_TOO_LARGE", "", `over ${limits.maxMessageBytes} bytes`);
    }
    text = input;
  } else {
    if (input.length > limits.maxMessageBytes) {
      return failure("MESSAGE_TOO_LARGE", "", `over ${limits.maxMessageBytes} bytes`);
    }
    try {
      text = utf8.decode(input);
    } catch {
      return failure("MALFORMED_JSON", "", "not valid UTF-8");
    }
  }
  // Measured before JSON.parse so a hostile message cannot recurse the parser.
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    return failure("NESTING_TOO_DEEP", "", `deeper than ${limits.maxDepth}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return failure("MALFORMED_JSON", "", "not JSON");
  }
  const context = readableContext(value);
  try {
    sweep(value, "", limits);
    return { ok: true, value: envelope(value, from, parser) };
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    return failure(e.code, e.path, e.reason, context);
  }
}

function envelope(value: unknown, from: Side, parser: Parser): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid("INVALID_TYPE", "", "a message is a JSON object");
  }
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, "event")) throw new Invalid("MISSING_FIELD", "event", "required");
  const event = str({ max: 64 })(record.event, "event");
  if (!isEventName(event)) throw new Invalid("UNKNOWN_EVENT", "event", event);
  const direction = EVENT_TABLE[event].direction;
  if (direction !== "both" && direction !== from) {
    throw new Invalid("UNEXPECTED_EVENT", "event", `${event} is sent by the ${direction}`);
  }
  const check = parser.checks[event];
  return object({
    event: (v: unknown) => v,
    data: check,
    timestamp: count,
    requestId: requestIdCheck,
  }, from === "client" ? { auth: messageAuth } : {})(record, "");
}

/** Rejects forbidden keys, non-finite numbers and oversized strings anywhere. */
function sweep(value: unknown, path: string, limits: Required<ParseLimits>): void {
  if (typeof value === "string") {
    if (value.length > limits.maxStringLength) {
      throw new Invalid("STRING_TOO_LONG", path, `longer than ${limits.maxStringLength}`);
    }
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Invalid("NON_FINITE_NUMBER", path, "not finite");
  } else if (Array.isArray(value)) {
    if (value.length > limits.maxArrayLength) {
      throw new Invalid("ARRAY_TOO_LONG", path, `more than ${limits.maxArrayLength} items`);
    }
    value.forEach((item, i) => sweep(item, `${path}[${i}]`, limits));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path === "" ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) throw new Invalid("FORBIDDEN_KEY", at, "forbidden key");
      sweep(item, at, limits);
    }
  }
}

/** The deepest `[`/`{` nesting of JSON text, stopping early past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0, deepest = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The event and requestId of a message that may fail later, if readable. */
function readableContext(value: unknown): { event?: EventName; requestId?: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const out: { event?: EventName; requestId?: string } = {};
  if (typeof record.event === "string" && isEventName(record.event)) out.event = record.event;
  if (typeof record.requestId === "string" && REQUEST_ID_PATTERN.test(record.requestId)) {
    out.requestId = record.requestId;
  }
  return out;
}

function failure(
  code: ErrorCode,
  path: string,
  reason: string,
  context: { event?: EventName; requestId?: string } = {},
): { ok: false; error: ParseFailure } {
  return { ok: false, error: { error: errorResponse(code, { path, reason }), ...context } };
}
