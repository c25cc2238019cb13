/**
 * One WebSocket of the client, from open to close: its framing channel
 * (compression, sealing), its sign-in, and the keys of its session once
 * signed in. {@linkcode SluiceClient} makes one per connect attempt and
 * drops it with the socket; nothing of one connection leaks into the next.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { Incoming } from "../protocol/channel_framing.ts";
import { SessionChannel } from "../transport/session_channel.ts";
import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type { Logger } from "../protocol/logger.ts";
import type { PeerErrorCode } from "../protocol/peer_error_code.ts";
import { type DataFrame, decodeDataFrame } from "../protocol/frame.ts";
import type { AuthChallenge, ClientMessage, ServerMessage } from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { parseServerMessage } from "../protocol/parse.ts";
import type { Result } from "../protocol/result.ts";
import {
  ConnectionSignIn,
  type Credentials,
  type Established,
  type SignedChallenge,
} from "./sign_in.ts";

/** What a connection reports to its owner, only while it is the owner's current one. */
export interface ConnectionHandlers {
  /** The WebSocket opened. */
  opened(): void;
  /** A control message arrived (after sealing was switched on, if `auth:result` said so). */
  message(message: ServerMessage): void;
  /** A data frame arrived; the next payload waits until the returned promise settles. */
  frame(frame: DataFrame): void | Promise<void>;
  /** The server broke the protocol (a bad or untrustworthy frame); the owner should drop it. */
  violation(code: PeerErrorCode): void;
  /** The socket closed, after everything received before was delivered. */
  closed(event: CloseEvent): void;
  /** Where a handler's failure is reported. */
  readonly logger: Logger;
}

/** A connection to the server; see the module documentation. */
export class ClientConnection {
  readonly #socket: WebSocket;
  readonly #channel: SessionChannel;
  readonly #handlers: ConnectionHandlers;
  #signIn: ConnectionSignIn | undefined;
  #established: Established | undefined;
  #detached = false;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;

  /** Opens a WebSocket to `url`. */
  constructor(url: string, handlers: ConnectionHandlers) {
    this.#handlers = handlers;
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    this.#channel = new SessionChannel({
      send: (payload) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(payload);
      },
      deliver: (incoming) => this.#detached ? undefined : this.#receive(incoming),
      // A handler that throws is a bug in this client; the connection cannot be trusted after it.
      handlerFailed: (error) => {
        handlers.logger.error("sluice: a message handler failed:", error);
        if (!this.#detached) handlers.violation("INTERNAL_ERROR");
      },
    });
    let closed!: () => void;
    this.closed = new Promise((resolve) => closed = resolve);
    socket.onopen = () => {
      if (!this.#detached) handlers.opened();
    };
    socket.onmessage = (event) => {
      const data = event.data;
      this.#channel.receive(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    };
    socket.onerror = () => {}; // a close event always follows; it drives the owner
    // What arrived before the close may still be decrypting: let it through first (a server's
    // last word, such as SERVER_SHUTTING_DOWN's retryAfter, often is).
    socket.onclose = (event) =>
      void this.#channel.drained().then(() => {
        closed();
        if (!this.#detached) {
          this.#detached = true;
          handlers.closed(event);
        }
      });
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Starts the sign-in: a fresh ephemeral key, and `auth:nonce` with the identity. */
  beginSignIn(
    credentials: Credentials,
    url: string,
    serverKey: string | undefined,
    requestId: string,
  ): void {
    const signIn = new ConnectionSignIn(credentials, url, serverKey);
    this.#signIn = signIn;
    this.#channel.sendText(encodeMessage({
      event: "auth:nonce",
      data: signIn.nonce(),
      timestamp: Date.now(),
      requestId,
    }));
  }

  /**
   * Checks and signs a challenge. A failing signer (a wallet that refuses)
   * gives `AUTH_BAD_SIGNATURE`: not something a reconnect fixes.
   */
  async sign(challenge: AuthChallenge): Promise<Result<SignedChallenge, ErrorResponse>> {
    const signIn = this.#signIn;
    if (signIn === undefined) {
      return { ok: false, error: errorResponse("UNEXPECTED_EVENT", { reason: "no sign-in" }) };
    }
    try {
      return await signIn.sign(challenge);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, error: errorResponse("AUTH_BAD_SIGNATURE", { reason }) };
    }
  }

  /** Sends a command: as it is before sign-in, with its signed `auth` after. */
  send(message: ClientMessage): void {
    if (!this.open) return;
    const established = this.#established;
    if (established === undefined) return this.#channel.sendText(encodeMessage(message));
    this.#channel.sendText(async () => encodeMessage(await established.authorize(message)));
  }

  /** Closes the socket; nothing of it reaches the handlers any more. */
  close(code: number, reason: string): void {
    this.#detached = true;
    this.#socket.close(code, reason);
  }

  async #receive(incoming: Result<Incoming, ErrorResponse>): Promise<void> {
    // A frame that cannot be read or trusted: the owner drops the connection and resumes anew.
    if (!incoming.ok) return this.#handlers.violation(incoming.error.code);
    if (incoming.value.type === "data") {
      const decoded = decodeDataFrame(incoming.value.frame);
      if (!decoded.ok) return this.#handlers.violation(decoded.error.code);
      return await this.#handlers.frame(decoded.value);
    }
    const parsed = parseServerMessage(incoming.value.text);
    if (!parsed.ok) return this.#handlers.violation(parsed.error.error.code);
    const message = parsed.value;
    const result = message.event === "auth:result" ? message.data : undefined;
    if (result?.authenticated === false) this.#signIn?.refused(result.error);
    if (result?.authenticated) {
      // Sealing starts before the next payload is decoded: the channel waits for this promise.
      const established = await this.#signIn?.establish(result.token);
      if (established === undefined) return this.#handlers.violation("UNEXPECTED_EVENT");
      if (!established.ok) return this.#handlers.violation(established.error.code);
      const { seal } = established.value;
      if (seal !== undefined) this.#channel.seal(seal.sealer, seal.opener);
      this.#established = established.value;
    }
    if (!this.#detached) this.#handlers.message(message);
  }
}
