/**
 * The client side of one download as a pure state machine (seed 000 §2.1:
 * request → start → progress and data frames → complete), sans-IO: the
 * shell feeds {@linkcode step} the download's server messages, its decoded
 * data frames and the reader's calls, and carries out the effects. Every
 * wire message about the download is built here, including the first
 * `download:request` (event `send`), so the shell never composes one.
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

import { diagramArrows, markdownTable } from "./_machine_docs.ts";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { MachineClock } from "./connection_machine.ts";
import { chainDigest, INITIAL_DIGEST } from "./digest_chain.ts";
import { type ErrorCode, type ErrorDetails, type ErrorResponse, errorResponse } from "./errors.ts";
import type { DataFrame } from "./frame.ts";
import type {
  ClientMessage,
  DownloadCancelled,
  DownloadComplete,
  DownloadPhase,
  DownloadRequest,
  DownloadStart,
  DownloadStatus,
  ProgressUpdate,
  ResumePoint,
} from "./messages.ts";

/** The header fields of a data frame the machine checks; a decoded {@linkcode DataFrame} fits. */
export type FrameHeader = Pick<
  DataFrame,
  "sequence" | "rowOffset" | "rowCount" | "byteOffset" | "final" | "digest" | "cursor"
>;

/** The whole state of one download: a plain value, never mutated. */
export interface DownloadState {
  /** Where the download is. */
  readonly phase: DownloadPhase;
  /** The download's id, in every envelope and frame about it. */
  readonly requestId: string;
  /** The request, exactly as first sent. */
  readonly request: DownloadRequest;
  /** Whether `download:request` (or `download:resume`) went out on the current connection. */
  readonly requestSent: boolean;
  /** The server's last `download:start`. */
  readonly start?: DownloadStart;
  /**
   * The pinned high-water mark, from the first `download:start` or from a
   * saved resume point; every later start must carry the same.
   */
  readonly highWaterMark?: string;
  /** When the last `download:request` or `download:resume` went out, epoch ms. */
  readonly sentAt?: number;
  /** The sequence number the next frame must have. */
  readonly sequence: number;
  /** Rows received. */
  readonly rows: number;
  /** Payload bytes received. */
  readonly bytes: number;
  /** The cursor of the last frame ("" before the first). */
  readonly cursor: string;
  /** The digest chain value after the last frame, hex ({@linkcode INITIAL_DIGEST} before the first). */
  readonly digest: string;
  /** Whether the FINAL frame arrived (then the download never resumes, PROTOCOL.md §9.5). */
  readonly final: boolean;
  /** The server's summary, once `complete`. */
  readonly summary?: DownloadComplete;
  /** Why the download ended, in `error` or `cancelled`. */
  readonly error?: ErrorResponse;
}

/** What happens to a download: server messages, frames, and the reader's calls. */
export type DownloadEvent =
  | { readonly type: "send" }
  | { readonly type: "start"; readonly data: DownloadStart }
  | {
    readonly type: "frame";
    readonly header: FrameHeader;
    readonly payload: Uint8Array;
    /**
     * `chainDigest(state digest, payload)` when the shell computed it
     * already (e.g. with Web Crypto, several times faster than in script);
     * the machine computes it otherwise.
     */
    readonly digest?: string;
  }
  | { readonly type: "progress"; readonly update: ProgressUpdate }
  | { readonly type: "complete"; readonly summary: DownloadComplete }
  | { readonly type: "error"; readonly error: ErrorResponse }
  | { readonly type: "cancel" }
  | { readonly type: "cancelled"; readonly data: DownloadCancelled }
  | { readonly type: "consumed"; readonly sequence: number }
  | { readonly type: "resume" }
  | { readonly type: "disconnected" };

/** What the shell must do, in order. */
export type DownloadEffect =
  | { readonly type: "send"; readonly message: ClientMessage }
  | { readonly type: "deliver"; readonly payload: Uint8Array }
  | { readonly type: "started"; readonly data: DownloadStart }
  | { readonly type: "progress"; readonly update: ProgressUpdate }
  | { readonly type: "completed"; readonly summary: DownloadComplete }
  | { readonly type: "failed"; readonly error: ErrorResponse }
  | { readonly type: "rejected"; readonly error: ErrorResponse };

/**
 * A {@linkcode ResumePoint} as the client keeps it: the wire's fields, plus
 * whether the FINAL frame is in. A plain JSON value: save it with the
 * request to continue later. A point with `final: true` is never sent: the
 * download is complete there, and continuing from it completes at once.
 */
export interface ClientResumePoint extends ResumePoint {
  /**
   * Whether the FINAL frame was received: every byte is in.
   *
   * @default {false}
   */
  readonly final?: boolean;
}

/** The outcome of one {@linkcode step}. */
export interface DownloadStep {
  /** The next state (the same object when nothing changed). */
  readonly state: DownloadState;
  /** What the shell must do, in order. */
  readonly effects: readonly DownloadEffect[];
}

/** The table key of a download event: its `type`. */
export type DownloadEventKey = DownloadEvent["type"];

/** Whose an event is: the reader's or the shell's (`local`) or the server's. */
export type DownloadEventSource = "local" | "server";

/** The source of every event, in documentation order. */
export const DOWNLOAD_EVENT_SOURCES: Readonly<Record<DownloadEventKey, DownloadEventSource>> = {
  send: "local",
  start: "server",
  frame: "server",
  progress: "server",
  complete: "server",
  error: "server",
  cancel: "local",
  cancelled: "server",
  consumed: "local",
  resume: "local",
  disconnected: "local",
};

/** For one phase, the phases each legal event may lead to. */
export type DownloadRow = Readonly<Partial<Record<DownloadEventKey, readonly DownloadPhase[]>>>;

/**
 * Every legal move, as data: for each phase and event, the phases the event
 * may lead to (several when the event's content decides, e.g. a frame that
 * does or does not continue the stream). {@linkcode step} looks every event
 * up here first.
 *
 * @example
 * ```ts
 * import { DOWNLOAD_TRANSITIONS } from "./download_machine.ts";
 * DOWNLOAD_TRANSITIONS.requested.frame; // undefined: a frame before download:start is illegal
 * ```
 */
export const DOWNLOAD_TRANSITIONS: Readonly<Record<DownloadPhase, DownloadRow>> = {
  // `send` twice is rejected (stays requested); `resume` re-sends the request. From a saved
  // point after the FINAL frame, both complete at once instead: there is nothing to ask for.
  requested: {
    send: ["requested", "complete"],
    start: ["started", "error"],
    error: ["error"],
    cancel: ["cancelled"],
    consumed: ["requested"],
    resume: ["requested", "complete"],
    disconnected: ["requested", "complete"],
  },
  started: {
    frame: ["streaming", "error"],
    progress: ["started"],
    // No frame on this connection yet, so no FINAL one: complete here is early (SEQUENCE_GAP).
    complete: ["error"],
    error: ["error"],
    cancel: ["cancelled"],
    consumed: ["started"],
    resume: ["requested"],
    disconnected: ["started"],
  },
  streaming: {
    frame: ["streaming", "error"],
    progress: ["streaming"],
    complete: ["complete", "error"],
    error: ["error"],
    cancel: ["cancelled"],
    consumed: ["streaming"],
    // After the FINAL frame a lost connection completes the download: never resumed past it.
    resume: ["requested", "complete"],
    disconnected: ["streaming", "complete"],
  },
  // Ended: local calls are harmless no-ops; server messages are ignored as late.
  complete: {
    cancel: ["complete"],
    consumed: ["complete"],
    resume: ["complete"],
    disconnected: ["complete"],
  },
  error: { cancel: ["error"], consumed: ["error"], resume: ["error"], disconnected: ["error"] },
  cancelled: {
    cancelled: ["cancelled"],
    cancel: ["cancelled"],
    consumed: ["cancelled"],
    resume: ["cancelled"],
    disconnected: ["cancelled"],
  },
};

/** Every phase, in documentation order (the table's). */
export const DOWNLOAD_PHASES: readonly DownloadPhase[] = Object.keys(
  DOWNLOAD_TRANSITIONS,
) as DownloadPhase[];

/** Every event key, in documentation order (the sources table's). */
export const DOWNLOAD_EVENT_KEYS: readonly DownloadEventKey[] = Object.keys(
  DOWNLOAD_EVENT_SOURCES,
) as DownloadEventKey[];

const TERMINAL: ReadonlySet<DownloadPhase> = new Set(["complete", "error", "cancelled"]);

/**
 * A download that has not been sent yet; `step(state, { type: "send" })`
 * produces its `download:request`, or, given a `resume` point saved from an
 * earlier run, its `download:resume` from there (or, from a point after the
 * FINAL frame, completes at once).
 *
 * @example
 * ```ts
 * import { initialDownloadState } from "./download_machine.ts";
 * const s = initialDownloadState("dl-1", {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * });
 * s.phase; // "requested"
 * ```
 */
export function initialDownloadState(
  requestId: string,
  request: DownloadRequest,
  resume?: ClientResumePoint,
): DownloadState {
  const state: DownloadState = {
    phase: "requested",
    requestId,
    request,
    requestSent: false,
    sequence: 0,
    rows: 0,
    bytes: 0,
    cursor: "",
    digest: INITIAL_DIGEST,
    final: false,
  };
  if (resume === undefined) return state;
  const { highWaterMark, cursor, sequence, rows, bytes, digest } = resume;
  const final = resume.final === true;
  return { ...state, highWaterMark, cursor, sequence, rows, bytes, digest, final };
}

/**
 * Where the download stands after its last complete frame, with whether
 * that frame was the FINAL one; undefined before the first
 * `download:start`, since there is no pinned high-water mark to resume. A
 * plain JSON value: save it with the request to continue later.
 *
 * @example
 * ```ts
 * import { initialDownloadState, resumePoint } from "./download_machine.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * resumePoint(initialDownloadState("dl-1", request)); // undefined
 * ```
 */
export function resumePoint(state: DownloadState): ClientResumePoint | undefined {
  const point = wirePoint(state);
  return point === undefined ? undefined : { ...point, final: state.final };
}

/** The resume point as `download:resume` carries it: `final` stays with the client. */
function wirePoint(state: DownloadState): ResumePoint | undefined {
  const { highWaterMark, sequence, rows, bytes, cursor, digest } = state;
  if (highWaterMark === undefined) return undefined;
  return { highWaterMark, cursor, sequence, rows, bytes, digest };
}

/**
 * The download as `status:update` reports one.
 *
 * @example
 * ```ts
 * import { downloadStatus, initialDownloadState } from "./download_machine.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * downloadStatus(initialDownloadState("dl-1", request)).totalRows; // 0
 * ```
 */
export function downloadStatus(state: DownloadState): DownloadStatus {
  return {
    requestId: state.requestId,
    phase: state.phase,
    processedRows: state.rows,
    totalRows: state.start?.totalRows ?? 0,
    processedBytes: state.bytes,
  };
}

/**
 * Applies one event. Pure: the same state, event and clock always give the
 * same result; `clock.now` stamps the messages it sends.
 *
 * @throws {Error} only if the code disagrees with {@linkcode DOWNLOAD_TRANSITIONS}, a bug.
 *
 * @example A data frame before `download:start` fails the download
 * ```ts
 * import { initialDownloadState, step } from "./download_machine.ts";
 * const clock = { now: 0, random: 0 };
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * let r = step(initialDownloadState("dl-1", request), { type: "send" }, clock);
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
 * r.state.error?.code; // "ILLEGAL_TRANSITION"
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
    if (TERMINAL.has(state.phase)) return { state, effects: [] };
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
  const resume = wirePoint(state);
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

/** An event the table lists for this phase; guards on its content decide the rest. */
function listed(state: DownloadState, event: DownloadEvent, clock: MachineClock): DownloadStep {
  const ended = TERMINAL.has(state.phase);
  switch (event.type) {
    case "send":
      if (state.requestSent) return reject(state, event.type);
      return state.final ? completeHere(state, clock) : resend(state, clock);
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
      const digest = event.digest ?? chainDigest(state.digest, payload);
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
      return {
        state: { ...state, phase: "error", error: event.error },
        effects: [{ type: "failed", error: event.error }],
      };
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

/**
 * {@linkcode DOWNLOAD_TRANSITIONS} as a Markdown table: a row per phase, a
 * column per event; a cell lists the phases the event may lead to, or says
 * what happens to an unlisted event: _rejected_ (a local call; nothing
 * changes), _illegal_ (a server message; the download fails with
 * `ILLEGAL_TRANSITION`) or _ignored_ (a late server message after the
 * end). Padded as `deno fmt` pads tables, so a document can include it
 * verbatim and stay formatted.
 *
 * @example
 * ```ts
 * import { downloadTableMarkdown } from "./download_machine.ts";
 * downloadTableMarkdown().startsWith("| phase"); // true
 * ```
 */
export function downloadTableMarkdown(): string {
  const cell = (phase: DownloadPhase, key: DownloadEventKey): string => {
    const to = DOWNLOAD_TRANSITIONS[phase][key];
    if (to !== undefined) return to.join(" / ");
    if (DOWNLOAD_EVENT_SOURCES[key] === "local") return "_rejected_";
    return TERMINAL.has(phase) ? "_ignored_" : "_illegal_";
  };
  const rows = DOWNLOAD_PHASES.map((p) => [p, ...DOWNLOAD_EVENT_KEYS.map((k) => cell(p, k))]);
  return markdownTable(["phase", ...DOWNLOAD_EVENT_KEYS], rows);
}

/**
 * {@linkcode DOWNLOAD_TRANSITIONS} as a mermaid `stateDiagram-v2`: one arrow
 * per (from, to) pair, labelled with the events that take it.
 *
 * @example
 * ```ts
 * import { downloadStateDiagram } from "./download_machine.ts";
 * downloadStateDiagram().split("\n")[1]; // "  [*] --> requested"
 * ```
 */
export function downloadStateDiagram(): string {
  const lines = diagramArrows(DOWNLOAD_PHASES, DOWNLOAD_EVENT_KEYS, DOWNLOAD_TRANSITIONS);
  const ends = [...TERMINAL].map((phase) => `  ${phase} --> [*]`);
  return ["stateDiagram-v2", "  [*] --> requested", ...lines, ...ends].join("\n");
}
