// The client half of the pair harness: the connection machine and one download machine per
// download, driven as the client shell drives them (client/sluice_client.ts), synchronously:
// a wallet that signs after a delay of fake time, a reader that takes every frame at once
// unless paused, and commands signed with the session's key.
import { base64urlnopad } from "npm:@scure/base@1.2.6";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex, concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, signText } from "../protocol/auth.ts";
import { step as stepConnection } from "../protocol/connection_machine.ts";
import {
  type ConnectionConfig,
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionPhase,
  type ConnectionState,
  initialConnectionState,
  type TimerName,
} from "../protocol/connection_state.ts";
import { step as stepDownload } from "../protocol/download_machine.ts";
import {
  type ClientResumePoint,
  type DownloadEffect,
  type DownloadEvent,
  type DownloadState,
  initialDownloadState,
  resumePoint,
} from "../protocol/download_state.ts";
import type { ErrorResponse } from "../protocol/errors.ts";
import { type DataFrame, decodeDataFrame } from "../protocol/frame.ts";
import type {
  AuthChallenge,
  ClientMessage,
  DownloadComplete,
  DownloadRequest,
  DownloadStatus,
  Identity,
} from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { parseServerMessage } from "../protocol/parse.ts";
import { HKDF_INFO, sharedSecret } from "../protocol/session_crypto.ts";
import { PAIR_ORIGIN } from "./_memory_source.ts";
import type { Pair } from "./_pair.ts";
import { commandSignature, type Link, sessionKey } from "./_pair_server.ts";

/** One download of the pair's client: its machine and what its reader got. */
export class PairDownload {
  state: DownloadState;
  /** Payloads the reader took, in order. */
  readonly chunks: Uint8Array[] = [];
  /** Frames delivered and not yet taken by the reader (while it is paused). */
  readonly unread: number[] = [];
  paused = false;
  summary: DownloadComplete | undefined;
  error: ErrorResponse | undefined;
  started = 0;
  /** Messages of the download the client sent, by event. */
  readonly sent: ClientMessage[] = [];
  /** The server's errors the client will retry after, in order. */
  readonly retries: ErrorResponse[] = [];

  constructor(state: DownloadState) {
    this.state = state;
  }

  get ended(): boolean {
    return this.summary !== undefined || this.error !== undefined;
  }

  /** Every byte the reader took. */
  bytes(): Uint8Array {
    return concatBytes(...this.chunks);
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  resumePoint(): ClientResumePoint | undefined {
    return resumePoint(this.state);
  }
}

/** The client's shell, in the pair. */
export class PairClient {
  readonly pair: Pair;
  state: ConnectionState;
  readonly secretKey: Uint8Array;
  readonly identity: Identity;
  readonly downloads = new Map<string, PairDownload>();
  /** Every phase change, with its time. */
  readonly phases: { readonly to: ConnectionPhase; readonly at: number }[] = [];
  /** Connect attempts made (sockets asked for). */
  attempts: number[] = [];
  /** Challenges the wallet was asked to sign. */
  prompts = 0;
  /** Errors the server reported on `system:error`, in order. */
  readonly systemErrors: ErrorResponse[] = [];
  /** Answers to `status()`, by request id. */
  readonly statuses = new Map<string, DownloadStatus[] | ErrorResponse>();
  /** The last close the client saw. */
  lastClose: { code: number; reason: string } | undefined;
  failed: ErrorResponse | undefined;
  readonly #signDelayMs: number;
  readonly #timers = new Map<TimerName, { cancelled: boolean }>();
  #link: Link | undefined;
  #sessionSecret: Uint8Array | undefined;
  #challenge: AuthChallenge | undefined;
  #signing: { token: string; key: Uint8Array; last: number } | undefined;
  #nextId = 1;

  constructor(pair: Pair, options: Partial<ConnectionConfig> & { signDelayMs?: number }) {
    this.pair = pair;
    const { signDelayMs, ...config } = options;
    this.#signDelayMs = signDelayMs ?? 0;
    this.state = initialConnectionState({ authenticate: true, ...config });
    const seed = Uint8Array.from({ length: 48 }, () => pair.random() * 256);
    this.secretKey = secp.utils.randomSecretKey(seed);
    this.identity = pair.options.tokens !== undefined
      ? { kind: "token" }
      : { kind: "secp256k1", publicKey: bytesToHex(secp.getPublicKey(this.secretKey)) };
  }

  /** The link of the current connection, if any. */
  get link(): Link | undefined {
    return this.#link;
  }

  connect(): void {
    this.#step({ type: "connect" });
  }

  close(): void {
    this.#step({ type: "close" });
  }

  download(requestId: string, request: DownloadRequest, resume?: ClientResumePoint): PairDownload {
    // As the client does: the server's recoverable errors are retried per the reconnect policy.
    const retry = this.state.config.backoff;
    const download = new PairDownload(initialDownloadState(requestId, request, resume, retry));
    this.downloads.set(requestId, download);
    this.#handle(download, { type: "send", connected: this.state.phase === "open" });
    return download;
  }

  /** The reader stops taking frames. */
  pause(download: PairDownload): void {
    download.paused = true;
  }

  /** The reader takes what was delivered, and every frame after. */
  resume(download: PairDownload): void {
    download.paused = false;
    for (const sequence of download.unread.splice(0)) {
      this.#handle(download, { type: "consumed", sequence });
    }
  }

  cancel(download: PairDownload): void {
    this.#handle(download, { type: "cancel" });
  }

  /** Asks the server where downloads stand; the answer lands in `statuses`. */
  status(requestId?: string): string {
    const id = `st-${this.#nextId++}`;
    this.send({
      event: "status:check",
      data: requestId === undefined ? {} : { requestId },
      timestamp: this.pair.now,
      requestId: id,
    });
    return id;
  }

  #step(event: ConnectionEvent): void {
    const r = stepConnection(this.state, event, { now: this.pair.now, random: this.pair.random() });
    this.state = r.state;
    for (const effect of r.effects) this.#apply(effect);
  }

  #apply(effect: ConnectionEffect): void {
    const { pair } = this;
    switch (effect.type) {
      case "openSocket": {
        this.attempts.push(pair.now);
        const link = this.#link = pair.dial();
        if (link !== undefined) {
          pair.task(() => link === this.#link && this.#step({ type: "opened" }));
        } else if (pair.serverMode === "refusing") {
          pair.task(() => this.#step({ type: "closed", code: 1006, reason: "" }));
        }
        return;
      }
      case "closeSocket":
        this.#link?.closeByClient();
        this.#link = undefined;
        this.#signing = undefined;
        return;
      case "send":
        return this.send(effect.message);
      case "startTimer": {
        const previous = this.#timers.get(effect.name);
        if (previous) previous.cancelled = true;
        const name = effect.name;
        const timer = pair.timer(effect.ms, () => {
          this.#timers.delete(name);
          this.#step({ type: "timer", name });
        });
        this.#timers.set(name, timer);
        return;
      }
      case "cancelTimer": {
        const timer = this.#timers.get(effect.name);
        if (timer) timer.cancelled = true;
        this.#timers.delete(effect.name);
        return;
      }
      case "beginAuth": {
        this.#sessionSecret = secp.utils.randomSecretKey(
          Uint8Array.from({ length: 48 }, () => pair.random() * 256),
        );
        return this.send({
          event: "auth:nonce",
          data: {
            identity: this.identity,
            sessionKey: bytesToHex(secp.getPublicKey(this.#sessionSecret)),
          },
          timestamp: pair.now,
          requestId: `auth-${this.#nextId++}`,
        });
      }
      case "sign": {
        this.prompts++;
        const challenge = this.#challenge = effect.challenge;
        const text = challengeText({
          origin: PAIR_ORIGIN,
          identity: this.identity,
          nonce: challenge.nonce,
          clientSessionKey: bytesToHex(secp.getPublicKey(this.#sessionSecret!)),
          serverSessionKey: challenge.sessionKey,
          issuedAt: challenge.issuedAt,
          expiresAt: challenge.expiresAt,
          encryption: challenge.encryption,
          chainId: challenge.chainId,
        });
        const tokens = pair.options.tokens;
        if (tokens !== undefined) {
          const sealedToken = base64urlnopad.encode(
            new TextEncoder().encode(tokens.mint(pair.now)),
          );
          return this.#step({ type: "signed", identity: this.identity, sealedToken });
        }
        const signature = signText(this.secretKey, text);
        pair.timer(this.#signDelayMs, () => {
          this.#step({ type: "signed", identity: this.identity, signature });
        });
        return;
      }
      case "ready":
        for (const download of this.downloads.values()) this.#handle(download, { type: "resume" });
        return;
      case "health":
        return;
      case "failed":
        this.failed = effect.error;
        for (const download of this.downloads.values()) {
          this.#handle(download, { type: "error", error: effect.error });
        }
        return;
      case "stateChanged":
        this.phases.push({ to: effect.to, at: pair.now });
        if (effect.from === "open") {
          for (const download of this.downloads.values()) {
            this.#handle(download, { type: "disconnected" });
          }
        }
        return;
      case "rejected":
        throw new Error(`the connection machine rejected a call: ${effect.error.code}`);
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }

  /** Sends a message on the current connection; commands are signed once signed in. */
  send(message: ClientMessage): void {
    const link = this.#link;
    if (link === undefined) return;
    const signing = this.#signing;
    let out = message;
    if (signing !== undefined && !message.event.startsWith("auth:")) {
      const timestamp = signing.last = Math.max(this.pair.now, signing.last + 1);
      const auth = { token: signing.token, timestamp };
      const signature = commandSignature(signing.key, { ...message, auth });
      out = { ...message, auth: { ...auth, signature } };
    }
    this.downloads.get(message.requestId)?.sent.push(out);
    link.toServer(encodeMessage(out));
  }

  /** A payload from the server on `link`; ignored unless it is the current one. */
  receive(link: Link, payload: string | Uint8Array): void {
    if (link !== this.#link) return;
    if (typeof payload !== "string") {
      const decoded = decodeDataFrame(payload);
      if (!decoded.ok) throw new Error(`the server sent a bad frame: ${decoded.error.code}`);
      return this.#frame(decoded.value);
    }
    const parsed = parseServerMessage(payload);
    if (!parsed.ok) throw new Error(`the server sent a bad message: ${parsed.error.error.code}`);
    const message = parsed.value;
    const download = this.downloads.get(message.requestId);
    switch (message.event) {
      case "download:start":
        return download && this.#handle(download, { type: "start", data: message.data });
      case "download:progress":
        return download && this.#handle(download, { type: "progress", update: message.data });
      case "download:complete":
        return download && this.#handle(download, { type: "complete", summary: message.data });
      case "download:cancelled":
        return download && this.#handle(download, { type: "cancelled", data: message.data });
      case "download:error":
        if (message.requestId.startsWith("st-")) {
          this.statuses.set(message.requestId, message.data);
          return;
        }
        return download && this.#handle(download, { type: "error", error: message.data });
      case "status:update":
        this.statuses.set(message.requestId, [...message.data.downloads]);
        return;
      case "system:error":
        this.systemErrors.push(message.data);
        return this.#step({ type: "serverError", error: message.data });
      case "connection:health":
        return this.#step({ type: "pong", requestId: message.requestId, health: message.data });
      case "auth:challenge":
        return this.#step({ type: "challenge", challenge: message.data });
      case "auth:result": {
        const result = message.data;
        if (result.authenticated) {
          const shared = sharedSecret(this.#sessionSecret!, this.#challenge!.sessionKey)!;
          const key = sessionKey(shared, this.#challenge!.nonce, HKDF_INFO.commands);
          this.#signing = { token: result.token, key, last: 0 };
        }
        return this.#step({ type: "authResult", result });
      }
    }
  }

  /** The server closed `link`. */
  closed(link: Link, code: number, reason: string): void {
    if (link !== this.#link) return;
    this.#link = undefined;
    this.#signing = undefined;
    this.lastClose = { code, reason };
    this.#step({ type: "closed", code, reason });
  }

  #frame(frame: DataFrame): void {
    const download = this.downloads.get(frame.requestId);
    if (download === undefined) return;
    const { payload, ...header } = frame;
    this.#handle(download, { type: "frame", header, payload: payload.slice() });
  }

  #handle(download: PairDownload, event: DownloadEvent): void {
    const r = stepDownload(download.state, event, { now: this.pair.now, random: 0 });
    download.state = r.state;
    for (const effect of r.effects) this.#downloadEffect(download, effect);
  }

  #downloadEffect(download: PairDownload, effect: DownloadEffect): void {
    switch (effect.type) {
      case "send":
        return this.send(effect.message);
      case "deliver": {
        const sequence = download.state.sequence - 1;
        download.chunks.push(effect.payload);
        if (download.paused) download.unread.push(sequence);
        else this.pair.task(() => this.#handle(download, { type: "consumed", sequence }));
        return;
      }
      case "started":
        download.started++;
        return;
      case "progress":
        return;
      case "completed":
        download.summary = effect.summary;
        return;
      case "failed":
        download.error = effect.error;
        return;
      case "retrying":
        download.retries.push(effect.error);
        this.pair.timer(effect.delayMs, () => this.#handle(download, { type: "retry" }));
        return;
      case "rejected":
        throw new Error(`the download machine rejected a call: ${effect.error.code}`);
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
}
