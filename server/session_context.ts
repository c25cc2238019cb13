/**
 * What one connection's session (`session.ts`) needs from the server that
 * owns it: the source, the machine's settings, and the server-wide hooks
 * and limits.
 *
 * @module
 */

import type { Logger } from "../protocol/logger.ts";
import type { SystemHealth } from "../protocol/messages.ts";
import type { SessionConfig } from "../protocol/session_state.ts";
import type { AuthConfig } from "./auth_config.ts";
import type { Authorize } from "./authorize.ts";
import type { DataSource } from "./data_source.ts";
import type { IdentityLimiter } from "./identity_limits.ts";

/** What a session needs from the server that owns it. */
export interface SessionContext {
  /** Where rows come from. */
  readonly source: DataSource;
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
  /** Where failures that reach no client as text are reported. */
  readonly logger: Logger;
}
