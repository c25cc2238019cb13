/**
 * The server's side of RFC 6455's framing, as pure functions and one
 * machine over bytes: what a client's bytes mean ({@linkcode FrameReader}),
 * and the frames the server writes ({@linkcode frameHeader},
 * {@linkcode closePayload}). The upgrade guard (upgrade_guard.ts) speaks
 * WebSocket on the peer's TCP connection with them
 * (websocket_connection.ts), instead of copying every byte to and from a
 * `Deno.serve` behind it.
 *
 * A client's frames must be masked, carry no reserved bits (no extension
 * is ever agreed), and be of a known opcode; control frames are whole and
 * at most 125 bytes; a text message is UTF-8; no message, fragmented or
 * not, is longer than the reader's bound. A frame that breaks a rule fails
 * the connection with the close code RFC 6455 §7.4.1 names for it: 1002
 * (protocol error), 1007 (a text that is not UTF-8) or 1009 (too big),
 * and nothing after it is read.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** The opcodes of RFC 6455 §5.2. */
export const OPCODE = {
  continuation: 0,
  text: 1,
  binary: 2,
  close: 8,
  ping: 9,
  pong: 10,
} as const;

/** What a client's bytes said, frame by frame. */
export type FrameEvent =
  /** A whole message: text as a string, binary as its bytes. */
  | { readonly type: "message"; readonly data: string | Uint8Array }
  /** A ping, to be answered with a pong of the same payload. */
  | { readonly type: "ping"; readonly payload: Uint8Array }
  /** A pong, which the server never asks for and ignores. */
  | { readonly type: "pong" }
  /** The client's close frame: its code (none when it sent none) and reason. */
  | { readonly type: "close"; readonly code: number | undefined; readonly reason: string }
  /** A broken rule: the connection fails with `code` (1002, 1007 or 1009). */
  | { readonly type: "fail"; readonly code: 1002 | 1007 | 1009; readonly reason: string };

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const fatal = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * The `Sec-WebSocket-Accept` value for a request's `Sec-WebSocket-Key`
 * (RFC 6455 §4.2.2).
 *
 * @example The RFC's own example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { acceptValue } from "./websocket_frames.ts";
 * equal(acceptValue("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
 * ```
 */
export function acceptValue(key: string): string {
  return createHash("sha1").update(key + GUID).digest("base64");
}

/**
 * Why a request is not a WebSocket upgrade this server takes (RFC 6455
 * §4.2.1), or `undefined` when it is one.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { upgradeProblem } from "./websocket_frames.ts";
 * const headers = new Headers({
 *   upgrade: "websocket",
 *   connection: "keep-alive, Upgrade",
 *   "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
 *   "sec-websocket-version": "13",
 * });
 * equal(upgradeProblem("GET", headers), undefined);
 * equal(upgradeProblem("POST", headers), "the method is not GET");
 * ```
 */
export function upgradeProblem(method: string, headers: Headers): string | undefined {
  if (method !== "GET") return "the method is not GET";
  const tokens = (name: string) =>
    (headers.get(name) ?? "").split(",").map((t) => t.trim().toLowerCase());
  if (!tokens("upgrade").includes("websocket")) return "no Upgrade: websocket";
  if (!tokens("connection").includes("upgrade")) return "no Connection: upgrade";
  if (headers.get("sec-websocket-version")?.trim() !== "13") return "not version 13";
  const key = headers.get("sec-websocket-key")?.trim() ?? "";
  // 16 bytes in base64: 22 characters and two of padding.
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key)) return "no Sec-WebSocket-Key of 16 bytes";
  return undefined;
}

/**
 * The header of one whole, unmasked server frame of `length` payload bytes.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { frameHeader, OPCODE } from "./websocket_frames.ts";
 * deepEqual(frameHeader(OPCODE.binary, 5), new Uint8Array([0x82, 5]));
 * deepEqual(frameHeader(OPCODE.text, 300), new Uint8Array([0x81, 126, 1, 44]));
 * ```
 */
export function frameHeader(opcode: number, length: number): Uint8Array {
  if (length < 126) return new Uint8Array([0x80 | opcode, length]);
  if (length < 65_536) return new Uint8Array([0x80 | opcode, 126, length >> 8, length & 0xff]);
  const header = new Uint8Array(10);
  header[0] = 0x80 | opcode;
  header[1] = 127;
  new DataView(header.buffer).setBigUint64(2, BigInt(length));
  return header;
}

/**
 * A close frame's payload: the code and the reason's UTF-8, cut to the
 * 123 bytes a control frame leaves it (at a character's boundary).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { closePayload } from "./websocket_frames.ts";
 * deepEqual(closePayload(3000, "ok"), new Uint8Array([11, 184, 111, 107]));
 * ```
 */
export function closePayload(code: number, reason = ""): Uint8Array {
  let text = encoder.encode(reason);
  if (text.length > 123) {
    let end = 123;
    // Back off continuation bytes (10xxxxxx) to the start of the character that does not fit.
    while ((text[end] & 0xc0) === 0x80) end--;
    text = text.subarray(0, end);
  }
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/** Whether a client may send `code` in a close frame (RFC 6455 §7.4, the IANA registry). */
function sendableCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

/**
 * Reads a client's bytes into {@linkcode FrameEvent}s. It buffers at most
 * one frame's header and payload, and a fragmented message's parts, up to
 * `maxMessageBytes` in all; after a `close` or a `fail` it reads nothing
 * more.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { FrameReader } from "./websocket_frames.ts";
 * const reader = new FrameReader(1024);
 * // "hi" masked with 0x01 0x02 0x03 0x04, in two pieces.
 * deepEqual(reader.receive(new Uint8Array([0x81, 0x82, 1, 2])), []);
 * deepEqual(reader.receive(new Uint8Array([3, 4, 0x69, 0x6b])), [{ type: "message", data: "hi" }]);
 * ```
 */
export class FrameReader {
  readonly #maxMessageBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** The opcode of a fragmented message under way, and its parts so far. */
  #message: { opcode: number; parts: Uint8Array[]; bytes: number } | undefined;
  #done = false;

  /** A reader that fails a message (a frame or fragments together) over `maxMessageBytes`. */
  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** The events of `bytes`, after whatever came before. */
  receive(bytes: Uint8Array): FrameEvent[] {
    if (this.#done || bytes.length === 0) return [];
    this.#chunks.push(bytes);
    this.#buffered += bytes.length;
    const events: FrameEvent[] = [];
    for (;;) {
      const event = this.#next();
      if (event === undefined) return events;
      events.push(event);
      if (event.type === "close" || event.type === "fail") {
        this.#done = true;
        this.#chunks = [];
        this.#buffered = 0;
        this.#message = undefined;
        return events;
      }
    }
  }

  /** The next event, or `undefined` when more bytes are needed. */
  #next(): FrameEvent | undefined {
    for (;;) {
      const frame = this.#frame();
      if (frame === undefined) return undefined;
      if ("type" in frame) return frame;
      const event = this.#event(frame);
      if (event !== null) return event;
    }
  }

  /** One whole frame, a failure, or `undefined` until it has all arrived. */
  #frame(): { fin: boolean; opcode: number; payload: Uint8Array } | FrameEvent | undefined {
    if (this.#buffered < 2) return undefined;
    const head = this.#peek(Math.min(this.#buffered, 14));
    const [b0, b1] = head;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) return fail(1002, "reserved bits set");
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) return fail(1002, `unknown opcode ${opcode}`);
    if ((b1 & 0x80) === 0) return fail(1002, "an unmasked client frame");
    const short = b1 & 0x7f;
    const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
    const headerBytes = 2 + lengthBytes + 4;
    if (head.length < 2 + lengthBytes) return undefined;
    let length = short;
    if (short === 126) length = (head[2] << 8) | head[3];
    else if (short === 127) {
      const big = new DataView(head.buffer, head.byteOffset + 2, 8).getBigUint64(0);
      length = big > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(big);
    }
    if (opcode >= 8 && (!fin || length > 125)) {
      return fail(1002, "a control frame fragmented or over 125 bytes");
    }
    const sofar = opcode >= 8 ? 0 : this.#message?.bytes ?? 0;
    if (sofar + length > this.#maxMessageBytes) {
      return fail(1009, `a message over ${this.#maxMessageBytes} bytes`);
    }
    if (this.#buffered < headerBytes + length) return undefined;
    const bytes = this.#take(headerBytes + length);
    const mask = bytes.subarray(headerBytes - 4, headerBytes);
    const payload = bytes.subarray(headerBytes);
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    return { fin, opcode, payload };
  }

  /** What one whole frame means: an event, or `null` for a part of a message. */
  #event({ fin, opcode, payload }: { fin: boolean; opcode: number; payload: Uint8Array }):
    | FrameEvent
    | null {
    switch (opcode) {
      case OPCODE.ping:
        return { type: "ping", payload };
      case OPCODE.pong:
        return { type: "pong" };
      case OPCODE.close:
        return closeEvent(payload);
      case OPCODE.continuation: {
        const message = this.#message;
        if (message === undefined) return fail(1002, "a continuation with no message under way");
        message.parts.push(payload);
        message.bytes += payload.length;
        if (!fin) return null;
        this.#message = undefined;
        return messageEvent(message.opcode, join(message.parts, message.bytes));
      }
      default: {
        if (this.#message !== undefined) return fail(1002, "a new message inside a fragmented one");
        if (fin) return messageEvent(opcode, payload);
        this.#message = { opcode, parts: [payload], bytes: payload.length };
        return null;
      }
    }
  }

  /** A copy of the first `n` buffered bytes (a header: 14 at most), left in the buffer. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first.length >= n) return first.subarray(0, n);
    const bytes = new Uint8Array(n);
    let at = 0;
    for (const chunk of this.#chunks) {
      if (at === n) break;
      const part = chunk.subarray(0, n - at);
      bytes.set(part, at);
      at += part.length;
    }
    return bytes;
  }

  /** The first `n` buffered bytes, taken out of the buffer (joined once, when all are in). */
  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.#chunks[0];
      const part = chunk.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
      if (part.length === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part.length);
    }
    this.#buffered -= n;
    return out;
  }
}

function fail(code: 1002 | 1007 | 1009, reason: string): FrameEvent {
  return { type: "fail", code, reason };
}

function messageEvent(opcode: number, payload: Uint8Array): FrameEvent {
  if (opcode === OPCODE.binary) return { type: "message", data: payload };
  try {
    return { type: "message", data: fatal.decode(payload) };
  } catch {
    return fail(1007, "a text message that is not UTF-8");
  }
}

function closeEvent(payload: Uint8Array): FrameEvent {
  if (payload.length === 0) return { type: "close", code: undefined, reason: "" };
  if (payload.length === 1) return fail(1002, "a close frame of one byte");
  const code = (payload[0] << 8) | payload[1];
  if (!sendableCode(code)) return fail(1002, `close code ${code}`);
  try {
    return { type: "close", code, reason: fatal.decode(payload.subarray(2)) };
  } catch {
    return fail(1007, "a close reason that is not UTF-8");
  }
}

function join(parts: readonly Uint8Array[], bytes: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
