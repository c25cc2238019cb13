/**
 * The client side of one download as a pure state machine (docs/PROTOCOL.md
 * §9.1: request → start → progress and data frames → complete), sans-IO: the
 * shell feeds {@linkcode step} the download's server messages, its decoded
 * data frames and the reader's calls, and carries out the effects. Every
 * wire message about the download is built here, including the first
 * `download:request` (event `send`), so the shell never composes one; and
 * the machine decides when it goes: at once if the connection is open, on
 * the connection's `resume` otherwise.
 *
 * The machine checks what the server claims: frames must continue exactly
 * where the previous one ended (sequence, rows, bytes), carry the digest
 * chain value of the bytes received (digest_chain.ts; a frame that does not
 * is never delivered), and stop after the FINAL one; `download:complete`
 * must match the rows, bytes and final digest the client received; a
 * resumed `download:start` must keep the pinned high-water mark. A broken
 * promise ends the download in `error`, with a `download:cancel` to stop the
 * server when it may still be sending.
 *
 * Once the FINAL frame is in and verified, every byte is in and attested by
 * its digest: the download never resumes after it (PROTOCOL.md §9.5). If its
 * connection is lost (`disconnected`) before `download:complete`, or it is
 * sent again from a saved point taken after the FINAL frame, it completes
 * with its own counts.
 *
 * A `download:error` the server marks recoverable and gives a `retryAfter`
 * (its database is away, its limits are full) is asked again, from the
 * resume point, when the download has a `retry` budget left: the machine
 * goes back to `requested` and says `retrying` with the delay, and the
 * shell feeds `retry` once it is over (PROTOCOL.md §9.5).
 *
 * Every legal move is a row of {@linkcode DOWNLOAD_TRANSITIONS}. An event
 * the table does not list is handled by whose fault it is: a local call is
 * `rejected` (state unchanged); a server message is `ILLEGAL_TRANSITION`
 * (the download fails) unless the download already ended, when late
 * messages, e.g. frames in flight after a cancel, are ignored.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { backoffDelay } from "./backoff.ts";
import type { MachineClock } from "./connection_state.ts";
import { chainDigest, nobleSha256 } from "./digest_chain.ts";
import { type ErrorCode, type ErrorDetails, type ErrorResponse, errorResponse } from "./errors.ts";
import type { ClientMessage, DownloadComplete } from "./messages.ts";
import {
  DOWNLOAD_EVENT_SOURCES,
  DOWNLOAD_TERMINAL_PHASES,
  DOWNLOAD_TRANSITIONS,
  type DownloadEventKey,
} from "./download_table.ts";
import {
  type DownloadEffect,
  type DownloadEvent,
  type DownloadState,
  wireResumePoint,
} from "./download_state.ts";

/** The outcome of one {@linkcode step}. */
export interface DownloadStep {
  /** The next state (the same object when nothing changed). */
  readonly state: DownloadState;
  /** What the shell must do, in order. */
  readonly effects: readonly DownloadEffect[];
}

/**
 * Applies one event. Pure: the same state, event and clock always give the
 * same result; `clock.now` stamps the messages it sends.
 *
 * @throws {Error} only if the code disagrees with {@linkcode DOWNLOAD_TRANSITIONS}, a bug.
 *
 * @example A data frame before `download:start` fails the download
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { initialDownloadState } from "./download_state.ts";
 * import { step } from "./download_machine.ts";
 * const clock = { now: 0, random: 0 };
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * let r = step(initialDownloadState("dl-1", request), { type: "send", connected: true }, clock);
 * const header = {
 *   sequence: 0,
 *   rowOffset: 0,
 *   rowCount: 1,
 *   byteOffset: 0,
 *   final: true,
 *   digest: new Uint8Array(32),
 *   cursor: "1",
 * };
 * r = step(r.state, { type: "frame", header, payload: new Uint8Array(3) }, clock);
 * equal(r.state.error?.code, "ILLEGAL_TRANSITION");
 * ```
 */
export function step(
  state: DownloadState,
  event: DownloadEvent,
  clock: MachineClock,
): DownloadStep {
  const allowed = DOWNLOAD_TRANSITIONS[state.phase][event.type];
  if (allowed === undefined) {
    if (DOWNLOAD_EVENT_SOURCES[event.type] === "local") return reject(state, event.type);
    if (DOWNLOAD_TERMINAL_PHASES.has(state.phase)) return { state, effects: [] };
    return fail(
      state,
      clock,
      "ILLEGAL_TRANSITION",
      { phase: state.phase, event: event.type },
      true,
    );
  }
  const next = listed(state, event, clock);
  if (!allowed.includes(next.state.phase)) {
    throw new Error(
      `download ${state.phase} --${event.type}--> ${next.state.phase} is not in the table`,
    );
  }
  return next;
}

function reject(state: DownloadState, key: DownloadEventKey): DownloadStep {
  const error = errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: key });
  return { state, effects: [{ type: "rejected", error }] };
}

/** The envelope fields of a message about this download, sent now. */
function stamp(
  state: DownloadState,
  clock: MachineClock,
): { timestamp: number; requestId: string } {
  return { timestamp: clock.now, requestId: state.requestId };
}

function cancelMessage(state: DownloadState, clock: MachineClock): DownloadEffect {
  return { type: "send", message: { event: "download:cancel", data: {}, ...stamp(state, clock) } };
}

/**
 * Ends the download in `error`. `stopServer` adds a `download:cancel` when
 * the server may still be sending (the client, not the server, found the
 * fault), so that it frees its window instead of streaming into the void.
 */
function fail(
  state: DownloadState,
  clock: MachineClock,
  code: ErrorCode,
  details: ErrorDetails,
  stopServer: boolean,
): DownloadStep {
  const error = errorResponse(code, details);
  const cancel = stopServer && state.requestSent ? [cancelMessage(state, clock)] : [];
  return {
    state: { ...state, phase: "error", error },
    effects: [...cancel, { type: "failed", error }],
  };
}

function resend(state: DownloadState, clock: MachineClock): DownloadStep {
  const resume = wireResumePoint(state);
  const message: ClientMessage = resume === undefined
    ? { event: "download:request", data: state.request, ...stamp(state, clock) }
    : {
      event: "download:resume",
      data: { request: state.request, resume },
      ...stamp(state, clock),
    };
  return {
    state: { ...state, phase: "requested", requestSent: true, sentAt: clock.now },
    effects: [{ type: "send", message }],
  };
}

/**
 * Completes on the client's own counts: the FINAL frame is in and its
 * digest checked, so every byte is in and attested, and asking the server
 * again could only repeat the end (PROTOCOL.md §9.5).
 */
function completeHere(state: DownloadState, clock: MachineClock): DownloadStep {
  const summary: DownloadComplete = {
    rows: state.rows,
    bytes: state.bytes,
    digest: state.digest,
    durationMs: state.sentAt === undefined ? 0 : Math.max(0, clock.now - state.sentAt),
  };
  return {
    state: { ...state, phase: "complete", summary },
    effects: [{ type: "completed", summary }],
  };
}

/**
 * Waits to ask again after a server error, if the server says it may pass
 * (recoverable, with `retryAfter`) and attempts are left; undefined when the
 * error ends the download. The wait is the longer of `retryAfter` and the
 * backoff's delay for the attempt, so that many clients told the same
 * `retryAfter` do not all come back at once.
 */
function retried(
  state: DownloadState,
  error: ErrorResponse,
  clock: MachineClock,
): DownloadStep | undefined {
  const { retry } = state;
  const attempt = state.attempt + 1;
  if (
    retry === undefined || attempt > retry.maxAttempts || !error.recoverable ||
    error.retryAfter === undefined || state.final
  ) return undefined;
  const delayMs = Math.max(backoffDelay(attempt, clock.random, retry), error.retryAfter);
  return {
    state: { ...state, phase: "requested", requestSent: false, attempt },
    effects: [{ type: "retrying", error, attempt, attempts: retry.maxAttempts, delayMs }],
  };
}

/** An event the table lists for this phase; guards on its content decide the rest. */
function listed(state: DownloadState, event: DownloadEvent, clock: MachineClock): DownloadStep {
  const ended = DOWNLOAD_TERMINAL_PHASES.has(state.phase);
  switch (event.type) {
    case "send": {
      if (state.submitted || state.requestSent) return reject(state, event.type);
      const submitted = { ...state, submitted: true };
      // After the FINAL frame there is nothing to ask a server for, connected or not.
      if (state.final) return completeHere(submitted, clock);
      // Not connected: the connection's `resume`, once it is open, sends the request.
      return event.connected ? resend(submitted, clock) : { state: submitted, effects: [] };
    }
    case "start": {
      const { data } = event;
      if (!state.requestSent) {
        return fail(
          state,
          clock,
          "ILLEGAL_TRANSITION",
          { phase: state.phase, event: "start" },
          false,
        );
      }
      // A resume must continue the same pinned row set; a fresh request must not claim one.
      const pinned = state.highWaterMark;
      const ok = pinned === undefined
        ? !data.resumed
        : data.resumed && data.highWaterMark === pinned;
      if (!ok) {
        const details = { resumed: data.resumed, highWaterMark: data.highWaterMark };
        return fail(state, clock, "RESUME_MISMATCH", details, true);
      }
      return {
        state: { ...state, phase: "started", start: data, highWaterMark: data.highWaterMark },
        effects: [{ type: "started", data }],
      };
    }
    case "frame": {
      const { header, payload } = event;
      const continues = !state.final && header.sequence === state.sequence &&
        header.rowOffset === state.rows && header.byteOffset === state.bytes;
      if (!continues) {
        const details = { sequence: header.sequence, expected: state.sequence, final: state.final };
        return fail(state, clock, "SEQUENCE_GAP", details, true);
      }
      // Checked before delivery: altered bytes never reach the reader, nor the resume point.
      const digest = event.digest ?? chainDigest(state.digest, payload, nobleSha256);
      const claimed = bytesToHex(header.digest);
      if (claimed !== digest) {
        const details = { sequence: header.sequence, digest: claimed, expected: digest };
        return fail(state, clock, "DIGEST_MISMATCH", details, true);
      }
      return {
        state: {
          ...state,
          phase: "streaming",
          sequence: state.sequence + 1,
          rows: state.rows + header.rowCount,
          bytes: state.bytes + payload.length,
          cursor: header.cursor,
          digest,
          final: header.final,
          attempt: 0,
        },
        effects: [{ type: "deliver", payload }],
      };
    }
    case "progress":
      return { state, effects: [{ type: "progress", update: event.update }] };
    case "complete": {
      const { summary } = event;
      // The server says it is done, so no download:cancel in either failure.
      if (!state.final) {
        return fail(
          state,
          clock,
          "SEQUENCE_GAP",
          { sequence: state.sequence, final: false },
          false,
        );
      }
      if (
        summary.rows !== state.rows || summary.bytes !== state.bytes ||
        summary.digest !== state.digest
      ) {
        const details = { rows: state.rows, bytes: state.bytes, digest: state.digest };
        return fail(state, clock, "INTEGRITY_MISMATCH", details, false);
      }
      return {
        state: { ...state, phase: "complete", summary },
        effects: [{ type: "completed", summary }],
      };
    }
    case "error":
      return retried(state, event.error, clock) ?? {
        state: { ...state, phase: "error", error: event.error },
        effects: [{ type: "failed", error: event.error }],
      };
    case "retry":
      // A `resume` on a new connection may have asked again already.
      return state.phase === "requested" && state.submitted && !state.requestSent
        ? resend(state, clock)
        : { state, effects: [] };
    case "cancel": {
      if (ended) return { state, effects: [] };
      const error = errorResponse("CANCELLED");
      const stop = state.requestSent ? [cancelMessage(state, clock)] : [];
      return {
        state: { ...state, phase: "cancelled", error },
        effects: [...stop, { type: "failed", error }],
      };
    }
    case "cancelled":
      return { state, effects: [] };
    case "consumed": {
      const { sequence } = event;
      if (!(Number.isSafeInteger(sequence) && sequence >= 0 && sequence < state.sequence)) {
        return reject(state, event.type);
      }
      // Flow control matters only while the server is sending: before a resumed
      // start the resume point says where the reader is, and after the end the
      // server has forgotten the download.
      if (state.phase !== "started" && state.phase !== "streaming") return { state, effects: [] };
      return {
        state,
        effects: [{
          type: "send",
          message: { event: "download:ack", data: { sequence }, ...stamp(state, clock) },
        }],
      };
    }
    case "resume":
      if (ended) return { state, effects: [] };
      return state.final ? completeHere(state, clock) : resend(state, clock);
    case "disconnected":
      return !ended && state.final ? completeHere(state, clock) : { state, effects: [] };
    default: {
      const never: never = event;
      throw new Error(`unknown download event ${JSON.stringify(never)}`);
    }
  }
}
