// What the download machine tests share: a request on a fixed clock, frames that continue a
// download exactly (or not), ways to reach each phase, and events of every table key.
import { resolveBackoff } from "../protocol/backoff.ts";
import type { MachineClock } from "../protocol/connection_state.ts";
import { step } from "../protocol/download_machine.ts";
import {
  type DownloadEffect,
  type DownloadEvent,
  type DownloadState,
  initialDownloadState,
  resumePoint,
} from "../protocol/download_state.ts";
import type { DownloadEventKey } from "../protocol/download_table.ts";
import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "../protocol/digest_chain.ts";
import { errorResponse } from "../protocol/errors.ts";
import { hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import type { DownloadStart, ProgressUpdate } from "../protocol/messages.ts";
import { REQUEST } from "./_messages.ts";

export const T0 = 1_710_923_400_000;
export const CLOCK: MachineClock = { now: T0, random: 0 };
export const ID = "dl-1";
export const START: DownloadStart = {
  totalRows: 10,
  columns: [{ name: "id", type: "integer" }],
  highWaterMark: "1000",
  outputFormat: "csv",
  compression: true,
  resumed: false,
};
export const PROGRESS: ProgressUpdate = {
  requestId: ID,
  progress: 50,
  processedRows: 5,
  totalRows: 10,
  speed: 1,
  estimatedTimeRemaining: 5,
  processedBytes: 9,
};
export const envelope = { timestamp: T0, requestId: ID };

export function run(state: DownloadState, events: DownloadEvent[]) {
  const effects: DownloadEffect[] = [];
  for (const event of events) {
    const r = step(state, event, CLOCK);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

/** The frame that continues a download exactly: `rows` rows in `size` bytes, digest chained. */
export function next(state: DownloadState, rows = 2, size = 3, final = false): DownloadEvent {
  const payload = new Uint8Array(size).fill(state.sequence);
  const header = {
    sequence: state.sequence,
    rowOffset: state.rows,
    rowCount: rows,
    byteOffset: state.bytes,
    final,
    digest: hexToBytes(chainDigest(state.digest, payload, nobleSha256)),
    cursor: String(state.rows + rows),
  };
  return { type: "frame", header, payload };
}

export const unsent = () => initialDownloadState(ID, REQUEST);
/** Sent while the connection is not open: waiting for its `resume`. */
export const waiting = () => run(unsent(), [{ type: "send", connected: false }]).state;
export const sent = () => run(unsent(), [{ type: "send", connected: true }]).state;
export const started = () => run(sent(), [{ type: "start", data: START }]).state;
export const streaming = (frames = 2) => {
  let state = started();
  for (let i = 0; i < frames; i++) state = step(state, next(state), CLOCK).state;
  return state;
};
export const finished = () => {
  const s = streaming(1);
  return step(s, next(s, 1, 1, true), CLOCK).state;
};
export const summaryOf = (s: DownloadState, digest = s.digest) => ({
  rows: s.rows,
  bytes: s.bytes,
  digest,
  durationMs: 5,
});

/** A state that retries the server's recoverable errors twice in a row. */
export const retrying = (state: DownloadState): DownloadState => ({
  ...state,
  retry: resolveBackoff({ maxAttempts: 2, baseMs: 100, jitter: 0 }),
});
export const UNAVAILABLE = errorResponse("SOURCE_UNAVAILABLE");

export function representativeStates(): [string, DownloadState][] {
  const resuming = run(streaming(), [{ type: "resume" }]).state;
  const done = finished();
  const away = run(retrying(streaming()), [{ type: "error", error: UNAVAILABLE }]).state;
  return [
    ["requested/unsent", unsent()],
    ["requested/waiting for the connection", waiting()],
    ["requested/sent", sent()],
    ["requested/resuming", resuming],
    ["requested/saved after FINAL", initialDownloadState(ID, REQUEST, resumePoint(done))],
    ["requested/sent, retrying", retrying(sent())],
    ["requested/waiting to retry", away],
    ["started", started()],
    ["started, retrying", retrying(started())],
    ["streaming", streaming()],
    ["streaming, retrying", retrying(streaming())],
    ["streaming/FINAL seen", done],
    ["complete", run(done, [{ type: "complete", summary: summaryOf(done) }]).state],
    ["error", run(streaming(), [{ type: "error", error: errorResponse("INTERNAL_ERROR") }]).state],
    ["cancelled", run(streaming(), [{ type: "cancel" }]).state],
  ];
}

/** The frame that continues the stream, but whose payload lost a bit on the way. */
export function corrupted(state: DownloadState): DownloadEvent {
  const frame = next(state);
  if (frame.type !== "frame") throw new Error("unreachable");
  const payload = frame.payload.slice();
  payload[0] ^= 0x01;
  return { ...frame, payload };
}

export const resumedStart = (highWaterMark = START.highWaterMark): DownloadEvent => ({
  type: "start",
  data: { ...START, resumed: true, highWaterMark },
});

/** Events of every key, built for a state, with the variants the guards look at. */
export const EVENTS: Record<DownloadEventKey, (s: DownloadState) => DownloadEvent[]> = {
  send: () => [{ type: "send", connected: true }, { type: "send", connected: false }],
  start: () => [{ type: "start", data: START }, resumedStart(), resumedStart("999")],
  frame: (s) => [next(s), next({ ...s, sequence: s.sequence + 1 }), corrupted(s)],
  progress: () => [{ type: "progress", update: PROGRESS }],
  complete: (s) => [
    { type: "complete", summary: summaryOf(s) },
    { type: "complete", summary: summaryOf(s, INITIAL_DIGEST) },
  ],
  error: () => [
    { type: "error", error: errorResponse("INTERNAL_ERROR") },
    { type: "error", error: UNAVAILABLE },
    { type: "error", error: errorResponse("INVALID_DATE") },
  ],
  cancel: () => [{ type: "cancel" }],
  cancelled: () => [{ type: "cancelled", data: { rows: 1, bytes: 2 } }],
  consumed: (s) => [{ type: "consumed", sequence: 0 }, { type: "consumed", sequence: s.sequence }],
  resume: () => [{ type: "resume" }],
  disconnected: () => [{ type: "disconnected" }],
  retry: () => [{ type: "retry" }],
};
