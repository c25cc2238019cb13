// Generated from client/connection.ts by `deno task bundle`; do not edit.
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
import { type ErrorResponse } from "../protocol/errors.d.ts";
import type { Logger } from "../protocol/logger.d.ts";
import type { PeerErrorCode } from "../protocol/peer_error_code.d.ts";
import { type DataFrame } from "../protocol/frame.d.ts";
import type { AuthChallenge, ClientMessage, ServerMessage } from "../protocol/messages.d.ts";
import type { Result } from "../protocol/result.d.ts";
import { type Credentials, type SignedChallenge } from "./sign_in.d.ts";
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
export declare class ClientConnection {
    #private;
    /** Resolves once the socket has closed. */
    readonly closed: Promise<void>;
    /** Opens a WebSocket to `url`. */
    constructor(url: string, handlers: ConnectionHandlers);
    /** Whether the socket is open. */
    get open(): boolean;
    /** Starts the sign-in: a fresh ephemeral key, and `auth:nonce` with the identity. */
    beginSignIn(credentials: Credentials, url: string, serverKey: string | undefined, requestId: string): void;
    /**
     * Checks and signs a challenge. A failing signer (a wallet that refuses)
     * gives `AUTH_BAD_SIGNATURE`: not something a reconnect fixes.
     */
    sign(challenge: AuthChallenge): Promise<Result<SignedChallenge, ErrorResponse>>;
    /** Sends a command: as it is before sign-in, with its signed `auth` after. */
    send(message: ClientMessage): void;
    /** Closes the socket; nothing of it reaches the handlers any more. */
    close(code: number, reason: string): void;
}
