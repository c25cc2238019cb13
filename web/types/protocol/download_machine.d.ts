// Generated from protocol/download_machine.ts by `deno task bundle`; do not edit.
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
import type { MachineClock } from "./connection_state.d.ts";
import { type DownloadEffect, type DownloadEvent, type DownloadState } from "./download_state.d.ts";
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
export declare function step(state: DownloadState, event: DownloadEvent, clock: MachineClock): DownloadStep;
