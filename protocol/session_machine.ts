/**
 * The server side of one connection as a pure state machine, sans-IO in
 * the manner of h11 and quinn-proto: the shell feeds {@linkcode step} what
 * the client sent (as the transport decoded it), the answers to the
 * effects it carried out, the socket's news and its one timer, and carries
 * out the effects it returns, in order. The machine owns every rule of the
 * connection: dispatch, the parse-failure answers (PROTOCOL.md §10),
 * sign-in and the command gate (session_sign_in.ts), admission and the
 * running downloads (session_downloads.ts, export_step.ts), the idle and
 * sign-in deadlines, the connection's bounds (session_overload.ts), and
 * every `download:error`, `system:error` and close code the server sends.
 *
 * Every step is checked against session_table.ts: the phase it leads to
 * must be listed for its event, and so must every error code and close
 * code it sends; a mismatch is a bug and throws.
 *
 * Deadlines are data (`nextDeadline` of session_state.ts, as quinn-proto's
 * `poll_timeout`): the shell keeps one timer and steps `timeout` when it
 * fires; whatever is due then happens, in the order of the deadlines:
 * pending progress goes out, and a connection past its sign-in or idle
 * deadline is closed (the idle one first when both are due).
 *
 * Contract with the shell: hand the machine a message (`text`, `binary`)
 * only while `readsInput` says so (a transport's failure, `undecodable`,
 * may come at any time: a flood is noticed while the machine waits); step `heard` for every
 * payload the socket receives, before decoding it; answer each asking
 * effect with its event (`openSession` → `sessionOpened`, `openToken` →
 * `tokenChecked`, `verifyCommand` →
 * `verified`, `authorize` → `authorized`, `admit` → `admitted`, `askHealth`
 * → `health`, `estimate` → `estimated`, `readHighWaterMark` → `highWaterMark`, `countRows` →
 * `rowCount`, `readPage` → `page`, a source that fails → `sourceFailed`
 * with the kind of failure, `awaitDrain` → `drained` once the socket holds
 * at most `atMost` bytes, and sooner whenever what it holds changed or the
 * server as a whole holds too much, session_overload.ts); on `jobEnded`,
 * free what it holds for that download (such as a snapshot of the source:
 * nothing more is asked for it); after `close`, send what was sent before
 * it, then close the socket (at once, sending nothing more, when it says
 * `abort`).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { CLOSE_CODES } from "./close_codes.ts";
import { type ErrorCode, errorResponse } from "./errors.ts";
import type { ExportEvent } from "./export_state.ts";
import type { ClientMessage, ServerMessage } from "./messages.ts";
import { parseClientMessage, type ParseFailure } from "./parse.ts";
import { batchDue } from "./progress_state.ts";
import type { Result } from "./result.ts";
import { admitted, authorized, stepDownload } from "./session_downloads.ts";
import { counted, drainReport, heard, stalled } from "./session_overload.ts";
import { dispatch, end, halt, received, refuse } from "./session_dispatch.ts";
import { send, systemError } from "./session_replies.ts";
import { estimated } from "./session_estimate.ts";
import { type SessionChange, sessionFailed, sessionOpened } from "./session_sign_in.ts";
import { tokenChecked } from "./session_token.ts";
import type { SessionEffect, SessionEvent, SessionState } from "./session_state.ts";
import {
  SESSION_ANSWERS,
  SESSION_CLOSES,
  SESSION_TRANSITIONS,
  type SessionEventKey,
} from "./session_table.ts";

/** The outcome of one {@linkcode step}. */
export interface SessionStep {
  /** The next state (the same object when nothing changed). */
  readonly state: SessionState;
  /** What the shell must do, in order. */
  readonly effects: readonly SessionEffect[];
}

const none = (state: SessionState): SessionStep => ({ state, effects: [] });

/**
 * Applies one event at `now` (epoch milliseconds). Pure but for the ports
 * of the configuration, the byte work and the server's counts of failed
 * sign-ins (asked and told through `signIn.limiter`): the same state, event,
 * time and counts always give the same result.
 *
 * @throws {Error} if a message is handed over while the machine waits
 * (the shell's bug), or if the code disagrees with session_table.ts (the
 * machine's).
 *
 * @example A command before sign-in is refused, and the connection goes on
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialSessionState } from "./session_state.ts";
 * import { step } from "./session_machine.ts";
 * import { exampleSessionConfig } from "./_session_example.ts";
 * const entropy = { sessionKeySeed: new Uint8Array(48).fill(1), nonce: new Uint8Array(32), token: new Uint8Array(16) };
 * const state = initialSessionState(exampleSessionConfig({ anonymous: false }), 0, entropy);
 * const text = '{"event":"status:check","data":{},"timestamp":0,"requestId":"s-1"}';
 * const r = step(state, { type: "text", text }, 10);
 * equal(r.state.phase, "guest");
 * const [effect] = r.effects;
 * equal(effect.type === "send" && effect.message.event === "system:error" && effect.message.data.code, "AUTH_REQUIRED");
 * ```
 */
export function step(state: SessionState, event: SessionEvent, now: number): SessionStep {
  if (state.phase === "closed") return none(state);
  let parsed: Result<ClientMessage, ParseFailure> | undefined;
  let key: SessionEventKey;
  if (event.type === "text") {
    parsed = parseClientMessage(event.text, state.config.parseLimits);
    key = parsed.ok ? parsed.value.event : "malformed";
  } else key = event.type;
  if ((event.type === "text" || event.type === "binary") && state.waiting !== undefined) {
    throw new Error(`a ${key} message was handed over while the machine waits (readsInput)`);
  }
  const allowed = SESSION_TRANSITIONS[state.phase][key];
  if (allowed === undefined) return none(state);
  // The command a signature check held goes on now: its own row's codes apply too.
  const held = event.type === "verified" && state.waiting?.for === "verify"
    ? state.waiting.message.event
    : undefined;
  const next = counted(
    state,
    event,
    event.type === "text"
      ? read(state, parsed!, event.sealed === true, now)
      : listed(state, event, now),
    now,
  );
  if (!allowed.includes(next.state.phase)) {
    throw new Error(`session ${state.phase} --${key}--> ${next.state.phase} is not in the table`);
  }
  checkCodes(key, held, next.effects);
  return next;
}

/**
 * The parser's codes that say a text could not be decoded at all (PROTOCOL.md
 * §16), rather than that it decoded to a message the protocol refuses.
 */
const UNDECODABLE: ReadonlySet<string> = new Set<ErrorCode>([
  "MALFORMED_JSON",
  "MESSAGE_TOO_LARGE",
]);

/**
 * A client's text: in a sealed session one that cannot be decoded ends the
 * session, as any other payload that cannot be (§16): nothing after it can
 * be trusted. Otherwise the parser's verdict, the sign-in or the dispatch.
 */
function read(
  state: SessionState,
  parsed: Result<ClientMessage, ParseFailure>,
  sealed: boolean,
  now: number,
): SessionChange {
  if (sealed && !parsed.ok && UNDECODABLE.has(parsed.error.error.code)) {
    const { error, requestId } = parsed.error;
    return end(state, error, CLOSE_CODES.reconnect.PROTOCOL_VIOLATION, requestId ?? "client", now);
  }
  return received(state, parsed, now);
}

/** Every code a step sends must be listed for its event in session_table.ts. */
function checkCodes(
  key: SessionEventKey,
  held: SessionEventKey | undefined,
  effects: readonly SessionEffect[],
): void {
  for (const effect of effects) {
    let code: string | number | undefined;
    let listed: readonly (ErrorCode | number)[] = [];
    if (effect.type === "close") {
      code = effect.code;
      listed = [...SESSION_CLOSES[key], ...(held ? SESSION_CLOSES[held] : [])];
    } else if (effect.type === "send") {
      code = sentCode(effect.message);
      listed = [...SESSION_ANSWERS[key], ...(held ? SESSION_ANSWERS[held] : [])];
    }
    if (code !== undefined && !(listed as readonly (string | number)[]).includes(code)) {
      throw new Error(`session ${key} sent ${code}, which session_table.ts does not list for it`);
    }
  }
}

function sentCode(message: ServerMessage): string | undefined {
  switch (message.event) {
    case "download:error":
    case "system:error":
      return message.data.code;
    case "auth:result":
      return message.data.authenticated ? undefined : message.data.error.code;
    default:
      return undefined;
  }
}

/** An event the table lists for this phase, other than a client's text. */
function listed(
  state: SessionState,
  event: Exclude<SessionEvent, { type: "text" }>,
  now: number,
): SessionChange {
  switch (event.type) {
    case "heard":
      return heard(state, now);
    case "binary": {
      const error = errorResponse("UNEXPECTED_EVENT", {
        reason: "data frames travel from server to client only",
      });
      return { state, effects: [systemError("client", error, now)] };
    }
    case "undecodable":
      // A transport that trusts nothing more (a sealed session's broken frame, a flood) ends the
      // connection; otherwise only the payload is refused.
      return event.fatal
        ? end(state, event.error, CLOSE_CODES.reconnect.PROTOCOL_VIOLATION, "client", now)
        : { state, effects: [systemError("client", event.error, now)] };
    case "sessionOpened":
      return sessionOpened(state, now);
    case "tokenChecked":
      return tokenChecked(state, event.verdict, now, (s) => halt(s, now));
    case "verified": {
      const wait = state.waiting;
      if (wait?.for !== "verify") return none(state);
      const ready = { ...state, waiting: undefined };
      if (!event.valid) {
        return refuse(ready, wait.message, errorResponse("COMMAND_SIGNATURE_INVALID"), now);
      }
      const commands = { ...state.commands!, lastTimestamp: wait.timestamp };
      return dispatch({ ...ready, commands }, wait.message, now);
    }
    case "authorized":
      return authorized(state, event.job, event.decision, now);
    case "admitted":
      return admitted(state, event.job, event.verdict, now);
    case "health": {
      const wait = state.waiting;
      if (wait?.for !== "health" || wait.requestId !== event.requestId) return none(state);
      const { requestId, health } = event;
      return {
        state: { ...state, waiting: undefined },
        effects: [send({ event: "connection:health", data: health, timestamp: now, requestId })],
      };
    }
    case "highWaterMark":
    case "rowCount":
    case "page":
    case "sourceFailed": {
      const index = state.downloads.findIndex((d) => d.job === event.job);
      // A late answer for a download that ended (cancelled, or its connection gone).
      if (index === -1) return none(state);
      return stepDownload(state, index, sourceEvent(event), now);
    }
    case "estimated":
      return estimated(state, event, now);
    case "drained":
      return drainReport(state, event, now);
    case "timeout":
      return timeout(state, now);
    case "peerClosed":
      return halt(state, now);
    case "shutdown":
      // Said first: under `deno serve` the runtime closes the sockets soon after a signal.
      return end(
        state,
        errorResponse("SERVER_SHUTTING_DOWN"),
        CLOSE_CODES.reconnect.GOING_AWAY,
        "server",
        now,
      );
    case "fault":
      if (state.phase === "opening") {
        return sessionFailed(state, event.reason, now, (s) => halt(s, now));
      }
      return {
        state,
        effects: [
          systemError("client", errorResponse("INTERNAL_ERROR", { reason: event.reason }), now),
        ],
      };
    default: {
      const never: never = event;
      throw new Error(`unknown session event ${JSON.stringify(never)}`);
    }
  }
}

function sourceEvent(
  event: Extract<SessionEvent, { type: "highWaterMark" | "rowCount" | "page" | "sourceFailed" }>,
): ExportEvent {
  switch (event.type) {
    case "highWaterMark":
      return { type: "highWaterMark", value: event.value };
    case "rowCount":
      return { type: "rowCount", rows: event.rows };
    case "page":
      return { type: "page", rows: event.rows };
    case "sourceFailed":
      return { type: "sourceFailed", kind: event.kind };
  }
}

/** Whatever is due at `now`: a stalled socket, pending progress, then the sign-in or idle deadline. */
function timeout(state: SessionState, now: number): SessionChange {
  const stall = stalled(state, now);
  if (stall !== undefined) return stall;
  const due = batchDue(state.progress, now);
  const progress = due.flushed.map((update) =>
    send({ event: "download:progress", data: update, timestamp: now, requestId: update.requestId })
  );
  const next = { ...state, progress: due.batch };
  const idleAt = state.lastHeard + state.config.idleTimeoutMs;
  const signInAt = state.signInDeadline ?? Infinity;
  let ended: SessionChange | undefined;
  if (now >= idleAt && idleAt <= signInAt) {
    const error = errorResponse("IDLE_TIMEOUT", { idleMs: now - state.lastHeard });
    ended = end(next, error, CLOSE_CODES.reconnect.IDLE_TIMEOUT, "server", now);
  } else if (now >= signInAt) {
    // Heartbeats keep a connection alive, but not one that never signs in.
    const error = errorResponse("SIGN_IN_TIMEOUT");
    ended = end(next, error, CLOSE_CODES.reconnect.SIGN_IN_FAILED, "client", now);
  }
  if (ended === undefined) return { state: next, effects: progress };
  return { state: ended.state, effects: [...progress, ...ended.effects] };
}
