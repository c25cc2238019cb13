/**
 * What travels on one connection, below the control messages and data
 * frames: compression of large control messages and, once a session is
 * signed in with encryption, sealing of every frame (docs/PROTOCOL.md §16).
 *
 * A {@linkcode SessionChannel} turns outgoing messages into WebSocket
 * payloads and incoming payloads back into messages, one at a time and in
 * order: compression and encryption are asynchronous, and a frame's
 * counter must match its place on the wire. Both directions hand results
 * to callbacks, so the owner of the socket stays in charge of IO. The
 * rules it follows (which form a message takes, the order a payload is
 * checked in, what is a violation) are `protocol/channel_framing.ts`'s;
 * this file owns the queues.
 *
 * This module is browser compatible (it uses `CompressionStream`,
 * `DecompressionStream` and Web Crypto).
 *
 * @module
 */

import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type { Result } from "../protocol/result.ts";
import {
  type Incoming,
  type Inflated,
  readInflated,
  readInner,
  readPayload,
  textForm,
} from "../protocol/channel_framing.ts";
import { COMPRESS_THRESHOLD_BYTES, encodeControlFrame } from "../protocol/sealed_frame.ts";
import { deflate, inflate } from "./compression.ts";
import type { FrameOpener, FrameSealer } from "./frame_sealing.ts";

/** Options of {@linkcode SessionChannel}. */
export interface ChannelOptions {
  /** Sends one WebSocket payload; called in the order messages were given. */
  readonly send: (payload: string | Uint8Array) => void;
  /**
   * Receives each incoming message or the error that ends the channel, in
   * order; the next payload is not decoded before the returned promise
   * settles, so handling a message may switch the channel to sealing.
   */
  readonly deliver: (incoming: Result<Incoming, ErrorResponse>) => void | Promise<void>;
  /**
   * Called when `deliver` throws or rejects (a bug in the handler). The
   * channel goes on with the next payload either way.
   *
   * @default {rethrows the error outside the channel's queue}
   */
  readonly handlerFailed?: (error: unknown) => void;
  /**
   * Largest control message accepted after inflating, in bytes.
   *
   * @default {65536}
   */
  readonly maxMessageBytes?: number;
  /**
   * Largest WebSocket payload accepted, checked before anything else is
   * done with it (decrypting included); more is `MESSAGE_TOO_LARGE`.
   *
   * @default {Infinity}
   */
  readonly maxPayloadBytes?: number;
  /**
   * Most payloads received and not yet delivered; one more ends the
   * channel with `TOO_MANY_MESSAGES`, delivered at once. Bounds what a peer
   * can pile up while a handler waits (e.g. on an `authorize` hook).
   *
   * @default {Infinity}
   */
  readonly maxQueuedPayloads?: number;
  /**
   * Control messages longer than this many UTF-8 bytes travel deflated.
   *
   * @default {COMPRESS_THRESHOLD_BYTES}
   */
  readonly compressThresholdBytes?: number;
}

const encoder = new TextEncoder();

/**
 * One connection's framing: plain until {@linkcode SessionChannel.seal} is
 * called, sealed after.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { SessionChannel } from "./session_channel.ts";
 * const sent: (string | Uint8Array)[] = [];
 * const channel = new SessionChannel({ send: (p) => sent.push(p), deliver: () => {} });
 * channel.sendText('{"event":"status:check"}');
 * await channel.flushed();
 * deepEqual(sent, ['{"event":"status:check"}']);
 * ```
 */
export class SessionChannel {
  readonly #options: ChannelOptions;
  readonly #maxMessageBytes: number;
  readonly #threshold: number;
  #sealer: FrameSealer | undefined;
  #opener: FrameOpener | undefined;
  #outbox: Promise<void> = Promise.resolve();
  #inbox: Promise<void> = Promise.resolve();
  #pendingBytes = 0;
  #queued = 0;
  /** Payloads received and not yet delivered. */
  #waiting = 0;
  #failed = false;

  /** A plain channel; see {@linkcode ChannelOptions}. */
  constructor(options: ChannelOptions) {
    this.#options = options;
    this.#maxMessageBytes = options.maxMessageBytes ?? 65_536;
    this.#threshold = options.compressThresholdBytes ?? COMPRESS_THRESHOLD_BYTES;
  }

  /** Whether incoming frames must be sealed (from the moment {@linkcode seal} is called). */
  get sealed(): boolean {
    return this.#opener !== undefined;
  }

  /**
   * Whether the channel gave up: a broken frame of a sealed session, too many
   * payloads waiting, or a failure to send. Nothing more is delivered; the
   * owner should end the connection.
   */
  get failed(): boolean {
    return this.#failed;
  }

  /** Bytes given to send() and not yet handed to the socket. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Seals every frame from now on, both ways. Call it between the last
   * plain message and the first sealed one of each direction (for the
   * server: right after queueing `auth:result`).
   */
  seal(sealer: FrameSealer, opener: FrameOpener): void {
    if (this.#opener !== undefined) throw new Error("the channel is already sealed");
    this.#opener = opener;
    // Plain messages queued before this call still leave plain; none after it does.
    this.#queued++;
    this.#outbox = this.#outbox.then(() => {
      this.#sealer = sealer;
      this.#queued--;
    });
  }

  /**
   * Sends a control message's JSON, or the JSON a function makes when its
   * turn comes (e.g. a command signed with a timestamp in send order).
   */
  sendText(json: string | (() => Promise<string>)): void {
    // Fast path: nothing queued and nothing to transform, so it leaves now, in order.
    if (
      typeof json === "string" && this.#queued === 0 && this.#sealer === undefined &&
      json.length * 3 <= this.#threshold
    ) {
      return this.#options.send(json);
    }
    this.#enqueue(typeof json === "string" ? json.length : 0, async () => {
      const text = typeof json === "string" ? json : await json();
      const sealer = this.#sealer;
      const bytes = encoder.encode(text);
      const form = textForm(bytes.length, sealer !== undefined, this.#threshold);
      if (form === "text") return text;
      const frame = form === "deflated"
        ? encodeControlFrame(await deflate(bytes), true)
        : encodeControlFrame(bytes, false);
      return sealer === undefined ? frame : await sealer.seal(frame);
    });
  }

  /** Sends a data frame's bytes. */
  sendData(frame: Uint8Array): void {
    if (this.#queued === 0 && this.#sealer === undefined) return this.#options.send(frame);
    this.#enqueue(frame.length, async () => {
      const sealer = this.#sealer;
      return sealer === undefined ? frame : await sealer.seal(frame);
    });
  }

  /** Resolves once every payload received so far was delivered (or dropped after a failure). */
  drained(): Promise<void> {
    return this.#inbox;
  }

  /** Resolves once everything sent so far was handed to the socket. */
  flushed(): Promise<void> {
    return this.#outbox;
  }

  #enqueue(size: number, encode: () => Promise<string | Uint8Array>): void {
    this.#pendingBytes += size;
    this.#queued++;
    this.#outbox = this.#outbox.then(async () => {
      const payload = await encode();
      this.#pendingBytes -= size;
      this.#queued--;
      this.#options.send(payload);
    }).catch((error: unknown) => {
      // Only a broken Web Crypto or an exhausted counter gets here: the channel is unusable. The
      // owner hears of it through the receiving queue, never from inside this one: its handler
      // may wait for flushed(), which is this very promise.
      this.#failed = true;
      const reason = error instanceof Error ? error.message : String(error);
      const failure = { ok: false as const, error: errorResponse("INTERNAL_ERROR", { reason }) };
      this.#inbox = this.#inbox.then(() => this.#options.deliver(failure)).catch(() => {});
    });
  }

  /** Decodes one WebSocket payload; the result reaches `deliver` in order. */
  receive(payload: string | Uint8Array): void {
    if (this.#failed) return;
    if (this.#waiting >= (this.#options.maxQueuedPayloads ?? Infinity)) {
      this.#failed = true;
      const error = errorResponse("TOO_MANY_MESSAGES", { queued: this.#waiting });
      Promise.resolve(this.#options.deliver({ ok: false, error })).catch((e) => this.#report(e));
      return;
    }
    this.#waiting++;
    this.#inbox = this.#inbox.then(async () => {
      this.#waiting--;
      if (this.#failed) return;
      const result = await this.#decode(payload);
      // In a sealed session any payload that cannot be decoded ends the sequence (PROTOCOL.md
      // §16): nothing after it can be trusted.
      if (!result.ok && this.sealed) this.#failed = true;
      try {
        await this.#options.deliver(result);
      } catch (error) {
        // The queue must survive a failing handler, or every later payload would be skipped.
        this.#report(error);
      }
    });
  }

  #report(error: unknown): void {
    if (this.#options.handlerFailed !== undefined) return this.#options.handlerFailed(error);
    queueMicrotask(() => {
      throw error;
    });
  }

  async #decode(payload: string | Uint8Array): Promise<Result<Incoming, ErrorResponse>> {
    const opener = this.#opener;
    const read = readPayload(payload, {
      sealed: opener !== undefined,
      maxPayloadBytes: this.#options.maxPayloadBytes,
    });
    if (!read.ok) return read;
    let step = read.value;
    if (step.type === "open") {
      const opened = await opener!.open(step.sealed);
      if (!opened.ok) return opened;
      const inner = readInner(opened.value);
      if (!inner.ok) return inner;
      step = inner.value;
    }
    if (step.type === "incoming") return { ok: true, value: step.incoming };
    let inflated: Inflated;
    try {
      const json = await inflate(step.deflated, this.#maxMessageBytes);
      inflated = json === undefined ? { type: "tooLarge" } : { type: "inflated", json };
    } catch (_malformed) {
      inflated = { type: "malformed" };
    }
    return readInflated(inflated);
  }
}
