/**
 * The server session machine's replies as effects: a message to send, a
 * `system:error`, a `download:error`, and a request refused on
 * `download:error` (a download's, a resume's or an estimate's), which also
 * ends whatever answer the machine waited for on its behalf.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { ErrorResponse } from "./errors.ts";
import type { ServerMessage } from "./messages.ts";
import type { SessionChange } from "./session_sign_in.ts";
import type { SessionEffect, SessionState } from "./session_state.ts";

/** A message to send. */
export function send(message: ServerMessage): SessionEffect {
  return { type: "send", message };
}

/** A `system:error` to send. */
export function systemError(requestId: string, error: ErrorResponse, now: number): SessionEffect {
  return send({ event: "system:error", data: error, timestamp: now, requestId });
}

/** A `download:error` to send. */
export function downloadError(requestId: string, error: ErrorResponse, now: number): SessionEffect {
  return send({ event: "download:error", data: error, timestamp: now, requestId });
}

/** A request refused on `download:error`; the machine waits for nothing more on its behalf. */
export function refusedRequest(
  state: SessionState,
  requestId: string,
  error: ErrorResponse,
  now: number,
): SessionChange {
  return {
    state: { ...state, waiting: undefined },
    effects: [downloadError(requestId, error, now)],
  };
}
