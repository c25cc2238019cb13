// Generated from protocol/parse.ts by `deno task bundle`; do not edit.
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
import { type ErrorResponse } from "./errors.d.ts";
import { type EventName } from "./events.d.ts";
import { type ClientMessage, type ServerMessage } from "./messages.d.ts";
import type { Result } from "./result.d.ts";
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
export declare const DEFAULT_PARSE_LIMITS: Required<ParseLimits>;
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
export declare function parseClientMessage(input: string | Uint8Array, limits?: ParseLimits): Result<ClientMessage, ParseFailure>;
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
export declare function parseServerMessage(input: string | Uint8Array, limits?: ParseLimits): Result<ServerMessage, ParseFailure>;
