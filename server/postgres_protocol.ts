/**
 * The PostgreSQL frontend/backend protocol 3.0 as bytes, without sockets or
 * timers: the frontend's messages ({@linkcode Message}), a reader that
 * splits what the backend sends into messages whatever the chunks
 * ({@linkcode BackendReader}), with bounds on what it will hold, the
 * `ErrorResponse` fields, the SCRAM-SHA-256 exchange ({@linkcode Scram}),
 * and `DataRow`s read in place ({@linkcode dataRowScanner}).
 * {@linkcode "./postgres_wire.ts"} drives them over a connection.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { NULL_FIELD, PLAIN_FIELD, RowSpans } from "./postgres_records.ts";

/** An `ErrorResponse` of PostgreSQL, or a failure of the connection itself (`code` then not a SQLSTATE). */
export class WireError extends Error {
  /**
   * The SQLSTATE of PostgreSQL's errors; otherwise `CONNECTION_CLOSED`,
   * `CONNECTION_ENDED`, `CONNECT_TIMEOUT`, `QUERY_TIMEOUT`, `PROTOCOL`,
   * `AUTH`, `RESULT_TOO_LARGE`, or the socket's code (`EPIPE`, …).
   */
  readonly code: string;
  /** `ERROR`, `FATAL` or `PANIC` for PostgreSQL's errors; empty for every other. */
  readonly severity: string;

  /** An error of `code` saying `message`. */
  constructor(code: string, severity: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WireError";
    this.code = code;
    this.severity = severity;
  }

  /** Whether PostgreSQL sent it (an `ErrorResponse`), so that its code is a SQLSTATE. */
  get fromServer(): boolean {
    return this.severity !== "";
  }
}

/** A query's rows: its `DataRow` messages one after the other, as PostgreSQL sent them. */
export interface WireRows {
  /** The messages, each `D`, its length, its field count and the fields (read by {@linkcode dataRowScanner}). */
  readonly bytes: Uint8Array;
  /** How many rows. */
  readonly count: number;
  /** Where the last row's message starts (-1 for none). */
  readonly last: number;
}

/** The backend's messages by their type byte. */
export const BACKEND = {
  AUTHENTICATION: 0x52, // R
  BACKEND_KEY: 0x4b, // K
  BIND_COMPLETE: 0x32, // 2
  CLOSE_COMPLETE: 0x33, // 3
  COMMAND_COMPLETE: 0x43, // C
  DATA_ROW: 0x44, // D
  EMPTY_QUERY: 0x49, // I
  ERROR: 0x45, // E
  NO_DATA: 0x6e, // n
  NOTICE: 0x4e, // N
  NOTIFICATION: 0x41, // A
  PARAMETER_STATUS: 0x53, // S
  PARSE_COMPLETE: 0x31, // 1
  READY: 0x5a, // Z
} as const;

export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST = 80877103;
export const CANCEL_REQUEST = 80877102;

/**
 * The largest message other than a `DataRow` that the reader takes:
 * PostgreSQL's are a few hundred bytes (an error with a long detail a few
 * kilobytes), and a peer that announces more is not PostgreSQL.
 */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** The largest buffer a query's rows start with, whatever the results before it. */
const MAX_HINT_BYTES = 4 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds frontend messages, one after the other, into one buffer. */
export class Message {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #lengthAt = 0;

  /** A message of `type` (none for the startup, SSL and cancel requests), its length filled in by `end`. */
  begin(type?: number): this {
    if (type !== undefined) this.byte(type);
    this.#lengthAt = this.#pos;
    return this.int32(0);
  }

  byte(b: number): this {
    this.#room(1);
    this.#buf[this.#pos++] = b;
    return this;
  }

  int16(n: number): this {
    this.#room(2);
    this.#view.setInt16(this.#pos, n);
    this.#pos += 2;
    return this;
  }

  int32(n: number): this {
    this.#room(4);
    this.#view.setInt32(this.#pos, n);
    this.#pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#room(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
    return this;
  }

  /** A NUL-terminated string. */
  cstring(s: string): this {
    return this.bytes(encoder.encode(s)).byte(0);
  }

  end(): this {
    this.#view.setInt32(this.#lengthAt, this.#pos - this.#lengthAt);
    return this;
  }

  /** Every message built so far, and a fresh start. */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#pos);
    this.#pos = 0;
    return out;
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    bigger.set(this.#buf.subarray(0, this.#pos));
    this.#buf = bigger;
    this.#view = new DataView(bigger.buffer);
  }
}

/**
 * One query's `DataRow` messages as they arrive, in one buffer that grows
 * (from `hint`, on the first row) up to `budget` bytes: a result past it
 * fails with `RESULT_TOO_LARGE` rather than take the process's memory. A
 * row of more than {@linkcode MAX_MESSAGE_BYTES} gets its room as its bytes
 * come, not as its length announces them.
 */
export class RowBuffer {
  #buf = new Uint8Array(0);
  #pos = 0;
  #count = 0;
  #last = -1;
  /** Where the row under way ends, when it is large; `Infinity` otherwise. */
  #rowEnd = Infinity;
  readonly #hint: number;
  readonly #budget: number;

  constructor(hint: number, budget: number) {
    this.#hint = Math.min(hint, MAX_HINT_BYTES, budget);
    this.#budget = budget;
  }

  /** Bytes held. */
  get size(): number {
    return this.#pos;
  }

  /** Starts a row whose message, header and all, is `total` bytes; `header` is its first 5. */
  startRow(header: Uint8Array, total: number): void {
    const need = this.#pos + total;
    if (need > this.#budget) {
      throw new WireError(
        "RESULT_TOO_LARGE",
        "",
        `a query's rows are more than ${this.#budget} bytes`,
      );
    }
    // A large row's room doubles up to its end, not past it.
    this.#rowEnd = total > MAX_MESSAGE_BYTES ? need : Infinity;
    this.#room(this.#pos + Math.min(total, MAX_MESSAGE_BYTES));
    this.#last = this.#pos;
    this.#count++;
    this.add(header);
  }

  /** Bytes of the row under way, within the length {@linkcode RowBuffer.startRow} was given. */
  add(bytes: Uint8Array): void {
    this.#room(this.#pos + bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /** Grows the buffer to hold `need` bytes (never past the budget, which `startRow` checked). */
  #room(need: number): void {
    if (need <= this.#buf.length) return;
    const bigger = new Uint8Array(
      Math.max(
        need,
        Math.min(this.#budget, this.#rowEnd, Math.max(this.#hint, this.#buf.length * 2)),
      ),
    );
    bigger.set(this.#buf.subarray(0, this.#pos));
    this.#buf = bigger;
  }

  take(): WireRows {
    return { bytes: this.#buf.subarray(0, this.#pos), count: this.#count, last: this.#last };
  }
}

/** What a {@linkcode BackendReader} hands its messages to. */
export interface BackendSink {
  /** Where the `DataRow` just begun goes; `undefined` to have it as a message. */
  rowsFor(): RowBuffer | undefined;
  /** One whole message other than a `DataRow` that went to a {@linkcode RowBuffer}. */
  message(type: number, body: Uint8Array): void;
}

/**
 * Splits the backend's bytes into messages, whatever the chunks they come
 * in: `DataRow`s are copied once, into the buffer of the query they answer,
 * every other message handed over whole. {@linkcode BackendReader.push}
 * throws a {@linkcode WireError} for bytes that are not the protocol (a
 * negative length, a message other than a row of more than
 * {@linkcode MAX_MESSAGE_BYTES}) or a result past its budget; after
 * {@linkcode BackendReader.stop} it reads nothing more.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { BackendReader } from "./postgres_protocol.ts";
 * const seen: number[][] = [];
 * const reader = new BackendReader({
 *   rowsFor: () => undefined,
 *   message: (type, body) => seen.push([type, ...body]),
 * });
 * // ReadyForQuery ("Z", length 5, "I"), cut after its second byte.
 * reader.push(new Uint8Array([0x5a, 0]));
 * reader.push(new Uint8Array([0, 0, 5, 0x49]));
 * deepStrictEqual(seen, [[0x5a, 0x49]]);
 * ```
 */
export class BackendReader {
  readonly #sink: BackendSink;
  readonly #header = new Uint8Array(5);
  #headerHave = 0;
  #type = 0;
  #bodyLeft = 0;
  /** The body of a message other than a row, as it arrives. */
  #body = new Uint8Array(0);
  #bodyHave = 0;
  /** While in a row: the buffer it goes to. */
  #rowsTo: RowBuffer | undefined;
  #stopped = false;

  constructor(sink: BackendSink) {
    this.#sink = sink;
  }

  /** Reads nothing more, from now on. */
  stop(): void {
    this.#stopped = true;
  }

  /** Reads one chunk as it came. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n && !this.#stopped) {
      if (this.#headerHave < 5) {
        const take = Math.min(5 - this.#headerHave, n - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerHave);
        this.#headerHave += take;
        i += take;
        if (this.#headerHave < 5) return;
        this.#begin();
      }
      const take = Math.min(this.#bodyLeft, n - i);
      const part = chunk.subarray(i, i + take);
      if (this.#rowsTo !== undefined) {
        this.#rowsTo.add(part);
      } else {
        this.#body.set(part, this.#bodyHave);
        this.#bodyHave += take;
      }
      i += take;
      this.#bodyLeft -= take;
      if (this.#bodyLeft > 0) return;
      this.#headerHave = 0;
      const whole = this.#rowsTo === undefined;
      this.#rowsTo = undefined;
      if (whole) this.#sink.message(this.#type, this.#body);
    }
  }

  /** A message's header is in: where its body goes. */
  #begin(): void {
    const h = this.#header;
    this.#type = h[0];
    const length = ((h[1] << 24) | (h[2] << 16) | (h[3] << 8) | h[4]) - 4;
    if (length < 0) {
      throw new WireError("PROTOCOL", "", "PostgreSQL sent a message of negative length");
    }
    this.#bodyLeft = length;
    const rows = this.#type === BACKEND.DATA_ROW ? this.#sink.rowsFor() : undefined;
    if (rows !== undefined) {
      rows.startRow(h, 5 + length);
      this.#rowsTo = rows;
      return;
    }
    if (length > MAX_MESSAGE_BYTES) {
      throw new WireError(
        "PROTOCOL",
        "",
        `PostgreSQL sent a message of ${length} bytes (type ${this.#type})`,
      );
    }
    this.#body = new Uint8Array(length);
    this.#bodyHave = 0;
  }
}

/** An `ErrorResponse`'s fields (severity, SQLSTATE, message) as a {@linkcode WireError}. */
export function errorResponse(body: Uint8Array): WireError {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    fields.set(String.fromCharCode(body[i]), decoder.decode(body.subarray(i + 1, end)));
    i = end + 1;
  }
  return new WireError(
    fields.get("C") ?? "XX000",
    fields.get("V") ?? fields.get("S") ?? "ERROR",
    fields.get("M") ?? "PostgreSQL reported an error",
  );
}

/**
 * The most PBKDF2 iterations a server may ask of SCRAM: PostgreSQL's
 * default is 4,096; each takes about a microsecond here, so a million is
 * about a second of one core, asked once per salt (see `salted`).
 */
export const MAX_SCRAM_ITERATIONS = 1_000_000;

/** The salted password of one salt and iteration count. */
export interface SaltedPassword {
  readonly salt: string;
  readonly iterations: number;
  readonly key: Uint8Array;
}

/**
 * One SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding
 * and without SASLprep of the password (used as its UTF-8 bytes: the same
 * for every ASCII password).
 */
export class Scram {
  readonly #password: string;
  readonly #nonce = randomBytes(18).toString("base64");
  #serverSignature = "";
  #verified = false;

  constructor(password: string) {
    this.#password = password;
  }

  /** The client's first message; PostgreSQL takes the user from the startup, not from here. */
  get clientFirst(): string {
    return `n,,n=*,r=${this.#nonce}`;
  }

  /** Whether the server's final message proved that it knows the password. */
  get verified(): boolean {
    return this.#verified;
  }

  /**
   * The client's final message, with its proof, for the server's first;
   * `cached` is a salted password from an earlier exchange, used when its
   * salt and count are the server's. Resolves with the salted password too.
   */
  async clientFinal(
    serverFirst: string,
    cached?: SaltedPassword,
  ): Promise<{ message: string; salted: SaltedPassword }> {
    const fields = scramFields(serverFirst);
    const nonce = fields?.get("r") ?? "";
    const salt = fields?.get("s");
    const iterations = Number(fields?.get("i"));
    if (
      fields === undefined || fields.has("m") || !nonce.startsWith(this.#nonce) ||
      nonce.length === this.#nonce.length || salt === undefined ||
      !Number.isSafeInteger(iterations) || iterations < 1 ||
      iterations > MAX_SCRAM_ITERATIONS
    ) {
      throw new WireError("AUTH", "", "the server's SCRAM message is not one sluice can answer");
    }
    const salted = cached?.salt === salt && cached.iterations === iterations
      ? cached
      : { salt, iterations, key: await pbkdf2(this.#password, salt, iterations) };
    const clientKey = createHmac("sha256", salted.key).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const auth = `n=*,r=${this.#nonce},${serverFirst},${withoutProof}`;
    const signature = createHmac("sha256", storedKey).update(auth).digest();
    const proof = clientKey.map((b, i) => b ^ signature[i]);
    const serverKey = createHmac("sha256", salted.key).update("Server Key").digest();
    this.#serverSignature = createHmac("sha256", serverKey).update(auth).digest("base64");
    return { message: `${withoutProof},p=${Buffer.from(proof).toString("base64")}`, salted };
  }

  /** Checks the server's final message: it must prove that the server knows the password too. */
  verify(serverFinal: string): boolean {
    this.#verified = this.#serverSignature !== "" &&
      scramFields(serverFinal)?.get("v") === this.#serverSignature;
    return this.#verified;
  }
}

/** PBKDF2-HMAC-SHA-256 of 32 bytes, off the main thread (Web Crypto). */
async function pbkdf2(password: string, salt: string, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: Buffer.from(salt, "base64"), iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** A SCRAM message's `k=value` attributes; `undefined` when one is not of that form. */
function scramFields(message: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  for (const part of message.split(",")) {
    if (part.length < 2 || part[1] !== "=") return undefined;
    fields.set(part[0], part.slice(2));
  }
  return fields;
}

/**
 * Reads rows of `width` fields from {@linkcode WireRows.bytes} into spans:
 * given where a `DataRow` starts, fills `spans` and returns where the next
 * one starts; -1 when the bytes there are not a `DataRow` of that width.
 * Fields are plain text or NULL (length -1).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { dataRowScanner } from "./postgres_protocol.ts";
 * import { RowSpans } from "./postgres_records.ts";
 * // D, length 16, 2 fields: "7" and NULL
 * const row = new Uint8Array([0x44, 0, 0, 0, 15, 0, 2, 0, 0, 0, 1, 0x37, 255, 255, 255, 255]);
 * const spans = new RowSpans(2);
 * equal(dataRowScanner(2)(row, 0, spans), 16);
 * equal(spans.forms[1], 0);
 * ```
 */
export function dataRowScanner(
  width: number,
): (bytes: Uint8Array, i: number, spans: RowSpans) => number {
  return (bytes, i, spans) => {
    const n = bytes.length;
    if (i + 7 > n || bytes[i] !== BACKEND.DATA_ROW) return -1;
    const end = i + 1 + ((bytes[i + 1] << 24) | (bytes[i + 2] << 16) | (bytes[i + 3] << 8) |
      bytes[i + 4]);
    if (end > n || ((bytes[i + 5] << 8) | bytes[i + 6]) !== width) return -1;
    const { starts, stops, forms } = spans;
    let p = i + 7;
    for (let c = 0; c < width; c++) {
      if (p + 4 > end) return -1;
      const length = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
      p += 4;
      if (length < 0) {
        forms[c] = NULL_FIELD;
        continue;
      }
      if (p + length > end) return -1;
      starts[c] = p;
      stops[c] = p + length;
      forms[c] = PLAIN_FIELD;
      p += length;
    }
    return p === end ? end : -1;
  };
}

/**
 * The cells of rows as the driver's `raw()` gives them: each field's bytes,
 * `null` for NULL.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { wireCells } from "./postgres_protocol.ts";
 * const row = new Uint8Array([0x44, 0, 0, 0, 15, 0, 2, 0, 0, 0, 1, 0x37, 255, 255, 255, 255]);
 * deepStrictEqual(wireCells({ bytes: row, count: 1, last: 0 }), [[new Uint8Array([0x37]), null]]);
 * ```
 */
export function wireCells(rows: WireRows): (Uint8Array | null)[][] {
  const { bytes } = rows;
  const cells: (Uint8Array | null)[][] = [];
  for (let i = 0; i < bytes.length;) {
    const width = (bytes[i + 5] << 8) | bytes[i + 6];
    const spans = new RowSpans(width);
    const next = dataRowScanner(width)(bytes, i, spans);
    if (next < 0) throw new TypeError(`not a DataRow at byte ${i}`);
    cells.push(
      Array.from(
        spans.forms,
        (form, c) => form === NULL_FIELD ? null : bytes.slice(spans.starts[c], spans.stops[c]),
      ),
    );
    i = next;
  }
  return cells;
}
