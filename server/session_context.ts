/**
 * What one connection's session (`session.ts`) needs from the server that
 * owns it: the source, the machine's settings, and the server-wide hooks
 * and limits.
 *
 * @module
 */

import type { Logger } from "../protocol/logger.ts";
import type { SystemHealth } from "../protocol/messages.ts";
import type { SessionConfig, SessionSignIn } from "../protocol/session_state.ts";
import type { AuthConfig } from "./auth_config.ts";
import type { Authorize } from "./authorize.ts";
import type { DataSource } from "./data_source.ts";
import type { IdentityLimiter } from "./identity_limits.ts";
import type { TokenCheck } from "./token_verifier.ts";

/** What a session needs from the server that owns it. */
export interface SessionContext {
  /** Where rows come from: the default dataset. */
  readonly source: DataSource;
  /** A server of several datasets: each one's rows, by name. */
  readonly sources?: ReadonlyMap<string, DataSource>;
  /** The machine's configuration, but for the sign-in settings. */
  readonly config: Omit<SessionConfig, "signIn">;
  /** The server-wide sign-in settings. */
  readonly auth: AuthConfig;
  /** The server's health, for `connection:health`. */
  health(): SystemHealth;
  /** Per-identity limits, shared by every connection. */
  readonly limiter: IdentityLimiter;
  /** The server's `authorize` hook. */
  readonly authorize: Authorize | undefined;
  /** How the server checks bearer tokens; `undefined`: it takes none. */
  readonly tokens?: TokenCheck;
  /** Where failures that reach no client as text are reported. */
  readonly logger: Logger;
  /** The bytes queued for every connection of the server, for its total bound. */
  readonly queued?: QueuedBytes;
  /** Most messages waiting to be handled (a flood past it ends the connection). */
  readonly maxWaitingMessages?: number;
}

/** What a server counts of the bytes queued for its connections (server/queued_bytes.ts). */
export interface QueuedBytes {
  /** This connection's bytes queued now; 0 once it has ended. */
  report(session: object, bytes: number): void;
  /** Whether the server holds more than its bound, all connections together. */
  readonly overloaded: boolean;
  /** The total over the connections that hold some: each one's fair share. */
  readonly fairShare: number;
}

/**
 * What one connection adds to the server's sign-in settings: the origin its
 * challenges name, and the failure counts of its remote address.
 */
export type ConnectionSignIn = Pick<SessionSignIn, "origin" | "limiter">;
