/**
 * One WebSocket connection on the server: parses what the client sends,
 * answers every bad message with its code and keeps serving, signs the
 * client in and seals the session, runs the connection's downloads side by
 * side, and batches their progress.
 *
 * @module
 */

import { CLOSE_CODES } from "../protocol/close_codes.ts";
import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type {
  ClientMessage,
  DownloadRequest,
  DownloadStatus,
  Filter,
  ProgressUpdate,
  ResumePoint,
  ServerMessage,
  SystemHealth,
} from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import type { Incoming } from "../protocol/channel_framing.ts";
import { SessionChannel } from "../transport/session_channel.ts";
import { DEFAULT_PARSE_LIMITS, parseClientMessage, type ParseLimits } from "../protocol/parse.ts";
import {
  CONTROL_HEADER_BYTES,
  GCM_TAG_BYTES,
  SEALED_HEADER_BYTES,
} from "../protocol/sealed_frame.ts";
import { ProgressBatcher } from "../protocol/progress.ts";
import { type RequestLimits, validateDownloadRequest } from "../protocol/request.ts";
import { identityLabel } from "../protocol/auth.ts";
import type { Result } from "../protocol/result.ts";
import type { Identity } from "../protocol/messages.ts";
import { type AuthConfig, AuthGate } from "./auth_gate.ts";
import type { DataSource } from "./data_source.ts";
import type { IdentityLimiter } from "./identity_limits.ts";
import { ExportJob, type JobLimits } from "./export_job.ts";

/** What a session needs from the server that owns it. */
export interface SessionContext {
  readonly source: DataSource;
  readonly jobLimits: JobLimits;
  readonly requestLimits: RequestLimits;
  readonly parseLimits: ParseLimits;
  /** Most downloads running at once on one connection. */
  readonly maxDownloads: number;
  /** A connection that sends nothing for this long is closed with IDLE_TIMEOUT. */
  readonly idleTimeoutMs: number;
  /** The server's health, for `connection:health`. */
  health(): SystemHealth;
  /** Sign-in settings. */
  readonly auth: AuthConfig;
  /** Per-identity limits, shared by every connection. */
  readonly limiter: IdentityLimiter;
  /** The server's `authorize` hook. */
  readonly authorize: Authorize | undefined;
}

/**
 * Decides whether an identity may have a download: `true` as asked,
 * `false` to refuse it with `FORBIDDEN`, or `{ filters }` to narrow it with
 * filters that are added to the client's (all must hold), e.g. a user's own
 * `user_id`. `identity` is `undefined` for an anonymous client. Called for
 * every `download:request` and `download:resume`, so it must answer the
 * same for the same request, or a resume fails with `RESUME_MISMATCH`.
 */
export type Authorize = (
  identity: Identity | undefined,
  request: DownloadRequest,
) => AuthorizeDecision | Promise<AuthorizeDecision>;

/** What {@linkcode Authorize} answers. */
export type AuthorizeDecision = boolean | { readonly filters: readonly Filter[] };

/**
 * Messages a connection may have waiting to be handled. A client waits for
 * answers; hundreds in flight mean a flood, not a client.
 */
const MAX_QUEUED_MESSAGES = 256;

/** What sealing adds to a control message's bytes at most. */
const SEALED_OVERHEAD_BYTES = SEALED_HEADER_BYTES + CONTROL_HEADER_BYTES + GCM_TAG_BYTES;

/** WebSocket close code after a failed sign-in. */
const CLOSE_SIGN_IN_FAILED = CLOSE_CODES.reconnect.SIGN_IN_FAILED.code;
/** WebSocket close code after a frame that breaks the session (tampered, replayed, unsealed). */
const CLOSE_PROTOCOL_VIOLATION = CLOSE_CODES.reconnect.PROTOCOL_VIOLATION.code;

/** Finished downloads remembered per connection, for `status:check` and late acks. */
const FINISHED_KEPT = 64;

/** The server side of one connection. */
export class Session {
  readonly #socket: WebSocket;
  readonly #context: SessionContext;
  readonly #channel: SessionChannel;
  readonly #gate: AuthGate;
  readonly #jobs = new Map<string, { job: ExportJob; done: Promise<void> }>();
  readonly #finished = new Map<string, DownloadStatus>();
  readonly #batcher = new ProgressBatcher();
  #batchTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #signInTimer: ReturnType<typeof setTimeout> | undefined;
  #lastHeard = Date.now();
  #closed = false;

  constructor(socket: WebSocket, context: SessionContext, origin: string) {
    this.#socket = socket;
    this.#context = context;
    this.#gate = new AuthGate(context.auth, origin);
    this.#channel = new SessionChannel({
      send: (payload) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(payload);
      },
      deliver: (incoming) => this.#receive(incoming),
      handlerFailed: (error) => {
        console.error("sluice: a message handler failed:", error);
        this.#systemError("client", errorResponse("INTERNAL_ERROR", { reason: "handler" }));
      },
      maxMessageBytes: context.parseLimits.maxMessageBytes,
      // A client sends only control messages: their limit, plus the sealed and control headers
      // and the tag, bounds what is decrypted at all. (A string's length in UTF-16 units is at
      // most its UTF-8 length, so text is checked no less strictly.)
      maxQueuedPayloads: MAX_QUEUED_MESSAGES,
      maxPayloadBytes:
        (context.parseLimits.maxMessageBytes ?? DEFAULT_PARSE_LIMITS.maxMessageBytes) +
        SEALED_OVERHEAD_BYTES,
    });
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => {
      this.#lastHeard = Date.now();
      const data = event.data;
      this.#channel.receive(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    });
    socket.addEventListener("close", () => this.#shutdown());
    this.#watchIdle(context.idleTimeoutMs);
    if (!this.#gate.admitted) {
      // Heartbeats keep a connection alive, but not one that never signs in.
      this.#signInTimer = setTimeout(() => {
        this.#signInTimer = undefined;
        void this.#end(errorResponse("SIGN_IN_TIMEOUT"), CLOSE_SIGN_IN_FAILED);
      }, context.auth.signInTimeoutMs);
    }
  }

  /** Closes the connection once the client has been silent for `ms` (heartbeats count). */
  #watchIdle(ms: number): void {
    this.#idleTimer = setTimeout(() => {
      const silent = Date.now() - this.#lastHeard;
      if (silent < ms) return this.#watchIdle(ms - silent);
      this.#idleTimer = undefined;
      this.close(
        errorResponse("IDLE_TIMEOUT", { idleMs: silent }),
        CLOSE_CODES.reconnect.IDLE_TIMEOUT.code,
      );
    }, ms);
  }

  /** Downloads running now. */
  get activeDownloads(): number {
    return this.#jobs.size;
  }

  /**
   * Stops every download where it stands, tells the client why on
   * `system:error` (a recoverable error, so it reconnects and resumes), and
   * closes the socket with `code`; resolves when all jobs have stopped.
   */
  async close(error: ErrorResponse, code = CLOSE_CODES.reconnect.GOING_AWAY.code): Promise<void> {
    // Said first: under `deno serve` the runtime closes the sockets soon after a signal.
    await this.#end(error, code, "server");
  }

  async #shutdown(): Promise<void> {
    // First: a #start still awaiting authorize must not add a job once the snapshot is taken.
    this.#closed = true;
    const running = [...this.#jobs.values()];
    for (const { job } of running) job.abort();
    await Promise.all(running.map((r) => r.done));
    clearTimeout(this.#signInTimer);
    this.#signInTimer = undefined;
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  async #receive(incoming: Result<Incoming, ErrorResponse>): Promise<void> {
    if (!incoming.ok) {
      // A channel that gave up (a sealed session's broken frame, a flood) ends the connection;
      // otherwise only the message is refused.
      if (this.#channel.failed) return await this.#end(incoming.error, CLOSE_PROTOCOL_VIOLATION);
      return this.#systemError("client", incoming.error);
    }
    if (incoming.value.type === "data") {
      this.#systemError(
        "client",
        errorResponse("UNEXPECTED_EVENT", {
          reason: "data frames travel from server to client only",
        }),
      );
      return;
    }
    const parsed = parseClientMessage(incoming.value.text, this.#context.parseLimits);
    if (!parsed.ok) {
      const { error, event, requestId } = parsed.error;
      if (requestId !== undefined && event?.startsWith("download:")) {
        this.#downloadError(requestId, error);
      } else this.#systemError(requestId ?? "client", error);
      return;
    }
    const message = parsed.value;
    if (message.event === "auth:nonce" || message.event === "auth:authenticate") {
      return await this.#signIn(message);
    }
    // Heartbeats need no sign-in; once signed in, every command is signed, heartbeats too.
    const refused = !this.#gate.admitted && message.event !== "connection:health"
      ? errorResponse("AUTH_REQUIRED")
      : await this.#gate.checkCommand(message, Date.now());
    if (refused?.code === "SESSION_EXPIRED") return await this.#end(refused, CLOSE_SIGN_IN_FAILED);
    if (refused !== undefined) return this.#refuse(message, refused);
    await this.#dispatch(message);
  }

  /** Answers a refused command where the client looks for it: its download, or the connection. */
  #refuse(message: ClientMessage, error: ErrorResponse): void {
    const { event, requestId } = message;
    if (event === "download:request" || event === "download:resume") {
      this.#downloadError(requestId, error);
    } else this.#systemError(requestId, error);
  }

  async #signIn(message: ClientMessage & { event: "auth:nonce" | "auth:authenticate" }) {
    const { requestId } = message;
    const now = Date.now();
    if (message.event === "auth:nonce") {
      const challenge = this.#gate.challenge(message.data, now);
      if (challenge.ok) {
        this.#send({ event: "auth:challenge", data: challenge.value, timestamp: now, requestId });
      } else this.#systemError(requestId, challenge.error);
      return;
    }
    const signedIn = await this.#gate.authenticate(message.data, now);
    if (!signedIn.ok) {
      const result = { authenticated: false as const, error: signedIn.error };
      this.#send({ event: "auth:result", data: result, timestamp: now, requestId });
      return await this.#end(undefined, CLOSE_SIGN_IN_FAILED, "client", signedIn.error.code);
    }
    clearTimeout(this.#signInTimer);
    this.#signInTimer = undefined;
    const { result, seal } = signedIn.value;
    this.#send({ event: "auth:result", data: result, timestamp: now, requestId });
    if (seal !== undefined) this.#channel.seal(seal.sealer, seal.opener);
  }

  /** Ends the connection: stops its downloads, says why when `error` is given, closes. */
  async #end(
    error: ErrorResponse | undefined,
    code: number,
    requestId = "client",
    reason = error?.code ?? "",
  ): Promise<void> {
    if (error !== undefined) this.#systemError(requestId, error);
    await this.#shutdown();
    await this.#channel.flushed();
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(code, reason.slice(0, 120));
  }

  async #dispatch(message: ClientMessage): Promise<void> {
    const { requestId } = message;
    switch (message.event) {
      case "download:request":
        return await this.#start(requestId, message.data);
      case "download:resume":
        return await this.#start(requestId, message.data.request, message.data.resume);
      case "download:cancel": {
        const running = this.#jobs.get(requestId);
        if (running !== undefined) running.job.cancel();
        else if (!this.#finished.has(requestId)) {
          this.#downloadError(requestId, errorResponse("UNKNOWN_REQUEST"));
        }
        return;
      }
      case "download:ack": {
        const running = this.#jobs.get(requestId);
        if (running !== undefined) {
          if (!running.job.ack(message.data.sequence)) {
            this.#downloadError(
              requestId,
              errorResponse("INVALID_VALUE", { reason: "ack of an unsent frame" }),
            );
          }
        } else if (!this.#finished.has(requestId)) {
          this.#downloadError(requestId, errorResponse("UNKNOWN_REQUEST"));
        }
        return;
      }
      case "status:check": {
        const target = message.data.requestId;
        const downloads = target === undefined
          ? this.#statuses()
          : this.#statuses().filter((s) => s.requestId === target);
        if (target !== undefined && downloads.length === 0) {
          this.#downloadError(requestId, errorResponse("UNKNOWN_REQUEST", { requestId: target }));
        } else {
          this.#send({
            event: "status:update",
            data: { downloads },
            timestamp: Date.now(),
            requestId,
          });
        }
        return;
      }
      case "connection:health":
        this.#send({
          event: "connection:health",
          data: this.#context.health(),
          timestamp: Date.now(),
          requestId,
        });
        return;
      case "auth:nonce":
      case "auth:authenticate":
        return await this.#signIn(message);
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async #start(requestId: string, asked: DownloadRequest, resume?: ResumePoint): Promise<void> {
    if (this.#jobs.has(requestId)) {
      return this.#downloadError(requestId, errorResponse("DUPLICATE_REQUEST"));
    }
    if (this.#jobs.size >= this.#context.maxDownloads) {
      return this.#downloadError(
        requestId,
        errorResponse("TOO_MANY_DOWNLOADS", {
          limit: this.#context.maxDownloads,
        }),
      );
    }
    const { source, requestLimits, jobLimits } = this.#context;
    const validated = validateDownloadRequest(asked, source.schema().columns, requestLimits);
    if (!validated.ok) return this.#downloadError(requestId, validated.error);
    const request = await this.#authorize(asked);
    if (!request.ok) return this.#downloadError(requestId, request.error);
    const narrowed = request.value === asked
      ? validated
      : validateDownloadRequest(request.value, source.schema().columns, requestLimits);
    if (!narrowed.ok) return this.#downloadError(requestId, narrowed.error);
    if (this.#closed) return;
    const identity = this.#gate.identity;
    const admitted = identity === undefined
      ? { ok: true as const, value: () => {} }
      : this.#context.limiter.admit(identityLabel(identity), Date.now());
    if (!admitted.ok) return this.#downloadError(requestId, admitted.error);
    this.#finished.delete(requestId);
    const job = new ExportJob(
      requestId,
      narrowed.value,
      source,
      {
        sendFrame: (frame) => this.#channel.sendData(frame),
        sendMessage: (m) => this.#send(m),
        bufferedAmount: () => this.#socket.bufferedAmount + this.#channel.pendingBytes,
        progress: (update, final) => this.#progress(update, final),
      },
      jobLimits,
      resume,
    );
    const done = job.run().finally(() => {
      admitted.value();
      this.#jobs.delete(requestId);
      this.#batcher.drop(requestId);
      this.#finished.set(requestId, job.status());
      if (this.#finished.size > FINISHED_KEPT) {
        this.#finished.delete(this.#finished.keys().next().value!);
      }
    });
    this.#jobs.set(requestId, { job, done });
  }

  /** The request as the `authorize` hook lets this connection's identity have it. */
  async #authorize(asked: DownloadRequest): Promise<Result<DownloadRequest, ErrorResponse>> {
    const hook = this.#context.authorize;
    if (hook === undefined) return { ok: true, value: asked };
    let decision: AuthorizeDecision;
    try {
      decision = await hook(this.#gate.identity, asked);
    } catch (e) {
      console.error("authorize hook failed:", e);
      return { ok: false, error: errorResponse("INTERNAL_ERROR", { reason: "authorize" }) };
    }
    if (decision === true) return { ok: true, value: asked };
    if (decision === false) return { ok: false, error: errorResponse("FORBIDDEN") };
    if (!Array.isArray((decision as { filters?: unknown } | null)?.filters)) {
      // A hook bug: refuse rather than guess what it meant to allow.
      console.error("authorize hook answered neither a boolean nor { filters: [...] }:", decision);
      return { ok: false, error: errorResponse("INTERNAL_ERROR", { reason: "authorize" }) };
    }
    const searchParams = {
      ...asked.searchParams,
      filters: [...asked.searchParams.filters, ...decision.filters],
    };
    return { ok: true, value: { ...asked, searchParams } };
  }

  #statuses(): DownloadStatus[] {
    return [...this.#finished.values(), ...[...this.#jobs.values()].map((r) => r.job.status())];
  }

  #progress(update: ProgressUpdate, final: boolean): void {
    const now = Date.now();
    const batch = [...this.#batcher.add(update, now), ...(final ? this.#batcher.flush() : [])];
    this.#sendProgress(batch);
    this.#armBatchTimer(now);
  }

  #armBatchTimer(now: number): void {
    const deadline = this.#batcher.deadline();
    if (deadline === undefined || this.#batchTimer !== undefined || this.#closed) return;
    this.#batchTimer = setTimeout(() => {
      this.#batchTimer = undefined;
      const at = Date.now();
      this.#sendProgress(this.#batcher.due(at));
      this.#armBatchTimer(at);
    }, Math.max(0, deadline - now));
  }

  #sendProgress(batch: readonly ProgressUpdate[]): void {
    for (const update of batch) {
      this.#send({
        event: "download:progress",
        data: update,
        timestamp: Date.now(),
        requestId: update.requestId,
      });
    }
  }

  #downloadError(requestId: string, error: ErrorResponse): void {
    this.#send({ event: "download:error", data: error, timestamp: Date.now(), requestId });
  }

  #systemError(requestId: string, error: ErrorResponse): void {
    this.#send({ event: "system:error", data: error, timestamp: Date.now(), requestId });
  }

  #send(message: ServerMessage): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#channel.sendText(encodeMessage(message));
  }
}
