/**
 * The self-managing client: one WebSocket, driven by the pure
 * connection machine (connect, keep-alive, reconnect with backoff), carrying
 * any number of downloads, each driven by its own download machine. This
 * file owns the IO — the socket and the timers — and nothing else.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { step } from "../protocol/connection_machine.ts";
import {
  type ConnectionEffect,
  type ConnectionEvent,
  type ConnectionState,
  initialConnectionState,
  isConnected,
  type TimerName,
} from "../protocol/connection_state.ts";
import { errorResponse } from "../protocol/errors.ts";
import type {
  AuthChallenge,
  ClientMessage,
  DownloadEstimate,
  DownloadRequest,
  DownloadStatus,
  ServerMessage,
  SystemHealth,
} from "../protocol/messages.ts";
import type { ClientConfig } from "./client_builder.ts";
import type { ClientEvents, Listener, SessionState } from "./client_events.ts";
import { type Download, DownloadDriver, type DownloadOptions } from "./download.ts";
import { SluiceError } from "./sluice_error.ts";
import { ClientConnection } from "./connection.ts";
import { Questions } from "./_questions.ts";

/** How long `close()` waits for the server's answer to the closing handshake (ms on loopback). */
const GOODBYE_WAIT_MS = 1000;

/**
 * A connection to a sluice server. Build one with `ClientBuilder`.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { ClientBuilder } from "../client.ts";
 * import { createServer, openDemoSource } from "../server/mod.ts";
 * // A server to talk to, in this process: 1,000 demo trades, on a free port.
 * const path = Deno.makeTempFileSync({ suffix: ".sqlite" });
 * const source = openDemoSource(path, 1000);
 * const sluice = createServer({ source, anonymous: true });
 * const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, sluice.fetch);
 *
 * const client = new ClientBuilder(`ws://127.0.0.1:${http.addr.port}/`).build();
 * await client.connect();
 * const download = client.download({
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * });
 * const csv = await new Response(download.readable).text();
 * ok(csv.startsWith("id,ts,symbol,side,price,"));
 * equal((await download.done).rows, 1000);
 * await client.close();
 *
 * await sluice.close();
 * await http.shutdown();
 * await source.close();
 * Deno.removeSync(path);
 * ```
 */
export class SluiceClient {
  readonly #config: ClientConfig;
  #state: ConnectionState;
  #connection: ClientConnection | undefined;
  readonly #timers = new Map<TimerName, ReturnType<typeof setTimeout>>();
  readonly #downloads = new Map<string, DownloadDriver>();
  readonly #questions = new Questions();
  readonly #listeners = new Map<keyof ClientEvents, Set<(event: never) => void>>();
  #connectWaiters: { resolve: () => void; reject: (error: SluiceError) => void }[] = [];
  #systemHealth: SystemHealth | undefined;
  #closedSocket: Promise<void> = Promise.resolve();
  #nextId = 1;

  /** Use `ClientBuilder(url).build()`. */
  constructor(config: ClientConfig) {
    this.#config = config;
    this.#state = initialConnectionState({
      authenticate: true,
      backoff: config.backoff,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      failFast: config.failFast,
    });
  }

  /** The server URL. */
  get url(): string {
    return this.#config.url;
  }

  /** Whether the connection is open now. */
  isConnected(): boolean {
    return isConnected(this.#state);
  }

  /** The session state: connected, phase, heartbeat, downloads, server health. */
  session(): SessionState {
    const activeDownloads = new Map<string, DownloadStatus>();
    for (const [id, d] of this.#downloads) activeDownloads.set(id, d.status());
    return {
      connected: this.isConnected(),
      phase: this.#state.phase,
      ...(this.#state.lastHeartbeat === undefined
        ? {}
        : { lastHeartbeat: this.#state.lastHeartbeat }),
      ...(this.#state.rttMs === undefined ? {} : { rttMs: this.#state.rttMs }),
      activeDownloads,
      ...(this.#systemHealth === undefined ? {} : { systemHealth: this.#systemHealth }),
    };
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClientEvents>(name: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) this.#listeners.set(name, set = new Set());
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /**
   * Opens the connection; resolves once it is usable, rejects with
   * `CONNECTION_FAILED` after the last reconnect attempt, or with
   * `CONNECTION_CLOSED` if `close()` comes first.
   */
  connect(): Promise<void> {
    if (this.isConnected()) return Promise.resolve();
    const ready = new Promise<void>((resolve, reject) => {
      this.#connectWaiters.push({ resolve, reject });
    });
    if (this.#state.phase === "idle" || this.#state.phase === "failed") {
      this.#step({ type: "connect" });
    } else if (this.#state.phase === "closed") {
      this.#rejectConnect(new SluiceError(errorResponse("CONNECTION_CLOSED")));
    }
    return ready;
  }

  /** Starts a download; it is sent now if connected, else as soon as the connection is up. */
  download(request: DownloadRequest, options: DownloadOptions = {}): Download {
    if (this.#state.phase === "closed") throw new SluiceError(errorResponse("CONNECTION_CLOSED"));
    const requestId = options.requestId ?? `dl-${crypto.randomUUID()}`;
    if (this.#downloads.has(requestId)) {
      throw new SluiceError(errorResponse("DUPLICATE_REQUEST", { requestId }));
    }
    const driver = new DownloadDriver(requestId, request, {
      send: (message) => this.#send(message),
      ended: (id) => this.#downloads.delete(id),
      retry: this.#config.backoff ?? {},
    }, options);
    this.#downloads.set(requestId, driver);
    // The machine sends it now, or on the connection's `resume`; or completes it (after FINAL).
    driver.handle({ type: "send", connected: this.isConnected() });
    return driver;
  }

  /** Asks the server where one download, or every download of this connection, stands. */
  status(requestId?: string): Promise<DownloadStatus[]> {
    return this.#ask(
      "status:check",
      requestId === undefined ? {} : { requestId },
      (m) => m.event === "status:update" ? [...m.data.downloads] : undefined,
    );
  }

  /**
   * Asks the server how big a download of `request` would be, before
   * starting it (PROTOCOL.md §5.12): its rows, about how many bytes, its
   * first rows and values of its text columns. It is checked as the
   * download would be, and refused with the same codes; a server older
   * than the event refuses it with `UNKNOWN_EVENT`.
   *
   * @example
   * ```ts ignore
   * const { rows, bytes } = await client.estimate(request);
   * ```
   */
  estimate(request: DownloadRequest): Promise<DownloadEstimate> {
    return this.#ask(
      "download:estimate",
      request,
      (m) => m.event === "download:estimate" ? m.data : undefined,
    );
  }

  /** Sends a question and waits for its answer (`pick`), or the error that names its id. */
  #ask<E extends "status:check" | "download:estimate", T>(
    event: E,
    data: Extract<ClientMessage, { event: E }>["data"],
    pick: (message: ServerMessage) => T | undefined,
  ): Promise<T> {
    if (!this.isConnected()) {
      return Promise.reject(new SluiceError(errorResponse("CONNECTION_LOST")));
    }
    const requestId = `${event === "status:check" ? "st" : "es"}-${this.#nextId++}`;
    const answered = this.#questions.ask(requestId, pick);
    this.#send({ event, data, timestamp: Date.now(), requestId } as ClientMessage);
    return answered;
  }

  /** Closes for good: no reconnect; pending downloads reject with `CONNECTION_CLOSED`. */
  async close(): Promise<void> {
    this.#step({ type: "close" });
    const error = new SluiceError(errorResponse("CONNECTION_CLOSED"));
    this.#failPending(error);
    for (const driver of [...this.#downloads.values()]) {
      driver.handle({ type: "error", error: errorResponse("CONNECTION_CLOSED") });
    }
    // The closing handshake needs the server's answer: through a stalled network it never comes,
    // and close() must not hang on it. After the wait the socket is left to the runtime.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GOODBYE_WAIT_MS);
      void this.#closedSocket.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #step(event: ConnectionEvent): void {
    const result = step(this.#state, event, { now: Date.now(), random: Math.random() });
    this.#state = result.state;
    for (const effect of result.effects) this.#apply(effect);
  }

  #apply(effect: ConnectionEffect): void {
    switch (effect.type) {
      case "openSocket":
        return this.#open();
      case "closeSocket":
        return this.#closeSocket(effect.code, effect.reason);
      case "send":
        return this.#send(effect.message);
      case "startTimer": {
        clearTimeout(this.#timers.get(effect.name));
        const name = effect.name;
        this.#timers.set(
          name,
          setTimeout(() => {
            this.#timers.delete(name);
            this.#step({ type: "timer", name });
          }, effect.ms),
        );
        return;
      }
      case "cancelTimer":
        clearTimeout(this.#timers.get(effect.name));
        this.#timers.delete(effect.name);
        return;
      case "beginAuth":
        return this.#connection?.beginSignIn(
          this.#config.credentials,
          this.#config.url,
          this.#config.serverKey,
          `auth-${this.#nextId++}`,
        );
      case "sign":
        return void this.#sign(effect.challenge);
      case "ready": {
        for (const waiter of this.#connectWaiters.splice(0)) waiter.resolve();
        // New downloads go out now; on a reconnect, running ones resume from their cursor.
        for (const driver of this.#downloads.values()) driver.handle({ type: "resume" });
        return;
      }
      case "health":
        this.#systemHealth = effect.health;
        return this.#emit("health", { rttMs: effect.rttMs, health: effect.health });
      case "failed": {
        const error = new SluiceError(effect.error);
        this.#failPending(error);
        for (const driver of [...this.#downloads.values()]) {
          driver.handle({ type: "error", error: effect.error });
        }
        return this.#emit("connection:failed", effect.error);
      }
      case "stateChanged":
        if (effect.from === "open") {
          // Downloads whose FINAL frame is in complete now rather than resume (PROTOCOL.md §9.5).
          for (const driver of [...this.#downloads.values()]) {
            driver.handle({ type: "disconnected" });
          }
        }
        return this.#emit("state", { from: effect.from, to: effect.to });
      case "rejected":
        throw new SluiceError(effect.error);
      default: {
        const unreachable: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Signs a challenge; a signature that outlives its connection is dropped by the machine. */
  async #sign(challenge: AuthChallenge): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined) return;
    const signed = await connection.sign(challenge);
    if (this.#connection !== connection) return;
    if (signed.ok) return this.#step({ type: "signed", ...signed.value });
    // A server the client refuses (wrong origin or key) ends the sign-in as a refusal would.
    this.#step({ type: "authResult", result: { authenticated: false, error: signed.error } });
  }

  #open(): void {
    // Each handler acts only while its connection is the current one.
    const current = () => this.#connection === connection;
    const connection: ClientConnection = new ClientConnection(this.#config.url, {
      opened: () => void (current() && this.#step({ type: "opened" })),
      message: (message) => void (current() && this.#dispatch(message)),
      frame: ({ payload, ...header }) =>
        current() ? this.#downloads.get(header.requestId)?.frame(header, payload) : undefined,
      violation: (code) => void (current() && this.#step({ type: "violation", code })),
      logger: this.#config.logger ?? console,
      closed: (event) => {
        if (!current()) return;
        this.#connection = undefined;
        this.#failStatus(new SluiceError(errorResponse("CONNECTION_LOST")));
        this.#step({ type: "closed", code: event.code, reason: event.reason });
      },
    });
    this.#connection = connection;
    this.#closedSocket = connection.closed;
  }

  #closeSocket(code: number, reason: string): void {
    const connection = this.#connection;
    if (connection === undefined) return;
    this.#connection = undefined;
    this.#failStatus(new SluiceError(errorResponse("CONNECTION_LOST")));
    connection.close(code, reason);
  }

  #send(message: ClientMessage): void {
    this.#connection?.send(message);
  }

  #dispatch(message: ServerMessage): void {
    const driver = this.#downloads.get(message.requestId);
    switch (message.event) {
      case "download:start":
        return driver?.handle({ type: "start", data: message.data });
      case "download:progress":
        return driver?.handle({ type: "progress", update: message.data });
      case "download:complete":
        return driver?.handle({ type: "complete", summary: message.data });
      case "download:cancelled":
        return driver?.handle({ type: "cancelled", data: message.data });
      case "download:error":
        if (this.#questions.refuse(message.requestId, message.data)) return;
        return driver?.handle({ type: "error", error: message.data });
      case "status:update":
      case "download:estimate":
        return this.#questions.answer(message);
      case "system:error":
        // A question the server could not read: a server older than `download:estimate` says
        // UNKNOWN_EVENT here, with the question's id (PROTOCOL.md §10).
        if (this.#questions.refuse(message.requestId, message.data)) return;
        this.#step({ type: "serverError", error: message.data });
        return this.#emit("error", message.data);
      case "connection:health":
        return this.#step({ type: "pong", requestId: message.requestId, health: message.data });
      case "auth:challenge":
        return this.#step({ type: "challenge", challenge: message.data });
      case "auth:result":
        return this.#step({ type: "authResult", result: message.data });
      default: {
        const unreachable: never = message;
        throw new Error(`unknown message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #failPending(error: SluiceError): void {
    this.#rejectConnect(error);
    this.#failStatus(error);
  }

  #rejectConnect(error: SluiceError): void {
    for (const waiter of this.#connectWaiters.splice(0)) waiter.reject(error);
  }

  #failStatus(error: SluiceError): void {
    this.#questions.failAll(error);
  }

  #emit<K extends keyof ClientEvents>(name: K, event: ClientEvents[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) (listener as Listener<K>)(event);
  }
}
