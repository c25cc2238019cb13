/**
 * What travels on one connection, below the control messages and data
 * frames: compression of large control messages (seed 000 §5.1) and, once
 * a session is signed in with encryption, sealing of every frame
 * (seed 000 §4.2). docs/PROTOCOL.md §16 is the normative description.
 *
 * A {@linkcode SessionChannel} turns outgoing messages into WebSocket
 * payloads and incoming payloads back into messages, one at a time and in
 * order: compression and encryption are asynchronous, and a frame's
 * counter must match its place on the wire. Both directions hand results
 * to callbacks, so the owner of the socket stays in charge of IO.
 *
 * This module is browser compatible (it uses `CompressionStream`,
 * `DecompressionStream` and Web Crypto).
 *
 * @module
 */

import { concatBytes } from "@noble/hashes/utils.js";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { Result } from "./result.ts";
import {
  binaryKind,
  COMPRESS_THRESHOLD_BYTES,
  decodeControlFrame,
  encodeControlFrame,
} from "./sealed_frame.ts";
import type { FrameOpener, FrameSealer } from "./session_crypto.ts";

/** What a payload received on the socket turned out to be. */
export type Incoming =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "data"; readonly frame: Uint8Array };

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
const decoder = new TextDecoder("utf-8", { fatal: true });

async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array | undefined> {
  const writer = stream.writable.getWriter();
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

/**
 * zlib-deflates bytes (RFC 1950, as `CompressionStream("deflate")` does).
 *
 * @example
 * ```ts
 * import { deflate, inflate } from "./channel.ts";
 * const packed = await deflate(new Uint8Array(1000));
 * (await inflate(packed, 1000))?.length; // 1000
 * ```
 */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return (await transform(bytes, new CompressionStream("deflate"), Infinity))!;
}

/**
 * Inflates zlib bytes, giving `undefined` when they would grow past `limit`
 * bytes (a deflate bomb stops there). Rejects on malformed input.
 *
 * @example
 * ```ts
 * import { deflate, inflate } from "./channel.ts";
 * await inflate(await deflate(new Uint8Array(100)), 10); // undefined
 * ```
 */
export function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array | undefined> {
  return transform(bytes, new DecompressionStream("deflate"), limit);
}

/**
 * One connection's framing: plain until {@linkcode SessionChannel.seal} is
 * called, sealed after.
 *
 * @example
 * ```ts
 * import { SessionChannel } from "./channel.ts";
 * const sent: (string | Uint8Array)[] = [];
 * const channel = new SessionChannel({ send: (p) => sent.push(p), deliver: () => {} });
 * channel.sendText('{"event":"status:check"}');
 * await channel.flushed();
 * sent; // ['{"event":"status:check"}']
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
      if (sealer === undefined && bytes.length <= this.#threshold) return text;
      const deflated = bytes.length > this.#threshold;
      const frame = encodeControlFrame(deflated ? await deflate(bytes) : bytes, deflated);
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
    if (payload.length > (this.#options.maxPayloadBytes ?? Infinity)) {
      return { ok: false, error: errorResponse("MESSAGE_TOO_LARGE", { bytes: payload.length }) };
    }
    if (typeof payload === "string") {
      if (this.#opener !== undefined) {
        return { ok: false, error: errorResponse("UNSEALED_MESSAGE") };
      }
      return { ok: true, value: { type: "text", text: payload } };
    }
    const kind = binaryKind(payload);
    if (!kind.ok) return kind;
    if (kind.value === "sealed") {
      if (this.#opener === undefined) {
        return { ok: false, error: errorResponse("FRAME_TYPE", { reason: "not signed in" }) };
      }
      const opened = await this.#opener.open(payload);
      if (!opened.ok) return opened;
      return await this.#decodeInner(opened.value);
    }
    if (this.#opener !== undefined) return { ok: false, error: errorResponse("UNSEALED_MESSAGE") };
    return await this.#decodeInner(payload);
  }

  async #decodeInner(bytes: Uint8Array): Promise<Result<Incoming, ErrorResponse>> {
    const kind = binaryKind(bytes);
    if (!kind.ok) return kind;
    if (kind.value === "data") return { ok: true, value: { type: "data", frame: bytes } };
    if (kind.value === "sealed") {
      return { ok: false, error: errorResponse("FRAME_TYPE", { reason: "sealed inside sealed" }) };
    }
    const control = decodeControlFrame(bytes);
    if (!control.ok) return control;
    const { deflated, payload } = control.value;
    let json: Uint8Array | undefined = payload;
    try {
      if (deflated) json = await inflate(payload, this.#maxMessageBytes);
    } catch (_malformed) {
      return { ok: false, error: errorResponse("MALFORMED_JSON", { reason: "not zlib data" }) };
    }
    if (json === undefined) {
      return { ok: false, error: errorResponse("MESSAGE_TOO_LARGE", { reason: "inflated" }) };
    }
    try {
      return { ok: true, value: { type: "text", text: decoder.decode(json) } };
    } catch (_notUtf8) {
      return { ok: false, error: errorResponse("MALFORMED_JSON", { reason: "not UTF-8" }) };
    }
  }
}
