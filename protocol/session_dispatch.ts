/**
 * What the server session machine does with a client's message, and how a
 * connection ends: the answer to a text that does not parse (PROTOCOL.md
 * §10: `download:error` when its event and request id could be read and
 * name a download event, else `system:error`), the command gate
 * (session_sign_in.ts), the refusal of a command where the client looks for
 * it, and the dispatch of one that may run. Pure functions;
 * session_machine.ts calls them.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { CLOSE_CODES, type CloseCodeInfo, closeWith } from "./close_codes.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { ExportEvent } from "./export_state.ts";
import type { ClientMessage } from "./messages.ts";
import type { ParseFailure } from "./parse.ts";
import { EMPTY_BATCH } from "./progress_state.ts";
import type { Result } from "./result.ts";
import { abortDownloads, startDownload, statuses, stepDownload } from "./session_downloads.ts";
import { gateCommand, issueChallenge, type SessionChange } from "./session_sign_in.ts";
import { answerWithinLimits, limitChallenge } from "./session_sign_in_limits.ts";
import { startEstimate } from "./session_estimate.ts";
import type { SessionState } from "./session_state.ts";
import { downloadError, send, systemError } from "./session_replies.ts";

/** Stops every download without a word: the connection is over. */
export function halt(state: SessionState, now: number): SessionChange {
  const aborted = abortDownloads(state, now);
  return {
    state: {
      ...aborted.state,
      phase: "closed",
      waiting: undefined,
      progress: EMPTY_BATCH,
      signInDeadline: undefined,
      sessionSecret: undefined,
      entropy: {},
    },
    effects: aborted.effects,
  };
}

/** Ends the connection: says why on `system:error`, stops its downloads, closes with `code`. */
export function end(
  state: SessionState,
  error: ErrorResponse,
  close: CloseCodeInfo,
  requestId: string,
  now: number,
): SessionChange {
  const halted = halt(state, now);
  return {
    state: halted.state,
    effects: [
      systemError(requestId, error, now),
      ...halted.effects,
      { type: "close", ...closeWith(close, error.code) },
    ],
  };
}

/** A client's text: answered by the parser's verdict, the sign-in, or the gate and dispatch. */
export function received(
  state: SessionState,
  parsed: Result<ClientMessage, ParseFailure>,
  now: number,
): SessionChange {
  if (!parsed.ok) {
    const { error, event, requestId } = parsed.error;
    const effect = requestId !== undefined && event?.startsWith("download:")
      ? downloadError(requestId, error, now)
      : systemError(requestId ?? "client", error, now);
    return { state, effects: [effect] };
  }
  const message = parsed.value;
  if (message.event === "auth:nonce" || message.event === "auth:authenticate") {
    return dispatch(state, message, now);
  }
  const gate = gateCommand(state, message, now);
  if (gate.pass === true) return dispatch(state, message, now);
  if (gate.pass === "verify") {
    return {
      state: { ...state, waiting: { for: "verify", message, timestamp: gate.timestamp } },
      effects: [gate.effect],
    };
  }
  if (gate.error.code === "SESSION_EXPIRED") {
    return end(state, gate.error, CLOSE_CODES.reconnect.SIGN_IN_FAILED, "client", now);
  }
  return refuse(state, message, gate.error, now);
}

/** Answers a refused command where the client looks for it: its download, or the connection. */
export function refuse(
  state: SessionState,
  message: ClientMessage,
  error: ErrorResponse,
  now: number,
): SessionChange {
  const { event, requestId } = message;
  const effect = event === "download:request" || event === "download:resume" ||
      event === "download:estimate"
    ? downloadError(requestId, error, now)
    : systemError(requestId, error, now);
  return { state, effects: [effect] };
}

/** A command that may run. */
export function dispatch(state: SessionState, message: ClientMessage, now: number): SessionChange {
  const { requestId } = message;
  switch (message.event) {
    case "download:request":
      return startDownload(state, requestId, message.data, undefined, now);
    case "download:resume":
      return startDownload(state, requestId, message.data.request, message.data.resume, now);
    case "download:estimate":
      return startEstimate(state, requestId, message.data, now);
    case "download:cancel":
    case "download:ack": {
      const index = state.downloads.findIndex((d) => d.requestId === requestId);
      if (index !== -1) {
        const event: ExportEvent = message.event === "download:ack"
          ? { type: "download:ack", sequence: message.data.sequence }
          : { type: "download:cancel" };
        return stepDownload(state, index, event, now);
      }
      // A download that finished here may still hear of it: late acks, a cancel that crossed
      // its end. Only an id the connection never ran is unknown.
      if (state.finished.some((s) => s.requestId === requestId)) return { state, effects: [] };
      return { state, effects: [downloadError(requestId, errorResponse("UNKNOWN_REQUEST"), now)] };
    }
    case "status:check": {
      const target = message.data.requestId;
      const all = statuses(state);
      const downloads = target === undefined ? all : all.filter((s) => s.requestId === target);
      if (target !== undefined && downloads.length === 0) {
        const error = errorResponse("UNKNOWN_REQUEST", { requestId: target });
        return { state, effects: [downloadError(requestId, error, now)] };
      }
      return {
        state,
        effects: [send({ event: "status:update", data: { downloads }, timestamp: now, requestId })],
      };
    }
    case "connection:health":
      return {
        state: { ...state, waiting: { for: "health", requestId } },
        effects: [{ type: "askHealth", requestId }],
      };
    case "auth:nonce":
      return limitChallenge(state, message.data, now, (s, error) => {
        return end(s, error, CLOSE_CODES.reconnect.SIGN_IN_FAILED, requestId, now);
      }) ?? issueChallenge(state, message.data, requestId, now);
    case "auth:authenticate":
      return answerWithinLimits(state, message.data, requestId, now, (s) => halt(s, now));
    default: {
      const never: never = message;
      throw new Error(`unhandled message ${JSON.stringify(never)}`);
    }
  }
}
