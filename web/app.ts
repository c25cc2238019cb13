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
  type Filter,
  type OutputFormat,
  parseSchemaDocument,
} from "./sluice_client.js";
import { ConnectionBadge } from "./connection_badge.ts";
import { DownloadCard } from "./download_card.ts";
import { FilterEditor } from "./filter_editor.ts";
import { OPERATOR_LABELS } from "./filter_input.ts";
import { instant } from "./format.ts";
import { PageSignIn } from "./page_sign_in.ts";
import { canStreamToFile, chooseTarget } from "./save_target.ts";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

const FILE_TYPES: Readonly<Record<OutputFormat, { mime: string; extension: string }>> = {
  csv: { mime: "text/csv", extension: "csv" },
  json: { mime: "application/json", extension: "json" },
  ndjson: { mime: "application/x-ndjson", extension: "ndjson" },
};

/** The socket lives at the page's own origin, on any path; `/` it is. */
const socketUrl = new URL("/", location.href);
socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";

/** Card states in which a download still depends on the client that started it. */
const UNFINISHED: readonly string[] = ["queued", "running", "paused"];

const badge = new ConnectionBadge({
  root: byId("connection"),
  text: byId("connection-text"),
  rtt: byId("rtt"),
  reconnect: byId("reconnect"),
});
const notice = byId<HTMLParagraphElement>("notice");
const cards = new Set<DownloadCard>();
const filters = new FilterEditor(byId("filters"), byId("filter-template"));
const form = byId<HTMLFormElement>("export-form");
const formError = byId<HTMLParagraphElement>("form-error");
const downloads = byId<HTMLOListElement>("downloads");
const addFilter = byId<HTMLButtonElement>("add-filter");

function showNotice(text: string | undefined): void {
  notice.hidden = text === undefined;
  notice.textContent = text ?? "";
}

const signIn = new PageSignIn({
  url: socketUrl,
  panel: byId("signin"),
  badge,
  unfinished: () => [...cards].filter((card) => UNFINISHED.includes(card.state)).length,
  connectionChanged: (open) => {
    for (const card of cards) card.connectionChanged(open);
  },
  notice: showNotice,
});

byId("reconnect").addEventListener("click", () => signIn.connect());
addEventListener("online", () => {
  if (signIn.client?.session().phase === "failed") signIn.connect();
});
addEventListener("beforeunload", (event) => {
  // Leaving the page ends its downloads: ask first while any is running.
  if ([...cards].some((c) => UNFINISHED.includes(c.state))) {
    event.preventDefault();
  }
});

async function loadSchema(): Promise<void> {
  const problem = byId<HTMLParagraphElement>("schema-error");
  try {
    const response = await fetch("/schema.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parsed = parseSchemaDocument(await response.text());
    if (!parsed.ok) throw new Error(`${parsed.error.code} at ${parsed.error.details?.path}`);
    filters.setSchema(parsed.value);
    addFilter.disabled = !filters.available;
    problem.hidden = true;
  } catch (error) {
    problem.textContent = `Filters are unavailable: the server's columns could not be loaded (${
      error instanceof Error ? error.message : error
    }).`;
    problem.hidden = false;
  }
}

/** `2024-01-31T09:30` from a datetime-local box, read as UTC, in the protocol's form. */
function utc(value: string): string | undefined {
  return value === "" ? undefined : `${value}Z`;
}

/** `20240131` or `20240131T093000` for a file name. */
function stamp(value: string): string {
  const [date, time = ""] = value.split("T");
  const clock = time.replaceAll(":", "").split(".")[0].padEnd(6, "0");
  return date.replaceAll("-", "") + (/^0+$/.test(clock) ? "" : `T${clock}`);
}

function describeFilter(filter: Filter): string {
  const value = Array.isArray(filter.value)
    ? filter.value.join(filter.operator === "between" ? " – " : ", ")
    : String(filter.value);
  return `${filter.field} ${OPERATOR_LABELS[filter.operator]} ${value}`;
}

function showFormError(text: string | undefined): void {
  formError.hidden = text === undefined;
  formError.textContent = text ?? "";
}

/** Reads the form; `undefined` (with the problem shown) when it is incomplete. */
function readForm(): DownloadRequest | undefined {
  const from = utc(byId<HTMLInputElement>("from").value);
  const to = utc(byId<HTMLInputElement>("to").value);
  if (from === undefined || to === undefined) {
    showFormError("Choose both ends of the time range.");
    return undefined;
  }
  const chosen = filters.filters();
  if (!chosen.ok) {
    showFormError(chosen.error);
    return undefined;
  }
  const data = new FormData(form);
  return {
    searchParams: { timeFrom: from, timeTo: to, filters: chosen.value },
    outputFormat: data.get("format") as OutputFormat,
    compression: byId<HTMLInputElement>("gzip").checked,
  };
}

const NOT_SIGNED_IN =
  "The page is not signed in: connect your wallet in the Sign in panel, or use the browser key.";

/** A request id from `getRandomValues`, which (unlike `randomUUID`) plain-HTTP pages have too. */
function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Asks where to save, then starts the download and its card. */
async function startExport(request: DownloadRequest): Promise<void> {
  // No identity, no sign-in: the page has none while a wallet has not shared an account.
  if (signIn.client === undefined) return showFormError(NOT_SIGNED_IN);
  const type = FILE_TYPES[request.outputFormat];
  const { timeFrom, timeTo, filters: chosen } = request.searchParams;
  const extension = request.compression ? `${type.extension}.gz` : type.extension;
  const name = `sluice-${stamp(timeFrom.slice(0, -1))}-${stamp(timeTo.slice(0, -1))}.${extension}`;
  const target = await chooseTarget(
    name,
    request.compression ? "application/gzip" : type.mime,
    request.compression ? "gz" : type.extension,
  );
  if (target === undefined) return; // the person closed the picker
  const client = signIn.client;
  if (client === undefined) {
    // Switched to a wallet while the picker was open, and the wallet has not shared an account.
    await target.writable.abort(new Error("not signed in"));
    return showFormError(NOT_SIGNED_IN);
  }
  // The file's SHA-256, shown when it is saved (the chain value of the protocol is not one).
  const download = client.download(request, { requestId: requestId(), sha256: true });
  const summary = [
    `${request.outputFormat.toUpperCase()}${request.compression ? " · gzip" : ""}`,
    `${instant(timeFrom)} → ${instant(timeTo)} UTC`,
    ...chosen.map(describeFilter),
  ].join(" · ");
  const card = new DownloadCard({
    template: byId("download-template"),
    name,
    summary,
    download,
    target,
    connected: client.isConnected(),
  });
  cards.add(card);
  downloads.prepend(card.element);
  if (client.session().phase === "failed") signIn.connect();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  showFormError(undefined);
  const request = readForm();
  if (request === undefined) return;
  startExport(request).catch((error) => {
    showFormError(
      `The download could not start: ${error instanceof Error ? error.message : error}`,
    );
  });
});
addFilter.addEventListener("click", () => filters.add());

byId("save-hint").textContent = canStreamToFile()
  ? "You choose where to save; the file is written as the data arrives."
  : "Your browser keeps the data until the download completes, then saves the file.";

signIn.start();
loadSchema();
