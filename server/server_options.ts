/**
 * What {@linkcode createServer} takes and gives: its options
 * ({@linkcode ServerOptions}), what it reads of a connection
 * ({@linkcode ConnectionInfo}) and the running server
 * ({@linkcode SluiceServer}). The server itself is create_server.ts.
 *
 * @module
 */

import type { SessionSocket } from "./websocket_connection.ts";
import type { Logger } from "../protocol/logger.ts";
import type { ParseLimits } from "../protocol/parse.ts";
import type { RequestLimits } from "../protocol/request.ts";
import type { RowFilter } from "../protocol/row_filter.ts";
import type { Authorize } from "./authorize.ts";
import type { ConnectionOptions } from "./connection_options.ts";
import type { DataSource } from "./data_source.ts";
import type { IdentityLimits } from "./identity_limits.ts";
import type { ServerDataset } from "./server_datasets.ts";
import type { TokenOptions } from "./token_verifier.ts";

/** Options of {@linkcode createServer}: a `source`, or `datasets`. */
export interface ServerOptions extends ConnectionOptions, TokenOptions {
  /** Where rows come from, e.g. a {@linkcode SqliteSource}: a server of one dataset. */
  readonly source?: DataSource;
  /** Several datasets, named by `searchParams.dataset`; the first is the default. */
  readonly datasets?: readonly ServerDataset[];
  /**
   * With `source`: narrow every download to the signed-in identity's own
   * rows, e.g. `{ column: "account_id", claim: "acct" }` (a token's claim)
   * or `{ column: "owner", identity: true }` (a key, an address, a token's
   * subject). With `datasets`, each dataset has its own. See
   * {@linkcode RowFilter}.
   *
   * @default {every row the request selects}
   */
  readonly rowFilter?: RowFilter;
  /**
   * Most downloads running at once on one connection.
   *
   * @default {8}
   */
  readonly maxDownloadsPerConnection?: number;
  /**
   * Target uncompressed bytes per data frame (PROTOCOL.md §8.1).
   *
   * @default {524288}
   */
  readonly frameBytes?: number;
  /**
   * Most payload bytes a download sends ahead of the reader's acknowledgements.
   *
   * @default {4194304}
   */
  readonly windowBytes?: number;
  /**
   * Most bytes queued on one socket before its downloads wait.
   *
   * @default {1048576}
   */
  readonly socketBufferBytes?: number;
  /**
   * gzip level for compressed downloads (1 fastest … 9 smallest).
   *
   * @default {1}
   */
  readonly gzipLevel?: number;
  /**
   * Bounds on requests (filters, time range).
   *
   * @default {{}}
   */
  readonly requestLimits?: RequestLimits;
  /**
   * Milliseconds a connection may stay silent (no message, no heartbeat, no
   * acknowledgement) before the server closes it with `IDLE_TIMEOUT`. Keep it
   * above the clients' heartbeat interval (15 s by default).
   *
   * @default {60000}
   */
  readonly idleTimeoutMs?: number;
  /**
   * Bounds on control messages.
   *
   * @default {{}}
   */
  readonly parseLimits?: ParseLimits;
  /**
   * The server's long-term secp256k1 identity key: 32 bytes or 64 hex
   * characters. It signs every challenge, so that clients that know its
   * public key ({@linkcode SluiceServer.serverKey}) can tell this server
   * from a man in the middle. Keep it secret and stable; `server.ts` reads it
   * from `SLUICE_IDENTITY_KEY` or a key file.
   *
   * @default {a new random key, good until the process ends}
   */
  readonly identityKey?: Uint8Array | string;
  /**
   * Who may sign in: compressed secp256k1 public keys (66 hex) and Ethereum
   * addresses (`0x` and 40 hex). Unset: any key that proves itself.
   */
  readonly allow?: Iterable<string>;
  /**
   * Whether clients may download without signing in. Sign-in stays
   * available to them.
   *
   * @default {false}
   */
  readonly anonymous?: boolean;
  /**
   * Whether signed-in sessions are encrypted (AES-256-GCM, every frame).
   * Turn it off only where something else protects the bytes and the
   * per-frame cost matters; commands stay signed.
   *
   * @default {true}
   */
  readonly encryption?: boolean;
  /**
   * May a signed-in identity (or an anonymous client) have a download, and
   * which part of it? See {@linkcode Authorize}.
   */
  readonly authorize?: Authorize;
  /**
   * Limits per signed-in identity.
   *
   * @default {{}}
   */
  readonly limits?: IdentityLimits;
  /**
   * The origins clients dial, e.g. `wss://export.example.com`: the one whose
   * host is the upgrade request's is named in its challenge, and an upgrade
   * for any other host is refused (421). Set it in production: without it
   * the challenge names the Host header the connecting party sent, which a
   * party that relays a victim's signing prompt can choose.
   *
   * @default {the scheme and host of each upgrade request, with a warning from server.ts}
   */
  readonly origin?: string | readonly string[];
  /**
   * How long a sign-in nonce stays good, in milliseconds.
   *
   * @default {60000}
   */
  readonly nonceTtlMs?: number;
  /**
   * How long a connection may stay without signing in (heartbeats or not)
   * before it is closed with `SIGN_IN_TIMEOUT`, when anonymous access is off.
   *
   * @default {60000}
   */
  readonly signInTimeoutMs?: number;
  /**
   * How far ahead a wallet's delegation (docs/PROTOCOL.md §15.5) may end, in
   * milliseconds, at most a year: a sign-in with one that ends later is
   * refused with `AUTH_DELEGATION_TOO_LONG`. 0 refuses every delegation, so
   * that a wallet signs each challenge itself. Off unless `origin` is set:
   * without it the challenge names whatever host the connecting party asks
   * for, and a delegation a user signed on another site could be used here
   * for its whole life (docs/SECURITY.md); setting it without `origin`
   * accepts that risk.
   *
   * @default {86400000 with `origin`, else 0}
   */
  readonly maxDelegationMs?: number;
  /**
   * The EIP-155 chain id wallets' sign-in messages name (docs/PROTOCOL.md
   * §15.7); the wallet need not be on that chain, and no chain is read.
   *
   * @default {1}
   */
  readonly chainId?: number;
  /**
   * How far a command's `auth.timestamp` may be from the server's clock, in
   * milliseconds.
   *
   * @default {30000}
   */
  readonly commandWindowMs?: number;
  /**
   * How long a signed-in session lasts, in milliseconds.
   *
   * @default {86400000}
   */
  readonly sessionTtlMs?: number;
  /**
   * Where the server reports failures that reach no client as text: an
   * `authorize` hook that threw, a data source that failed, a handler bug.
   * Clients get a code; the explanation goes here.
   *
   * @default {console}
   */
  readonly logger?: Logger;
}

/** What `Deno.serve` tells a handler about the connection, as far as the server reads it. */
export interface ConnectionInfo {
  /** The peer's address; `hostname` counts toward `maxConnectionsPerAddress`. */
  readonly remoteAddr?: { readonly hostname?: string };
  /**
   * Makes the request's connection a WebSocket, as `Deno.upgradeWebSocket`
   * does (which is used without it): throws a `TypeError` for a request
   * that is not an upgrade. The upgrade guard (`serveGuarded`) gives its
   * own, which speaks WebSocket on the peer's connection itself.
   */
  readonly upgrade?: (request: Request) => {
    readonly socket: SessionSocket;
    readonly response: Response;
  };
}

/** A running sluice server: a fetch handler and its lifecycle. */
export interface SluiceServer {
  /**
   * Handles one HTTP request: WebSocket upgrades become sessions. Pass the
   * handler info `Deno.serve` gives (as `Deno.serve(server.fetch)` does) so
   * that connections are counted per address.
   */
  fetch(request: Request, info?: ConnectionInfo): Response;
  /** Ends every download with SERVER_SHUTTING_DOWN and closes every connection. */
  close(): Promise<void>;
  /** Open connections. */
  readonly connections: number;
  /** The compressed public key of the server's identity key, 66 hex characters. */
  readonly serverKey: string;
  /** Whether it takes token sign-ins (a JWT key or an `authenticate` hook is set). */
  readonly tokens: boolean;
}
