/**
 * The rules of a connection's bounds (session_bounds.ts, PROTOCOL.md §19):
 * the incoming rate, the outgoing queue, and the progress of a socket the
 * machine waits for. Pure functions; session_machine.ts calls them.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { CLOSE_CODES, type CloseCodeInfo } from "./close_codes.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import { encodeMessage } from "./messages.ts";
import { utf8Length } from "./utf8_length.ts";
import { sessionBounds } from "./session_bounds.ts";
import { drained } from "./session_downloads.ts";
import { end } from "./session_dispatch.ts";
import type { SessionChange } from "./session_sign_in.ts";
import type { SessionEffect, SessionEvent, SessionState } from "./session_state.ts";

/** Ends the connection as `end` does, but aborts the socket instead of closing it politely. */
function abort(
  state: SessionState,
  error: ErrorResponse,
  close: CloseCodeInfo,
  now: number,
): SessionChange {
  const ended = end(state, error, close, "client", now);
  const effects = ended.effects.map((e) => e.type === "close" ? { ...e, abort: true } : e);
  return { ...ended, effects };
}

/** A payload arrived: it is heard, and takes a token of the incoming rate. */
export function heard(state: SessionState, now: number): SessionChange {
  const rate = sessionBounds(state.config).maxMessagesPerSecond;
  const elapsed = Math.max(0, now - (state.tokensAt ?? now));
  const tokens = Math.min(rate, (state.tokens ?? rate) + (elapsed * rate) / 1000) - 1;
  const next = { ...state, lastHeard: now, tokens, tokensAt: now };
  if (tokens >= 0) return { state: next, effects: [] };
  const error = errorResponse("TOO_MANY_MESSAGES", { perSecond: rate });
  return end(next, error, CLOSE_CODES.reconnect.PROTOCOL_VIOLATION, "client", now);
}

/**
 * What a refused message costs of the incoming rate, in messages: a client
 * that follows the protocol is refused a message now and then, a flood of
 * garbage is refused every one, and pays for it ten times over (at the
 * default rate, 100 refused messages a second, as many at once). What a
 * refused message costs the server (a parse, an error, its answer) is
 * several times what an acknowledgement costs.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { REFUSED_MESSAGE_COST } from "./session_overload.ts";
 * import { DEFAULT_SESSION_BOUNDS } from "./session_bounds.ts";
 * equal(DEFAULT_SESSION_BOUNDS.maxMessagesPerSecond / REFUSED_MESSAGE_COST, 100);
 * ```
 */
export const REFUSED_MESSAGE_COST = 10;

/** The events that are a peer's message. */
const PEER_MESSAGES: ReadonlySet<SessionEvent["type"]> = new Set(["text", "binary", "undecodable"]);

/**
 * Counts what a step sent (its control messages; its frames were counted by
 * the downloads), and asks the shell to watch the socket once it holds more
 * than `socketBufferBytes`; keeps the stall deadline while the machine waits
 * for the socket, and none otherwise; and charges a refused message's extra
 * cost to the incoming rate, which the next payload's `heard` collects.
 */
export function counted(
  before: SessionState,
  event: SessionEvent,
  change: SessionChange,
  now: number,
): SessionChange {
  let { state } = change;
  if (state.phase === "closed") return change;
  let bytes = 0;
  let refused = false;
  for (const effect of change.effects) {
    if (effect.type !== "send") continue;
    bytes += utf8Length(encodeMessage(effect.message));
    const { event } = effect.message;
    refused ||= event === "system:error" || event === "download:error";
  }
  const effects: SessionEffect[] = [...change.effects];
  if (bytes > 0) state = { ...state, socketQueued: state.socketQueued + bytes };
  // A message the server refuses costs more of the incoming rate than one it serves.
  if (refused && PEER_MESSAGES.has(event.type)) {
    const rate = sessionBounds(state.config).maxMessagesPerSecond;
    state = { ...state, tokens: (state.tokens ?? rate) - (REFUSED_MESSAGE_COST - 1) };
  }
  const limit = state.config.exports.socketBufferBytes;
  const { maxQueuedBytes } = sessionBounds(state.config);
  if (!state.draining && state.socketQueued > limit) {
    state = { ...state, draining: true };
    effects.push({ type: "awaitDrain", atMost: limit });
  } else if (state.socketQueued > maxQueuedBytes && before.socketQueued <= maxQueuedBytes) {
    // It stops reading now: have the shell look at once, rather than let messages pile up
    // behind a count that may be more than the socket holds.
    effects.push({ type: "awaitDrain", atMost: limit });
  }
  if (state.draining && state.drainDeadline === undefined) {
    const { stallTimeoutMs } = sessionBounds(state.config);
    // Until the shell says, the socket holds what was counted: only less is progress.
    state = { ...state, drainDeadline: now + stallTimeoutMs, socketBuffered: state.socketQueued };
  } else if (!state.draining && state.drainDeadline !== undefined) {
    state = { ...state, drainDeadline: undefined, socketBuffered: undefined };
  }
  return state === change.state ? change : { state, effects };
}

/**
 * The shell says what the socket holds: over the bound (or the server over
 * its total while this connection waits for its socket with at least its
 * fair share of the total), the connection ends; less than the last report is progress; at most the socket's bound,
 * the downloads go on.
 */
export function drainReport(
  state: SessionState,
  event: Extract<SessionEvent, { type: "drained" }>,
  now: number,
): SessionChange {
  const { maxQueuedBytes, stallTimeoutMs } = sessionBounds(state.config);
  const { buffered } = event;
  // Over the server's total, the connections that hold at least their share go (one of them
  // always does): a download under ordinary backpressure, holding less, goes on.
  const shed = event.fairShare !== undefined && state.draining && buffered >= event.fairShare;
  if (buffered > maxQueuedBytes || shed) {
    const error = errorResponse("SEND_QUEUE_FULL", {
      queued: buffered,
      limit: maxQueuedBytes,
      ...(shed ? { server: true } : {}),
    });
    return abort(
      { ...state, socketQueued: buffered },
      error,
      CLOSE_CODES.reconnect.SLOW_READER,
      now,
    );
  }
  const progressed = buffered < (state.socketBuffered ?? Infinity);
  const next = {
    ...state,
    socketBuffered: buffered,
    ...(progressed && state.draining ? { drainDeadline: now + stallTimeoutMs } : {}),
  };
  return drained(next, buffered, now);
}

/** The stall deadline passed with no progress: the connection is aborted. */
export function stalled(state: SessionState, now: number): SessionChange | undefined {
  if (state.drainDeadline === undefined || now < state.drainDeadline) return undefined;
  const { stallTimeoutMs } = sessionBounds(state.config);
  const error = errorResponse("READER_STALLED", {
    queued: state.socketBuffered ?? state.socketQueued,
    stallMs: stallTimeoutMs,
  });
  return abort(state, error, CLOSE_CODES.reconnect.SLOW_READER, now);
}
