// Generated from protocol/download_table.ts by `deno task bundle`; do not edit.
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
import type { DownloadEvent } from "./download_state.d.ts";
import type { DownloadPhase } from "./messages.d.ts";
/** The table key of a download event: its `type`. */
export type DownloadEventKey = DownloadEvent["type"];
/** Whose an event is: the reader's or the shell's (`local`) or the server's. */
export type DownloadEventSource = "local" | "server";
/** The source of every event, in documentation order. */
export declare const DOWNLOAD_EVENT_SOURCES: Readonly<Record<DownloadEventKey, DownloadEventSource>>;
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
export declare const DOWNLOAD_TRANSITIONS: Readonly<Record<DownloadPhase, DownloadRow>>;
/** Every phase, in documentation order (the table's). */
export declare const DOWNLOAD_PHASES: readonly DownloadPhase[];
/** Every event key, in documentation order (the sources table's). */
export declare const DOWNLOAD_EVENT_KEYS: readonly DownloadEventKey[];
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
export declare const DOWNLOAD_TERMINAL_PHASES: ReadonlySet<DownloadPhase>;
