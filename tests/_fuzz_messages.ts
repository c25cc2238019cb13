// The malformed messages of the fuzz suite (tests/_fuzz.ts), drawn from a seeded generator, each
// with the code the server must answer it with, predicted by the protocol's own pure checks (the
// parser, and the transport's framing rules): random text and bytes, truncated and bit-flipped
// messages and frames, wrong shapes, deep nesting, forbidden keys, oversize messages.
import { readPayload } from "../protocol/channel_framing.ts";
import { encodeDataFrame } from "../protocol/frame.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { DEFAULT_PARSE_LIMITS, parseClientMessage } from "../protocol/parse.ts";
import { encodeControlFrame } from "../protocol/sealed_frame.ts";
import { EVENT_TABLE } from "../protocol/events.ts";
import { CLIENT_MESSAGES } from "./_messages.ts";

/** What the server must answer a payload with: one error code, or any documented code. */
export type Expected = string | "any";

/** One payload to send, its kind, and the answer it must get. */
export interface FuzzMessage {
  readonly kind: string;
  readonly payload: string | Uint8Array;
  readonly expected: Expected;
}

/** The largest payload the server takes before parsing (session.ts: the limit plus sealing). */
const MAX_PAYLOAD = DEFAULT_PARSE_LIMITS.maxMessageBytes + 32;
const encoder = new TextEncoder();
const lenient = new TextDecoder();
const VALID = CLIENT_MESSAGES.map((m) => encodeMessage(m));
const EVENTS = Object.keys(EVENT_TABLE);

/**
 * The code the server answers a payload with (the parser's, or the framing's), "ok" for one it
 * takes as a message, or "any" where only inflating can tell (a deflated control frame).
 */
export function expectedAnswer(payload: string | Uint8Array): string {
  const read = readPayload(payload, { sealed: false, maxPayloadBytes: MAX_PAYLOAD });
  if (!read.ok) return read.error.code;
  const step = read.value;
  if (step.type === "open") return "FRAME_TYPE";
  if (step.type !== "incoming") return "any";
  if (step.incoming.type === "data") return "UNEXPECTED_EVENT";
  const parsed = parseClientMessage(step.incoming.text);
  return parsed.ok ? "ok" : parsed.error.error.code;
}

/** A seeded source of malformed payloads. */
export class FuzzSource {
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  #pick<T>(list: readonly T[]): T {
    return list[this.#int(list.length)];
  }

  /** Text of random code points: ASCII, controls, the BMP (lone surrogates included), astral. */
  randomText(max = 200): string {
    let out = "";
    for (let i = this.#int(max); i > 0; i--) {
      const band = this.#int(4);
      const point = band === 0
        ? 0x20 + this.#int(0x5f)
        : band === 1
        ? this.#int(0x20)
        : band === 2
        ? this.#int(0x10000)
        : 0x10000 + this.#int(0x100000);
      out += band === 2 ? String.fromCharCode(point) : String.fromCodePoint(point);
    }
    return out;
  }

  randomBytes(max = 300): Uint8Array {
    return Uint8Array.from({ length: this.#int(max) }, () => this.#int(256));
  }

  /** A random JSON value, `depth` levels at most. */
  randomJson(depth = 3): unknown {
    const kind = this.#int(depth > 0 ? 8 : 5);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.#random() < 0.5;
      case 2:
        return this.#pick([0, -1, 1.5, 1e308, -0, 4294967296, 2 ** 53, this.#int(1e9)]);
      case 3:
        return this.randomText(20);
      case 4:
        return this.#pick(["", "csv", "2024-01-01", "dl-1", "in", "eq", "symbol"]);
      case 5:
        return Array.from({ length: this.#int(5) }, () => this.randomJson(depth - 1));
      default: {
        const out: Record<string, unknown> = {};
        const keys = ["event", "data", "timestamp", "requestId", "auth", "searchParams", "x"];
        for (let i = this.#int(5); i > 0; i--) out[this.#pick(keys)] = this.randomJson(depth - 1);
        return out;
      }
    }
  }

  /** A message of an envelope's shape with fields of the wrong types, names or values. */
  wrongShape(): string {
    const envelope: Record<string, unknown> = {
      event: this.#random() < 0.8 ? this.#pick(EVENTS) : this.randomText(12),
      data: this.randomJson(),
      timestamp: this.#random() < 0.7 ? 1_710_000_000_000 : this.randomJson(1),
      requestId: this.#random() < 0.7 ? `r${this.#int(100)}` : this.randomJson(1),
    };
    if (this.#random() < 0.3) delete envelope[this.#pick(Object.keys(envelope))];
    if (this.#random() < 0.2) envelope[this.randomText(6)] = this.randomJson(1);
    return JSON.stringify(envelope);
  }

  /** A valid message cut short. */
  truncated(): string {
    const text = this.#pick(VALID);
    return text.slice(0, this.#int(text.length));
  }

  /** A valid message with one to three bits flipped, decoded as a sender's lenient UTF-8. */
  flipped(): string {
    return lenient.decode(this.#flipBits(encoder.encode(this.#pick(VALID))));
  }

  #flipBits(bytes: Uint8Array): Uint8Array {
    const out = bytes.slice();
    for (let i = 1 + this.#int(3); i > 0 && out.length > 0; i--) {
      out[this.#int(out.length)] ^= 1 << this.#int(8);
    }
    return out;
  }

  deepNesting(): string {
    const depth = 9 + this.#int(5000);
    const open = this.#random() < 0.5 ? "[" : '{"a":';
    const close = open === "[" ? "]" : "}";
    return open.repeat(depth) + "1" + close.repeat(depth);
  }

  /** A valid message with `__proto__`, `constructor` or `prototype` as a key somewhere. */
  forbiddenKey(): string {
    const text = this.#pick(VALID);
    const braces = [...text.matchAll(/\{"/g)].map((m) => m.index!);
    const at = this.#pick(braces) + 1;
    const key = this.#pick(["__proto__", "constructor", "prototype"]);
    return `${text.slice(0, at)}"${key}":{"polluted":true},${text.slice(at)}`;
  }

  /** A message over the size limit: up to 16 times it, as a {@linkcode FuzzMessage}. */
  oversize(): FuzzMessage {
    const pad = "x".repeat(DEFAULT_PARSE_LIMITS.maxMessageBytes + this.#int(15 * 65_536));
    const payload =
      `{"event":"status:check","data":{},"timestamp":0,"requestId":"r","pad":"${pad}"}`;
    return { kind: "oversize", payload, expected: "MESSAGE_TOO_LARGE" };
  }

  /** A data frame as the server would send one, broken: bit-flipped or cut short. */
  brokenDataFrame(): Uint8Array {
    const frame = encodeDataFrame({
      requestId: `dl-${this.#int(100)}`,
      sequence: this.#int(1000),
      rowOffset: this.#int(1e6),
      rowCount: 1 + this.#int(100),
      byteOffset: this.#int(1e8),
      cursor: String(this.#int(1e6)),
      final: this.#random() < 0.1,
      digest: new Uint8Array(32).fill(this.#int(256)),
      payload: encoder.encode("id,ts\n1,2\n"),
    });
    return this.#random() < 0.5
      ? this.#flipBits(frame)
      : frame.subarray(0, this.#int(frame.length));
  }

  /** A control frame (§16) around bytes that are not a message: garbage, bad UTF-8, bad JSON. */
  brokenControlFrame(): Uint8Array {
    const inner = this.#random() < 0.5
      ? this.#flipBits(encoder.encode(this.#pick(VALID)))
      : this.randomBytes(100);
    const frame = encodeControlFrame(inner, false);
    return this.#random() < 0.2 ? this.#flipBits(frame) : frame;
  }

  /**
   * The next malformed payload with its expected answer; one the server would take as a valid
   * message (a flip can make one) is drawn again, so that every payload sent gets one answer.
   */
  next(): FuzzMessage {
    for (;;) {
      const kind = KINDS[this.#int(KINDS.length)];
      const made = this.#make(kind);
      // A WebSocket sends text as UTF-8: a lone surrogate leaves as U+FFFD.
      const payload = typeof made === "string" ? made.toWellFormed() : made;
      const expected = expectedAnswer(payload);
      if (expected !== "ok") return { kind, payload, expected };
    }
  }

  #make(kind: Kind): string | Uint8Array {
    switch (kind) {
      case "random text":
        return this.randomText();
      case "random bytes":
        return this.randomBytes();
      case "truncated":
        return this.truncated();
      case "bit-flipped":
        return this.flipped();
      case "wrong shape":
        return this.wrongShape();
      case "deep nesting":
        return this.deepNesting();
      case "forbidden key":
        return this.forbiddenKey();
      case "broken data frame":
        return this.brokenDataFrame();
      case "broken control frame":
        return this.brokenControlFrame();
    }
  }
}

type Kind =
  | "random text"
  | "random bytes"
  | "truncated"
  | "bit-flipped"
  | "wrong shape"
  | "deep nesting"
  | "forbidden key"
  | "broken data frame"
  | "broken control frame";

/** The kinds, weighted by how often they are drawn. Oversize messages are sent on their own. */
const KINDS: readonly Kind[] = [
  ...Array<Kind>(4).fill("random text"),
  ...Array<Kind>(3).fill("random bytes"),
  ...Array<Kind>(4).fill("truncated"),
  ...Array<Kind>(4).fill("bit-flipped"),
  ...Array<Kind>(4).fill("wrong shape"),
  "deep nesting",
  "forbidden key",
  ...Array<Kind>(2).fill("broken data frame"),
  ...Array<Kind>(2).fill("broken control frame"),
];

/** SQL in filter values: valid requests the server runs as text to compare, never as SQL. */
export const SQL_VALUES: readonly string[] = [
  "'; DROP TABLE trades; --",
  "BTC-USD' OR '1'='1",
  '" OR 1=1 --',
  "1; DELETE FROM trades",
  "%' UNION SELECT name FROM sqlite_master --",
  "') OR ('a'='a",
  "\\'; ATTACH DATABASE '/tmp/x' AS x; --",
];
