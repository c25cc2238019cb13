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
// A leading U+FEFF is the message's own, as the runtime's WebSocket keeps it.
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
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
 * `maxMessageBytes` in all (each byte once, however small the pieces);
 * after a `close` or a `fail` it reads nothing more.
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
  /** Bytes received and not yet read as frames. */
  readonly #pending = new ByteBuffer();
  /** The opcode of a fragmented message under way, and its payload so far. */
  #message: { readonly opcode: number; readonly parts: ByteBuffer } | undefined;
  #done = false;

  /** A reader that fails a message (a frame or fragments together) over `maxMessageBytes`. */
  constructor(maxMessageBytes: number) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  /** The events of `bytes`, after whatever came before; `bytes` is copied, not kept. */
  receive(bytes: Uint8Array): FrameEvent[] {
    if (this.#done || bytes.length === 0) return [];
    this.#pending.append(bytes);
    const events: FrameEvent[] = [];
    for (;;) {
      const event = this.#next();
      if (event === undefined) return events;
      events.push(event);
      if (event.type === "close" || event.type === "fail") {
        this.#done = true;
        this.#pending.clear();
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
    const head = this.#pending.view();
    if (head.length < 2) return undefined;
    const [b0, b1] = head;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) return fail(1002, "reserved bits set");
    if (!KNOWN_OPCODES.has(opcode)) return fail(1002, `unknown opcode ${opcode}`);
    if ((b1 & 0x80) === 0) return fail(1002, "an unmasked client frame");
    const control = opcode >= 8;
    if (!control && (opcode === OPCODE.continuation) === (this.#message === undefined)) {
      return fail(
        1002,
        opcode === OPCODE.continuation
          ? "a continuation with no message under way"
          : "a new message inside a fragmented one",
      );
    }
    const short = b1 & 0x7f;
    const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
    const headerBytes = 2 + lengthBytes + 4;
    if (head.length < 2 + lengthBytes) return undefined;
    let length = short;
    if (short === 126) length = (head[2] << 8) | head[3];
    else if (short === 127) {
      // RFC 6455 §5.2: the most significant bit of a 64-bit length is 0.
      if ((head[2] & 0x80) !== 0) return fail(1002, "a 64-bit length with its top bit set");
      const big = new DataView(head.buffer, head.byteOffset + 2, 8).getBigUint64(0);
      length = big > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(big);
    }
    if (control && (!fin || length > 125)) {
      return fail(1002, "a control frame fragmented or over 125 bytes");
    }
    const sofar = control ? 0 : this.#message?.parts.length ?? 0;
    if (sofar + length > this.#maxMessageBytes) {
      return fail(1009, `a message over ${this.#maxMessageBytes} bytes`);
    }
    if (head.length < headerBytes + length) return undefined;
    const mask = head.slice(headerBytes - 4, headerBytes);
    const payload = head.slice(headerBytes, headerBytes + length);
    this.#pending.consume(headerBytes + length);
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
        // #frame() saw a message under way.
        const message = this.#message!;
        message.parts.append(payload);
        if (!fin) return null;
        this.#message = undefined;
        return messageEvent(message.opcode, message.parts.view());
      }
      default: {
        if (fin) return messageEvent(opcode, payload);
        const parts = new ByteBuffer();
        parts.append(payload);
        this.#message = { opcode, parts };
        return null;
      }
    }
  }
}

/** The largest buffer a reader keeps once it holds nothing. */
const KEEP_BYTES = 65_536;

const KNOWN_OPCODES: ReadonlySet<number> = new Set(Object.values(OPCODE));

/**
 * Bytes appended and consumed from the front, in one buffer that grows by
 * doubling: however small the pieces a peer sends, each byte is stored once.
 */
class ByteBuffer {
  #bytes = new Uint8Array(0);
  #start = 0;
  #end = 0;

  get length(): number {
    return this.#end - this.#start;
  }

  /** The bytes held, as a view that the next append or consume may change. */
  view(): Uint8Array {
    return this.#bytes.subarray(this.#start, this.#end);
  }

  append(bytes: Uint8Array): void {
    if (this.#end + bytes.length > this.#bytes.length) {
      const held = this.length;
      const size = Math.max(held + bytes.length, this.#bytes.length * 2, 1024);
      const grown = held + bytes.length > this.#bytes.length ? new Uint8Array(size) : this.#bytes;
      grown.set(this.#bytes.subarray(this.#start, this.#end));
      this.#bytes = grown;
      this.#start = 0;
      this.#end = held;
    }
    this.#bytes.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  consume(n: number): void {
    this.#start += n;
    if (this.#start !== this.#end) return;
    this.#start = this.#end = 0;
    // Emptied after a long message: an idle connection holds no more than a small buffer.
    if (this.#bytes.length > KEEP_BYTES) this.#bytes = new Uint8Array(0);
  }

  clear(): void {
    this.#bytes = new Uint8Array(0);
    this.#start = this.#end = 0;
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
