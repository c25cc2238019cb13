/**
 * The client's fluent builder: `new ClientBuilder(url)…build()`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import type { BackoffOptions } from "../protocol/backoff.ts";
import type { Logger } from "../protocol/logger.ts";
import {
  type Credentials,
  type EthereumSigner,
  secretKeyFrom,
  type TokenSource,
} from "./sign_in.ts";
import { SluiceClient } from "./sluice_client.ts";
import { WalletDelegate } from "./delegation.ts";
import { COMPRESSED_KEY, ETHEREUM_ADDRESS } from "../protocol/hex_patterns.ts";

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
export class ClientBuilder {
  #config: { -readonly [K in keyof ClientConfig]: ClientConfig[K] };

  /** Starts a builder for the server at `url` (`ws:` or `wss:`). */
  constructor(url: string | URL) {
    const parsed = new URL(url);
    if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
      throw new TypeError(`a sluice URL is ws:// or wss://, got ${parsed.protocol}//`);
    }
    this.#config = {
      url: parsed.href,
      credentials: { kind: "keypair", secretKey: secp.utils.randomSecretKey() },
    };
  }

  /**
   * Signs in with a raw secp256k1 key (32 bytes, or 64 hex characters): the
   * identity is its compressed public key.
   */
  withKeypair(privateKey: Uint8Array | string): this {
    this.#config.credentials = { kind: "keypair", secretKey: secretKeyFrom(privateKey) };
    return this;
  }

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
  withSigner(signer: EthereumSigner, options: SignerOptions = {}): this {
    if (!ETHEREUM_ADDRESS.test(signer.address)) {
      throw new TypeError(`not an Ethereum address: ${signer.address}`);
    }
    const { delegateForMs } = options;
    this.#config.credentials = delegateForMs === undefined
      ? { kind: "signer", signer }
      : { kind: "signer", signer, delegate: new WalletDelegate(signer, delegateForMs) };
    return this;
  }

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
  withToken(token: TokenSource): this {
    if (typeof token === "string" && token.trim() === "") {
      throw new TypeError("a token is not empty");
    }
    this.#config.credentials = { kind: "token", token };
    return this;
  }

  /**
   * Pins the server's identity key (compressed, 66 hex, as the server prints
   * at start): a man in the middle cannot then pass for the server.
   */
  withServerKey(publicKey: string): this {
    const key = publicKey.trim().toLowerCase();
    if (!COMPRESSED_KEY.test(key)) {
      throw new TypeError("a server key is a compressed secp256k1 public key, 66 hex characters");
    }
    this.#config.serverKey = key;
    return this;
  }

  /** Sets reconnection: number of attempts and the backoff's delays. */
  withReconnect(options: BackoffOptions): this {
    this.#config.backoff = { ...this.#config.backoff, ...options };
    return this;
  }

  /** Sets the keep-alive interval and how long an unanswered ping may take. */
  withHeartbeat(options: { intervalMs?: number; timeoutMs?: number }): this {
    if (options.intervalMs !== undefined) this.#config.heartbeatIntervalMs = options.intervalMs;
    if (options.timeoutMs !== undefined) this.#config.heartbeatTimeoutMs = options.timeoutMs;
    return this;
  }

  /**
   * Sets how long a connect attempt may take to open before it counts as
   * failed: a server that accepts the TCP connection and never answers costs
   * one attempt, not a hang.
   */
  withHandshakeTimeout(ms: number): this {
    this.#config.handshakeTimeoutMs = ms;
    return this;
  }

  /**
   * Makes the first connection give up at once when the server cannot be
   * reached, rather than retry with backoff: for a program that should say
   * at once that no server is there. Reconnecting after a connection was
   * open is unchanged.
   */
  withFailFast(failFast = true): this {
    this.#config.failFast = failFast;
    return this;
  }

  /** Reports the client's own failures to `logger` instead of the console. */
  withLogger(logger: Logger): this {
    this.#config.logger = logger;
    return this;
  }

  /** The client; it does not connect until `connect()` (or a download) asks. */
  build(): SluiceClient {
    return new SluiceClient({ ...this.#config });
  }
}
