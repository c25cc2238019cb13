// A driver for the server session machine alone: it steps the machine on a clock the test moves,
// answers what the machine asks (the session keys, signature checks, the data source, the hooks)
// unless told not to, signs in and signs commands as a client would, and keeps a log of every
// step with its table key and effects, so that tests assert on codes and effects, not on timing.
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, signText } from "../protocol/auth.ts";
import type { EncodedRows, PageEncoding, Row } from "../protocol/export_state.ts";
import type { ColumnSchema } from "../protocol/filter.ts";
import { RowEncoder } from "../server/formats.ts";
import type {
  AuthChallenge,
  ClientMessage,
  DownloadRequest,
  Identity,
  ResumePoint,
  ServerMessage,
} from "../protocol/messages.ts";
import { parseClientMessage } from "../protocol/parse.ts";
import { HKDF_INFO, sharedSecret } from "../protocol/session_crypto.ts";
import { step } from "../protocol/session_machine.ts";
import {
  type AdmitVerdict,
  type AuthorizeAnswer,
  initialSessionState,
  nextDeadline,
  readsInput,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
} from "../protocol/session_state.ts";
import type { SessionEventKey } from "../protocol/session_table.ts";
import type { TokenVerdict } from "../protocol/session_token.ts";
import {
  MEMORY_SCHEMA,
  memoryRows,
  MemoryTable,
  PAIR_ORIGIN,
  serverConfig,
  type ServerTuning,
} from "./_memory_source.ts";
import { commandSignature, sessionKey } from "./_pair_server.ts";

/** One step of the machine, as the log keeps it. */
export interface Logged {
  readonly event: SessionEvent;
  readonly key: SessionEventKey;
  readonly effects: readonly SessionEffect[];
}

/** What the driver answers by itself. */
export interface DriverOptions {
  readonly tuning?: ServerTuning;
  /** Rows of the table. */
  readonly rows?: number;
  /** Answer the data source's questions (default true). */
  readonly source?: boolean;
  /**
   * Answer pages as rows the source wrote itself (`EncodedRows`, written by
   * the server's encoders a row at a time), as a PostgreSQL source does.
   */
  readonly encodePages?: boolean;
  /** The `authorize` hook's answer; the config says there is a hook when this is given. */
  readonly authorize?: (
    identity: Identity | undefined,
    request: DownloadRequest,
  ) => AuthorizeAnswer;
  /** There is a hook, but the test answers it by hand. */
  readonly holdAuthorize?: boolean;
  /** The limiter's verdict (default: admitted). */
  readonly admit?: (identity: string) => AdmitVerdict;
  /** Making the session's keys fails (a broken Web Crypto), as the shell reports it. */
  readonly failKeys?: boolean;
  /**
   * Sign in with a token (PROTOCOL.md §15.8) on a server that takes them:
   * the shell's verdict on every sealed token (default: it names `alice`),
   * or `"hold"` for the test to answer by hand.
   */
  readonly token?: TokenVerdict | "hold";
}

/** The shell's verdict on a good token, in the driver's token sign-ins. */
export const ALICE = { ok: true, subject: "alice", claims: { sub: "alice" } } as const;

/** A request for every row of the table, as CSV. */
export const ALL: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] },
  outputFormat: "csv",
  compression: false,
};

/** The error codes and close codes a list of effects sends. */
export function codesOf(effects: readonly SessionEffect[]): (string | number)[] {
  return effects.flatMap((e): (string | number)[] => {
    if (e.type === "close") return [e.code];
    if (e.type !== "send") return [];
    const m = e.message;
    if (m.event === "download:error" || m.event === "system:error") return [m.data.code];
    if (m.event === "auth:result" && !m.data.authenticated) return [m.data.error.code];
    return [];
  });
}

/** The server machine of one connection, driven by a test. */
export class Driver {
  state: SessionState;
  now = 1_710_000_000_000;
  readonly table: MemoryTable;
  readonly log: Logged[] = [];
  readonly options: DriverOptions;
  /** Whether the driver answers the data source's questions now. */
  source: boolean;
  readonly clientKey = new Uint8Array(32).fill(5);
  readonly identity: Identity;
  readonly sessionSecret = new Uint8Array(32).fill(6);
  challenge: AuthChallenge | undefined;
  token: string | undefined;
  #commandKey: Uint8Array | undefined;
  #lastSigned = 0;
  readonly #queue: SessionEvent[] = [];
  #stepping = false;

  constructor(options: DriverOptions = {}) {
    this.options = options;
    this.source = options.source ?? true;
    this.identity = options.token !== undefined ? { kind: "token" } : {
      kind: "secp256k1",
      publicKey: bytesToHex(secp.getPublicKey(this.clientKey)),
    };
    this.table = new MemoryTable(memoryRows(options.rows ?? 100));
    const authorize = options.authorize !== undefined || options.holdAuthorize === true;
    const tokens = options.token !== undefined;
    const tuning = {
      ...options.tuning,
      authorize,
      signIn: { tokens, ...options.tuning?.signIn },
    };
    this.state = initialSessionState(serverConfig(tuning), this.now, {
      sessionKeySeed: new Uint8Array(48).fill(1),
      nonce: new Uint8Array(32).fill(2),
      token: new Uint8Array(16).fill(3),
    });
  }

  /** Every effect of every step since `from` (an index into the log). */
  effects(from = 0): SessionEffect[] {
    return this.log.slice(from).flatMap((l) => l.effects);
  }

  /** Every message sent since `from`. */
  sent(from = 0): ServerMessage[] {
    return this.effects(from).flatMap((e) => e.type === "send" ? [e.message] : []);
  }

  /** Steps `event` at the driver's time, then whatever the answers to its effects are. */
  step(event: SessionEvent): Logged[] {
    const from = this.log.length;
    this.#queue.push(event);
    if (this.#stepping) return [];
    this.#stepping = true;
    try {
      while (this.#queue.length > 0) this.#one(this.#queue.shift()!);
    } finally {
      this.#stepping = false;
    }
    return this.log.slice(from);
  }

  #one(event: SessionEvent): void {
    let key: SessionEventKey;
    if (event.type === "text") {
      const parsed = parseClientMessage(event.text, this.state.config.parseLimits);
      key = parsed.ok ? parsed.value.event : "malformed";
    } else key = event.type;
    const r = step(this.state, event, this.now);
    this.state = r.state;
    this.log.push({ event, key, effects: r.effects });
    for (const effect of r.effects) this.#answer(effect);
  }

  #answer(effect: SessionEffect): void {
    const o = this.options;
    const source = this.source;
    switch (effect.type) {
      case "openSession":
        if (o.failKeys) return void this.#queue.push({ type: "fault", reason: "keys" });
        this.#commandKey = sessionKey(effect.shared, effect.nonce, HKDF_INFO.commands);
        return void this.#queue.push({ type: "sessionOpened" });
      case "openToken":
        if (o.token === undefined || o.token === "hold") return;
        return void this.#queue.push({ type: "tokenChecked", verdict: o.token });
      case "verifyCommand":
        return void this.#queue.push({
          type: "verified",
          valid: commandSignature(this.#commandKey!, effect.command) === effect.signature,
        });
      case "authorize":
        if (o.authorize === undefined) return;
        return void this.#queue.push({
          type: "authorized",
          job: effect.job,
          decision: o.authorize!(effect.identity, effect.request),
        });
      case "admit":
        return void this.#queue.push({
          type: "admitted",
          job: effect.job,
          verdict: o.admit?.(effect.identity) ?? { ok: true },
        });
      case "askHealth":
        return void this.#queue.push({
          type: "health",
          requestId: effect.requestId,
          health: {
            status: "ok",
            serverTime: this.now,
            uptimeMs: 0,
            connections: 1,
            activeDownloads: 0,
            load: 0,
          },
        });
      case "estimate": {
        if (!source) return;
        const scan = { ...effect.query, highWaterMark: this.table.highWaterMark() };
        return void this.#queue.push({
          type: "estimated",
          job: effect.job,
          answer: { rows: this.table.count(scan), sample: this.table.page(scan, effect.sample) },
        });
      }
      case "readHighWaterMark":
        if (!source) return;
        return void this.#queue.push({
          type: "highWaterMark",
          job: effect.job,
          value: this.table.highWaterMark(),
        });
      case "countRows":
        if (!source) return;
        return void this.#queue.push({
          type: "rowCount",
          job: effect.job,
          rows: this.table.count(effect.query),
        });
      case "readPage": {
        if (!source) return;
        const rows = this.table.page(effect.query, effect.limit);
        return void this.#queue.push({
          type: "page",
          job: effect.job,
          rows: this.options.encodePages ? encodedRows(rows, effect.encoding) : rows,
        });
      }
      default:
        return;
    }
  }

  /** Moves the clock to `at` and steps `timeout` if a deadline is due by then. */
  advanceTo(at: number): Logged[] {
    this.now = at;
    const deadline = nextDeadline(this.state);
    return deadline !== undefined && deadline <= at ? this.step({ type: "timeout" }) : [];
  }

  /** A client message arriving: heard, then read. */
  receive(message: ClientMessage | string): Logged[] {
    this.step({ type: "heard" });
    if (!readsInput(this.state)) throw new Error("the machine reads no message now");
    const text = typeof message === "string" ? message : JSON.stringify(message);
    return this.step({ type: "text", text });
  }

  /** Asks for the challenge and answers it right; signed in afterwards. */
  signIn(answer: Partial<{ identity: Identity; signature: string; nonce: string }> = {}): Logged[] {
    const from = this.log.length;
    this.receive({
      event: "auth:nonce",
      data: {
        identity: this.identity,
        sessionKey: bytesToHex(secp.getPublicKey(this.sessionSecret)),
      },
      timestamp: this.now,
      requestId: "auth-1",
    });
    const challenge = this.sent(from).find((m) => m.event === "auth:challenge");
    if (challenge?.event !== "auth:challenge") return this.log.slice(from);
    this.challenge = challenge.data;
    this.authenticate(answer);
    return this.log.slice(from);
  }

  /** Sends `auth:authenticate` for the challenge, right unless `answer` says otherwise. */
  authenticate(answer: Partial<{ identity: Identity; signature: string; nonce: string }> = {}) {
    const c = this.challenge!;
    const from = this.log.length;
    const text = challengeText({
      origin: PAIR_ORIGIN,
      identity: this.identity,
      nonce: c.nonce,
      clientSessionKey: bytesToHex(secp.getPublicKey(this.sessionSecret)),
      serverSessionKey: c.sessionKey,
      issuedAt: c.issuedAt,
      expiresAt: c.expiresAt,
      encryption: c.encryption,
      chainId: c.chainId,
    });
    // The driver seals nothing: the shell's verdict on the seal is the option's.
    const proof = this.identity.kind === "token"
      ? { sealedToken: "c2VhbGVk" }
      : { signature: answer.signature ?? signText(this.clientKey, text) };
    this.receive({
      event: "auth:authenticate",
      data: {
        identity: answer.identity ?? this.identity,
        nonce: answer.nonce ?? c.nonce,
        ...proof,
      },
      timestamp: this.now,
      requestId: "auth-2",
    });
    this.#learn(from);
    return this.log.slice(from);
  }

  /** Answers a held `openToken` with `verdict`; signed in afterwards if it names someone. */
  checkToken(verdict: TokenVerdict): Logged[] {
    const from = this.log.length;
    this.step({ type: "tokenChecked", verdict });
    this.#learn(from);
    return this.log.slice(from);
  }

  /** Takes the session token and commands key from an `auth:result` sent since `from`. */
  #learn(from: number): void {
    const c = this.challenge!;
    const result = this.sent(from).find((m) => m.event === "auth:result");
    if (result?.event === "auth:result" && result.data.authenticated) {
      this.token = result.data.token;
      const shared = sharedSecret(this.sessionSecret, c.sessionKey)!;
      // The client's own derivation: the same key as the server's, from the other side.
      this.#commandKey = sessionKey(shared, c.nonce, HKDF_INFO.commands);
    }
  }

  /** `message` with `auth` as a signed-in client adds it (overrides for the refusal tests). */
  signed(
    message: ClientMessage,
    override: Partial<{ token: string; timestamp: number; signature: string }> = {},
  ): ClientMessage {
    const timestamp = override.timestamp ??
      (this.#lastSigned = Math.max(this.now, this.#lastSigned + 1));
    const auth = { token: override.token ?? this.token!, timestamp };
    const signature = override.signature ??
      commandSignature(this.#commandKey!, { ...message, auth });
    return { ...message, auth: { ...auth, signature } };
  }

  /** Answers the data source's last question about `job` by hand. */
  answerSource(job: number, event: "highWaterMark" | "rowCount" | "page", rows?: Row[]): Logged[] {
    switch (event) {
      case "highWaterMark":
        return this.step({ type: "highWaterMark", job, value: this.table.highWaterMark() });
      case "rowCount":
        return this.step({ type: "rowCount", job, rows: this.table.rows.length });
      case "page":
        return this.step({ type: "page", job, rows: rows ?? [] });
    }
  }
}

/** A `download:request` of `request` (all rows, CSV by default). */
export function requestOf(requestId: string, request: DownloadRequest = ALL): ClientMessage {
  return { event: "download:request", data: request, timestamp: 0, requestId };
}

/** A `download:resume` of `request` from `resume`. */
export function resumeOf(
  requestId: string,
  resume: ResumePoint,
  request: DownloadRequest = ALL,
): ClientMessage {
  return { event: "download:resume", data: { request, resume }, timestamp: 0, requestId };
}

/** A `download:estimate` of `request` (all rows, CSV by default). */
export function estimateOf(requestId: string, request: DownloadRequest = ALL): ClientMessage {
  return { event: "download:estimate", data: request, timestamp: 0, requestId };
}

/**
 * Rows as a source that writes them itself hands them over: each written in
 * `encoding` as if after another row, with the key of each (at `keyIndex`).
 */
export function encodedRows(
  rows: readonly Row[],
  encoding: PageEncoding,
  columns: readonly ColumnSchema[] = MEMORY_SCHEMA.columns,
  keyIndex = 0,
): EncodedRows {
  const order = encoding.columns ?? columns.map((_, i) => i);
  const encoder = new RowEncoder({
    format: encoding.format,
    columns: order.map((i) => columns[i]),
    neutralizeFormulas: encoding.neutralizeFormulas,
  });
  const parts = rows.map((row) => encoder.encodeRows([order.map((i) => row[i])], false));
  const ends: number[] = [];
  let at = 0;
  for (const part of parts) ends.push(at += part.length);
  const bytes = new Uint8Array(at);
  parts.reduce((offset, part) => (bytes.set(part, offset), offset + part.length), 0);
  const keys = rows.map((row) => row[keyIndex] as number | bigint);
  return { bytes, ends, keys, lead: encoding.format === "json" ? 1 : 0 };
}
