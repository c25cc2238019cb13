/**
 * One WebSocket connection on the server: the shell around the session
 * machine (`protocol/session_machine.ts`), which holds every rule of the
 * connection. This file keeps what a machine cannot: the socket and its
 * transport channel (compression, sealing), the one timer, the clock and
 * the randomness, the data source, the `authorize` hook, the identity
 * limiter, the server's health figures, the Web Crypto keys of a
 * signed-in session, the token check, and each download's reader of the source (its
 * snapshot, {@linkcode DownloadReads}). It feeds the machine what happens
 * and carries out what it says, in order; it decides nothing.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type { Incoming } from "../protocol/channel_framing.ts";
import type { ErrorResponse } from "../protocol/errors.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { CLOSE_CODES } from "../protocol/close_codes.ts";
import { DEFAULT_PARSE_LIMITS } from "../protocol/parse.ts";
import type { Result } from "../protocol/result.ts";
import {
  CONTROL_HEADER_BYTES,
  GCM_TAG_BYTES,
  SEALED_HEADER_BYTES,
} from "../protocol/sealed_frame.ts";
import { step } from "../protocol/session_machine.ts";
import {
  initialSessionState,
  nextDeadline,
  readsInput,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
} from "../protocol/session_state.ts";
import { SessionChannel } from "../transport/session_channel.ts";
import { openSessionKeys, type SessionKeys } from "../transport/session_secrets.ts";
import { openAndCheck } from "./token_verifier.ts";
import { DataSourceError, type SourceReader } from "./data_source.ts";
import { DownloadReads } from "./download_reads.ts";
import type { ConnectionSignIn, SessionContext } from "./session_context.ts";
import { DrainWatch } from "./drain_watch.ts";
import { DEFAULT_SERVER_BOUNDS } from "../protocol/session_bounds.ts";
import type { SessionSocket } from "./websocket_connection.ts";

/** What sealing adds to a control message's bytes at most. */
const SEALED_OVERHEAD_BYTES = SEALED_HEADER_BYTES + CONTROL_HEADER_BYTES + GCM_TAG_BYTES;

/** Random bytes from the runtime, for the machine's entropy. */
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));

/** The server side of one connection. */
export class Session {
  readonly #socket: SessionSocket;
  readonly #context: SessionContext;
  readonly #channel: SessionChannel;
  #state: SessionState;
  readonly #events: SessionEvent[] = [];
  #stepping = false;
  /** The machine threw (a bug): the connection is over and nothing is stepped again. */
  #broken = false;
  /** The one timer, at the machine's deadline. */
  #timer: { readonly at: number; readonly handle: ReturnType<typeof setTimeout> } | undefined;
  /** Watches the socket drain while the machine waits for it (drain_watch.ts). */
  readonly #drain: DrainWatch;
  /** The bytes last reported to the server's count of them. */
  #reported = 0;
  /** The channel waits for this before it hands over the next message. */
  #readable: { promise: Promise<void>; resolve: () => void } | undefined;
  /** The keys of a signed-in session, from `openSession` on. */
  #keys: SessionKeys | undefined;
  readonly #releases = new Map<number, () => void>();
  readonly #reads: DownloadReads;
  readonly #ended: Promise<void>;
  #end!: () => void;

  constructor(socket: SessionSocket, context: SessionContext, signIn: ConnectionSignIn) {
    this.#socket = socket;
    this.#context = context;
    this.#reads = new DownloadReads(context.source, context.logger, context.sources);
    this.#ended = new Promise((resolve) => this.#end = resolve);
    const { origins: _origins, ...auth } = context.auth;
    this.#state = initialSessionState(
      { ...context.config, signIn: { ...auth, ...signIn } },
      Date.now(),
      { sessionKeySeed: randomBytes(48), nonce: randomBytes(32), token: randomBytes(16) },
    );
    const { parseLimits } = context.config;
    this.#channel = new SessionChannel({
      send: (payload) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(payload);
      },
      deliver: (incoming) => this.#deliver(incoming),
      handlerFailed: (error) => {
        context.logger.error("sluice: a message handler failed:", error);
        this.#feed({ type: "fault", reason: "handler" });
      },
      maxMessageBytes: parseLimits.maxMessageBytes,
      // A client sends only control messages: their limit, plus the sealed and control headers
      // and the tag, bounds what is decrypted at all. (A string's length in UTF-16 units is at
      // most its UTF-8 length, so text is checked no less strictly.)
      maxQueuedPayloads: context.maxWaitingMessages ?? DEFAULT_SERVER_BOUNDS.maxWaitingMessages,
      maxPayloadBytes: (parseLimits.maxMessageBytes ?? DEFAULT_PARSE_LIMITS.maxMessageBytes) +
        SEALED_OVERHEAD_BYTES,
    });
    this.#drain = new DrainWatch({
      buffered: () => socket.bufferedAmount + this.#channel.pendingBytes,
      open: () => !this.#broken && socket.readyState === WebSocket.OPEN,
      overload: () => context.queued?.overloaded === true ? context.queued.fairShare : undefined,
      report: (event) => this.#feed(event),
    });
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => {
      // Once the machine ended the connection, what still comes costs nothing (no decrypting).
      if (this.#state.phase === "closed") return;
      this.#feed({ type: "heard" });
      const data = event.data;
      this.#channel.receive(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    });
    socket.addEventListener("close", () => {
      this.#feed({ type: "peerClosed" });
      this.#stop();
      this.#end();
    });
    this.#arm();
  }

  /** Resolves once the connection is over for the server (its socket may still be closing). */
  get ended(): Promise<void> {
    return this.#ended;
  }

  /** Downloads running now. */
  get activeDownloads(): number {
    return this.#broken ? 0 : this.#state.downloads.length;
  }

  /**
   * The server shuts down (`SERVER_SHUTTING_DOWN`, `GOING_AWAY`): downloads stop where they
   * stand, and the client resumes elsewhere; resolves once the socket is closed.
   */
  close(): Promise<void> {
    this.#feed({ type: "shutdown" });
    return this.#ended;
  }

  /** A message from the channel; the next one waits until the machine reads messages again. */
  #deliver(incoming: Result<Incoming, ErrorResponse>): Promise<void> | void {
    if (!incoming.ok) {
      this.#feed({ type: "undecodable", error: incoming.error, fatal: this.#channel.failed });
    } else if (incoming.value.type === "data") this.#feed({ type: "binary" });
    else this.#feed({ type: "text", text: incoming.value.text, sealed: this.#channel.sealed });
    if (readsInput(this.#state) || this.#state.phase === "closed") return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => resolve = r);
    this.#readable = { promise, resolve };
    return promise;
  }

  /**
   * Steps the machine with `event`, and with whatever its effects report
   * back at once. The machine throws only for a bug of its own (a move or a
   * code its table does not list): that ends this connection alone, never
   * the process and the other connections with it.
   */
  #feed(event: SessionEvent): void {
    if (this.#broken) return;
    this.#events.push(event);
    if (this.#stepping) return;
    this.#stepping = true;
    try {
      for (let next = this.#events.shift(); next !== undefined; next = this.#events.shift()) {
        const r = step(this.#state, next, Date.now());
        this.#state = r.state;
        for (const effect of r.effects) this.#apply(effect);
      }
    } catch (error) {
      this.#break(error);
    } finally {
      this.#stepping = false;
    }
    if (this.#broken) return;
    this.#arm();
    this.#count();
    const readable = this.#readable;
    if (readable !== undefined && (readsInput(this.#state) || this.#state.phase === "closed")) {
      this.#readable = undefined;
      readable.resolve();
    }
  }

  /** The machine failed: nothing more is stepped, everything is released, the socket closes. */
  #break(error: unknown): void {
    this.#broken = true;
    this.#events.length = 0;
    this.#context.logger.error(
      "sluice: the session machine failed; closing its connection:",
      error,
    );
    this.#stop();
    const { code } = CLOSE_CODES.reconnect.SERVER_ERROR;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, "INTERNAL_ERROR");
    this.#end();
  }

  #closeSocket(code: number, reason: string): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason);
    this.#end();
  }

  /** Tells the server's count what this connection has queued (nothing, once it ended). */
  #count(): void {
    const bytes = this.#state.phase === "closed" ? 0 : this.#state.socketQueued;
    if (bytes === this.#reported) return;
    this.#reported = bytes;
    this.#context.queued?.report(this, bytes);
  }

  /** Keeps the one timer at the machine's deadline; one that moved later waits for the old. */
  #arm(): void {
    const at = nextDeadline(this.#state);
    if (at === undefined) return this.#stopTimer();
    if (this.#timer !== undefined && this.#timer.at <= at) return;
    this.#stopTimer();
    const handle = setTimeout(() => {
      this.#timer = undefined;
      this.#feed({ type: "timeout" });
    }, Math.max(0, at - Date.now()));
    this.#timer = { at, handle };
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer.handle);
    this.#timer = undefined;
  }

  /** The connection is over: no timer, no poll, no slot held, no message waiting. */
  #stop(): void {
    this.#stopTimer();
    this.#drain.stop();
    this.#context.queued?.report(this, 0);
    for (const release of this.#releases.values()) release();
    this.#releases.clear();
    this.#reads.endAll();
    this.#readable?.resolve();
    this.#readable = undefined;
  }

  /** Runs `work`, then feeds what it gives; a failure is reported as `failed` gives it. */
  #answer<T>(
    work: () => T | Promise<T>,
    done: (value: T) => SessionEvent,
    failed: (error: unknown) => SessionEvent,
  ): void {
    new Promise<T>((resolve) => resolve(work())).then(
      (value) => this.#feed(done(value)),
      (error) => this.#feed(failed(error)),
    );
  }

  #apply(effect: SessionEffect): void {
    switch (effect.type) {
      case "send":
        if (this.#socket.readyState === WebSocket.OPEN) {
          this.#channel.sendText(encodeMessage(effect.message));
        }
        return;
      case "sendFrame":
        if (this.#socket.readyState === WebSocket.OPEN) this.#channel.sendData(effect.frame);
        return;
      case "close": {
        const { code, reason } = effect;
        this.#stop();
        // A peer that does not read is let go now; its close frame queues behind (PROTOCOL §19.1).
        if (effect.abort === true) return this.#closeSocket(code, reason);
        // What was sent before the close leaves first (sealing may still be at work on it).
        void this.#channel.flushed().then(() => this.#closeSocket(code, reason));
        return;
      }
      case "openSession":
        return this.#answer(() => openSessionKeys(effect), (keys) => {
          this.#keys = keys;
          return { type: "sessionOpened" };
        }, (error) => {
          this.#context.logger.error("sluice: the session keys could not be made:", error);
          return { type: "fault", reason: "keys" };
        });
      case "openToken":
        return this.#answer(
          () => openAndCheck(this.#context.tokens!, effect),
          (verdict) => ({ type: "tokenChecked", verdict }),
          (error) => {
            this.#context.logger.error("sluice: the token check failed:", error);
            return { type: "fault", reason: "token" };
          },
        );
      case "seal":
        return this.#channel.seal(this.#keys!.sealer!, this.#keys!.opener!);
      case "verifyCommand":
        return this.#answer(
          () => this.#keys!.signer.verify(effect.command, effect.signature),
          (valid) => ({ type: "verified", valid }),
          () => ({ type: "verified", valid: false }),
        );
      case "authorize": {
        const hook = this.#context.authorize!;
        return this.#answer(
          () => hook(effect.identity, effect.request),
          (value) => ({ type: "authorized", job: effect.job, decision: { value } }),
          (error) => {
            this.#context.logger.error("sluice: the authorize hook failed:", error);
            return { type: "authorized", job: effect.job, decision: { failed: true } };
          },
        );
      }
      case "admit": {
        const { verdict, release } = this.#context.limiter.admit(effect.identity, Date.now());
        if (release !== undefined) this.#releases.set(effect.job, release);
        return this.#feed({ type: "admitted", job: effect.job, verdict });
      }
      case "release":
        this.#releases.get(effect.job)?.();
        this.#releases.delete(effect.job);
        return;
      case "jobEnded":
        return this.#reads.end(effect.job);
      case "askHealth": {
        const { requestId } = effect;
        return this.#feed({ type: "health", requestId, health: this.#context.health() });
      }
      case "estimate":
        return void this.#reads.estimate(effect).then((event) => this.#feed(event));
      case "readHighWaterMark":
        // A download's first read: from here on it reads in its own snapshot, if the source has one.
        return this.#read(
          effect.job,
          this.#reads.open(effect.job, effect.dataset),
          (reader) => reader.highWaterMark(),
          (value) => ({ type: "highWaterMark", job: effect.job, value }),
        );
      case "countRows":
        return this.#read(
          effect.job,
          this.#reads.reader(effect.job),
          (reader) => reader.count(effect.query),
          (rows) => ({ type: "rowCount", job: effect.job, rows }),
        );
      case "readPage":
        // After the event loop's other work: acks, cancels and other downloads' turns, which may
        // end this download or the connection before the page is read; then it is not read.
        setImmediate(() =>
          this.#read(
            effect.job,
            this.#reads.reader(effect.job),
            (reader) =>
              reader.encodedPage?.(effect.query, effect.limit, effect.encoding) ??
                reader.page(effect.query, effect.limit),
            (page) => ({ type: "page", job: effect.job, rows: "rows" in page ? page.rows : page }),
          )
        );
        return;
      case "awaitDrain":
        return this.#drain.watch(effect.atMost);
      case "log":
        this.#context.logger.error(effect.message, effect.error);
        return;
      default: {
        const unreachable: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Whether the download `job` is still the machine's (not ended, nor its connection). */
  #running(job: number): boolean {
    return !this.#broken && this.#state.downloads.some((d) => d.job === job);
  }

  /** Reads for a download through its reader; none once it ended (the answer would be ignored). */
  #read<T>(
    job: number,
    reader: Promise<SourceReader> | undefined,
    work: (reader: SourceReader) => Promise<T>,
    done: (value: T) => SessionEvent,
  ): void {
    if (reader === undefined) return;
    this.#answer(() => reader.then(work), done, (error) => this.#sourceFailed(job, error));
  }

  /**
   * The source failed a read: the machine hears what kind of failure, the
   * logger what the database said (a `DataSourceError`'s cause), the client
   * only the code the machine picks.
   */
  #sourceFailed(job: number, error: unknown): SessionEvent {
    const failure = DataSourceError.failureOf(error);
    // A download that ended meanwhile lost nothing: its late failure is not worth a report.
    if (!this.#running(job)) return { type: "sourceFailed", job, ...failure };
    this.#context.logger.error(`sluice: a download's data source failed (${failure.kind}):`, error);
    return { type: "sourceFailed", job, ...failure };
  }
}
