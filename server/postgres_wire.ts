/**
 * A PostgreSQL connection of sluice's own, for the reads of one download's
 * snapshot: the frontend/backend protocol 3.0 over TCP, with TLS and
 * password authentication (SCRAM-SHA-256, MD5, cleartext), the extended
 * query protocol with bound parameters, and pipelining.
 *
 * Why not the driver (`npm:postgres`) for these reads: it makes a buffer
 * view per cell of every row, which costs more than PostgreSQL spends
 * writing them, so the pool's pages are one text per page built by
 * PostgreSQL (postgres_records.ts), which in turn costs PostgreSQL half as
 * much again as a plain `SELECT`. Here a page's `DataRow` messages are
 * copied as they arrive into one buffer, and read in place
 * ({@linkcode dataRowScanner}): each field comes with its length, so
 * nothing is searched for. Measured on 1,000,000 rows of 11 columns
 * (bench/RESULTS.md): about 0.5 s of CPU less in all than the page texts.
 *
 * Only connections that this module reads exactly as the driver does are
 * made here ({@linkcode wireSettings}); for any other URL the pool's
 * snapshots stay on the driver.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { connect as tcpConnect, isIP, type Socket } from "node:net";
import { userInfo } from "node:os";
import { connect as tlsConnect } from "node:tls";
import { NULL_FIELD, PLAIN_FIELD, RowSpans } from "./postgres_records.ts";

/** How {@linkcode WireConnection.open} reaches and signs in to PostgreSQL. */
export interface WireSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /**
   * `disable`: plain TCP; `prefer`: TLS when the server offers it, without
   * checking its certificate; `require`: TLS, without checking;
   * `verify-full`: TLS, its certificate checked for the host name.
   */
  readonly ssl: "disable" | "prefer" | "require" | "verify-full";
  /** Run-time parameters of the session, sent at startup. */
  readonly parameters: Readonly<Record<string, string>>;
  /** How long opening may take, in milliseconds. */
  readonly connectTimeoutMs: number;
}

/**
 * The settings for `url` as the driver reads it (with the same `PG…`
 * environment variables for what the URL leaves out), or `undefined` for a
 * URL this module does not read the same way: several hosts, a socket
 * directory, any query parameter but `sslmode`, `sslmode=allow`, or a
 * variable that changes the driver's TLS.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { wireSettings } from "./postgres_wire.ts";
 * const s = wireSettings("postgres://app:p%40ss@db.internal:6432/exchange?sslmode=require", {}, {}, 10)!;
 * equal(s.password, "p@ss");
 * equal(s.ssl, "require");
 * equal(wireSettings("postgres://a@h1,h2/db", {}, {}, 10), undefined);
 * ```
 */
export function wireSettings(
  url: string,
  parameters: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  connectTimeoutMs: number,
): WireSettings | undefined {
  const scheme = /^(postgres|postgresql):\/\//.exec(url);
  if (scheme === null) return undefined;
  // The driver's own split: the host part is what lies between `://` (or `@`) and `/` or `?`.
  const authority = url.slice(scheme[0].length).split(/[?/]/)[0];
  if (decodeURIComponent(authority.slice(authority.indexOf("@") + 1)).includes(",")) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const query = [...parsed.searchParams.keys()];
  if (query.some((k) => k !== "sslmode")) return undefined;
  // Variables by which the driver would set what this module does not do.
  if (["PGSSL", "PGSSLNEGOTIATION", "PGTARGETSESSIONATTRS"].some((k) => env[k] !== undefined)) {
    return undefined;
  }
  const sslmode = parsed.searchParams.get("sslmode") ?? "disable";
  const ssl = sslmode === "disable" || sslmode === "false"
    ? "disable"
    : sslmode === "prefer" || sslmode === "require"
    ? sslmode
    // The driver checks the certificate and the host for any other mode but `allow`.
    : sslmode === "verify-full" || sslmode === "verify-ca"
    ? "verify-full"
    : undefined;
  if (ssl === undefined) return undefined;
  const host = parsed.hostname || env.PGHOST || "localhost";
  if (host.includes("/") || host.includes(",")) return undefined;
  const user = decodeURIComponent(parsed.username) || env.PGUSERNAME || env.PGUSER ||
    osUser(env);
  const port = Number(parsed.port || env.PGPORT || 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return {
    // An IPv6 address comes bracketed out of the URL.
    host: host.startsWith("[") ? host.slice(1, -1) : host,
    port,
    user,
    password: decodeURIComponent(parsed.password) || env.PGPASSWORD || "",
    // The driver takes the path as it is, percent escapes and all.
    database: parsed.pathname.slice(1) || env.PGDATABASE || user,
    ssl,
    parameters,
    connectTimeoutMs,
  };
}

/** The driver's default user: the process's, else the first of these variables. */
function osUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USERNAME || env.USER || env.LOGNAME || "";
  }
}

/** An `ErrorResponse` of PostgreSQL, or a failure of the connection itself (`code` then not a SQLSTATE). */
export class WireError extends Error {
  /** The SQLSTATE, or `CONNECTION_CLOSED`, `CONNECT_TIMEOUT`, `PROTOCOL`, `AUTH`, or the socket's code. */
  readonly code: string;
  /** `ERROR`, `FATAL` or `PANIC` for PostgreSQL's errors, else empty. */
  readonly severity: string;

  /** An error of `code` saying `message`. */
  constructor(code: string, severity: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WireError";
    this.code = code;
    this.severity = severity;
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

/** The backend's messages this module reads by their type byte. */
const AUTHENTICATION = 0x52; // R
const BACKEND_KEY = 0x4b; // K
const READY = 0x5a; // Z
const ERROR = 0x45; // E
const DATA_ROW = 0x44; // D
const PARAMETER_STATUS = 0x53; // S

/** Most statements a connection keeps prepared. */
const MAX_STATEMENTS = 64;

const PROTOCOL_3_0 = 196608;
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds one frontend message. */
class Message {
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

/** A query sent and not yet answered to the end (`ReadyForQuery`). */
interface Pending {
  /** Collects `DataRow`s. */
  rows: RowBuffer;
  error: WireError | undefined;
  resolve(rows: WireRows): void;
  reject(error: WireError): void;
}

/** A growing buffer of one query's `DataRow` messages. */
class RowBuffer {
  buf: Uint8Array;
  pos = 0;
  count = 0;
  last = -1;

  constructor(hint: number) {
    this.buf = new Uint8Array(hint);
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  take(): WireRows {
    return { bytes: this.buf.subarray(0, this.pos), count: this.count, last: this.last };
  }
}

/**
 * One session: opened by {@linkcode WireConnection.open}, then queries in
 * order, each answered in the order sent.
 *
 * @example
 * ```ts ignore
 * import { WireConnection, wireSettings } from "./postgres_wire.ts";
 * const settings = wireSettings("postgres://sluice@127.0.0.1/exchange", {}, {}, 10_000)!;
 * const connection = await WireConnection.open(settings);
 * const { count } = await connection.query("SELECT id FROM trades WHERE id > $1::int8", ["7"]);
 * connection.close();
 * ```
 */
export class WireConnection {
  readonly #socket: Socket;
  readonly #settings: WireSettings;
  readonly #out = new Message();
  readonly #pending: Pending[] = [];
  /** Prepared statements by their text. */
  readonly #statements = new Map<string, string>();
  #pid = 0;
  #secret = 0;
  /** The transaction status of the last `ReadyForQuery`: `I` idle, `T` in one, `E` failed one. */
  #status = 0x49;
  #closed: WireError | undefined;
  /** The size of the largest result so far: where the next one's buffer starts. */
  #hint = 64 * 1024;

  // The reader's state: the header of the message at hand, then its body.
  readonly #header = new Uint8Array(5);
  #headerHave = 0;
  #type = 0;
  #bodyLeft = 0;
  /** The body of a message other than a `DataRow`, as it arrives. */
  #body: Uint8Array | undefined;
  #bodyHave = 0;
  /** While in a `DataRow`: the buffer it goes to. */
  #rowsTo: RowBuffer | undefined;
  /** What waits for a message during startup. */
  #startup: ((type: number, body: Uint8Array) => void) | undefined;

  private constructor(socket: Socket, settings: WireSettings) {
    this.#socket = socket;
    this.#settings = settings;
  }

  /** Connects, negotiates TLS, signs in, and waits for the session to be ready. */
  static async open(settings: WireSettings): Promise<WireConnection> {
    const socket = await connectSocket(settings);
    const connection = new WireConnection(socket, settings);
    try {
      await deadline(connection.#start(), settings.connectTimeoutMs, () => socket.destroy());
    } catch (error) {
      socket.destroy();
      throw error;
    }
    return connection;
  }

  /** Whether the connection can take no more queries (and why). */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Whether queries are outstanding. */
  get busy(): boolean {
    return this.#pending.length > 0;
  }

  /** Whether no query is outstanding and no transaction is open (so it may be reused). */
  get idle(): boolean {
    return this.#closed === undefined && this.#pending.length === 0 && this.#status === 0x49;
  }

  /**
   * Runs one statement with its parameters (text, each cast in the SQL)
   * and gives its rows as PostgreSQL sent them, every cell as text. A
   * statement is prepared on first use and kept for the connection's life (up to 64 of them).
   */
  query(text: string, params: readonly string[]): Promise<WireRows> {
    const out = this.#out;
    let name = this.#statements.get(text);
    if (name === undefined) {
      // Past the first statements (each filter's shape is one), the unnamed one, parsed each
      // time: a long-lived connection never holds more than these.
      name = this.#statements.size < MAX_STATEMENTS ? `sluice_${this.#statements.size + 1}` : "";
      if (name !== "") this.#statements.set(text, name);
      out.begin(0x50).cstring(name).cstring(text).int16(0).end(); // Parse
    }
    out.begin(0x42).cstring("").cstring(name).int16(0).int16(params.length); // Bind
    for (const p of params) {
      const bytes = encoder.encode(p);
      out.int32(bytes.length).bytes(bytes);
    }
    out.int16(0).end();
    out.begin(0x45).cstring("").int32(0).end(); // Execute, every row
    out.begin(0x53).end(); // Sync
    return this.#send(out.take());
  }

  /** Runs statements without parameters (`BEGIN`, `COMMIT`) through the simple protocol. */
  simple(text: string): Promise<WireRows> {
    return this.#send(this.#out.begin(0x51).cstring(text).end().take());
  }

  /**
   * Asks PostgreSQL, on a connection of its own, to cancel what this one
   * runs; the query then fails with `57014`. Resolves once asked.
   */
  async cancel(): Promise<void> {
    if (this.#closed !== undefined || this.#pending.length === 0) return;
    let socket: Socket;
    try {
      socket = await connectSocket({ ...this.#settings, ssl: "disable" });
    } catch {
      return; // Cancelling is a courtesy: the statement timeout ends the query anyway.
    }
    const request = new Message().begin().int32(CANCEL_REQUEST).int32(this.#pid)
      .int32(this.#secret).end().take();
    await new Promise<void>((done) => socket.end(request, done));
    socket.destroy();
  }

  /** Ends the session (`Terminate`) and the socket; outstanding queries fail. */
  close(): void {
    if (this.#closed === undefined) {
      this.#socket.end(new Message().begin(0x58).end().take()); // Terminate
    }
    this.#fail(new WireError("CONNECTION_ENDED", "", "the connection was closed"));
    this.#socket.destroy();
  }

  #send(bytes: Uint8Array): Promise<WireRows> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#pending.push({ rows: new RowBuffer(this.#hint), error: undefined, resolve, reject });
      this.#socket.write(bytes);
    });
  }

  /** The startup: from the startup message to the first `ReadyForQuery`. */
  #start(): Promise<void> {
    const s = this.#settings;
    const startup = new Message().begin().int32(PROTOCOL_3_0);
    const parameters = {
      user: s.user,
      database: s.database,
      client_encoding: "UTF8",
      ...s.parameters,
    };
    for (const [k, v] of Object.entries(parameters)) startup.cstring(k).cstring(v);
    const message = startup.byte(0).end().take();
    return new Promise<void>((ready, fail) => {
      let scram: Scram | undefined;
      this.#startup = (type, body) => {
        const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
        try {
          if (type === AUTHENTICATION) {
            const reply = this.#authenticate(view, body, scram);
            if (reply instanceof Scram) scram = reply;
          } else if (type === BACKEND_KEY) {
            this.#pid = view.getInt32(0);
            this.#secret = view.getInt32(4);
          } else if (type === ERROR) {
            fail(errorResponse(body));
            this.#socket.destroy();
          } else if (type === READY) {
            this.#startup = undefined;
            ready();
          }
        } catch (error) {
          fail(error);
          this.#socket.destroy();
        }
      };
      this.#socket.on("data", (chunk: Uint8Array) => this.#receive(chunk));
      this.#socket.on("error", (error: Error & { code?: string }) => {
        const lost = new WireError(error.code ?? "CONNECTION_CLOSED", "", error.message, {
          cause: error,
        });
        this.#fail(lost);
        fail(lost);
      });
      this.#socket.on("close", () => {
        const lost = new WireError("CONNECTION_CLOSED", "", "the connection closed");
        this.#fail(lost);
        fail(lost);
      });
      this.#socket.write(message);
    });
  }

  /** Answers an authentication request; the SCRAM exchange under way, if one began. */
  #authenticate(view: DataView, body: Uint8Array, scram: Scram | undefined): Scram | undefined {
    const s = this.#settings;
    const kind = view.getInt32(0);
    const out = new Message();
    switch (kind) {
      case 0: // AuthenticationOk
        return scram;
      case 3: // cleartext
        this.#socket.write(out.begin(0x70).cstring(s.password).end().take());
        return undefined;
      case 5: { // MD5, with a salt
        const inner = createHash("md5").update(s.password + s.user).digest("hex");
        const salted = createHash("md5").update(inner).update(body.subarray(4, 8)).digest("hex");
        this.#socket.write(out.begin(0x70).cstring(`md5${salted}`).end().take());
        return undefined;
      }
      case 10: { // SASL: the mechanisms, each NUL-terminated
        const mechanisms = decoder.decode(body.subarray(4)).split("\0");
        if (!mechanisms.includes("SCRAM-SHA-256")) {
          throw new WireError(
            "AUTH",
            "",
            `no SASL mechanism sluice knows: ${mechanisms.join(" ")}`,
          );
        }
        const started = new Scram(s.password);
        const first = encoder.encode(started.clientFirst);
        this.#socket.write(
          out.begin(0x70).cstring("SCRAM-SHA-256").int32(first.length).bytes(first).end().take(),
        );
        return started;
      }
      case 11: { // SASL continue: the server's first message
        if (scram === undefined) throw new WireError("AUTH", "", "SASL out of turn");
        const final = encoder.encode(scram.clientFinal(decoder.decode(body.subarray(4))));
        this.#socket.write(out.begin(0x70).bytes(final).end().take());
        return scram;
      }
      case 12: // SASL final: the server's proof
        if (scram === undefined || !scram.verify(decoder.decode(body.subarray(4)))) {
          throw new WireError("AUTH", "", "the server's SCRAM signature is wrong");
        }
        return scram;
      default:
        throw new WireError("AUTH", "", `an authentication method sluice does not speak (${kind})`);
    }
  }

  /** Reads what arrived: messages split and joined across chunks, `DataRow`s copied once. */
  #receive(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.#headerHave < 5) {
        const take = Math.min(5 - this.#headerHave, n - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerHave);
        this.#headerHave += take;
        i += take;
        if (this.#headerHave < 5) return;
        const h = this.#header;
        this.#type = h[0];
        const length = ((h[1] << 24) | (h[2] << 16) | (h[3] << 8) | h[4]) - 4;
        if (length < 0) return this.#violation("a message of negative length");
        this.#bodyLeft = length;
        const rows = this.#pending[0]?.rows;
        if (this.#type === DATA_ROW && rows !== undefined && this.#startup === undefined) {
          rows.reserve(5 + length);
          rows.last = rows.pos;
          rows.buf.set(h, rows.pos);
          rows.pos += 5;
          rows.count++;
          this.#rowsTo = rows;
        } else {
          this.#rowsTo = undefined;
          this.#body = new Uint8Array(length);
          this.#bodyHave = 0;
        }
      }
      const take = Math.min(this.#bodyLeft, n - i);
      const rows = this.#rowsTo;
      if (rows !== undefined) {
        rows.buf.set(chunk.subarray(i, i + take), rows.pos);
        rows.pos += take;
      } else if (take > 0) {
        this.#body!.set(chunk.subarray(i, i + take), this.#bodyHave);
        this.#bodyHave += take;
      }
      i += take;
      this.#bodyLeft -= take;
      if (this.#bodyLeft > 0) return;
      this.#headerHave = 0;
      if (rows === undefined) this.#message(this.#type, this.#body!);
      this.#body = undefined;
      this.#rowsTo = undefined;
      if (this.#closed !== undefined) return;
    }
  }

  /** One whole message other than a `DataRow` of a query. */
  #message(type: number, body: Uint8Array): void {
    if (this.#startup !== undefined) return this.#startup(type, body);
    const head = this.#pending[0];
    switch (type) {
      case ERROR: {
        const error = errorResponse(body);
        if (head === undefined || error.severity === "FATAL" || error.severity === "PANIC") {
          // The server ends the session (a shutdown, a terminated backend): every query fails.
          return this.#fail(error);
        }
        head.error ??= error;
        return;
      }
      case READY: {
        this.#status = body[0];
        if (head === undefined) return this.#violation("ReadyForQuery out of turn");
        this.#pending.shift();
        const rows = head.rows.take();
        this.#hint = Math.max(this.#hint, rows.bytes.length + 1024);
        if (head.error !== undefined) head.reject(head.error);
        else head.resolve(rows);
        return;
      }
      case DATA_ROW:
        return this.#violation("a DataRow with no query");
      case PARAMETER_STATUS:
        return this.#parameter(body);
      default:
        // ParseComplete, BindComplete, CommandComplete, NoData, notices and notifications.
        return;
    }
  }

  /** A parameter PostgreSQL reports changed: one the reads depend on may not move. */
  #parameter(body: Uint8Array): void {
    const [name, value] = decoder.decode(body).split("\0");
    const wanted = name === "client_encoding"
      ? "UTF8"
      : name === "TimeZone"
      ? this.#settings.parameters.TimeZone
      : undefined;
    if (wanted !== undefined && value !== wanted) {
      this.#violation(`the session's ${name} became ${value}`);
    }
  }

  #violation(what: string): void {
    this.#fail(new WireError("PROTOCOL", "", `PostgreSQL sent ${what}`));
    this.#socket.destroy();
  }

  /** Fails every outstanding query and every later one with `error`. */
  #fail(error: WireError): void {
    this.#closed ??= error;
    for (const p of this.#pending.splice(0)) p.reject(this.#closed);
  }
}

/** A TCP socket to the server, through TLS as the settings say, within the connect timeout. */
function connectSocket(settings: WireSettings): Promise<Socket> {
  let socket: Socket | undefined;
  return deadline(negotiate(settings, (s) => socket = s), settings.connectTimeoutMs, () => {
    socket?.destroy();
  });
}

/** Connects (telling `opened` of each socket made) and, as the settings say, starts TLS. */
async function negotiate(settings: WireSettings, opened: (s: Socket) => void): Promise<Socket> {
  const socket = await until(
    tcpConnect({ host: settings.host, port: settings.port }),
    "connect",
    opened,
  );
  socket.setNoDelay(true);
  if (settings.ssl === "disable") return socket;
  socket.write(new Message().begin().int32(SSL_REQUEST).end().take());
  const [answer] = await until(socket, "data");
  if (answer !== 0x53) { // S
    if (settings.ssl === "prefer") return socket;
    socket.destroy();
    throw new WireError("CONNECTION_CLOSED", "", "the server does not accept TLS");
  }
  const secure = tlsConnect({
    socket,
    servername: isIP(settings.host) === 0 ? settings.host : undefined,
    rejectUnauthorized: settings.ssl === "verify-full",
  });
  try {
    return await until(secure, "secureConnect", opened);
  } catch (error) {
    secure.destroy();
    throw error;
  }
}

/**
 * Waits for `event` on `socket` (given to `opened` first), failing on an
 * error or a close before it; leaves no listener behind. Resolves with the
 * event's first argument, or the socket for an event without one.
 */
function until<S extends Socket>(
  socket: S,
  event: "connect" | "secureConnect",
  opened?: (s: Socket) => void,
): Promise<S>;
function until(socket: Socket, event: "data"): Promise<Uint8Array>;
function until(
  socket: Socket,
  event: string,
  opened?: (s: Socket) => void,
): Promise<unknown> {
  opened?.(socket);
  return new Promise((resolve, reject) => {
    const done = (value?: unknown) => {
      off();
      resolve(value ?? socket);
    };
    const error = (e: Error & { code?: string }) => {
      off();
      reject(new WireError(e.code ?? "CONNECTION_CLOSED", "", e.message, { cause: e }));
    };
    const close = () => {
      off();
      reject(new WireError("CONNECTION_CLOSED", "", "the connection closed"));
    };
    const off = () => {
      socket.off(event, done).off("error", error).off("close", close);
    };
    socket.once(event, done).once("error", error).once("close", close);
  });
}

/** `promise`, or a `CONNECT_TIMEOUT` after `ms` (calling `onTimeout`). */
function deadline<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      onTimeout();
      fail(new WireError("CONNECT_TIMEOUT", "", `no connection within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** An `ErrorResponse`'s fields (severity, SQLSTATE, message) as a {@linkcode WireError}. */
function errorResponse(body: Uint8Array): WireError {
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

/** One SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding. */
class Scram {
  readonly #password: string;
  readonly #nonce = randomBytes(18).toString("base64");
  #serverSignature = "";

  constructor(password: string) {
    this.#password = password;
  }

  /** The client's first message; PostgreSQL takes the user from the startup, not from here. */
  get clientFirst(): string {
    return `n,,n=*,r=${this.#nonce}`;
  }

  /** The client's final message, with its proof, for the server's first. */
  clientFinal(serverFirst: string): string {
    const fields = scramFields(serverFirst);
    const nonce = fields.get("r") ?? "";
    const salt = fields.get("s");
    const iterations = Number(fields.get("i"));
    if (!nonce.startsWith(this.#nonce) || salt === undefined || !(iterations > 0)) {
      throw new WireError("AUTH", "", "the server's SCRAM message is not one sluice can answer");
    }
    const salted = pbkdf2Sync(
      this.#password,
      Buffer.from(salt, "base64"),
      iterations,
      32,
      "sha256",
    );
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const auth = `n=*,r=${this.#nonce},${serverFirst},${withoutProof}`;
    const signature = createHmac("sha256", storedKey).update(auth).digest();
    const proof = clientKey.map((b, i) => b ^ signature[i]);
    const serverKey = createHmac("sha256", salted).update("Server Key").digest();
    this.#serverSignature = createHmac("sha256", serverKey).update(auth).digest("base64");
    return `${withoutProof},p=${Buffer.from(proof).toString("base64")}`;
  }

  /** Whether the server's final message proves it knows the password too. */
  verify(serverFinal: string): boolean {
    return this.#serverSignature !== "" &&
      scramFields(serverFinal).get("v") === this.#serverSignature;
  }
}

function scramFields(message: string): Map<string, string> {
  return new Map(message.split(",").map((part) => [part.slice(0, 1), part.slice(2)]));
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
 * import { dataRowScanner } from "./postgres_wire.ts";
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
    if (i + 7 > n || bytes[i] !== DATA_ROW) return -1;
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
 * import { wireCells } from "./postgres_wire.ts";
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
