// Generated from transport/session_channel.ts by `deno task bundle`; do not edit.
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
import { type ErrorResponse } from "../protocol/errors.d.ts";
import type { Result } from "../protocol/result.d.ts";
import { type Incoming } from "../protocol/channel_framing.d.ts";
import type { FrameOpener, FrameSealer } from "./frame_sealing.d.ts";
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
export declare class SessionChannel {
    #private;
    /** A plain channel; see {@linkcode ChannelOptions}. */
    constructor(options: ChannelOptions);
    /** Whether incoming frames must be sealed (from the moment {@linkcode seal} is called). */
    get sealed(): boolean;
    /**
     * Whether the channel gave up: a broken frame of a sealed session, too many
     * payloads waiting, or a failure to send. Nothing more is delivered; the
     * owner should end the connection.
     */
    get failed(): boolean;
    /** Bytes given to send() and not yet handed to the socket. */
    get pendingBytes(): number;
    /**
     * Seals every frame from now on, both ways. Call it between the last
     * plain message and the first sealed one of each direction (for the
     * server: right after queueing `auth:result`).
     */
    seal(sealer: FrameSealer, opener: FrameOpener): void;
    /**
     * Sends a control message's JSON, or the JSON a function makes when its
     * turn comes (e.g. a command signed with a timestamp in send order).
     */
    sendText(json: string | (() => Promise<string>)): void;
    /** Sends a data frame's bytes. */
    sendData(frame: Uint8Array): void;
    /** Resolves once every payload received so far was delivered (or dropped after a failure). */
    drained(): Promise<void>;
    /** Resolves once everything sent so far was handed to the socket. */
    flushed(): Promise<void>;
    /** Decodes one WebSocket payload; the result reaches `deliver` in order. */
    receive(payload: string | Uint8Array): void;
}
