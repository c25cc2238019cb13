/**
 * The download machine's legal moves as data, in the manner of h11: for
 * each phase and event, the phases the event may lead to
 * ({@linkcode DOWNLOAD_TRANSITIONS}), and whose each event is
 * ({@linkcode DOWNLOAD_EVENT_SOURCES}), which decides what an event the
 * table does not list does. download_machine.ts checks every step against
 * them; docs/PROTOCOL.md's download table and diagram are rendered from
 * them by `_machine_docs.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadEvent } from "./download_state.ts";
import type { DownloadPhase } from "./messages.ts";

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
  retry: "local",
};

/** For one phase, the phases each legal event may lead to. */
export type DownloadRow = Readonly<Partial<Record<DownloadEventKey, readonly DownloadPhase[]>>>;

/**
 * Every legal move, as data: for each phase and event, the phases the event
 * may lead to (several when the event's content decides, e.g. a frame that
 * does or does not continue the stream). `step` in download_machine.ts
 * looks every event up here first.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DOWNLOAD_TRANSITIONS } from "./download_table.ts";
 * // A frame before download:start is illegal.
 * equal(DOWNLOAD_TRANSITIONS.requested.frame, undefined);
 * ```
 */
export const DOWNLOAD_TRANSITIONS: Readonly<Record<DownloadPhase, DownloadRow>> = {
  // `send` sends the request, or waits for `resume` when not connected; twice, it is rejected
  // (stays requested). `resume` re-sends the request. From a saved point after the FINAL frame,
  // both complete at once instead: there is nothing to ask for. In every phase before the end, a
  // server error the client retries (recoverable, with retryAfter, attempts left) comes back
  // here to wait for `retry`, which re-sends unless a `resume` did already.
  requested: {
    send: ["requested", "complete"],
    start: ["started", "error"],
    error: ["error", "requested"],
    cancel: ["cancelled"],
    consumed: ["requested"],
    resume: ["requested", "complete"],
    disconnected: ["requested", "complete"],
    retry: ["requested"],
  },
  started: {
    frame: ["streaming", "error"],
    progress: ["started"],
    // No frame on this connection yet, so no FINAL one: complete here is early (SEQUENCE_GAP).
    complete: ["error"],
    error: ["error", "requested"],
    cancel: ["cancelled"],
    consumed: ["started"],
    resume: ["requested"],
    disconnected: ["started"],
    retry: ["started"],
  },
  streaming: {
    frame: ["streaming", "error"],
    progress: ["streaming"],
    complete: ["complete", "error"],
    error: ["error", "requested"],
    cancel: ["cancelled"],
    consumed: ["streaming"],
    // After the FINAL frame a lost connection completes the download: never resumed past it.
    resume: ["requested", "complete"],
    disconnected: ["streaming", "complete"],
    retry: ["streaming"],
  },
  // Ended: local calls are harmless no-ops; server messages are ignored as late.
  complete: {
    cancel: ["complete"],
    consumed: ["complete"],
    resume: ["complete"],
    disconnected: ["complete"],
    retry: ["complete"],
  },
  error: {
    cancel: ["error"],
    consumed: ["error"],
    resume: ["error"],
    disconnected: ["error"],
    retry: ["error"],
  },
  cancelled: {
    cancelled: ["cancelled"],
    cancel: ["cancelled"],
    consumed: ["cancelled"],
    resume: ["cancelled"],
    disconnected: ["cancelled"],
    retry: ["cancelled"],
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

/**
 * The phases a download ends in: local calls there are harmless no-ops and
 * server messages are ignored as late.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DOWNLOAD_TERMINAL_PHASES } from "./download_table.ts";
 * equal(DOWNLOAD_TERMINAL_PHASES.has("streaming"), false);
 * ```
 */
export const DOWNLOAD_TERMINAL_PHASES: ReadonlySet<DownloadPhase> = new Set([
  "complete",
  "error",
  "cancelled",
]);
