/**
 * The downloads half of the server session machine: admission of a
 * `download:request` or `download:resume`, the running downloads' steps
 * folded into the connection (progress batching, the socket's queued bytes,
 * the finished-downloads memory, the identity limiter's slots), and the
 * statuses `status:check` reports. Pure functions; session_machine.ts calls
 * them.
 *
 * Admission, in order, each refusal on `download:error`:
 * 1. a running download with the same id: `DUPLICATE_REQUEST`;
 * 2. `maxDownloads` running: `TOO_MANY_DOWNLOADS`;
 * 3. the dataset it names (session_datasets.ts: `UNKNOWN_DATASET`, or
 *    `FORBIDDEN` outside its allow list), its row rule
 *    (`ROW_FILTER_CLAIM_MISSING` for an identity without the value it
 *    needs), then the request against that dataset's schema and limits
 *    (request.ts), narrowed by the rule;
 * 4. the `authorize` hook, when the server has one: `false` is
 *    `FORBIDDEN`; `{ filters }` narrows the request, which is validated
 *    again; a hook that throws or answers anything else is
 *    `INTERNAL_ERROR` (refused rather than guessed at);
 * 5. a signed-in identity's limits (the server's limiter, shared by its
 *    connections): `TOO_MANY_DOWNLOADS` or `RATE_LIMITED` with `retryAfter`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { identityLabel } from "./auth.ts";
import { chosenColumns } from "./column_choice.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import { exportStep } from "./export_step.ts";
import {
  type ExportEffect,
  type ExportEvent,
  type ExportProgress,
  exportStatus,
  initialExportState,
  rowsPerFrame,
} from "./export_state.ts";
import type {
  DownloadRequest,
  DownloadStatus,
  ProgressUpdate,
  ResumePoint,
  ServerMessage,
} from "./messages.ts";
import { batchAdd, batchDrop, batchFlush, type ProgressBatch } from "./progress_state.ts";
import type { ValidatedRequest } from "./request.ts";
import type { Result } from "./result.ts";
import type {
  AdmitVerdict,
  AuthorizeAnswer,
  PendingDownload,
  SessionEffect,
  SessionState,
} from "./session_state.ts";
import { downloadDataset, validateAsked } from "./session_datasets.ts";
import { askEstimate } from "./session_estimate.ts";
import type { SessionChange } from "./session_sign_in.ts";
import { refusedRequest } from "./session_replies.ts";

/** Finished downloads remembered per connection, for `status:check` and late acks. */
export const FINISHED_KEPT = 64;

const validate = (state: SessionState, request: DownloadRequest) =>
  validateAsked(state.config, state.identity, request);

/** Admission of a `download:request` (or, with `resume`, a `download:resume`): steps 1–4. */
export function startDownload(
  state: SessionState,
  requestId: string,
  asked: DownloadRequest,
  resume: ResumePoint | undefined,
  now: number,
): SessionChange {
  if (state.downloads.some((d) => d.requestId === requestId)) {
    return refusedRequest(state, requestId, errorResponse("DUPLICATE_REQUEST"), now);
  }
  const { maxDownloads } = state.config;
  if (state.downloads.length >= maxDownloads) {
    return refusedRequest(
      state,
      requestId,
      errorResponse("TOO_MANY_DOWNLOADS", { limit: maxDownloads }),
      now,
    );
  }
  const validated = validate(state, asked);
  if (!validated.ok) return refusedRequest(state, requestId, validated.error, now);
  const pending: PendingDownload = {
    job: state.nextJob,
    requestId,
    asked,
    validated: validated.value,
    ...(resume === undefined ? {} : { resume }),
  };
  const next = { ...state, nextJob: state.nextJob + 1 };
  if (!state.config.authorize) return admitDownload(next, pending, validated.value, now);
  return {
    state: { ...next, waiting: { for: "authorize", pending } },
    effects: [{ type: "authorize", job: pending.job, identity: state.identity, request: asked }],
  };
}

/** The `authorize` hook answered: step 4. */
export function authorized(
  state: SessionState,
  job: number,
  answer: AuthorizeAnswer,
  now: number,
): SessionChange {
  const wait = state.waiting;
  if (wait?.for !== "authorize" || wait.pending.job !== job) return { state, effects: [] };
  const { pending } = wait;
  const hookFailed = errorResponse("INTERNAL_ERROR", { reason: "authorize" });
  if ("failed" in answer) return refusedRequest(state, pending.requestId, hookFailed, now);
  const decision = answer.value;
  // An estimate (session_estimate.ts) passes the hook as its download would, then reads.
  const admit = pending.estimate === true ? askEstimate : admitDownload;
  if (decision === true) return admit(state, pending, pending.validated, now);
  if (decision === false) {
    return refusedRequest(state, pending.requestId, errorResponse("FORBIDDEN"), now);
  }
  const filters = (decision as { filters?: unknown } | null)?.filters;
  // A hook bug: refuse rather than guess what it meant to allow.
  const bug = (): SessionChange => {
    const change = refusedRequest(state, pending.requestId, hookFailed, now);
    const log: SessionEffect = {
      type: "log",
      message: "sluice: the authorize hook answered neither a boolean nor { filters: [...] }:",
      error: decision,
    };
    return { state: change.state, effects: [log, ...change.effects] };
  };
  if (!Array.isArray(filters)) return bug();
  const { asked } = pending;
  const narrowed = {
    ...asked,
    searchParams: { ...asked.searchParams, filters: [...asked.searchParams.filters, ...filters] },
  };
  let checked: Result<ValidatedRequest, ErrorResponse>;
  try {
    checked = validate(state, narrowed);
  } catch (_notFilters) {
    // Filters that are not even objects: the hook's bug, as above.
    return bug();
  }
  if (!checked.ok) return refusedRequest(state, pending.requestId, checked.error, now);
  return admit(state, pending, checked.value, now);
}

/** Step 5: a signed-in identity asks the limiter; an anonymous client starts at once. */
function admitDownload(
  state: SessionState,
  pending: PendingDownload,
  request: ValidatedRequest,
  now: number,
): SessionChange {
  const identity = state.identity;
  if (identity === undefined) return begin(state, pending, request, false, now);
  return {
    state: { ...state, waiting: { for: "admit", pending, request } },
    effects: [{ type: "admit", job: pending.job, identity: identityLabel(identity) }],
  };
}

/** The limiter answered: step 5. */
export function admitted(
  state: SessionState,
  job: number,
  verdict: AdmitVerdict,
  now: number,
): SessionChange {
  const wait = state.waiting;
  if (wait?.for !== "admit" || wait.pending.job !== job) return { state, effects: [] };
  const { pending, request } = wait;
  if (verdict.ok) return begin(state, pending, request, true, now);
  const error = verdict.limit === "concurrent"
    ? errorResponse("TOO_MANY_DOWNLOADS", { limit: verdict.max })
    : errorResponse("RATE_LIMITED", { limit: verdict.max }, { retryAfter: verdict.retryAfter });
  return refusedRequest(state, pending.requestId, error, now);
}

/** Admitted: the download runs, and first reads the source's high-water mark. */
function begin(
  state: SessionState,
  pending: PendingDownload,
  request: ValidatedRequest,
  limited: boolean,
  now: number,
): SessionChange {
  const download = initialExportState({
    job: pending.job,
    requestId: pending.requestId,
    request,
    ...(pending.resume === undefined ? {} : { resume: pending.resume }),
    limited,
    now,
    frameRows: rowsPerFrame(
      chosenColumns(downloadDataset(state.config, request.dataset).columns, request.columns),
      request.outputFormat,
      state.config.exports.frameBytes,
    ),
  });
  return {
    state: {
      ...state,
      waiting: undefined,
      downloads: [...state.downloads, download],
      finished: state.finished.filter((s) => s.requestId !== pending.requestId),
    },
    effects: [{
      type: "readHighWaterMark",
      job: pending.job,
      ...(request.dataset === undefined ? {} : { dataset: request.dataset }),
    }],
  };
}

function progressMessage(update: ProgressUpdate, now: number): SessionEffect {
  const message: ServerMessage = {
    event: "download:progress",
    data: update,
    timestamp: now,
    requestId: update.requestId,
  };
  return { type: "send", message };
}

/** Progress reports of one step, batched in their place among its effects. */
function batched(
  effects: readonly (ExportEffect | ExportProgress)[],
  progress: ProgressBatch,
  now: number,
): { effects: SessionEffect[]; progress: ProgressBatch } {
  const out: SessionEffect[] = [];
  for (const effect of effects) {
    if (effect.type !== "progress") {
      out.push(effect);
      continue;
    }
    const added = batchAdd(progress, effect.update, now);
    const flushed = effect.final ? batchFlush(added.batch) : { batch: added.batch, flushed: [] };
    progress = flushed.batch;
    for (const update of [...added.flushed, ...flushed.flushed]) {
      out.push(progressMessage(update, now));
    }
  }
  return { effects: out, progress };
}

/**
 * Applies an event to the running download at `index`, and folds the
 * outcome into the connection: its messages and frames, batched progress,
 * its frames' bytes on the socket (asking the shell to say when it drained
 * once they pass the bound), and, when it ended, the finished memory, the
 * progress it leaves pending, and its identity's slot.
 */
export function stepDownload(
  state: SessionState,
  index: number,
  event: ExportEvent,
  now: number,
): SessionChange {
  const download = state.downloads[index];
  const { config } = state;
  const dataset = downloadDataset(config, download.request.dataset);
  const r = exportStep(download, event, {
    columns: dataset.columns,
    keyIndex: dataset.keyIndex,
    rowFiltered: dataset.rowFilter !== undefined,
    limits: dataset.exports,
    ports: config.ports,
    socketQueued: state.socketQueued,
    draining: state.draining,
    now,
  });
  const { effects, progress } = batched(r.effects, state.progress, now);
  const running = r.target === "pinning" || r.target === "counting" ||
    r.target === "reading" || r.target === "waiting";
  let next: SessionState = { ...state, progress, socketQueued: state.socketQueued + r.sent };
  if (running) {
    next = { ...next, downloads: next.downloads.map((d, i) => i === index ? r.state : d) };
  } else {
    const kept = r.target === "aborted"
      ? next.finished
      : [...next.finished, exportStatus(r.state)].slice(-FINISHED_KEPT);
    next = {
      ...next,
      downloads: next.downloads.filter((_, i) => i !== index),
      finished: kept,
      progress: batchDrop(next.progress, download.requestId),
    };
    if (download.limited) effects.push({ type: "release", job: download.job });
    effects.push({ type: "jobEnded", job: download.job });
  }
  const limit = config.exports.socketBufferBytes;
  if (!next.draining && next.socketQueued > limit) {
    next = { ...next, draining: true };
    effects.push({ type: "awaitDrain", atMost: limit });
  }
  return { state: next, effects };
}

/**
 * The shell says the socket holds `buffered` bytes now: downloads that
 * waited for it go on, in the order they were admitted.
 */
export function drained(state: SessionState, buffered: number, now: number): SessionChange {
  const limit = state.config.exports.socketBufferBytes;
  if (buffered > limit) {
    // Not drained enough (a shell that answers early): ask again.
    return {
      state: { ...state, socketQueued: buffered, draining: true },
      effects: [{ type: "awaitDrain", atMost: limit }],
    };
  }
  let next: SessionState = { ...state, socketQueued: buffered, draining: false };
  const effects: SessionEffect[] = [];
  const waiting = state.downloads.filter((d) => d.stage === "waiting").map((d) => d.job);
  for (const job of waiting) {
    const index = next.downloads.findIndex((d) => d.job === job);
    if (index === -1) continue;
    const r = stepDownload(next, index, { type: "drained" }, now);
    next = r.state;
    effects.push(...r.effects);
  }
  return { state: next, effects };
}

/** Stops every running download without a word, releasing their identities' slots. */
export function abortDownloads(state: SessionState, now: number): SessionChange {
  let next = state;
  const effects: SessionEffect[] = [];
  while (next.downloads.length > 0) {
    const r = stepDownload(next, 0, { type: "abort" }, now);
    next = r.state;
    effects.push(...r.effects);
  }
  return { state: next, effects };
}

/**
 * What `status:check` reports: finished downloads (oldest first), then
 * running ones (in the order they were admitted).
 */
export function statuses(state: SessionState): DownloadStatus[] {
  return [...state.finished, ...state.downloads.map(exportStatus)];
}
