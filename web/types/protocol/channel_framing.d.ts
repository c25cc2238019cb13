// Generated from protocol/channel_framing.ts by `deno task bundle`; do not edit.
/**
 * How control messages and data frames become WebSocket payloads on a
 * connection and back (docs/PROTOCOL.md §16), as pure rules: the form an
 * outgoing control message takes ({@linkcode textForm}), and the order in
 * which a received payload is checked, with the code of each violation
 * ({@linkcode readPayload}, {@linkcode readInner},
 * {@linkcode readInflated}).
 *
 * Reading stops where work that is not a rule is due (opening a sealed
 * frame, inflating a deflated message) and says so; the caller does that
 * work and goes on with the next function. `transport/session_channel.ts`
 * is that caller on both sides.
 *
 * @example Read a plain control frame
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { readPayload } from "./channel_framing.ts";
 * import { encodeControlFrame } from "./sealed_frame.ts";
 * const frame = encodeControlFrame(new TextEncoder().encode("{}"), false);
 * deepEqual(readPayload(frame, { sealed: false }), {
 *   ok: true,
 *   value: { type: "incoming", incoming: { type: "text", text: "{}" } },
 * });
 * ```
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ErrorResponse } from "./errors.d.ts";
import type { Result } from "./result.d.ts";
/** What a payload received on the socket turned out to be. */
export type Incoming = {
    readonly type: "text";
    readonly text: string;
} | {
    readonly type: "data";
    readonly frame: Uint8Array;
};
/** Where reading an inner (unsealed) frame got to. */
export type InnerStep = 
/** Read: a control message's text or a data frame. */
{
    readonly type: "incoming";
    readonly incoming: Incoming;
}
/** A deflated control message: inflate it, then {@linkcode readInflated}. */
 | {
    readonly type: "inflate";
    readonly deflated: Uint8Array;
};
/** Where reading a payload got to. */
export type ReadStep = InnerStep
/** A sealed frame of a sealed session: open it, then {@linkcode readInner} the plaintext. */
 | {
    readonly type: "open";
    readonly sealed: Uint8Array;
};
/** How inflating a deflated control message went. */
export type Inflated = 
/** Its JSON bytes, no more than the receiver's message limit. */
{
    readonly type: "inflated";
    readonly json: Uint8Array;
}
/** It would grow past the receiver's message limit (inflating stopped there). */
 | {
    readonly type: "tooLarge";
}
/** It is not zlib data. */
 | {
    readonly type: "malformed";
};
/** What {@linkcode readPayload} needs to know about the connection. */
export interface ReadOptions {
    /** Whether incoming frames must be sealed (from sign-in with encryption on). */
    readonly sealed: boolean;
    /**
     * Largest payload accepted, checked before anything else is done with it
     * (decrypting included); more is `MESSAGE_TOO_LARGE`.
     *
     * @default {Infinity}
     */
    readonly maxPayloadBytes?: number;
}
/** The form in which a control message travels. */
export type TextForm = 
/** A WebSocket text message, as it is. */
"text"
/** A control frame without the DEFLATED flag (inside a sealed session). */
 | "control"
/** A control frame with its JSON deflated. */
 | "deflated";
/**
 * The form of an outgoing control message whose JSON is `utf8Bytes` long:
 * deflated above the threshold, a control frame inside a sealed session,
 * text otherwise. Compression comes before sealing.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { textForm } from "./channel_framing.ts";
 * equal(textForm(1024, false), "text");
 * equal(textForm(1024, true), "control");
 * equal(textForm(1025, false), "deflated");
 * ```
 */
export declare function textForm(utf8Bytes: number, sealed: boolean, thresholdBytes?: number): TextForm;
/**
 * Reads a received WebSocket payload, in this order: its size; then text,
 * refused in a sealed session (`UNSEALED_MESSAGE`); then the binary
 * frame's type (`FRAME_*`): a sealed frame is to be opened in a sealed
 * session and is `FRAME_TYPE` outside one, any other binary frame is
 * refused in a sealed session (`UNSEALED_MESSAGE`) and read as an inner
 * frame outside one ({@linkcode readInner}).
 *
 * In a sealed session any failure, here or in a later step, ends the
 * session: nothing after it can be trusted. Outside one, the connection
 * goes on.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readPayload } from "./channel_framing.ts";
 * const r = readPayload('{"event":"status:check"}', { sealed: true });
 * equal(r.ok ? r.value.type : r.error.code, "UNSEALED_MESSAGE");
 * ```
 */
export declare function readPayload(payload: string | Uint8Array, options: ReadOptions): Result<ReadStep, ErrorResponse>;
/**
 * Reads an inner frame: a received unsealed binary frame, or a sealed
 * frame's plaintext. A data frame is read as it is (its own checks are
 * the download's); a sealed frame inside is `FRAME_TYPE`; a control frame
 * is checked (`FRAME_*`) and its JSON must be UTF-8 (`MALFORMED_JSON`),
 * once inflated if it is deflated.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readInner } from "./channel_framing.ts";
 * import { encodeControlFrame } from "./sealed_frame.ts";
 * const r = readInner(encodeControlFrame(new Uint8Array([0x78, 0x9c]), true));
 * equal(r.ok && r.value.type, "inflate");
 * ```
 */
export declare function readInner(bytes: Uint8Array): Result<InnerStep, ErrorResponse>;
/**
 * Reads a deflated control message once inflated: `MESSAGE_TOO_LARGE` past
 * the receiver's limit (a deflate bomb stops there), `MALFORMED_JSON` for
 * what is not zlib data or not UTF-8.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readInflated } from "./channel_framing.ts";
 * const r = readInflated({ type: "tooLarge" });
 * equal(r.ok ? "ok" : r.error.code, "MESSAGE_TOO_LARGE");
 * ```
 */
export declare function readInflated(inflated: Inflated): Result<Incoming, ErrorResponse>;
