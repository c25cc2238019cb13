/// <reference lib="dom" />
/**
 * The demo page's script: the sign-in and the one sluice client it builds
 * (rebuilt when the identity changes), the export form (time range,
 * filters from `/schema.json`, format, gzip), one card per download, and the
 * connection badge. Bundled to `web/app.js` by `deno task bundle`; the
 * client itself stays in `/sluice_client.js`, the same module any other
 * page imports.
 *
 * `startExport` is the one place a request leaves the page; the client it
 * sends through is `PageSignIn`'s (`page_sign_in.ts`), built for whoever
 * the sign-in panel says.
 *
 * @module
 */

import {
  type DownloadRequest,
  type OutputFormat,
  parseSchemaDocument,
  type SchemaColumn,
} from "./sluice_client.js";
import { ColumnPicker } from "./column_picker.ts";
import { ConnectionBadge } from "./connection_badge.ts";
import { PRESET_LABELS, presetOf, presetRange, PRESETS } from "./date_presets.ts";
import { DownloadCard } from "./download_card.ts";
import { DatasetPicker } from "./dataset_picker.ts";
import { DownloadHistory } from "./download_history.ts";
import { ERROR_HELP } from "./error_text.ts";
import { EstimateView } from "./estimate_view.ts";
import { fileName } from "./file_name.ts";
import { FilterEditor } from "./filter_editor.ts";
import { showHistory } from "./history_list.ts";
import { KeepInView } from "./keep_in_view.ts";
import { TabNotice } from "./tab_notice.ts";
import { ended } from "./history_record.ts";
import { PageSignIn } from "./page_sign_in.ts";
import { boxToIso, isoToBox } from "./range_box.ts";
import { checkRequest, type FormProblem } from "./request_check.ts";
import { requestSummary } from "./request_summary.ts";
import { canStreamToFile, chooseTarget } from "./save_target.ts";
import { ValueSuggestions } from "./value_suggestions.ts";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

const MIME_TYPES: Readonly<Record<OutputFormat, string>> = {
  csv: "text/csv",
  json: "application/json",
  ndjson: "application/x-ndjson",
};

/** The socket lives at the page's own origin, on any path; `/` it is. */
const socketUrl = new URL("/", location.href);
socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";

/** Card states in which a download still depends on the client that started it. */
const UNFINISHED: readonly string[] = ["queued", "running", "paused"];

const badge = new ConnectionBadge({
  root: byId("connection"),
  text: byId("connection-text"),
  who: byId("connection-who"),
  rtt: byId("rtt"),
  reconnect: byId("reconnect"),
});
const notice = byId<HTMLParagraphElement>("notice");
const cards = new Set<DownloadCard>();
const suggestions = new ValueSuggestions(byId("value-lists"));
const filters = new FilterEditor(
  byId("filters"),
  byId("filter-template"),
  (column) => suggestions.listFor(column),
);
const columnPicker = new ColumnPicker(byId("columns"));
const form = byId<HTMLFormElement>("export-form");
const formError = byId<HTMLParagraphElement>("form-error");
const rangeError = byId<HTMLParagraphElement>("range-error");
const fromBox = byId<HTMLInputElement>("from");
const toBox = byId<HTMLInputElement>("to");
const preset = byId<HTMLSelectElement>("preset");
const startButton = byId<HTMLButtonElement>("start");
const startBlocked = byId<HTMLParagraphElement>("start-blocked");
const downloads = byId<HTMLOListElement>("downloads");
const cardInView = new KeepInView(notice, byId("request-column"));
const addFilter = byId<HTMLButtonElement>("add-filter");
const history = new DownloadHistory();
/** The server's columns, once `/schema.json` is read: the filters are checked against them. */
let columns: readonly SchemaColumn[] | undefined;
/** The filters and the checks follow the dataset picked. */
const datasets = new DatasetPicker(byId("dataset-field"), byId("dataset"), (picked) => {
  columns = picked;
  filters.setSchema({ columns: picked });
  columnPicker.setColumns(picked);
  suggestions.clear();
  addFilter.disabled = !filters.available;
  refreshEstimate();
});

function showNotice(text: string | undefined): void {
  notice.hidden = text === undefined;
  notice.textContent = text ?? "";
}

const unfinished = () => [...cards].filter((card) => UNFINISHED.includes(card.state));

const signIn = new PageSignIn({
  url: socketUrl,
  panel: byId("signin"),
  badge,
  unfinished: () => unfinished().length,
  connectionChanged: (open) => {
    for (const card of cards) card.connectionChanged(open);
    if (open) refreshEstimate();
  },
  notice: showNotice,
  // What cannot work is not offered: Download waits, saying why, until signing in can succeed.
  blocked: (reason) => {
    startButton.disabled = reason !== undefined;
    startBlocked.hidden = reason === undefined;
    startBlocked.textContent = reason ?? "";
  },
});

byId("reconnect").addEventListener("click", () => signIn.connect());
addEventListener("online", () => {
  if (signIn.client?.session().phase === "failed") signIn.connect();
});
addEventListener("beforeunload", (event) => {
  // Leaving the page ends its downloads: ask first while any is running.
  if (unfinished().length > 0) event.preventDefault();
});

async function loadSchema(): Promise<void> {
  const problem = byId<HTMLParagraphElement>("schema-error");
  try {
    const response = await fetch("/schema.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parsed = parseSchemaDocument(await response.text());
    if (!parsed.ok) throw new Error(`${parsed.error.code} at ${parsed.error.details?.path}`);
    datasets.load(parsed.value);
    signIn.offerTokens(parsed.value.tokens === true);
    problem.hidden = true;
  } catch (error) {
    signIn.offerTokens(false);
    problem.textContent = `Filters are unavailable: the server's columns could not be loaded (${
      error instanceof Error ? error.message : error
    }).`;
    problem.hidden = false;
  }
}

/**
 * Reads the form: the request, or its first problem. A problem with a code is one the server
 * would refuse with that code; one without is something not yet filled in.
 */
function readForm(): { ok: true; value: DownloadRequest } | { ok: false; error: FormProblem } {
  const from = boxToIso(fromBox.value);
  const to = boxToIso(toBox.value);
  if (from === undefined || to === undefined) {
    const place = from === undefined ? { kind: "from" as const } : { kind: "to" as const };
    return { ok: false, error: { place, code: "", text: "Choose both ends of the time range." } };
  }
  const chosen = filters.filters();
  if (!chosen.ok) {
    const { index, text } = chosen.error;
    return { ok: false, error: { place: { kind: "filter", index }, code: "", text } };
  }
  const data = new FormData(form);
  const dataset = datasets.picked;
  const picked = columnPicker.chosen();
  if (picked?.length === 0) {
    return { ok: false, error: { place: { kind: "form" }, code: "", text: "Tick a column." } };
  }
  const request: DownloadRequest = {
    searchParams: {
      ...(dataset === undefined ? {} : { dataset }),
      timeFrom: from,
      timeTo: to,
      filters: chosen.value,
      ...(picked === undefined ? {} : { columns: picked }),
    },
    outputFormat: data.get("format") as OutputFormat,
    compression: byId<HTMLInputElement>("gzip").checked,
  };
  const problem = checkRequest(request, columns);
  return problem === undefined ? { ok: true, value: request } : { ok: false, error: problem };
}

/** How big the download of what the form holds would be: asked for a moment after it changed. */
const estimates = new EstimateView({
  summary: byId("estimate-summary"),
  table: byId("preview"),
  ask: (request) => signIn.client?.isConnected() ? signIn.client.estimate(request) : undefined,
  values: (values) => suggestions.add(values),
});

function refreshEstimate(): void {
  const read = readForm();
  estimates.refresh(read.ok ? read.value : undefined);
}

/** Shows `problem` beside the part of the form it concerns, and clears every other mark. */
function showProblem(problem: FormProblem | undefined, focus: boolean): void {
  const place = problem?.place;
  const text = problem === undefined
    ? ""
    : problem.code === ""
    ? problem.text
    : `${problem.code}: ${problem.text}`;
  const onRange = place?.kind === "from" || place?.kind === "to" || place?.kind === "range";
  rangeError.hidden = !onRange;
  rangeError.textContent = onRange ? text : "";
  for (const [box, kind] of [[fromBox, "from"], [toBox, "to"]] as const) {
    const marked = place?.kind === kind || place?.kind === "range";
    if (marked) box.setAttribute("aria-invalid", "true");
    else box.removeAttribute("aria-invalid");
    if (marked && focus && (place?.kind !== "range" || kind === "to")) box.focus();
  }
  filters.mark(place?.kind === "filter" ? { index: place.index, text } : undefined, focus);
  showFormError(place?.kind === "form" ? text : undefined);
}

function showFormError(text: string | undefined): void {
  formError.hidden = text === undefined;
  formError.textContent = text ?? "";
}

/** A request id from `getRandomValues`, which (unlike `randomUUID`) plain-HTTP pages have too. */
function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Names already given: the cards on the page and the remembered downloads. */
function takenNames(): Set<string> {
  return new Set([...history.records.map((r) => r.name), ...[...cards].map((c) => c.name)]);
}

/** Asks where to save, then starts the download, its card and its history record. */
async function startExport(request: DownloadRequest): Promise<void> {
  const type = request.outputFormat;
  const name = fileName(request, takenNames());
  const target = await chooseTarget(
    name,
    request.compression ? "application/gzip" : MIME_TYPES[type],
    request.compression ? "gz" : type,
  );
  if (target === undefined) return; // the person closed the picker
  const client = signIn.client;
  if (client === undefined) {
    // Switched to a wallet while the picker was open, and the wallet has not shared an account.
    await target.writable.abort(new Error("not signed in"));
    return showFormError("Not signed in: the download did not start.");
  }
  // The file's SHA-256, shown when it is saved (the chain value of the protocol is not one).
  const download = client.download(request, { requestId: requestId(), sha256: true });
  const start = {
    id: download.requestId,
    request,
    name,
    startedAt: Date.now(),
    outcome: "running" as const,
  };
  let remembered: Promise<void> = Promise.resolve();
  const card = new DownloadCard({
    template: byId("download-template"),
    name,
    summary: requestSummary(request),
    download,
    target,
    connected: client.isConnected(),
    ended: (end) => {
      tab.ended(end.outcome, name);
      void remembered.then(() => history.put(ended(start, Date.now(), end))).catch((error) => {
        console.warn("sluice: the download history was not saved:", error);
      });
    },
  });
  cards.add(card);
  // After the card: the history draws this record as running only while a card runs it.
  remembered = history.put(start).catch((error) => {
    console.warn("sluice: the download history was not saved:", error);
  });
  downloads.prepend(card.element);
  tab.show();
  // On a phone the list sits below the form: bring the new card into view.
  cardInView.show(card.element);
  if (client.session().phase === "failed") signIn.connect();
}

function start(request: DownloadRequest): void {
  startExport(request).catch((error) => {
    showFormError(
      `The download could not start: ${error instanceof Error ? error.message : error}`,
    );
  });
}

/** Whether Download was pressed: until it starts, what is missing is shown as the person edits. */
let submitted = false;

/** The tab's title counts downloads, and what ended while it was hidden. */
const tab = new TabNotice(() => unfinished().length);

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submitted = true;
  const read = readForm();
  showProblem(read.ok ? undefined : read.error, true);
  if (!read.ok) return;
  submitted = false;
  start(read.value);
});
// Checked as the person edits: a refusal the server would give shows at once; something only
// not yet filled in waits until Download was pressed.
form.addEventListener("change", (event) => {
  if (event.target === fromBox || event.target === toBox) {
    preset.value = boxedPreset();
  }
  const show = () => {
    const read = readForm();
    const problem = read.ok ? undefined : read.error;
    showProblem(problem?.code === "" && !submitted ? undefined : problem, false);
    estimates.refresh(read.ok ? read.value : undefined);
  };
  // A box's change comes with the press that leaves it (on a radio, a button): a message shown
  // now would move what is being pressed from under the pointer, so it waits for the click.
  if (pressing) afterPress = show;
  else show();
});

/** Whether a pointer is down, and what to show once it is released and its click is done. */
let pressing = false;
let afterPress: (() => void) | undefined;
addEventListener("pointerdown", () => pressing = true, true);
for (const type of ["pointerup", "pointercancel"]) {
  addEventListener(type, () => {
    pressing = false;
    const pending = afterPress;
    afterPress = undefined;
    if (pending !== undefined) setTimeout(pending, 0);
  }, true);
}
addFilter.addEventListener("click", () => filters.add());
// Typing moves the estimate too, once the typing settles (the view waits for that).
form.addEventListener("input", refreshEstimate);

/** The preset the range boxes hold now, if any. */
function boxedPreset(): typeof PRESETS[number] {
  const local = (box: HTMLInputElement) => (boxToIso(box.value) ?? "").replace(/Z$/, "");
  return presetOf(local(fromBox), local(toBox), Date.now());
}

for (const p of PRESETS) preset.add(new Option(PRESET_LABELS[p], p));
preset.value = boxedPreset();
preset.addEventListener("change", () => {
  const range = presetRange(preset.value as typeof PRESETS[number], Date.now());
  if (range === undefined) return;
  fromBox.value = isoToBox(range.from);
  toBox.value = isoToBox(range.to);
  // The change goes on to the form's listener, which checks what the boxes now hold.
});

const historyList = {
  list: byId<HTMLOListElement>("history"),
  template: byId<HTMLTemplateElement>("history-template"),
  active: (id: string) => unfinished().some((card) => card.requestId === id),
  // The same request again, checked against today's columns first: the server may have changed.
  again: (request: DownloadRequest) => {
    if (startButton.disabled) return showFormError(startBlocked.textContent ?? undefined);
    const { dataset } = request.searchParams;
    if (datasets.loaded && datasets.columnsOf(dataset) === undefined) {
      return showFormError(`UNKNOWN_DATASET: ${ERROR_HELP.UNKNOWN_DATASET} (${dataset})`);
    }
    const problem = checkRequest(request, datasets.columnsOf(dataset));
    if (problem !== undefined) return showFormError(`${problem.code}: ${problem.text}`);
    showFormError(undefined);
    start(request);
  },
};
history.onChange((records) => showHistory(historyList, records));

byId("save-hint").textContent = canStreamToFile()
  ? "You choose where to save; the file is written as the data arrives."
  : "Your browser keeps the data until the download completes, then saves the file.";

signIn.start();
loadSchema();
history.load().catch((error) => console.warn("sluice: the download history is unreadable:", error));
