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
 * (bench/RESULTS.md, 2026-12-03): 5.3 s of CPU in all (server, client and
 * PostgreSQL) against 6.7 s through the driver's page texts, PostgreSQL's
 * share 1.9 s against 2.9 s.
 *
 * Only connections that this module reads exactly as the driver does are
 * made here ({@linkcode wireSettings}); for any other URL the pool's
 * snapshots stay on the driver.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { connect as tcpConnect, isIP, type Socket } from "node:net";
import { userInfo } from "node:os";
import { connect as tlsConnect } from "node:tls";
import {
  BACKEND,
  BackendReader,
  CANCEL_REQUEST,
  errorResponse,
  Message,
  PROTOCOL_3_0,
  RowBuffer,
  type SaltedPassword,
  Scram,
  SSL_REQUEST,
  WireError,
  type WireRows,
} from "./postgres_protocol.ts";

export { dataRowScanner, wireCells, WireError } from "./postgres_protocol.ts";
export type { WireRows } from "./postgres_protocol.ts";

/** Most statements a connection keeps prepared. */
const MAX_STATEMENTS = 64;

/** How long a connection may sit silent before TCP asks whether the server is still there. */
const KEEPALIVE_MS = 60_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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
  /** How long opening may take in all (TCP, TLS, sign-in), in milliseconds. */
  readonly connectTimeoutMs: number;
  /** Most bytes one query's rows may take; past it the query fails with `RESULT_TOO_LARGE`. */
  readonly maxResultBytes: number;
  /**
   * How long a query may go unanswered before the connection is given up
   * (`QUERY_TIMEOUT`), in milliseconds; 0 for no limit. PostgreSQL's
   * statement timeout ends a slow query first: this is for a server or a
   * network that stopped answering.
   */
  readonly queryTimeoutMs: number;
}

/** What {@linkcode wireSettings} gives a connection unless told. */
export const WIRE_DEFAULTS = {
  /** 256 MiB: a page of ordinary rows is well under a megabyte. */
  maxResultBytes: 256 << 20,
  queryTimeoutMs: 0,
} as const;

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
  limits: Partial<Pick<WireSettings, "maxResultBytes" | "queryTimeoutMs">> = {},
): WireSettings | undefined {
  try {
    return readSettings(url, parameters, env, { ...WIRE_DEFAULTS, ...limits, connectTimeoutMs });
  } catch (_malformed) {
    // A percent escape that is not UTF-8: the driver's to report.
    return undefined;
  }
}

function readSettings(
  url: string,
  parameters: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
  limits: Pick<WireSettings, "connectTimeoutMs" | "maxResultBytes" | "queryTimeoutMs">,
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
  // A socket directory, several hosts, or a PGHOST with its port: the driver's to read.
  if (/[/,]/.test(host) || (!host.startsWith("[") && host.includes(":"))) return undefined;
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
    ...limits,
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

/** A query sent and not yet answered to the end (`ReadyForQuery`). */
interface Pending {
  /** Collects `DataRow`s. */
  readonly rows: RowBuffer;
  /** The text whose statement this query's Parse named, if it did. */
  readonly parsed: string | undefined;
  error: WireError | undefined;
  resolve(rows: WireRows): void;
  reject(error: WireError): void;
}

/** Salted passwords by the settings they were made for: a pool signs in with one salt. */
const saltedPasswords = new WeakMap<WireSettings, SaltedPassword>();

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
  readonly #reader: BackendReader;
  /** Prepared statements by their text. */
  readonly #statements = new Map<string, string>();
  #named = 0;
  #pid = 0;
  #secret = 0;
  /** The transaction status of the last `ReadyForQuery`: `I` idle, `T` in one, `E` failed one. */
  #status = 0x49;
  #closed: WireError | undefined;
  /** The size of the largest result so far: where the next one's buffer starts. */
  #hint = 64 * 1024;
  /** Ends the connection when the query at the head of the line takes too long. */
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  /** What waits for no query to be outstanding ({@linkcode WireConnection.quiet}). */
  #quiet: (() => void)[] = [];
  /** The SCRAM exchange of the startup, once the server asked for one. */
  #scram: Scram | undefined;
  /** What waits for a message during startup. */
  #startup: ((type: number, body: Uint8Array) => void) | undefined;

  private constructor(socket: Socket, settings: WireSettings) {
    this.#socket = socket;
    this.#settings = settings;
    this.#reader = new BackendReader({
      rowsFor: () => this.#startup === undefined ? this.#pending[0]?.rows : undefined,
      message: (type, body) => this.#message(type, body),
    });
  }

  /** Connects, negotiates TLS, signs in, and waits for the session to be ready, within the connect timeout. */
  static async open(settings: WireSettings): Promise<WireConnection> {
    const started = performance.now();
    const socket = await connectSocket(settings);
    const connection = new WireConnection(socket, settings);
    const left = Math.max(0, settings.connectTimeoutMs - (performance.now() - started));
    try {
      await deadline(connection.#start(), left, () => socket.destroy());
    } catch (error) {
      connection.#fail(error as WireError);
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
   * statement is prepared on first use and kept for the connection's life
   * (up to 64 of them; later ones are parsed each time).
   */
  query(text: string, params: readonly string[]): Promise<WireRows> {
    const out = this.#out;
    let name = this.#statements.get(text);
    let parsed: string | undefined;
    if (name === undefined) {
      // Past the first statements (each filter's shape is one), the unnamed one, parsed each
      // time: a long-lived connection never holds more than these.
      name = this.#statements.size < MAX_STATEMENTS ? `sluice_${++this.#named}` : "";
      if (name !== "") {
        this.#statements.set(text, name);
        parsed = text;
      }
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
    return this.#send(out.take(), parsed);
  }

  /** Runs statements without parameters (`BEGIN`, `COMMIT`) through the simple protocol. */
  simple(text: string): Promise<WireRows> {
    return this.#send(this.#out.begin(0x51).cstring(text).end().take(), undefined);
  }

  /**
   * Asks PostgreSQL, on a connection of its own (through TLS as this one
   * is), to cancel what this one runs; the query then fails with `57014`.
   * Resolves once asked, or once asking failed or took `withinMs` (at most
   * the connect timeout).
   */
  async cancel(withinMs = this.#settings.connectTimeoutMs): Promise<void> {
    if (this.#closed !== undefined || this.#pending.length === 0) return;
    const request = new Message().begin().int32(CANCEL_REQUEST).int32(this.#pid)
      .int32(this.#secret).end().take();
    let socket: Socket | undefined;
    const ask = async () => {
      const sent = await negotiate(this.#settings, (s) => {
        socket = s;
        // Cancelling is a courtesy (the statement timeout ends the query anyway): its socket's
        // errors end it, and are not thrown.
        s.on("error", () => {});
      });
      await new Promise<void>((done) => sent.end(request, done));
    };
    try {
      const ms = Math.min(withinMs, this.#settings.connectTimeoutMs);
      await deadline(ask(), ms, () => socket?.destroy());
    } catch {
      // Could not ask: the query runs until it ends or times out.
    } finally {
      socket?.destroy();
    }
  }

  /**
   * Resolves once no query is outstanding (or the connection is closed),
   * or after `ms`: whether none is.
   */
  quiet(ms: number): Promise<boolean> {
    if (!this.busy || this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(!this.busy || this.closed), ms);
      this.#quiet.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ends the session (`Terminate`) and the socket; outstanding queries fail. */
  close(): void {
    const open = this.#closed === undefined;
    this.#fail(new WireError("CONNECTION_ENDED", "", "the connection was closed"));
    if (!open) return void this.#socket.destroy();
    // Terminate, then the socket once it is written (or a second later).
    const socket = this.#socket;
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.end(new Message().begin(0x58).end().take(), () => {
      clearTimeout(timer);
      socket.destroy();
    });
  }

  #send(bytes: Uint8Array, parsed: string | undefined): Promise<WireRows> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const rows = new RowBuffer(this.#hint, this.#settings.maxResultBytes);
      this.#pending.push({ rows, parsed, error: undefined, resolve, reject });
      if (this.#pending.length === 1) this.#watch();
      this.#socket.write(bytes);
    });
  }

  /** Arms the watchdog for the query now at the head of the line, if there is one. */
  #watch(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    const ms = this.#settings.queryTimeoutMs;
    if (ms === 0 || this.#pending.length === 0) return;
    this.#watchdog = setTimeout(() => {
      this.#fail(new WireError("QUERY_TIMEOUT", "", `no answer within ${ms} ms`));
      this.#socket.destroy();
    }, ms);
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
      const failed = (error: unknown) => {
        fail(error);
        this.#socket.destroy();
      };
      this.#startup = (type, body) => {
        const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
        switch (type) {
          case BACKEND.AUTHENTICATION:
            try {
              return this.#authenticate(view, body)?.catch(failed);
            } catch (error) {
              return failed(error);
            }
          case BACKEND.BACKEND_KEY:
            if (body.length !== 8) return failed(violation("a BackendKeyData not of 8 bytes"));
            this.#pid = view.getInt32(0);
            this.#secret = view.getInt32(4);
            return;
          case BACKEND.ERROR:
            return failed(errorResponse(body));
          case BACKEND.PARAMETER_STATUS: {
            const wrong = this.#wrongParameter(body);
            if (wrong !== undefined) failed(violation(wrong));
            return;
          }
          case BACKEND.NOTICE:
            return;
          case BACKEND.READY:
            if (this.#scram !== undefined && !this.#scram.verified) {
              return failed(new WireError("AUTH", "", "the server skipped SCRAM's final message"));
            }
            this.#startup = undefined;
            return ready();
          default:
            // NegotiateProtocolVersion included: sluice asks for 3.0 and no protocol option.
            return failed(violation(`a message of type ${type} during startup`));
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

  /**
   * Answers an authentication request, at once or, for SCRAM's proof, once
   * it is computed (the promise then returned).
   */
  #authenticate(view: DataView, body: Uint8Array): Promise<void> | undefined {
    const s = this.#settings;
    const kind = view.getInt32(0);
    const out = new Message();
    const scram = this.#scram;
    switch (kind) {
      case 0: // AuthenticationOk
        if (scram !== undefined && !scram.verified) {
          throw new WireError("AUTH", "", "the server skipped SCRAM's final message");
        }
        return;
      case 3: // cleartext
        this.#socket.write(out.begin(0x70).cstring(s.password).end().take());
        return;
      case 5: { // MD5, with a salt
        const inner = createHash("md5").update(s.password + s.user).digest("hex");
        const salted = createHash("md5").update(inner).update(body.subarray(4, 8)).digest("hex");
        this.#socket.write(out.begin(0x70).cstring(`md5${salted}`).end().take());
        return;
      }
      case 10: { // SASL: the mechanisms, each NUL-terminated
        const mechanisms = decoder.decode(body.subarray(4)).split("\0").filter((m) => m !== "");
        if (!mechanisms.includes("SCRAM-SHA-256")) {
          throw new WireError(
            "AUTH",
            "",
            `no SASL mechanism sluice knows: ${mechanisms.join(" ")}`,
          );
        }
        if (scram !== undefined) throw new WireError("AUTH", "", "SASL out of turn");
        this.#scram = new Scram(s.password);
        const first = encoder.encode(this.#scram.clientFirst);
        this.#socket.write(
          out.begin(0x70).cstring("SCRAM-SHA-256").int32(first.length).bytes(first).end().take(),
        );
        return;
      }
      case 11: { // SASL continue: the server's first message
        if (scram === undefined) throw new WireError("AUTH", "", "SASL out of turn");
        const serverFirst = decoder.decode(body.subarray(4));
        return scram.clientFinal(serverFirst, saltedPasswords.get(s)).then(
          ({ message, salted }) => {
            saltedPasswords.set(s, salted);
            if (this.#closed !== undefined) return;
            this.#socket.write(out.begin(0x70).bytes(encoder.encode(message)).end().take());
          },
        );
      }
      case 12: // SASL final: the server's proof
        if (scram === undefined || !scram.verify(decoder.decode(body.subarray(4)))) {
          throw new WireError("AUTH", "", "the server's SCRAM signature is wrong");
        }
        return;
      default:
        throw new WireError("AUTH", "", `an authentication method sluice does not speak (${kind})`);
    }
  }

  /** Reads what arrived; bytes that are not the protocol end the connection. */
  #receive(chunk: Uint8Array): void {
    try {
      this.#reader.push(chunk);
    } catch (error) {
      // The reader's own errors, and a buffer the runtime could not allocate.
      this.#fail(
        error instanceof WireError
          ? error
          : violation(`what sluice could not read (${(error as Error).message})`),
      );
      this.#socket.destroy();
    }
  }

  /** One whole message other than a `DataRow` of a query. */
  #message(type: number, body: Uint8Array): void {
    if (this.#startup !== undefined) return this.#startup(type, body);
    const head = this.#pending[0];
    switch (type) {
      case BACKEND.ERROR: {
        const error = errorResponse(body);
        if (head === undefined || error.severity === "FATAL" || error.severity === "PANIC") {
          // The server ends the session (a shutdown, a terminated backend): every query fails.
          this.#fail(error);
          return void this.#socket.destroy();
        }
        head.error ??= error;
        return;
      }
      case BACKEND.READY: {
        if (head === undefined) throw violation("ReadyForQuery out of turn");
        this.#status = body[0];
        this.#pending.shift();
        this.#watch();
        if (this.#pending.length === 0) { for (const quiet of this.#quiet.splice(0)) quiet(); }
        const rows = head.rows.take();
        this.#hint = Math.max(this.#hint, rows.bytes.length + 1024);
        if (head.error !== undefined) {
          // A statement whose Parse may have failed is not known to exist: parse it again.
          if (head.parsed !== undefined) this.#statements.delete(head.parsed);
          head.reject(head.error);
        } else {
          head.resolve(rows);
        }
        return;
      }
      case BACKEND.DATA_ROW:
        throw violation("a DataRow with no query");
      case BACKEND.PARAMETER_STATUS: {
        const wrong = this.#wrongParameter(body);
        if (wrong !== undefined) throw violation(wrong);
        return;
      }
      case BACKEND.PARSE_COMPLETE:
      case BACKEND.BIND_COMPLETE:
      case BACKEND.CLOSE_COMPLETE:
      case BACKEND.COMMAND_COMPLETE:
      case BACKEND.NO_DATA:
      case BACKEND.EMPTY_QUERY:
      case BACKEND.NOTICE:
      case BACKEND.NOTIFICATION:
        return;
      default:
        // A COPY, a RowDescription or a suspended portal: nothing sluice asks for.
        throw violation(`a message of type ${type}`);
    }
  }

  /** What is wrong with a parameter PostgreSQL reports, when it is one the reads depend on. */
  #wrongParameter(body: Uint8Array): string | undefined {
    const [name, value] = decoder.decode(body).split("\0");
    const wanted = name === "client_encoding" ? "UTF8" : this.#settings.parameters[name];
    const checked = name === "client_encoding" || name === "TimeZone" || name === "DateStyle";
    return checked && wanted !== undefined && value !== wanted
      ? `the session's ${name} as ${value}`
      : undefined;
  }

  /** Fails every outstanding query and every later one with `error`. */
  #fail(error: WireError): void {
    this.#closed ??= error;
    this.#startup = undefined;
    this.#reader.stop();
    clearTimeout(this.#watchdog);
    for (const p of this.#pending.splice(0)) p.reject(this.#closed);
    for (const quiet of this.#quiet.splice(0)) quiet();
  }
}

/** A `PROTOCOL` error: PostgreSQL sent `what`. */
function violation(what: string): WireError {
  return new WireError("PROTOCOL", "", `PostgreSQL sent ${what}`);
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
  socket.setKeepAlive(true, KEEPALIVE_MS);
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
    // The name the certificate must hold (an IP address as an IP address: without `host`,
    // node:tls would check for "localhost"); SNI only for a name, never for an address.
    host: settings.host,
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
