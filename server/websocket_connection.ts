/**
 * A server-side WebSocket on a TCP connection the upgrade guard accepted
 * (upgrade_guard.ts): the part of the `WebSocket` interface a session uses
 * ({@linkcode SessionSocket}), over RFC 6455's framing
 * (websocket_frames.ts). It writes each message straight to the peer's
 * connection: what a `Deno.serve` behind the guard would have written to a
 * loopback connection, for the guard to read and write again.
 *
 * Writes go out one after another; one that does not complete within
 * `writeStallMs` cuts the connection (a peer that stopped reading), as
 * does a close that the peer does not answer within `closeWaitMs`. A frame
 * that breaks RFC 6455's rules fails the connection with its close code
 * (1002, 1007, 1009). The socket's `close` event comes once, when the TCP
 * connection is closed.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { deadline } from "./_conn_writes.ts";
import {
  closePayload,
  type FrameEvent,
  frameHeader,
  FrameReader,
  OPCODE,
} from "./websocket_frames.ts";

/** The part of the `WebSocket` interface a session uses; a `WebSocket` is one. */
export interface SessionSocket {
  /** `WebSocket.CONNECTING`, `OPEN`, `CLOSING` or `CLOSED`. */
  readonly readyState: number;
  /** Bytes given to `send()` and not yet written to the connection. */
  readonly bufferedAmount: number;
  /** How binary messages arrive; a session sets `"arraybuffer"`, the only one the guard's gives. */
  binaryType: BinaryType;
  /**
   * Sends one message. The guard's socket writes binary messages from the
   * caller's bytes, later: do not change them after (a session never does).
   */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** A message, text or (with `binaryType` `"arraybuffer"`) an `ArrayBuffer`. */
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  /** The connection is closed: once, at the end. */
  addEventListener(type: "close", listener: (event: CloseEvent) => void): void;
}

/** Bounds of a {@linkcode WebSocketConnection}. */
export interface WebSocketConnectionOptions {
  /** Longest message a client may send (1009 beyond). */
  readonly maxMessageBytes: number;
  /** Longest time one write to the peer may take before the connection is cut. */
  readonly writeStallMs: number;
  /** Longest wait for the peer's close frame after the server's. */
  readonly closeWaitMs: number;
}

const encoder = new TextEncoder();
/** How many messages of one read are given out before what they started runs. */
const YIELD_EVERY = 32;
/** Messages this short go out as one write with their header; longer ones as two. */
const JOIN_BELOW = 65_536;

/**
 * A WebSocket on `conn`, in `CONNECTING` until {@linkcode start} (once
 * the guard has written the 101 answer).
 *
 * @example
 * ```ts ignore
 * import { WebSocketConnection } from "./websocket_connection.ts";
 * declare const conn: Deno.TcpConn;
 * const socket = new WebSocketConnection(conn, {
 *   maxMessageBytes: 4 << 20,
 *   writeStallMs: 45_000,
 *   closeWaitMs: 10_000,
 * });
 * socket.addEventListener("message", (e) => socket.send(String((e as MessageEvent).data)));
 * await socket.start(new Uint8Array(0), new Uint8Array(0));
 * ```
 */
export class WebSocketConnection implements SessionSocket {
  readonly #conn: Deno.TcpConn;
  readonly #options: WebSocketConnectionOptions;
  readonly #reader: FrameReader;
  #state: number = WebSocket.CONNECTING;
  #buffered = 0;
  #writes: Promise<void> = Promise.resolve();
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #closeCode = 1006;
  #closeReason = "";
  #sentClose = false;
  #heardClose = false;
  #failed = false;
  /** The payload of the pong waiting to be written, if one is. */
  #pongPayload: Uint8Array | undefined;
  readonly #ended = Promise.withResolvers<void>();
  readonly #onMessage: ((event: MessageEvent) => void)[] = [];
  readonly #onClose: ((event: CloseEvent) => void)[] = [];
  binaryType: BinaryType = "arraybuffer";

  /** A socket over `conn`, which it owns from now on. */
  constructor(conn: Deno.TcpConn, options: WebSocketConnectionOptions) {
    this.#conn = conn;
    this.#options = options;
    this.#reader = new FrameReader(options.maxMessageBytes);
  }

  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  addEventListener(type: "close", listener: (event: CloseEvent) => void): void;
  addEventListener(
    type: "message" | "close",
    listener: ((event: MessageEvent) => void) | ((event: CloseEvent) => void),
  ): void {
    if (type === "message") this.#onMessage.push(listener as (event: MessageEvent) => void);
    else this.#onClose.push(listener as (event: CloseEvent) => void);
  }

  get readyState(): number {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.#buffered;
  }

  /**
   * Writes `answer` (the guard's 101), opens the socket and reads the peer
   * until the connection ends; `early` is what the peer sent after its
   * request head. Resolves once the TCP connection is closed and the
   * `close` event has fired.
   */
  async start(answer: Uint8Array, early: Uint8Array): Promise<void> {
    this.#queue(() => [answer], answer.length);
    this.#state = WebSocket.OPEN;
    const buffer = new Uint8Array(16_384);
    try {
      await this.#hear(early);
      while (!this.#closed && !this.#heardClose) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        await this.#hear(buffer.subarray(0, n));
      }
    } catch {
      // Reset by the peer, or closed here: the end either way.
    }
    if (!this.#heardClose) this.#end();
    await this.#ended.promise;
  }

  send(data: string | Uint8Array): void {
    if (this.#state !== WebSocket.OPEN) return;
    const text = typeof data === "string";
    this.#frame(text ? OPCODE.text : OPCODE.binary, text ? encoder.encode(data) : data);
  }

  close(code?: number, reason = ""): void {
    if (this.#state !== WebSocket.OPEN) return;
    this.#state = WebSocket.CLOSING;
    this.#sendClose(code, reason);
    // The peer answers with its close frame, or is cut off.
    void this.#writes.then(() => {
      if (!this.#closed) {
        this.#closeTimer = setTimeout(() => this.#end(), this.#options.closeWaitMs);
      }
    });
  }

  /**
   * Acts on what `bytes` said. A read may hold hundreds of messages (a peer
   * that sent while the server was busy). What each starts (a session's
   * steps, in microtasks) gets to run every {@linkcode YIELD_EVERY} of
   * them, and before a close is answered, as with a `WebSocket`, which
   * gives one event per task: they wait no longer than there, and the
   * answers to the messages before a close go out before the close.
   */
  async #hear(bytes: Uint8Array): Promise<void> {
    let unanswered = 0;
    for (const event of this.#reader.receive(bytes)) {
      const ending = event.type === "close" || event.type === "fail";
      if (unanswered === YIELD_EVERY || (ending && unanswered > 0)) {
        await new Promise((resolve) => setImmediate(resolve));
        unanswered = 0;
      }
      this.#act(event);
      if (event.type === "message") unanswered++;
    }
  }

  #act(event: FrameEvent): void {
    switch (event.type) {
      case "message": {
        if (this.#state !== WebSocket.OPEN) return;
        const { data } = event;
        const payload = typeof data === "string" ? data : exactBuffer(data);
        dispatch(this.#onMessage, new MessageEvent("message", { data: payload }));
        return;
      }
      case "ping":
        if (!this.#sentClose) this.#pong(event.payload);
        return;
      case "pong":
        return;
      case "close": {
        this.#heardClose = true;
        // As a browser reports it: the code the peer sent, whoever closed first.
        this.#closeCode = event.code ?? 1005;
        this.#closeReason = event.reason;
        if (!this.#sentClose) {
          this.#state = WebSocket.CLOSING;
          // The echo carries the peer's code (RFC 6455 §5.5.1); none for none.
          this.#sendClose(event.code, "");
        }
        void this.#writes.then(() => this.#end());
        return;
      }
      case "fail":
        this.#heardClose = true;
        this.#failed = true;
        this.#closeCode = event.code;
        this.#closeReason = event.reason;
        this.#state = WebSocket.CLOSING;
        if (!this.#sentClose) this.#sendClose(event.code, event.reason);
        void this.#writes.then(() => this.#end());
        return;
    }
  }

  #sendClose(code: number | undefined, reason: string): void {
    this.#sentClose = true;
    this.#frame(OPCODE.close, code === undefined ? new Uint8Array(0) : closePayload(code, reason));
  }

  /** Queues one whole frame behind the writes before it. */
  #frame(opcode: number, payload: Uint8Array): void {
    this.#queue(() => frameParts(opcode, payload), payload.length);
  }

  /**
   * Answers a ping: one pong at most waits to be written, with the latest
   * ping's payload (RFC 6455 §5.5.3), so that a peer that pings and reads
   * nothing makes the server hold one small frame, not one per ping.
   */
  #pong(payload: Uint8Array): void {
    const waiting = this.#pongPayload !== undefined;
    this.#pongPayload = payload;
    if (waiting) return;
    this.#queue(() => {
      const latest = this.#pongPayload!;
      this.#pongPayload = undefined;
      return frameParts(OPCODE.pong, latest);
    }, payload.length);
  }

  /**
   * Writes the parts `make` gives (about `bytes` long) after the writes
   * before them; a write that fails, or makes no progress for
   * `writeStallMs`, ends the connection.
   */
  #queue(make: () => readonly Uint8Array[], bytes: number): void {
    this.#buffered += bytes;
    this.#writes = this.#writes.then(async () => {
      try {
        for (const part of make()) {
          for (let at = 0; at < part.length && !this.#closed;) {
            const written = this.#conn.write(part.subarray(at));
            await deadline(written.then((n) => void (at += n)), this.#options.writeStallMs);
          }
        }
      } catch {
        this.#end();
      } finally {
        this.#buffered -= bytes;
      }
    });
  }

  /**
   * Cuts the connection now, without a close frame (`close` reports 1006):
   * for a socket the guard made and the handler did not take.
   */
  abort(): void {
    this.#end();
  }

  /** Closes the TCP connection, once, and says so. */
  #end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#closeTimer);
    this.#state = WebSocket.CLOSED;
    try {
      this.#conn.close();
    } catch {
      // Closed already.
    }
    // The code the peer sent (or the failure's), 1006 for none.
    const code = this.#heardClose ? this.#closeCode : 1006;
    const wasClean = this.#sentClose && this.#heardClose && !this.#failed;
    dispatch(this.#onClose, new CloseEvent("close", { code, reason: this.#closeReason, wasClean }));
    this.#ended.resolve();
  }
}

/** A frame as the parts to write: joined with its header when short, else two writes. */
function frameParts(opcode: number, payload: Uint8Array): readonly Uint8Array[] {
  const header = frameHeader(opcode, payload.length);
  if (payload.length >= JOIN_BELOW) return [header, payload];
  const joined = new Uint8Array(header.length + payload.length);
  joined.set(header);
  joined.set(payload, header.length);
  return [joined];
}

/** Calls each listener; one that throws is reported as an `EventTarget` reports it, and the rest still run. */
function dispatch<E>(listeners: readonly ((event: E) => void)[], event: E): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      reportError(error);
    }
  }
}

/** The bytes as an `ArrayBuffer` of their own length (what `binaryType = "arraybuffer"` gives). */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (exact ? bytes : bytes.slice()).buffer as ArrayBuffer;
}
