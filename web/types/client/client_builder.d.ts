// Generated from client/client_builder.ts by `deno task bundle`; do not edit.
/**
 * The client's fluent builder: `new ClientBuilder(url)…build()`.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { BackoffOptions } from "../protocol/backoff.d.ts";
import type { Logger } from "../protocol/logger.d.ts";
import { type Credentials, type EthereumSigner, type TokenSource } from "./sign_in.d.ts";
import { SluiceClient } from "./sluice_client.d.ts";
/** How {@linkcode ClientBuilder.withSigner} uses an Ethereum signer. */
export interface SignerOptions {
    /**
     * Milliseconds each delegation lasts, five minutes to a year: the signer
     * is asked once per delegation instead of once per connection. A server
     * that allows less (`auth:challenge`'s `maxDelegationMs`) gets what it
     * allows; one that takes no delegations (the default without a
     * configured origin) gets the signer's own signature on each challenge.
     *
     * @default {undefined: the signer signs every challenge}
     */
    readonly delegateForMs?: number;
}
/** Everything a {@linkcode SluiceClient} is built from. */
export interface ClientConfig {
    /** The server's `ws://` or `wss://` URL. */
    readonly url: string;
    /**
     * Reconnection: attempts, base delay, cap, jitter (docs/PROTOCOL.md §13's defaults).
     *
     * @default {{ maxAttempts: 5, baseMs: 1000, factor: 2, maxMs: 30000, jitter: 0.5 }}
     */
    readonly backoff?: BackoffOptions;
    /**
     * Milliseconds between keep-alive pings.
     *
     * @default {15000}
     */
    readonly heartbeatIntervalMs?: number;
    /**
     * Milliseconds to wait for a ping's answer before the connection counts as dead.
     *
     * @default {10000}
     */
    readonly heartbeatTimeoutMs?: number;
    /**
     * Who the client signs in as on every connection.
     *
     * @default {a new random secp256k1 key per client: signed in and encrypted, but nobody in particular}
     */
    readonly credentials: Credentials;
    /**
     * The server's identity public key (66 hex), pinned: a server that cannot
     * prove it holds that key is refused with `SERVER_KEY_MISMATCH`.
     */
    readonly serverKey?: string;
    /**
     * Milliseconds a connect attempt has to open (the WebSocket handshake); a
     * slower one counts as a failed attempt and is retried with backoff.
     *
     * @default {10000}
     */
    readonly handshakeTimeoutMs?: number;
    /**
     * Whether the first connection gives up at once when the server cannot be
     * reached (its socket never opens): `connect()` rejects with
     * `CONNECTION_FAILED` and `details.unreachable`, without waiting out the
     * backoff. Once connected, a lost connection reconnects as usual.
     *
     * @default {false}
     */
    readonly failFast?: boolean;
    /**
     * Where the client reports a failure of its own that no caller hears
     * of otherwise (a bug in a message handler).
     *
     * @default {console}
     */
    readonly logger?: Logger;
}
/**
 * Builds a {@linkcode SluiceClient}.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { ClientBuilder } from "./client_builder.ts";
 * const client = new ClientBuilder("ws://127.0.0.1:8080/")
 *   .withReconnect({ maxAttempts: 10, maxMs: 10_000 })
 *   .withHeartbeat({ intervalMs: 5_000, timeoutMs: 3_000 })
 *   .withKeypair("11".repeat(32))
 *   .withHandshakeTimeout(5_000)
 *   .build();
 * equal(client.isConnected(), false); // until connect()
 * ```
 */
export declare class ClientBuilder {
    #private;
    /** Starts a builder for the server at `url` (`ws:` or `wss:`). */
    constructor(url: string | URL);
    /**
     * Signs in with a raw secp256k1 key (32 bytes, or 64 hex characters): the
     * identity is its compressed public key.
     */
    withKeypair(privateKey: Uint8Array | string): this;
    /**
     * Signs in with an Ethereum account: anything with `address` and
     * `signMessage(text)`, see {@linkcode EthereumSigner}. By default it
     * is asked to sign each connection's challenge (so after each reconnect
     * too). With `delegateForMs` it is asked once to let a key of the
     * client's own sign in for it for that long (docs/PROTOCOL.md §15.5), and
     * again only when that ends: a person is not asked on every reconnect.
     * Clients built from this builder share the delegation. Either text is a
     * Sign-In with Ethereum message for the host dialled (§15.7), which a
     * wallet such as MetaMask shows as a sign-in.
     */
    withSigner(signer: EthereumSigner, options?: SignerOptions): this;
    /**
     * Signs in with a bearer token of your own login (a JWT, an opaque
     * session id; docs/PROTOCOL.md §15.8): the token itself, or a function
     * that gives one, asked again before every sign-in, so that a reconnect
     * an hour later sends a fresh token. The token travels only sealed to the
     * connection, to a server that proved the identity key it names; pin that
     * key too ({@linkcode ClientBuilder.withServerKey}) so that nobody else
     * can play the server and receive it. A session lasts no longer than its
     * token: when the token expires the server ends the session at the next
     * command, and the client reconnects, asks for a fresh token and resumes
     * its downloads; a fixed token that has expired is then refused with
     * `AUTH_TOKEN_EXPIRED`, which fails the downloads with that code.
     * (For example `.withToken(() => myLogin.exportToken())`.)
     */
    withToken(token: TokenSource): this;
    /**
     * Pins the server's identity key (compressed, 66 hex, as the server prints
     * at start): a man in the middle cannot then pass for the server.
     */
    withServerKey(publicKey: string): this;
    /** Sets reconnection: number of attempts and the backoff's delays. */
    withReconnect(options: BackoffOptions): this;
    /** Sets the keep-alive interval and how long an unanswered ping may take. */
    withHeartbeat(options: {
        intervalMs?: number;
        timeoutMs?: number;
    }): this;
    /**
     * Sets how long a connect attempt may take to open before it counts as
     * failed: a server that accepts the TCP connection and never answers costs
     * one attempt, not a hang.
     */
    withHandshakeTimeout(ms: number): this;
    /**
     * Makes the first connection give up at once when the server cannot be
     * reached, rather than retry with backoff: for a program that should say
     * at once that no server is there. Reconnecting after a connection was
     * open is unchanged.
     */
    withFailFast(failFast?: boolean): this;
    /** Reports the client's own failures to `logger` instead of the console. */
    withLogger(logger: Logger): this;
    /** The client; it does not connect until `connect()` (or a download) asks. */
    build(): SluiceClient;
}
