/**
 * What happens to one server connection (its events: the peer's messages,
 * the shell's answers, the socket's news, the timer) and what the shell
 * must do for it (its effects), as plain values. The state they move is
 * session_state.ts's, which exports these too; the rules are session_machine.ts's.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { SocketClose } from "./close_codes.ts";
import type { ErrorResponse } from "./errors.ts";
import type { ExportEffect, ExportEvent } from "./export_state.ts";
import type { DownloadRequest, SignedInIdentity, SystemHealth } from "./messages.ts";
import type { SignedCommand } from "./session_crypto.ts";
import type { EstimatedEvent, EstimateEffect } from "./session_estimate.ts";
import type { OpenToken, TokenVerdict } from "./session_token.ts";

/**
 * What happens to a connection. `text` is a control message's JSON as the
 * transport decoded it; `undecodable` a payload it could not decode
 * (`fatal` when the transport trusts nothing after it, PROTOCOL.md §16);
 * `binary` a data frame, which only servers send. The rest are the shell's
 * answers to effects, the socket's news, the timer, and the server.
 */
export type SessionEvent =
  | { readonly type: "heard" }
  | {
    readonly type: "text";
    readonly text: string;
    /** It came sealed (PROTOCOL.md §16): a text that cannot be decoded then ends the session. */
    readonly sealed?: boolean;
  }
  | { readonly type: "binary" }
  | { readonly type: "undecodable"; readonly error: ErrorResponse; readonly fatal: boolean }
  | { readonly type: "sessionOpened" }
  | { readonly type: "tokenChecked"; readonly verdict: TokenVerdict }
  | { readonly type: "verified"; readonly valid: boolean }
  | { readonly type: "authorized"; readonly job: number; readonly decision: AuthorizeAnswer }
  | { readonly type: "admitted"; readonly job: number; readonly verdict: AdmitVerdict }
  | { readonly type: "health"; readonly requestId: string; readonly health: SystemHealth }
  | ExportSourceEvent
  | EstimatedEvent
  | {
    readonly type: "drained";
    readonly buffered: number;
    /**
     * Given when the server as a whole holds more queued bytes than its
     * bound: each connection's fair share of what is queued (the total over
     * the connections that hold some).
     */
    readonly fairShare?: number;
  }
  | { readonly type: "timeout" }
  | { readonly type: "peerClosed" }
  | { readonly type: "shutdown" }
  | { readonly type: "fault"; readonly reason: string };

/** A data source's answer about one download (by job number). */
export type ExportSourceEvent =
  & Extract<ExportEvent, { type: "highWaterMark" | "rowCount" | "page" | "sourceFailed" }>
  & { readonly job: number };

/**
 * What the `authorize` hook answered, as it came: `{ value }` (checked by the machine:
 * `true`, `false` or `{ filters }`), or `{ failed: true }` when it threw.
 */
export type AuthorizeAnswer = { readonly value: unknown } | { readonly failed: true };

/** What the identity limiter said about one more download of an identity. */
export type AdmitVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly limit: "concurrent"; readonly max: number }
  | {
    readonly ok: false;
    readonly limit: "rate";
    readonly max: number;
    readonly retryAfter: number;
  };

/** What the shell must do, in order. */
export type SessionEffect =
  | ExportEffect
  | ({
    readonly type: "close";
    /** Close at once: send nothing more, wait for nothing (a peer that does not read). */
    readonly abort?: boolean;
  } & SocketClose)
  | {
    readonly type: "openSession";
    readonly shared: Uint8Array;
    readonly nonce: string;
    readonly encryption: boolean;
  }
  | { readonly type: "seal" }
  | OpenToken
  | {
    readonly type: "verifyCommand";
    readonly command: SignedCommand;
    readonly signature: string;
  }
  | {
    readonly type: "authorize";
    readonly job: number;
    readonly identity: SignedInIdentity | undefined;
    readonly request: DownloadRequest;
  }
  | { readonly type: "admit"; readonly job: number; readonly identity: string }
  | { readonly type: "release"; readonly job: number }
  /**
   * The download `job` left the running set, however it ended (complete,
   * cancelled, in error, or aborted with its connection): no more asks come
   * for it, and the shell frees what it held for it.
   */
  | { readonly type: "jobEnded"; readonly job: number }
  | { readonly type: "askHealth"; readonly requestId: string }
  | EstimateEffect
  | { readonly type: "awaitDrain"; readonly atMost: number };
