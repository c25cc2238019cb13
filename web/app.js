// Generated from web/app.ts by `deno task bundle`; do not edit (tests/web_bundle_test.ts checks it).
// web/app.ts
import { parseSchemaDocument } from "./sluice_client.js";

// web/column_picker.ts
var ColumnPicker = class {
  #list;
  #boxes = [];
  /** Fills `list` with a labelled checkbox per column. */
  constructor(list) {
    this.#list = list;
  }
  /** The dataset's columns: each gets a ticked box (a dataset picked again starts afresh). */
  setColumns(columns2) {
    this.#boxes = columns2.map((column) => {
      const box2 = document.createElement("input");
      box2.type = "checkbox";
      box2.checked = true;
      box2.value = column.name;
      box2.name = "column";
      return box2;
    });
    this.#list.replaceChildren(...this.#boxes.map((box2) => {
      const item = document.createElement("li");
      const label = document.createElement("label");
      label.className = "check";
      const name = document.createElement("span");
      name.textContent = box2.value;
      label.append(box2, name);
      item.append(label);
      return item;
    }));
  }
  /**
   * The ticked columns when some are not (`undefined` when all are, or
   * the page has no schema yet); an empty list when none is.
   */
  chosen() {
    const ticked = this.#boxes.filter((box2) => box2.checked).map((box2) => box2.value);
    return ticked.length === this.#boxes.length ? void 0 : ticked;
  }
};

// web/format.ts
var integer = new Intl.NumberFormat("en-US", {
  maximumFractionDigits: 0
});
function count(n) {
  return integer.format(n);
}
var UNITS = [
  "B",
  "KiB",
  "MiB",
  "GiB",
  "TiB"
];
function byteSize(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}
function duration(ms) {
  if (ms < 0 || !Number.isFinite(ms)) return "\u2013";
  const s = Math.ceil(ms / 1e3);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}
function percent(p) {
  return `${Math.min(100, Math.max(0, p)).toFixed(1)} %`;
}
function rowRate(rowsPerSecond) {
  return `${count(rowsPerSecond)} rows/s`;
}
function instant(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const text = new Date(ms).toISOString().replace("T", " ").replace(/(\.000)?Z$/, "");
  return text.endsWith(":00") ? text.slice(0, -3) : text;
}
function shortIdentity(identity) {
  return identity.length <= 12 ? identity : `${identity.slice(0, 6)}\u2026${identity.slice(-4)}`;
}

// web/connection_badge.ts
var PHASE_TEXT = {
  idle: "Not connected",
  connecting: "Connecting\u2026",
  authenticating: "Signing in\u2026",
  open: "Connected",
  reconnecting: "Reconnecting\u2026",
  failed: "Offline",
  closed: "Closed"
};
var ConnectionBadge = class {
  #el;
  /** Draws into `elements`. */
  constructor(elements) {
    this.#el = elements;
  }
  /** The connection moved to `phase`. */
  phase(phase) {
    this.#el.root.dataset.phase = phase;
    delete this.#el.root.dataset.refused;
    this.#el.text.textContent = PHASE_TEXT[phase];
    this.#el.reconnect.hidden = phase !== "failed";
    if (phase !== "open") this.#el.rtt.textContent = "";
  }
  /**
   * The connection failed because signing in did (the server refused the
   * identity, or the page refused the server): say that rather than
   * "Offline", which would send the person to check their network.
   */
  refused() {
    this.phase("failed");
    this.#el.root.dataset.refused = "true";
    this.#el.text.textContent = "Sign-in refused";
  }
  /**
   * The identity the client signs in as (a public key or an address), shortened,
   * the whole of it in the tooltip; `undefined` for none.
   */
  identity(identity) {
    this.#el.who.textContent = identity === void 0 ? "" : `as ${shortIdentity(identity)}`;
    this.#el.who.title = identity ?? "";
  }
  /** A keep-alive came back after `ms`. */
  rtt(ms) {
    this.#el.rtt.textContent = `RTT ${Math.round(ms)} ms`;
  }
};

// web/date_presets.ts
var PRESETS = [
  "custom",
  "today",
  "last7",
  "thisMonth",
  "lastMonth",
  "thisYear"
];
var PRESET_LABELS = {
  custom: "Custom",
  today: "Today",
  last7: "Last 7 days",
  thisMonth: "This month",
  lastMonth: "Last month",
  thisYear: "This year"
};
function box(year, month, day) {
  return new Date(Date.UTC(year, month, day)).toISOString().slice(0, 19);
}
function presetRange(preset2, now) {
  const d = new Date(now);
  const y = d.getUTCFullYear(), m = d.getUTCMonth(), day = d.getUTCDate();
  switch (preset2) {
    case "custom":
      return void 0;
    case "today":
      return {
        from: box(y, m, day),
        to: box(y, m, day + 1)
      };
    case "last7":
      return {
        from: box(y, m, day - 6),
        to: box(y, m, day + 1)
      };
    case "thisMonth":
      return {
        from: box(y, m, 1),
        to: box(y, m + 1, 1)
      };
    case "lastMonth":
      return {
        from: box(y, m - 1, 1),
        to: box(y, m, 1)
      };
    case "thisYear":
      return {
        from: box(y, 0, 1),
        to: box(y + 1, 0, 1)
      };
  }
}
function presetOf(from, to, now) {
  const norm = (v) => v.length === 16 ? `${v}:00` : v;
  return PRESETS.find((p) => {
    const r = presetRange(p, now);
    return r !== void 0 && r.from === norm(from) && r.to === norm(to);
  }) ?? "custom";
}

// web/error_text.ts
var BUG = "This is a bug in the page or the server; please report it.";
var RETRY = "The download continues by itself when the connection is back.";
var ERROR_HELP = {
  MALFORMED_JSON: `The server could not read a message from this page. ${BUG}`,
  MESSAGE_TOO_LARGE: "The request is too large. Use fewer filters or shorter lists of values.",
  TOO_MANY_MESSAGES: `The page sent requests faster than the server handles them. ${BUG}`,
  NESTING_TOO_DEEP: `The server refused a message from this page. ${BUG}`,
  FORBIDDEN_KEY: `The server refused a message from this page. ${BUG}`,
  UNKNOWN_EVENT: `The server does not understand this page's request. ${BUG}`,
  UNEXPECTED_EVENT: `The server does not understand this page's request. ${BUG}`,
  MISSING_FIELD: "Part of the request is missing. Check the time range and every filter.",
  UNKNOWN_FIELD: `The request has a field the server does not know. ${BUG}`,
  INVALID_TYPE: "A value in the request has the wrong type. Check every filter's value.",
  INVALID_VALUE: "A value in the request is not allowed. Check the time range and the filters.",
  NON_FINITE_NUMBER: "A number in the request is too large. Check every filter's value.",
  STRING_TOO_LONG: "A value is too long. Shorten the filter values.",
  ARRAY_TOO_LONG: "A list has too many values. Use fewer values in \u201Cis one of\u201D.",
  INVALID_DATE: "A date is not valid. Use a real date and time, such as 2024-01-31 23:59:59.",
  INVALID_RANGE: "The time range is empty: \u201CFrom\u201D must be before \u201CTo\u201D.",
  UNSUPPORTED_FORMAT: "The server cannot write that format. Choose CSV, JSON or NDJSON.",
  UNKNOWN_DATASET: "The server has no such dataset. Reload the page to see the ones it has.",
  UNKNOWN_COLUMN: "A filter or the column choice names a column the server does not have.",
  INVALID_OPERATOR: "A filter's operator does not apply to its column. Choose another operator.",
  INVALID_FILTER_VALUE: "A filter's value does not fit its column, such as letters for a number or too many decimals.",
  TOO_MANY_FILTERS: "The request has too many filters. Remove some and try again.",
  UNKNOWN_REQUEST: "The server no longer knows this download. Start it again.",
  DUPLICATE_REQUEST: "A download with the same id is already running. Start it again.",
  TOO_MANY_DOWNLOADS: "Too many downloads are running at once. Wait for one to finish, then try again.",
  CANCELLED: "The download was cancelled. Nothing was saved.",
  ILLEGAL_TRANSITION: `The server and the page disagree about this download. ${BUG}`,
  SEQUENCE_GAP: `Part of the data went missing on the way. ${RETRY}`,
  DIGEST_MISMATCH: `A part of the data arrived damaged and was not saved. ${RETRY}`,
  INTEGRITY_MISMATCH: "The data received does not match what the server sent, so it was not saved. Try again.",
  RESUME_MISMATCH: "The server can no longer continue this download. Start it again.",
  INTERNAL_ERROR: "The server failed while preparing the data. Try again in a moment.",
  SOURCE_UNAVAILABLE: "The server's database is unavailable or slow just now. Start the download again in a minute; it continues where it stopped if the page still has it.",
  SOURCE_FAILED: "The server's database refused to read these rows. Ask the server's operator to check the table.",
  UNEXPORTABLE_VALUE: "A value stored in the server's table does not fit its column, so the download stopped at its row. Ask the server's operator to fix the value.",
  SERVER_SHUTTING_DOWN: `The server is restarting. ${RETRY}`,
  FRAME_TRUNCATED: `Data arrived damaged. ${RETRY}`,
  FRAME_TOO_LARGE: `Data arrived damaged. ${RETRY}`,
  FRAME_VERSION: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_TYPE: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_FLAGS: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_FIELD: `Data arrived damaged. ${RETRY}`,
  FRAME_TRAILING_BYTES: `Data arrived damaged. ${RETRY}`,
  IDLE_TIMEOUT: `The server closed a quiet connection. ${RETRY}`,
  SEND_QUEUE_FULL: `The page fell too far behind reading the download. ${RETRY}`,
  READER_STALLED: `The page stopped reading what the server sent. ${RETRY}`,
  HEARTBEAT_TIMEOUT: `The server stopped answering. ${RETRY}`,
  HANDSHAKE_TIMEOUT: `The server accepted the connection but never answered. ${RETRY}`,
  SIGNING_TIMEOUT: "Your wallet did not sign in time. Approve its sign-in request; the page keeps trying.",
  CONNECTION_LOST: `The connection to the server was lost. ${RETRY}`,
  CONNECTION_FAILED: "The server cannot be reached. Check your network, then press Reconnect and start the download again.",
  CONNECTION_CLOSED: "The connection was closed. Reload the page to start again.",
  AUTH_REQUIRED: "This server only serves people who sign in. Sign in, then start the download.",
  SIGN_IN_TIMEOUT: "The connection did not sign in in time. Reconnect to sign in again.",
  AUTH_IN_PROGRESS: `The page tried to sign in twice on one connection. ${BUG}`,
  AUTH_IDENTITY_MISMATCH: `The sign-in named two different identities. ${BUG}`,
  AUTH_NONCE_UNKNOWN: "The sign-in answered a challenge this server did not send. Try again.",
  AUTH_NONCE_EXPIRED: "The sign-in took too long and its challenge expired. Try again.",
  AUTH_NONCE_USED: "That sign-in challenge was already used. Try again.",
  AUTH_BAD_SIGNATURE: "The signature did not match your key and this server's challenge. Check that you signed with the right key or account.",
  AUTH_DELEGATION_EXPIRED: "Your wallet's sign-in permission has expired by the server's clock. Your wallet asks again; if it keeps happening, check this computer's clock.",
  AUTH_DELEGATION_TOO_LONG: "The server refused your wallet's sign-in permission as too long: this computer's clock is probably ahead of the server's. Set it right, then reconnect.",
  AUTH_UNKNOWN_IDENTITY: "Your key or address is not allowed on this server. Ask its operator to add it.",
  AUTH_CONTRACT_WALLET_UNSUPPORTED: "Your wallet is a smart contract account, and this server accepts only signatures of an ordinary account's own key. Sign in with such an account or a key.",
  AUTH_TOKEN_UNSUPPORTED: "This server does not take tokens. Sign in with a key or a wallet.",
  AUTH_TOKEN_SEAL: "The token did not arrive intact: something in between may be changing messages. Reconnect; if it keeps happening, tell the operator.",
  AUTH_TOKEN_MALFORMED: "That is not a token this server can read. Paste the whole token.",
  AUTH_TOKEN_ALGORITHM: "The token is signed with an algorithm this server does not accept.",
  AUTH_TOKEN_SIGNATURE: "The token's signature does not match this server's keys.",
  AUTH_TOKEN_EXPIRED: "The token has expired. Get a fresh one from your login, then sign in.",
  AUTH_TOKEN_NOT_YET_VALID: "The token is not valid yet. Check this computer's clock, or wait a moment.",
  AUTH_TOKEN_ISSUER: "The token comes from a login this server does not trust.",
  AUTH_TOKEN_AUDIENCE: "The token is meant for another service than this one.",
  AUTH_TOKEN_REFUSED: "The server refused this token. Sign in to your login again.",
  AUTH_TOKEN_KEYS_DOWN: "The server cannot check tokens just now. Wait a little, then reconnect.",
  ORIGIN_MISMATCH: "The server says it lives at another address than the one this page connected to. Do not sign in; tell the operator.",
  SERVER_KEY_MISMATCH: "The server could not prove who it is. Someone may be in between: do not sign in; tell the operator.",
  FORBIDDEN: "You are not allowed this download. Narrow the request, or ask the operator.",
  ROW_FILTER_CLAIM_MISSING: "This data shows each user only their own rows, and your sign-in does not say whose they are. Sign in with your account's token, or ask the operator.",
  SIGN_IN_RATE_LIMITED: "Too many failed sign-ins from your network or for this identity. Wait a little, then try again.",
  RATE_LIMITED: "Too many downloads in the last minute. Wait a little, then try again.",
  ROW_LIMIT_EXCEEDED: "The download has more rows than you may take at once. Narrow the time range.",
  COMMAND_UNSIGNED: `A request left without its signature. ${BUG}`,
  TOKEN_INVALID: `A request carried another session's token. ${BUG}`,
  COMMAND_SIGNATURE_INVALID: `A request's signature did not match. ${BUG}`,
  COMMAND_STALE: "This device's clock is far from the server's. Set the clock right, then try again.",
  COMMAND_REPLAYED: `A request was sent twice. ${BUG}`,
  SESSION_EXPIRED: "Your session expired. Reconnect to sign in again.",
  UNSEALED_MESSAGE: `An unencrypted message arrived in an encrypted session. ${RETRY}`,
  REPLAYED_FRAME: `A message arrived twice: it may have been tampered with. ${RETRY}`,
  REORDERED_FRAME: `Messages arrived out of order: they may have been tampered with. ${RETRY}`,
  DECRYPTION_FAILED: `A message failed its integrity check: it may have been tampered with. ${RETRY}`
};
var SIGN_IN_CODES = /* @__PURE__ */ new Set([
  "AUTH_REQUIRED",
  "AUTH_IDENTITY_MISMATCH",
  "AUTH_NONCE_UNKNOWN",
  "AUTH_NONCE_EXPIRED",
  "AUTH_NONCE_USED",
  "AUTH_BAD_SIGNATURE",
  "AUTH_DELEGATION_EXPIRED",
  "AUTH_DELEGATION_TOO_LONG",
  "AUTH_UNKNOWN_IDENTITY",
  "SIGN_IN_RATE_LIMITED",
  "AUTH_CONTRACT_WALLET_UNSUPPORTED",
  "AUTH_TOKEN_UNSUPPORTED",
  "AUTH_TOKEN_SEAL",
  "AUTH_TOKEN_MALFORMED",
  "AUTH_TOKEN_ALGORITHM",
  "AUTH_TOKEN_SIGNATURE",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_TOKEN_NOT_YET_VALID",
  "AUTH_TOKEN_ISSUER",
  "AUTH_TOKEN_AUDIENCE",
  "AUTH_TOKEN_REFUSED",
  "AUTH_TOKEN_KEYS_DOWN",
  "ORIGIN_MISMATCH",
  "SERVER_KEY_MISMATCH"
]);
function explain(error) {
  const known = hasHelp(error.code) ? ERROR_HELP[error.code] : void 0;
  const details = Object.entries(error.details ?? {}).filter(([key]) => key !== "path" && key !== "requestId").map(([key, value]) => key === "reason" ? String(value) : `${key}: ${value}`);
  const path = error.details?.path;
  const where = typeof path === "string" ? place(path) : void 0;
  const extra = where === void 0 ? details : [
    where,
    ...details
  ];
  const base = known ?? error.message;
  return {
    code: error.code,
    text: extra.length === 0 ? base : `${base} (${extra.join(", ")})`
  };
}
function hasHelp(code) {
  return Object.hasOwn(ERROR_HELP, code);
}
function place(path) {
  const filter = /\.filters\[(\d+)\]/.exec(path);
  if (filter !== null) return `filter ${Number(filter[1]) + 1}`;
  if (path.endsWith(".timeFrom")) return "\u201CFrom\u201D";
  if (path.endsWith(".timeTo")) return "\u201CTo\u201D";
  if (path.endsWith(".outputFormat")) return "format";
  if (path === "data" || path === "data.searchParams") return void 0;
  return `at ${path}`;
}

// web/download_card.ts
var STATE_LABELS = {
  queued: "Waiting",
  running: "Downloading",
  paused: "Paused",
  done: "Done",
  cancelled: "Cancelled",
  failed: "Failed"
};
var find = (root, selector) => {
  const element = root.querySelector(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};
var DownloadCard = class {
  /** The card's list item. */
  element;
  #download;
  #target;
  #name;
  #state = "queued";
  #started = false;
  #connected;
  /** Why the download waits to ask the server again (its database away, a limit full). */
  #waiting;
  #cancelledByUser = false;
  #ended;
  /**
   * When the card took its download, just asked for: what "done in" counts from. Not
   * `download:complete`'s `durationMs`, which the server counts from the last resume.
   */
  #askedAt = performance.now();
  constructor(options) {
    const fragment = options.template.content.cloneNode(true);
    this.element = find(fragment, "li");
    this.#download = options.download;
    this.#target = options.target;
    this.#name = options.name;
    this.#connected = options.connected;
    this.#ended = options.ended ?? (() => {
    });
    this.element.dataset.requestId = options.download.requestId;
    this.#text(".download-name", options.name);
    this.#text(".download-summary", options.summary);
    find(this.element, ".download-cancel").addEventListener("click", () => {
      this.#cancelledByUser = true;
      this.#download.cancel();
    });
    find(this.element, ".download-remove").addEventListener("click", () => {
      this.#target.release();
      this.element.remove();
    });
    this.#download.started.then((start2) => {
      this.#started = true;
      this.#text(".stat-rows", `0 / ${count(start2.totalRows)}`);
      this.#render();
    });
    this.#download.onRetry(({ error, attempt, attempts, delayMs }) => {
      const seconds = Math.ceil(delayMs / 1e3);
      this.#waiting = `${error.code}, asking again in ${seconds} s (${attempt} of ${attempts})`;
      this.#render();
    });
    this.#download.onProgress((update) => {
      if (this.#waiting !== void 0) {
        this.#waiting = void 0;
        this.#render();
      }
      if (this.#state !== "running" && this.#state !== "queued") return;
      this.#bar(update.progress);
      this.#text(".stat-percent", percent(update.progress));
      this.#text(".stat-rows", `${count(update.processedRows)} / ${count(update.totalRows)}`);
      this.#text(".stat-speed", rowRate(update.speed));
      this.#text(".stat-eta", duration(update.estimatedTimeRemaining));
      this.#text(".stat-bytes", byteSize(update.processedBytes));
    });
    this.#render();
    this.#run();
  }
  /** The file name the card shows. */
  get name() {
    return this.#name;
  }
  /** The download's request id. */
  get requestId() {
    return this.#download.requestId;
  }
  /** Where the card stands. */
  get state() {
    return this.#state;
  }
  /** Tells the card the connection went down or came back. */
  connectionChanged(connected) {
    this.#connected = connected;
    this.#render();
  }
  async #run() {
    const piped = this.#download.pipeTo(this.#target.writable).then((saved) => ({
      saved
    }), (error) => ({
      error: error ?? new Error("write failed")
    }));
    const outcome = await this.#download.done.then((summary) => ({
      ok: true,
      summary
    }), (error) => ({
      ok: false,
      error
    }));
    if (outcome.ok) {
      const result = await piped;
      if ("saved" in result) return this.#completed(result.saved);
      return this.#writeFailed(result.error);
    }
    if (outcome.error.code === "CANCELLED" && !this.#cancelledByUser) {
      const result = await piped;
      return this.#writeFailed("error" in result ? result.error : void 0);
    }
    this.#failed(outcome.error);
  }
  #writeFailed(error) {
    const why = error instanceof Error ? error.message : String(error);
    this.#end("failed", "", `The file could not be written: ${why}`);
    this.#ended({
      outcome: "failed"
    });
  }
  #completed(summary) {
    const url = this.#target.finish();
    this.#bar(100);
    this.#text(".stat-percent", percent(100));
    this.#text(".stat-rows", `${count(summary.rows)} / ${count(summary.rows)}`);
    this.#text(".stat-bytes", byteSize(summary.deliveredBytes));
    if (url !== void 0) {
      const save = find(this.element, ".download-save");
      save.href = url;
      save.download = this.#name;
      save.hidden = false;
    }
    const where = this.#target.kind === "file" ? "Saved" : "Ready";
    const elapsedMs = performance.now() - this.#askedAt;
    this.#end("done", "", `${where}: ${count(summary.rows)} rows, ${byteSize(summary.deliveredBytes)} in ${duration(elapsedMs)}. SHA-256 of the file: ${summary.sha256 ?? "\u2013"}.`);
    const seconds = elapsedMs / 1e3;
    this.#text(".stat-speed", seconds > 0 ? rowRate(summary.rows / seconds) : "\u2013");
    this.#text(".stat-eta", duration(0));
    this.#ended({
      outcome: "done",
      rows: summary.rows,
      bytes: summary.deliveredBytes,
      ...summary.sha256 === void 0 ? {} : {
        sha256: summary.sha256
      }
    });
  }
  #failed(error) {
    const { code, text } = explain(error);
    const outcome = error.code === "CANCELLED" ? "cancelled" : "failed";
    this.#end(outcome, code, text);
    this.#ended({
      outcome,
      code
    });
  }
  #end(state, code, message) {
    this.#state = state;
    this.#text(".message-code", code);
    this.#text(".message-text", message);
    find(this.element, ".download-message").hidden = false;
    find(this.element, ".download-cancel").hidden = true;
    find(this.element, ".download-remove").hidden = false;
    this.#render();
  }
  #render() {
    if (this.#state === "queued" || this.#state === "running" || this.#state === "paused") {
      const waits = !this.#connected || this.#waiting !== void 0;
      this.#state = waits ? "paused" : this.#started ? "running" : "queued";
    }
    this.element.dataset.state = this.#state;
    if (this.#state === "paused" || this.#state === "cancelled" || this.#state === "failed") {
      this.#text(".stat-speed", "\u2013");
      this.#text(".stat-eta", "\u2013");
    }
    this.element.dataset.started = String(this.#started);
    const label = this.#state !== "paused" ? STATE_LABELS[this.#state] : !this.#connected ? "Paused: reconnecting" : `Paused: ${this.#waiting}`;
    this.#text(".download-state", label);
  }
  #bar(progress) {
    const clamped = Math.min(100, Math.max(0, progress));
    find(this.element, ".bar-fill").style.width = `${clamped}%`;
    find(this.element, ".bar").setAttribute("aria-valuenow", clamped.toFixed(1));
  }
  #text(selector, text) {
    find(this.element, selector).textContent = text;
  }
};

// web/dataset_picker.ts
var DatasetPicker = class {
  #field;
  #select;
  #picked;
  #schema;
  /** `picked` hears the columns of each dataset picked, the first at `load`. */
  constructor(field, select, picked) {
    this.#field = field;
    this.#select = select;
    this.#picked = picked;
    select.addEventListener("change", () => picked(this.columnsOf(this.picked) ?? []));
  }
  /** The server's document: its datasets fill the select. */
  load(schema) {
    this.#schema = schema;
    const names = schema.datasets?.map((d) => d.name) ?? [];
    this.#select.replaceChildren(...names.map((name) => new Option(name, name)));
    this.#field.hidden = names.length < 2;
    this.#picked(this.columnsOf(this.picked) ?? []);
  }
  /** Whether the document is read. */
  get loaded() {
    return this.#schema !== void 0;
  }
  /** The dataset picked, on a server of named datasets; none on a server of one unnamed. */
  get picked() {
    return this.#schema?.datasets === void 0 ? void 0 : this.#select.value;
  }
  /** A dataset's columns by name (the default's for none), or none if the server lacks it. */
  columnsOf(dataset) {
    const schema = this.#schema;
    if (dataset === void 0 || schema?.datasets === void 0) return schema?.columns;
    return schema.datasets.find((d) => d.name === dataset)?.columns;
  }
};

// web/history_record.ts
var HISTORY_LENGTH = 20;
function remember(records, record) {
  return [
    ...records.filter((r) => r.id !== record.id),
    record
  ].sort((x, y) => y.startedAt - x.startedAt).slice(0, HISTORY_LENGTH);
}
function ended(record, now, end) {
  const { code, ...rest } = end;
  return {
    ...record,
    ...rest,
    ...code ? {
      code
    } : {},
    endedAt: now
  };
}
function readRecord(value) {
  if (typeof value !== "object" || value === null) return void 0;
  const r = value;
  const p = r.request?.searchParams;
  const ok = typeof r.id === "string" && typeof r.name === "string" && typeof r.startedAt === "number" && [
    "running",
    "done",
    "cancelled",
    "failed"
  ].includes(r.outcome) && typeof p?.timeFrom === "string" && typeof p.timeTo === "string" && Array.isArray(p.filters) && [
    "csv",
    "json",
    "ndjson"
  ].includes(r.request?.outputFormat) && typeof r.request?.compression === "boolean";
  return ok ? r : void 0;
}
function outcomeText(record, active) {
  switch (record.outcome) {
    case "running":
      return active ? "Downloading" : "Interrupted: the page was closed";
    case "done": {
      const rows = count(record.rows ?? 0);
      return `Done: ${rows} rows, ${byteSize(record.bytes ?? 0)}`;
    }
    case "cancelled":
      return "Cancelled";
    case "failed":
      return `Failed${record.code === void 0 ? "" : ` (${record.code})`}`;
  }
}

// web/download_history.ts
var DATABASE = "sluice-history";
var STORE = "downloads";
function open() {
  return new Promise((resolve, reject) => {
    const request2 = indexedDB.open(DATABASE, 1);
    request2.onupgradeneeded = () => request2.result.createObjectStore(STORE, {
      keyPath: "id"
    });
    request2.onsuccess = () => resolve(request2.result);
    request2.onerror = () => reject(request2.error);
    request2.onblocked = () => reject(new Error("the history database is blocked by another tab"));
  });
}
var DownloadHistory = class {
  #records = [];
  #db;
  #listener = () => {
  };
  /** Opens the database; {@linkcode DownloadHistory.load} reads it. */
  constructor() {
    this.#db = open().catch((error) => {
      console.warn("sluice: the download history lasts until the page closes:", error);
      return void 0;
    });
  }
  /** The records, newest first. */
  get records() {
    return this.#records;
  }
  /** Called with the records whenever they change. */
  onChange(listener) {
    this.#listener = listener;
  }
  /** Reads what earlier visits kept. */
  async load() {
    const db = await this.#db;
    if (db === void 0) return;
    const stored = await new Promise((resolve, reject) => {
      const request2 = db.transaction(STORE).objectStore(STORE).getAll();
      request2.onsuccess = () => resolve(request2.result);
      request2.onerror = () => reject(request2.error);
    });
    let records = this.#records;
    for (const value of stored) {
      const record = readRecord(value);
      if (record !== void 0 && !records.some((r) => r.id === record.id)) {
        records = remember(records, record);
      }
    }
    this.#records = records;
    this.#listener(this.#records);
  }
  /** Keeps `record` (replacing its earlier state) and forgets what falls off the end. */
  async put(record) {
    const before = this.#records;
    this.#records = remember(before, record);
    this.#listener(this.#records);
    const dropped = before.filter((r) => !this.#records.some((k) => k.id === r.id));
    const db = await this.#db;
    if (db === void 0) return;
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      if (this.#records.some((r) => r.id === record.id)) store.put(record);
      for (const r of dropped) store.delete(r.id);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
};

// web/estimate_text.ts
function estimateText(estimate, compression) {
  const { rows, exact, bytes, maxRows } = estimate;
  if (rows === 0) return {
    text: "No rows match.",
    warning: false
  };
  const rowText = `${exact ? "" : "\u2248 "}${count(rows)} ${rows === 1 ? "row" : "rows"}`;
  const size = `\u2248 ${byteSize(bytes)}${compression ? " before gzip" : ""}`;
  if (maxRows !== void 0 && rows > maxRows) {
    return {
      text: `${rowText}, ${size}: more than the ${count(maxRows)} rows a download may have here; narrow the range or add a filter.`,
      warning: true
    };
  }
  return {
    text: `${rowText}, ${size}`,
    warning: false
  };
}

// web/estimate_view.ts
var SETTLE_MS = 400;
var EstimateView = class {
  #options;
  #timer;
  /** The latest question's number: answers to earlier ones are dropped. */
  #asked = 0;
  /** The server does not offer estimates. */
  #unsupported = false;
  /** A question was asked and its answer is not in yet. */
  #waiting = false;
  /** The latest form that settled while a question waited. */
  #queued;
  /** Shows estimates in the elements given. */
  constructor(options) {
    this.#options = options;
    this.#hide();
  }
  /** The form holds `request` now (`undefined`: nothing that could be sent); asked soon. */
  refresh(request2) {
    clearTimeout(this.#timer);
    this.#timer = void 0;
    const asked = ++this.#asked;
    if (request2 === void 0 || this.#unsupported) return this.#hide();
    this.#timer = setTimeout(() => {
      this.#timer = void 0;
      this.#ask(request2, asked);
    }, SETTLE_MS);
  }
  /**
   * One question at a time: a form that settles again while one waits is
   * asked once that answer is in, so that a server that does not know the
   * question is asked it once, and a busy one is not asked twice.
   */
  #ask(request2, asked) {
    if (this.#unsupported) return this.#hide();
    if (this.#waiting) {
      this.#queued = {
        request: request2,
        asked
      };
      return;
    }
    const answer = this.#options.ask(request2);
    if (answer === void 0) return this.#hide();
    this.#waiting = true;
    answer.then((estimate) => asked === this.#asked && this.#show(estimate, request2), (error) => {
      if (error.code === "UNKNOWN_EVENT") this.#unsupported = true;
      if (asked === this.#asked) this.#hide();
    }).finally(() => {
      this.#waiting = false;
      const queued = this.#queued;
      this.#queued = void 0;
      if (queued !== void 0 && queued.asked === this.#asked && !this.#unsupported) {
        this.#ask(queued.request, queued.asked);
      }
    });
  }
  #hide() {
    const { summary, table } = this.#options;
    summary.hidden = true;
    summary.textContent = "";
    table.hidden = true;
    table.replaceChildren();
  }
  #show(estimate, request2) {
    const { summary, table } = this.#options;
    const said = estimateText(estimate, request2.compression);
    summary.textContent = said.text;
    summary.classList.toggle("error-text", said.warning);
    summary.hidden = false;
    this.#options.values(estimate.values);
    const rows = estimate.preview;
    table.hidden = rows.length === 0;
    if (rows.length === 0) return table.replaceChildren();
    const names = Object.keys(rows[0]);
    const caption = document.createElement("caption");
    caption.textContent = rows.length === 1 ? "The first row" : `The first ${rows.length} rows`;
    const head = document.createElement("tr");
    for (const name of names) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const body = document.createElement("tbody");
    for (const row of rows) {
      const tr = document.createElement("tr");
      for (const name of names) {
        const td = document.createElement("td");
        const cell = row[name];
        td.textContent = cell === null || cell === void 0 ? "" : String(cell);
        tr.append(td);
      }
      body.append(tr);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    table.replaceChildren(caption, thead, body);
  }
};

// web/file_name.ts
var MAX_FILTER_SUMMARY = 48;
var EXTENSIONS = {
  csv: "csv",
  json: "json",
  ndjson: "ndjson"
};
var OPERATOR_WORDS = {
  eq: "",
  neq: "not-",
  lt: "lt-",
  lte: "lte-",
  gt: "gt-",
  gte: "gte-",
  in: "",
  between: "",
  prefix: "starts-"
};
function stamp(iso) {
  const [date, time = ""] = iso.replace(/Z$/, "").split("T");
  const clock = time.replaceAll(":", "").split(".")[0].padEnd(6, "0");
  return date.replaceAll("-", "") + (/^0+$/.test(clock) ? "" : `T${clock}`);
}
function safe(text) {
  return text.replace(/[^\p{L}\p{N}.+-]+/gu, "_").replace(/\.{2,}/g, ".").replace(/^[.-]+/, "");
}
function shortHash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h.toString(36);
}
function describe(filter) {
  const value = Array.isArray(filter.value) ? filter.value.map(String).join(filter.operator === "between" ? "to" : "+") : String(filter.value);
  return `${filter.field}-${OPERATOR_WORDS[filter.operator]}${value}`;
}
function filterSummary(filters2) {
  const whole = safe(filters2.map(describe).join("_"));
  if (whole.length <= MAX_FILTER_SUMMARY) return whole;
  const hash = shortHash(whole);
  return `${whole.slice(0, MAX_FILTER_SUMMARY - hash.length - 1)}~${hash}`;
}
function fileName(request2, taken) {
  const { dataset, timeFrom, timeTo, filters: filters2 } = request2.searchParams;
  const summary = filterSummary(filters2);
  const base = `sluice-${dataset === void 0 ? "" : `${dataset}-`}${safe(stamp(timeFrom))}-${safe(stamp(timeTo))}${summary === "" ? "" : `-${summary}`}`;
  const extension = EXTENSIONS[request2.outputFormat] + (request2.compression ? ".gz" : "");
  let name = `${base}.${extension}`;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}.${extension}`;
  return name;
}

// web/filter_input.ts
var OPERATOR_LABELS = {
  eq: "=",
  neq: "\u2260",
  lt: "<",
  lte: "\u2264",
  gt: ">",
  gte: "\u2265",
  in: "is one of",
  between: "between",
  prefix: "starts with"
};
function valueShape(operator) {
  return operator === "in" ? "list" : operator === "between" ? "range" : "one";
}
function placeholder(column, operator) {
  const example = EXAMPLES[column.type];
  if (operator === "in") return `e.g. ${example[0]}, ${example[1]}`;
  return `e.g. ${example[0]}`;
}
var EXAMPLES = {
  integer: [
    "42",
    "7"
  ],
  decimal: [
    "42000.5",
    "0.25"
  ],
  text: [
    "BTC-USD",
    "ETH-USD"
  ],
  timestamp: [
    "2024-01-31T12:00:00Z",
    "2024-02-01"
  ],
  boolean: [
    "true",
    "false"
  ]
};
function toFilter(input) {
  const { column, operator } = input;
  const field = column.name;
  switch (valueShape(operator)) {
    case "list": {
      const values = input.value.split(",").map((v) => v.trim()).filter((v) => v !== "");
      if (values.length === 0) {
        return {
          ok: false,
          error: `Enter one or more values for ${field}.`
        };
      }
      return {
        ok: true,
        value: {
          field,
          operator,
          value: values
        }
      };
    }
    case "range": {
      const low = input.value.trim(), high = input.high.trim();
      if (low === "" || high === "") {
        return {
          ok: false,
          error: `Enter both ends of the range for ${field}.`
        };
      }
      return {
        ok: true,
        value: {
          field,
          operator,
          value: [
            low,
            high
          ]
        }
      };
    }
    case "one": {
      const value = column.type === "text" ? input.value : input.value.trim();
      if (value === "" && column.type !== "text") {
        return {
          ok: false,
          error: `Enter a value for ${field}.`
        };
      }
      return {
        ok: true,
        value: {
          field,
          operator,
          value
        }
      };
    }
  }
}

// web/filter_editor.ts
var find2 = (root, selector) => {
  const element = root.querySelector(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};
var FilterEditor = class {
  #list;
  #template;
  #rows = [];
  #columns = [];
  #suggestions;
  /**
   * Manages the rows of `list`, made from `template`; a value box offers
   * the `<datalist>` whose id `suggestions` gives for its column, if any.
   */
  constructor(list, template, suggestions2) {
    this.#list = list;
    this.#template = template;
    this.#suggestions = suggestions2;
  }
  /**
   * Sets the columns rows may use: the filterable ones of `schema` (the
   * document's, or one dataset's). Rows made for other columns are removed.
   */
  setSchema(schema) {
    this.#columns = schema.columns.filter((c) => c.filterable && c.operators.length > 0);
    for (const row of this.#rows) row.element.remove();
    this.#rows.length = 0;
    this.#label();
  }
  /** Whether the schema offers anything to filter on. */
  get available() {
    return this.#columns.length > 0;
  }
  /**
   * Adds a row and focuses it. It starts on the first text column not yet filtered (in exports
   * these name things: a symbol, a currency), else the first column not yet filtered.
   */
  add() {
    const fragment = this.#template.content.cloneNode(true);
    const element = find2(fragment, "li");
    const row = {
      element,
      field: find2(element, ".filter-field"),
      operator: find2(element, ".filter-operator"),
      value: find2(element, ".filter-value"),
      high: find2(element, ".filter-high"),
      boolean: find2(element, ".filter-boolean"),
      problem: find2(element, ".filter-problem")
    };
    const used = new Set(this.#rows.map((r) => r.field.value));
    for (const column of this.#columns) row.field.add(new Option(column.name, column.name));
    const free = this.#columns.filter((c) => !used.has(c.name));
    row.field.value = (free.find((c) => c.type === "text") ?? free[0] ?? this.#columns[0]).name;
    row.field.addEventListener("change", () => this.#fillOperators(row));
    row.operator.addEventListener("change", () => this.#shapeValue(row));
    for (const input of [
      row.value,
      row.high
    ]) {
      input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
    }
    find2(element, ".filter-remove").addEventListener("click", () => {
      this.#rows.splice(this.#rows.indexOf(row), 1);
      element.remove();
      this.#label();
    });
    this.#rows.push(row);
    this.#list.append(element);
    this.#fillOperators(row);
    this.#label();
    row.field.focus();
  }
  /** The filters of every row, or the first incomplete row's problem. */
  filters() {
    const out = [];
    for (const [index, row] of this.#rows.entries()) {
      const column = this.#column(row);
      const operator = row.operator.value;
      const boolean = column.type === "boolean" && valueShape(operator) === "one";
      const r = toFilter({
        column,
        operator,
        value: boolean ? row.boolean.value : row.value.value,
        high: row.high.value
      });
      if (!r.ok) return {
        ok: false,
        error: {
          index,
          text: r.error
        }
      };
      out.push(r.value);
    }
    return {
      ok: true,
      value: out
    };
  }
  /** Marks row `index` with `text` (and focuses its value when asked); clears every other row. */
  mark(problem, focus) {
    for (const [i, row] of this.#rows.entries()) {
      const here = problem?.index === i;
      row.problem.hidden = !here;
      row.problem.textContent = here ? problem.text : "";
      for (const input of [
        row.value,
        row.high
      ]) {
        if (here) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      }
      if (here && focus) (row.value.hidden ? row.boolean : row.value).focus();
    }
  }
  #column(row) {
    const column = this.#columns.find((c) => c.name === row.field.value);
    if (column === void 0) throw new Error(`no column ${row.field.value}`);
    return column;
  }
  #fillOperators(row) {
    const column = this.#column(row);
    const before = row.operator.value;
    row.operator.replaceChildren(...column.operators.map((op) => new Option(OPERATOR_LABELS[op], op)));
    row.operator.value = column.operators.includes(before) ? before : column.operators[0];
    this.#shapeValue(row);
  }
  #shapeValue(row) {
    const column = this.#column(row);
    const operator = row.operator.value;
    const shape = valueShape(operator);
    const boolean = column.type === "boolean" && shape === "one";
    row.boolean.hidden = !boolean;
    row.value.hidden = boolean;
    row.high.hidden = shape !== "range";
    row.value.placeholder = shape === "range" ? "from" : placeholder(column, operator);
    row.high.placeholder = "to";
    row.value.inputMode = column.type === "integer" || column.type === "decimal" ? "decimal" : "text";
    const suggested = shape === "range" ? void 0 : this.#suggestions?.(column);
    if (suggested === void 0) row.value.removeAttribute("list");
    else row.value.setAttribute("list", suggested);
  }
  /** Numbers the rows' controls for assistive technology ("Filter 2 column"). */
  #label() {
    this.#rows.forEach((row, i) => {
      const n = `Filter ${i + 1}`;
      row.field.setAttribute("aria-label", `${n} column`);
      row.operator.setAttribute("aria-label", `${n} operator`);
      row.value.setAttribute("aria-label", `${n} value`);
      row.high.setAttribute("aria-label", `${n} upper value`);
      row.boolean.setAttribute("aria-label", `${n} value`);
      row.problem.id = `filter-problem-${i + 1}`;
      row.value.setAttribute("aria-describedby", row.problem.id);
    });
  }
};

// web/request_summary.ts
function describeFilter(filter) {
  const value = Array.isArray(filter.value) ? filter.value.join(filter.operator === "between" ? " \u2013 " : ", ") : String(filter.value);
  return `${filter.field} ${OPERATOR_LABELS[filter.operator]} ${value}`;
}
function requestSummary(request2) {
  const { dataset, timeFrom, timeTo, filters: filters2, columns: columns2 } = request2.searchParams;
  return [
    ...dataset === void 0 ? [] : [
      dataset
    ],
    `${request2.outputFormat.toUpperCase()}${request2.compression ? " \xB7 gzip" : ""}`,
    `${instant(timeFrom)} \u2192 ${instant(timeTo)} UTC`,
    ...filters2.map(describeFilter),
    ...columns2 === void 0 ? [] : [
      `columns ${columns2.join(", ")}`
    ]
  ].join(" \xB7 ");
}

// web/history_list.ts
var find3 = (root, selector) => {
  const element = root.querySelector(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};
function showHistory(options, records) {
  options.list.replaceChildren(...records.map((record) => {
    const fragment = options.template.content.cloneNode(true);
    const item = find3(fragment, "li");
    item.dataset.outcome = record.outcome;
    item.dataset.requestId = record.id;
    find3(item, ".history-name").textContent = record.name;
    find3(item, ".history-summary").textContent = requestSummary(record.request);
    find3(item, ".history-outcome").textContent = outcomeText(record, options.active(record.id));
    const when = find3(item, ".history-when");
    const iso = new Date(Math.floor(record.startedAt / 1e3) * 1e3).toISOString();
    when.dateTime = iso;
    when.textContent = `${instant(iso)} UTC`;
    const sha = find3(item, ".history-sha256");
    sha.textContent = record.sha256 ?? "";
    find3(item, ".history-digest").hidden = record.sha256 === void 0;
    find3(item, ".history-again").addEventListener("click", () => options.again(record.request));
    return item;
  }));
}

// web/keep_in_view.ts
var KeepInView = class {
  #shown;
  /**
   * `above`: what sits above the shown elements and may change size. The
   * person's scrolling is known by the input that does it; a page moved
   * without any (a scroll bar dragged, find in page) is still pulled back
   * by the next change above, which a scroll event could not tell from the
   * browser's own adjustment to that change.
   */
  constructor(...above) {
    const observer = new ResizeObserver(() => this.#shown?.scrollIntoView({
      block: "nearest"
    }));
    for (const element of above) observer.observe(element);
    const release = () => this.#shown = void 0;
    for (const type of [
      "pointerdown",
      "keydown",
      "wheel"
    ]) {
      addEventListener(type, release, {
        capture: true,
        passive: true
      });
    }
  }
  /** Scrolls `element` into view, and keeps it there until the person moves the page. */
  show(element) {
    this.#shown = element;
    element.scrollIntoView({
      block: "nearest"
    });
  }
};

// web/page_title.ts
function pageTitle(base, counts) {
  const parts = [
    counts.failedUnseen > 0 ? `\u2717 ${counts.failedUnseen} failed` : "",
    counts.doneUnseen > 0 ? `\u2713 ${counts.doneUnseen} done` : "",
    counts.running > 0 ? `${counts.running} running` : ""
  ].filter((p) => p !== "");
  return parts.length === 0 ? base : `${parts.join(" \xB7 ")} \xB7 ${base}`;
}

// web/tab_notice.ts
var TabNotice = class {
  /** The page's own title. */
  #base = document.title;
  #unseen = {
    done: 0,
    failed: 0
  };
  #running;
  /** `running` counts the downloads that still run; looking at the tab again clears the rest. */
  constructor(running) {
    this.#running = running;
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) return;
      this.#unseen.done = this.#unseen.failed = 0;
      this.show();
    });
  }
  /** Writes the title for what runs and what ended unseen. */
  show() {
    document.title = pageTitle(this.#base, {
      running: this.#running(),
      doneUnseen: this.#unseen.done,
      failedUnseen: this.#unseen.failed
    });
  }
  /** A download ended: counted in the title while the tab is hidden, and notified when allowed. */
  ended(outcome, name) {
    if (document.hidden && (outcome === "done" || outcome === "failed")) {
      this.#unseen[outcome]++;
      if (globalThis.Notification?.permission === "granted") {
        new Notification(outcome === "done" ? "Download done" : "Download failed", {
          body: name
        });
      }
    }
    this.show();
  }
};

// web/sign_in_texts.ts
var WAY_TEXT = {
  key: {
    button: "Sign in",
    other: "Sign in with this browser's key",
    hint: "One click: this browser makes a key of its own and keeps it, to sign in with next time.",
    signing: "Signing in with this browser's key\u2026",
    signedIn: "with this browser's key"
  },
  wallet: {
    button: "Sign in with wallet",
    other: "Sign in with wallet",
    hint: "Your wallet asks you to share an account and approve the sign-in for this page.",
    signing: "Signing in: approve the sign-in in your wallet\u2026",
    signedIn: "with your wallet"
  },
  token: {
    button: "Use token",
    other: "Use a token",
    hint: "Paste the token your own site's login gave you for this export.",
    signing: "Signing in with your login's token\u2026",
    signedIn: "Signed in with your login's token"
  }
};
function notSignedIn(way) {
  return way === "token" ? "Not signed in: paste your login's token in the Sign in panel." : `Not signed in: press \u201C${WAY_TEXT[way].button}\u201D in the Sign in panel.`;
}
var HANDED_TOKEN = "Signing in with the token from the address\u2026";
function refusedReason(code) {
  return `Sign-in was refused (${code}), so a download cannot start: see the Sign in panel, then press Try again.`;
}
function switchRefused(unfinished2) {
  const [which, it] = unfinished2 === 1 ? [
    "A download is",
    "it"
  ] : [
    `${unfinished2} downloads are`,
    "them"
  ];
  return `${which} running under this sign-in, and switching would end ${it}. Let ${it} finish or cancel ${it}, then switch.`;
}
function reason(error) {
  const message = error?.message;
  return typeof message === "string" ? message : String(error);
}

// web/client_watch.ts
function watchClient(client, watch) {
  const { way, panel, badge: badge2, notice: notice2, blocked } = watch;
  const current = (listener) => (event) => {
    if (watch.current()) listener(event);
  };
  client.on("state", current(({ to }) => {
    badge2.phase(to);
    watch.connectionChanged(to === "open");
    if (to === "open") {
      notice2(void 0);
      panel.clearProblem();
      panel.show(way, "in");
    } else if (to === "connecting" || to === "authenticating") {
      blocked(void 0);
      if (panel.phase !== "in") panel.show(way, "signing");
    } else if (to === "failed" && panel.phase !== "refused") panel.show(way, "offline");
  }));
  client.on("health", current(({ rttMs }) => badge2.rtt(rttMs)));
  client.on("error", current((error) => {
    const { code, text } = explain(error);
    notice2(`${code}: ${text}`);
  }));
  client.on("connection:failed", current((error) => failed(error, watch)));
  badge2.phase(client.session().phase);
}
function failed(error, watch) {
  const { way, panel, credentials } = watch;
  if (!SIGN_IN_CODES.has(error.code)) {
    panel.show(way, "offline");
    return watch.notice(explain(error).text);
  }
  watch.badge.refused();
  watch.blocked(refusedReason(error.code));
  panel.show(way, "refused");
  const refusal = credentials.kind === "wallet" && error.code === "AUTH_BAD_SIGNATURE" ? credentials.signer.refusal : void 0;
  panel.showProblem(error.code, refusal === void 0 ? explain(error).text : `Your wallet did not sign (${refusal}). Press Try again to be asked again.`);
}

// web/default_way.ts
function defaultWay(facts) {
  if (facts.handedToken) return {
    way: "token",
    now: true
  };
  if (facts.remembered === "key" || facts.remembered === "wallet" && facts.wallet) {
    return {
      way: facts.remembered,
      now: true
    };
  }
  return {
    way: facts.wallet ? "wallet" : "key",
    now: false
  };
}

// web/key_store.ts
import { generateSecretKey, publicKeyOf } from "./sluice_client.js";
var DATABASE2 = "sluice";
var STORE2 = "keys";
var RECORD = "identity";
function open2() {
  return new Promise((resolve, reject) => {
    const request2 = indexedDB.open(DATABASE2, 1);
    request2.onupgradeneeded = () => request2.result.createObjectStore(STORE2);
    request2.onsuccess = () => resolve(request2.result);
    request2.onerror = () => reject(request2.error);
    request2.onblocked = () => reject(new Error("the key database is blocked by another tab"));
  });
}
async function transact(body) {
  const db = await open2();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE2, "readwrite");
      let result;
      body(tx.objectStore(STORE2), (value) => result = {
        value
      });
      tx.oncomplete = () => result === void 0 ? reject(new Error("no result")) : resolve(result.value);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("the key transaction was aborted"));
    });
  } finally {
    db.close();
  }
}
function isRecord(value) {
  return typeof value === "object" && value !== null && value.secretKey instanceof Uint8Array && value.secretKey.length === 32;
}
function pageKey(secretKey, kept) {
  return {
    secretKey,
    publicKey: publicKeyOf(secretKey),
    kept
  };
}
async function loadKey() {
  const fresh = {
    secretKey: generateSecretKey(),
    created: (/* @__PURE__ */ new Date()).toISOString()
  };
  try {
    const secretKey = await transact((store, done) => {
      const read = store.get(RECORD);
      read.onsuccess = () => {
        if (isRecord(read.result)) return done(read.result.secretKey);
        store.put(fresh, RECORD);
        done(fresh.secretKey);
      };
    });
    return pageKey(secretKey, true);
  } catch (error) {
    console.warn("sluice: cannot keep the page's key in IndexedDB:", error);
    return pageKey(fresh.secretKey, false);
  }
}
var channel;
function keyChannel() {
  if (typeof BroadcastChannel !== "function") return void 0;
  return channel ??= new BroadcastChannel("sluice-key");
}
function watchKey(listener) {
  const tabs = keyChannel();
  if (tabs !== void 0) {
    tabs.onmessage = (event) => listener(event.data === "forgotten" ? "forgotten" : "replaced");
  }
}
async function replaceKey() {
  const fresh = {
    secretKey: generateSecretKey(),
    created: (/* @__PURE__ */ new Date()).toISOString()
  };
  try {
    await transact((store, done) => {
      store.put(fresh, RECORD).onsuccess = () => done();
    });
    keyChannel()?.postMessage("replaced");
    return pageKey(fresh.secretKey, true);
  } catch (error) {
    console.warn("sluice: cannot keep the page's key in IndexedDB:", error);
    return pageKey(fresh.secretKey, false);
  }
}
async function forgetKey() {
  await transact((store, done) => {
    store.delete(RECORD).onsuccess = () => done();
  });
  keyChannel()?.postMessage("forgotten");
}

// web/page_client.ts
import { ClientBuilder } from "./sluice_client.js";
var WALLET_DELEGATION_MS = 36e5;
function shownIdentity(credentials) {
  return credentials.kind === "key" ? credentials.key.publicKey : credentials.kind === "wallet" ? credentials.signer.address : void 0;
}
function pageClient(url, credentials, serverKey) {
  const builder = new ClientBuilder(url).withReconnect({
    maxAttempts: 10,
    maxMs: 1e4
  }).withHeartbeat({
    intervalMs: 5e3
  });
  if (credentials.kind === "key") builder.withKeypair(credentials.key.secretKey);
  else if (credentials.kind === "token") builder.withToken(credentials.token);
  else builder.withSigner(credentials.signer, {
    delegateForMs: WALLET_DELEGATION_MS
  });
  if (serverKey !== void 0) builder.withServerKey(serverKey);
  return builder.build();
}

// protocol/hex_patterns.ts
var COMPRESSED_KEY = /^0[23][0-9a-f]{64}$/;
var ETHEREUM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

// web/preferences.ts
var METHOD = "sluice.signIn";
var SERVER_KEY = "sluice.serverKey";
function readServerKey(text) {
  const key = text.trim().toLowerCase().replace(/^0x/, "");
  if (key === "") return {
    ok: true,
    value: void 0
  };
  if (COMPRESSED_KEY.test(key)) return {
    ok: true,
    value: key
  };
  return {
    ok: false,
    error: "A server key is 66 hex characters starting with 02 or 03, as the server prints it."
  };
}
function storage() {
  try {
    return globalThis.localStorage;
  } catch (error) {
    console.warn("sluice: localStorage is unavailable; choices last until the page closes:", error);
    return void 0;
  }
}
function loadPreferences() {
  const store = storage();
  const stored = store?.getItem(METHOD);
  const method = stored === "wallet" || stored === "key" ? {
    method: stored
  } : {};
  const pinned = readServerKey(store?.getItem(SERVER_KEY) ?? "");
  return pinned.ok && pinned.value !== void 0 ? {
    ...method,
    serverKey: pinned.value
  } : method;
}
function savePreferences(preferences) {
  const store = storage();
  if (store === void 0) return;
  if (preferences.method === "wallet" || preferences.method === "key") {
    store.setItem(METHOD, preferences.method);
  } else store.removeItem(METHOD);
  if (preferences.serverKey === void 0) store.removeItem(SERVER_KEY);
  else store.setItem(SERVER_KEY, preferences.serverKey);
}

// web/sign_in_panel.ts
var find4 = (root, selector) => {
  const element = root.querySelector(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};
var COPIED_MS = 1500;
var SignInPanel = class {
  #root;
  #button;
  #status;
  #message;
  #tokenForm;
  #tokenInput;
  #serverKey;
  #serverKeyError;
  #way = "key";
  #phase = "out";
  /** The ways this browser and server offer. */
  #offered = /* @__PURE__ */ new Set([
    "key"
  ]);
  #key;
  #address;
  /** The wallet moved to another account while downloads ran: its button is offered again. */
  #walletMoved = false;
  /** The token form is open while signed in some other way (or with another token). */
  #pasting = false;
  /** Draws into `root` (the page's `#signin` section); `walletAvailable` offers the wallet. */
  constructor(root, actions, walletAvailable) {
    this.#root = root;
    this.#button = find4(root, "#signin-default");
    this.#status = find4(root, "#signin-status");
    this.#message = find4(root, "#signin-message");
    this.#tokenForm = find4(root, "#token-form");
    this.#tokenInput = find4(root, "#token-input");
    this.#serverKey = find4(root, "#server-key");
    this.#serverKeyError = find4(root, "#server-key-error");
    if (walletAvailable) this.#offered.add("wallet");
    this.#button.addEventListener("click", () => {
      if (this.#phase === "refused" || this.#phase === "offline") actions.retry();
      else actions.signIn(this.#way);
    });
    this.#tokenForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = this.#tokenInput.value.trim();
      if (token === "") return this.#tokenInput.focus();
      this.#pasting = false;
      actions.signIn("token", token);
    });
    find4(root, "#token-cancel").addEventListener("click", () => {
      this.#pasting = false;
      this.#draw();
    });
    for (const button of root.querySelectorAll("#signin-others [data-way]")) {
      const way = button.dataset.way;
      button.addEventListener("click", () => {
        if (way !== "token") return actions.signIn(way);
        this.#pasting = true;
        this.#draw();
        this.#tokenInput.focus();
      });
    }
    find4(root, "#sign-out").addEventListener("click", () => actions.signOut());
    find4(root, "#new-key").addEventListener("click", () => actions.newKey());
    find4(root, "#forget-key").addEventListener("click", () => actions.forgetKey());
    this.#copyButton("#copy-identity", () => this.#key?.publicKey);
    this.#copyButton("#copy-address", () => this.#address);
    this.#copyButton("#copy-for-operator", () => this.#key?.publicKey);
    find4(root, "#server-key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const read = readServerKey(this.#serverKey.value);
      this.#serverKeyError.hidden = read.ok;
      this.#serverKeyError.textContent = read.ok ? "" : read.error;
      this.#serverKey.setAttribute("aria-invalid", String(!read.ok));
      if (read.ok) actions.serverKey(read.value);
    });
    this.#draw();
  }
  /** The way the button and the details are about now. */
  get way() {
    return this.#way;
  }
  /** Where the way shown stands. */
  get phase() {
    return this.#phase;
  }
  /** Shows `way` in `phase`. */
  show(way, phase) {
    if (way !== this.#way || phase === "in") this.#walletMoved = false;
    if (phase === "signing" || phase === "in") this.#pasting = false;
    this.#way = way;
    this.#phase = phase;
    this.#draw();
  }
  /** Offers the Token way, once the server's `/schema.json` said it takes tokens. */
  offerTokens() {
    this.#offered.add("token");
    this.#draw();
  }
  /** Puts `token` in the token box (one handed over in the page's address, say). */
  showToken(token) {
    this.#tokenInput.value = token;
  }
  /** Shows the browser key's identity (none until one is made), and whether the browser keeps it. */
  showKey(key) {
    this.#key = key;
    this.#draw();
  }
  /**
   * Shows the wallet's account (none until it shares one); `moved` offers
   * the wallet's button again, for an account the page did not follow
   * while downloads ran.
   */
  showWallet(address, moved = false) {
    this.#address = address;
    this.#walletMoved = moved;
    this.#draw();
  }
  /** Shows the pinned server key in its box. */
  showServerKey(key) {
    this.#serverKey.value = key ?? "";
    this.#serverKey.removeAttribute("aria-invalid");
    this.#serverKeyError.hidden = true;
    find4(this.#root, "#server-key-state").textContent = key === void 0 ? "(optional)" : "(pinned)";
  }
  /**
   * Shows why signing in failed or was refused: the protocol's code (empty
   * for the page's own refusals) and what to do. A key the server does not
   * know gets a button to copy it for the operator.
   */
  showProblem(code, text) {
    find4(this.#message, ".message-code").textContent = code;
    find4(this.#message, ".message-text").textContent = text;
    find4(this.#message, "#signin-message-actions").hidden = !(code === "AUTH_UNKNOWN_IDENTITY" && this.#way === "key" && this.#key !== void 0);
    this.#message.hidden = false;
  }
  /** Clears the problem shown, once signing in succeeded or something else was chosen. */
  clearProblem() {
    this.#message.hidden = true;
    find4(this.#message, ".message-code").textContent = "";
    find4(this.#message, ".message-text").textContent = "";
  }
  /** Asks the person before something that loses the identity: it cannot be had back. */
  confirm(what) {
    const old = this.#key === void 0 ? "" : ` (${shortIdentity(this.#key.publicKey)})`;
    return confirm(`${what === "new" ? "Make a new key" : "Forget this browser's key"}? Your current identity${old} is lost for good, and a server that allows only it will refuse the new one until its operator adds it.`);
  }
  #draw() {
    const way = this.#way;
    const phase = this.#phase;
    const text = WAY_TEXT[way];
    this.#root.dataset.method = way;
    this.#root.dataset.phase = phase;
    const identity = way === "key" ? this.#key?.publicKey : way === "wallet" ? this.#address : "";
    this.#status.textContent = phase === "signing" ? text.signing : phase === "in" ? way === "token" ? `${text.signedIn}.` : `Signed in as ${shortIdentity(identity ?? "")} ${text.signedIn}.` : phase === "refused" ? "Not signed in: the sign-in was refused." : phase === "offline" ? "Not signed in: the server cannot be reached." : "Not signed in.";
    const tokenForm = this.#pasting || way === "token" && phase !== "in" && phase !== "signing";
    this.#tokenForm.hidden = !(this.#offered.has("token") || way === "token") || !tokenForm;
    const retry = phase === "refused" || phase === "offline";
    this.#button.hidden = this.#pasting || (way === "token" ? phase !== "signing" : phase === "in" && !this.#walletMoved);
    this.#button.disabled = phase === "signing";
    this.#button.setAttribute("aria-busy", String(phase === "signing"));
    this.#button.textContent = phase === "signing" ? "Signing in\u2026" : retry ? "Try again" : text.button;
    const hint = find4(this.#root, "#signin-hint");
    hint.textContent = phase === "out" ? text.hint : "";
    hint.hidden = phase !== "out" || this.#pasting;
    let others = 0;
    for (const button of this.#root.querySelectorAll("#signin-others [data-way]")) {
      const other = button.dataset.way;
      const shown = this.#offered.has(other) && (other !== way || way === "token" && phase === "in" || this.#pasting && other !== "token" && phase !== "in");
      button.hidden = !shown || other === "token" && tokenForm;
      button.textContent = other === "token" && way === "token" ? "Use another token" : WAY_TEXT[other].other;
      if (!button.hidden) others++;
    }
    find4(this.#root, "#signin-or").hidden = others === 0;
    const signOut = find4(this.#root, "#sign-out");
    signOut.hidden = phase === "out";
    find4(this.#root, "#signin-others").hidden = others === 0 && signOut.hidden;
    find4(this.#root, "#key-view").hidden = way !== "key";
    find4(this.#root, "#wallet-view").hidden = way !== "wallet";
    find4(this.#root, "#token-view").hidden = way !== "token";
    const key = this.#key;
    find4(this.#root, "#key-identity").hidden = key === void 0;
    find4(this.#root, "#key-actions").hidden = key === void 0;
    find4(this.#root, "#identity").textContent = key?.publicKey ?? "";
    find4(this.#root, "#key-fingerprint").textContent = key ? shortIdentity(key.publicKey) : "";
    find4(this.#root, "#key-unkept").hidden = key === void 0 || key.kept;
    find4(this.#root, "#wallet-account").hidden = this.#address === void 0;
    find4(this.#root, "#wallet-address").textContent = this.#address ?? "";
    find4(this.#root, "#wallet-fingerprint").textContent = this.#address ? shortIdentity(this.#address) : "";
  }
  #copyButton(selector, text) {
    const button = find4(this.#root, selector);
    const label = button.textContent ?? "Copy";
    let timer;
    button.addEventListener("click", async () => {
      const copied = text() ?? "";
      try {
        await navigator.clipboard.writeText(copied);
        button.textContent = "Copied";
      } catch (error) {
        console.warn("sluice: cannot write to the clipboard:", error);
        find4(this.#root, "#signin-details").open = true;
        const shown = find4(this.#root, this.#way === "wallet" ? "#wallet-address" : "#identity");
        getSelection()?.selectAllChildren(shown);
        button.textContent = "Selected";
      }
      clearTimeout(timer);
      timer = setTimeout(() => button.textContent = label, COPIED_MS);
    });
  }
};

// web/handed_token.ts
function handedToken() {
  const params = new URLSearchParams(globalThis.location?.hash.slice(1) ?? "");
  const token = params.get("token") ?? void 0;
  if (token !== void 0) history.replaceState(null, "", location.pathname + location.search);
  return token;
}

// web/wallet.ts
function findWallet() {
  const candidate = globalThis.ethereum;
  return typeof candidate === "object" && candidate !== null && typeof candidate.request === "function" ? candidate : void 0;
}
function firstAccount(answer) {
  if (!Array.isArray(answer) || answer.length === 0) return void 0;
  const account = answer[0];
  if (typeof account !== "string" || !ETHEREUM_ADDRESS.test(account)) {
    throw new Error(`the wallet answered with something other than an address`);
  }
  return account;
}
async function requestAddress(wallet) {
  const account = firstAccount(await wallet.request({
    method: "eth_requestAccounts"
  }));
  if (account === void 0) throw new Error("the wallet shared no account");
  return account;
}
async function knownAddress(wallet) {
  return firstAccount(await wallet.request({
    method: "eth_accounts"
  }));
}
function watchAccounts(wallet, listener) {
  wallet.on?.("accountsChanged", (accounts) => {
    try {
      listener(firstAccount(accounts));
    } catch (error) {
      console.warn("sluice: the wallet's accountsChanged named no address:", error);
    }
  });
}
function utf8Hex(text) {
  const bytes = new TextEncoder().encode(text);
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
function walletSigner(wallet, address) {
  let refusal;
  return {
    address,
    get refusal() {
      return refusal;
    },
    async signMessage(message) {
      try {
        const signature = await wallet.request({
          method: "personal_sign",
          params: [
            utf8Hex(message),
            address
          ]
        });
        if (typeof signature !== "string") throw new Error("the wallet returned no signature");
        refusal = void 0;
        return signature;
      } catch (error) {
        refusal = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
        throw error;
      }
    }
  };
}

// web/page_sign_in.ts
var PageSignIn = class {
  #options;
  #panel;
  #wallet = findWallet();
  #preferences = loadPreferences();
  #client;
  #credentials;
  /** The browser key, once read from storage (it stays read while a wallet is used). */
  #key;
  /** Switches run one after another, in the order asked. */
  #switching = Promise.resolve();
  /** A token the page's address handed over, until the server says it takes tokens. */
  #handed = handedToken();
  /** Takes over the panel; nothing signs in until {@linkcode PageSignIn.start}. */
  constructor(options) {
    this.#options = options;
    this.#panel = new SignInPanel(options.panel, {
      signIn: (way, token) => {
        if (this.#refuseWhileDownloading()) return;
        if (way === "key") return void this.#useKey();
        if (way === "wallet") {
          if (this.#wallet !== void 0) void this.#useWallet(this.#wallet);
          return;
        }
        if (token === void 0) return;
        this.#remember({
          method: void 0
        });
        void this.#signInWith({
          kind: "token",
          token
        }, "token");
      },
      retry: () => this.connect(),
      signOut: () => {
        if (this.#refuseWhileDownloading()) return;
        this.#remember({
          method: void 0
        });
        void this.#signInWith(void 0, this.#firstWay());
      },
      newKey: () => void this.#newKey(),
      forgetKey: () => void this.#forgetKey(),
      serverKey: (key) => this.#pinServerKey(key)
    }, this.#wallet !== void 0);
    const wallet = this.#wallet;
    if (wallet !== void 0) {
      watchAccounts(wallet, (address) => this.#walletMoved(wallet, address));
    }
    watchKey((change) => void this.#keyChangedElsewhere(change));
  }
  /** The client of the current identity; none before signing in. */
  get client() {
    return this.#client;
  }
  /**
   * What `/schema.json` said (`false` too when it could not be read): a
   * server that takes tokens gets the Token way offered, and a token the
   * address handed over signs in with it; one that does not leaves such a
   * token unused and goes on as if none had been handed.
   */
  offerTokens(offered) {
    if (offered) this.#panel.offerTokens();
    const handed = this.#handed;
    this.#handed = void 0;
    if (handed === void 0) return;
    if (offered) return void this.#signInWith({
      kind: "token",
      token: handed
    }, "token");
    void this.#startWithout().then(() => this.#panel.showProblem("", "This server does not take tokens: sign in another way."));
  }
  /** Connects the current client, if any; failures show in the badge and the panel. */
  connect() {
    this.#client?.connect().catch(() => {
    });
  }
  /**
   * The first sign-in of this visit, as `default_way.ts` orders it: a
   * handed token (once the schema says the server takes tokens), else the
   * way of the last visit without a wallet prompt, else nothing until the
   * panel's button is pressed.
   */
  async start() {
    this.#panel.showServerKey(this.#preferences.serverKey);
    const handed = this.#handed;
    if (handed === void 0) return await this.#startWithout();
    this.#panel.showToken(handed);
    await this.#signInWith(void 0, "token", HANDED_TOKEN);
  }
  /** The way of a visit with no token handed over: the last visit's, or the button's. */
  async #startWithout() {
    try {
      const wallet = this.#wallet;
      const { way, now } = defaultWay({
        handedToken: false,
        remembered: this.#preferences.method,
        wallet: wallet !== void 0
      });
      if (!now) return await this.#signInWith(void 0, way);
      if (way === "key" || wallet === void 0) return await this.#useKey();
      const address = await knownAddress(wallet).catch((error) => {
        console.warn("sluice: the wallet did not say which account it shares:", error);
        return void 0;
      });
      this.#panel.showWallet(address);
      await this.#signInWith(address === void 0 ? void 0 : {
        kind: "wallet",
        signer: walletSigner(wallet, address)
      }, "wallet");
    } catch (error) {
      this.#panel.showProblem("", `The page could not sign in: ${reason(error)}`);
    }
  }
  /** The button's way for someone who has not signed in (yet, or since signing out). */
  #firstWay() {
    const facts = {
      handedToken: false,
      remembered: void 0,
      wallet: this.#wallet !== void 0
    };
    return defaultWay(facts).way;
  }
  async #newKey() {
    if (this.#refuseWhileDownloading() || !this.#panel.confirm("new")) return;
    this.#key = await replaceKey();
    await this.#useKey();
  }
  async #forgetKey() {
    if (this.#refuseWhileDownloading() || !this.#panel.confirm("forget")) return;
    try {
      await forgetKey();
    } catch (error) {
      return this.#panel.showProblem("", `The key could not be forgotten: ${reason(error)}`);
    }
    this.#key = void 0;
    this.#panel.showKey(void 0);
    if (this.#credentials?.kind !== "key") return;
    this.#remember({
      method: void 0
    });
    await this.#signInWith(void 0, this.#firstWay());
  }
  /**
   * Another tab made a new key or forgot it: the old one is gone from
   * storage, so this tab follows (signing in with the new key, or out),
   * unless downloads run under the old.
   */
  async #keyChangedElsewhere(change) {
    this.#key = void 0;
    if (this.#credentials?.kind !== "key") return this.#panel.showKey(void 0);
    if (this.#options.unfinished() > 0) {
      return this.#panel.showProblem("", `Another tab ${change === "replaced" ? "made a new key" : "forgot the key"}. This tab's downloads go on as the old one; reload the page when they finish.`);
    }
    if (change === "replaced") return await this.#useKey();
    this.#panel.showKey(void 0);
    await this.#signInWith(void 0, this.#firstWay());
  }
  #pinServerKey(key) {
    if (key === this.#preferences.serverKey) return;
    if (this.#refuseWhileDownloading()) {
      return this.#panel.showServerKey(this.#preferences.serverKey);
    }
    this.#remember({
      serverKey: key
    });
    this.#panel.showServerKey(key);
    const credentials = this.#credentials;
    if (credentials !== void 0) void this.#signInWith(credentials, credentials.kind);
  }
  /** Signs in with the browser key, made and kept first on the first use. */
  async #useKey() {
    this.#key ??= await loadKey();
    this.#panel.showKey(this.#key);
    this.#remember({
      method: "key"
    });
    await this.#signInWith({
      kind: "key",
      key: this.#key
    }, "key");
  }
  /** Asks the wallet for an account (it may prompt), then signs in with it. */
  async #useWallet(wallet) {
    const was = this.#panel.way;
    this.#panel.show("wallet", "signing");
    let address;
    try {
      address = await requestAddress(wallet);
    } catch (error) {
      const credentials = this.#credentials;
      this.#panel.show(credentials?.kind ?? was, credentials === void 0 ? "out" : "in");
      this.#panel.showProblem("", `The wallet did not share an account (${reason(error)}).`);
      return;
    }
    this.#panel.showWallet(address);
    this.#remember({
      method: "wallet"
    });
    await this.#signInWith({
      kind: "wallet",
      signer: walletSigner(wallet, address)
    }, "wallet");
  }
  /**
   * The wallet moved to another account, or stopped sharing one. While the
   * page signs in with the wallet, it follows: a new client for the new
   * account, or none until the wallet's button is pressed. Running
   * downloads are not ended for it; they go on as the account that started
   * them, and the button stays offered for afterwards.
   */
  #walletMoved(wallet, address) {
    if (this.#preferences.method !== "wallet") return;
    const credentials = this.#credentials;
    const current = credentials?.kind === "wallet" ? credentials.signer.address : void 0;
    if (address?.toLowerCase() === current?.toLowerCase()) return;
    if (this.#refuseWhileDownloading()) return this.#panel.showWallet(current, true);
    this.#panel.showWallet(address);
    void this.#signInWith(address === void 0 ? void 0 : {
      kind: "wallet",
      signer: walletSigner(wallet, address)
    }, "wallet");
  }
  /**
   * Downloads belong to the sign-in that started them: closing its client
   * would end them. So while any is unfinished the page refuses to switch,
   * and says why, rather than asking: a "switch anyway?" is one careless
   * click from losing an hour-long export, and Cancel on its card is one
   * deliberate click away.
   */
  #refuseWhileDownloading() {
    const unfinished2 = this.#options.unfinished();
    if (unfinished2 === 0) return false;
    this.#panel.showProblem("", switchRefused(unfinished2));
    return true;
  }
  #remember(changes) {
    this.#preferences = {
      ...this.#preferences,
      ...changes
    };
    savePreferences(this.#preferences);
  }
  /**
   * Closes the current client and builds one for `next`, shown as `way`
   * (none: the panel waits for its button, or for the handed token, and
   * Download says `why`).
   */
  #signInWith(next, way, why = notSignedIn(way)) {
    this.#switching = this.#switching.then(async () => {
      const { badge: badge2, notice: notice2, blocked } = this.#options;
      const panel = this.#panel;
      const old = this.#client;
      this.#client = void 0;
      this.#credentials = next;
      notice2(void 0);
      panel.clearProblem();
      await old?.close();
      badge2.identity(next === void 0 ? void 0 : shownIdentity(next) ?? "a token");
      if (next === void 0) {
        panel.show(way, why === HANDED_TOKEN ? "signing" : "out");
        blocked(why);
        return badge2.phase("idle");
      }
      panel.show(way, "signing");
      blocked(void 0);
      const client = this.#client = pageClient(this.#options.url, next, this.#preferences.serverKey);
      watchClient(client, {
        way,
        credentials: next,
        panel,
        badge: badge2,
        current: () => this.#client === client,
        notice: notice2,
        blocked,
        connectionChanged: this.#options.connectionChanged
      });
      this.connect();
    });
    return this.#switching;
  }
};

// web/range_box.ts
function boxToIso(text) {
  const value = text.trim();
  if (value === "") return void 0;
  const [date, time = "00:00"] = value.split(/[ T]+/, 2);
  return `${date}T${time}Z`;
}
function isoToBox(iso) {
  return iso.replace("T", " ").replace(/:00$/, "");
}

// protocol/error_table.ts
var badMessage = (message) => ({
  message,
  recoverable: false,
  scope: "message",
  fault: "sender"
});
var request = (message) => ({
  message,
  recoverable: false,
  scope: "download",
  fault: "sender"
});
var signIn = (message, recoverable = false) => ({
  message,
  recoverable,
  scope: "connection",
  fault: "sender"
});
var command = (message) => ({
  message,
  recoverable: false,
  scope: "message",
  fault: "sender"
});
var sealed = (message) => ({
  message,
  recoverable: true,
  scope: "connection",
  fault: "sender"
});
var frame = (message) => ({
  message,
  recoverable: true,
  scope: "connection",
  fault: "sender"
});
var ERROR_TABLE = {
  MALFORMED_JSON: badMessage("The message is not valid UTF-8 JSON."),
  MESSAGE_TOO_LARGE: badMessage("The message exceeds the size limit."),
  TOO_MANY_MESSAGES: {
    message: "The connection sent messages faster than the server handles them.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  NESTING_TOO_DEEP: badMessage("The message nests objects or arrays too deeply."),
  FORBIDDEN_KEY: badMessage("The message contains a forbidden key such as `__proto__`."),
  UNKNOWN_EVENT: badMessage("The event name is not part of the protocol."),
  UNEXPECTED_EVENT: badMessage("This side of the connection may not send that event."),
  MISSING_FIELD: badMessage("A required field is missing."),
  UNKNOWN_FIELD: badMessage("The message contains a field the protocol does not define."),
  INVALID_TYPE: badMessage("A field has the wrong type."),
  INVALID_VALUE: badMessage("A field's value is outside what the protocol allows."),
  NON_FINITE_NUMBER: badMessage("A number is not finite."),
  STRING_TOO_LONG: badMessage("A string exceeds its length limit."),
  ARRAY_TOO_LONG: badMessage("An array exceeds its length limit."),
  INVALID_DATE: badMessage("A date is not an ISO 8601 UTC timestamp or does not exist."),
  INVALID_RANGE: request("The time range is empty, inverted or out of bounds."),
  UNSUPPORTED_FORMAT: request("The output format is not csv, json or ndjson."),
  UNKNOWN_DATASET: request("The request names a dataset the server does not have."),
  UNKNOWN_COLUMN: request("A filter or the column list names a column the data source does not have."),
  INVALID_OPERATOR: request("The filter operator does not apply to that column."),
  INVALID_FILTER_VALUE: request("A filter value does not fit its column or operator."),
  TOO_MANY_FILTERS: request("The request has more filters than allowed."),
  UNKNOWN_REQUEST: badMessage("No download with that requestId exists on this connection."),
  DUPLICATE_REQUEST: badMessage("A download with that requestId is already active."),
  TOO_MANY_DOWNLOADS: {
    message: "Too many concurrent downloads on this connection.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "download",
    fault: "sender"
  },
  CANCELLED: {
    message: "The download was cancelled.",
    recoverable: false,
    scope: "download",
    fault: "none"
  },
  ILLEGAL_TRANSITION: {
    message: "The event is not allowed in the current state.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  SEQUENCE_GAP: {
    message: "A data frame does not continue where the previous one ended.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  INTEGRITY_MISMATCH: {
    message: "The received rows, bytes or digest differ from what the server sent.",
    recoverable: false,
    scope: "download",
    fault: "sender"
  },
  // Recoverable: the frame was never delivered and the resume point stays before it, so
  // resuming (say, on a connection that does not alter bytes) can finish the download.
  DIGEST_MISMATCH: {
    message: "A data frame's payload does not match its digest; it was discarded.",
    recoverable: true,
    scope: "download",
    fault: "sender"
  },
  RESUME_MISMATCH: {
    message: "The server cannot resume this download as it was started.",
    recoverable: false,
    scope: "download",
    fault: "none"
  },
  INTERNAL_ERROR: {
    message: "The server failed while serving the request.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "download",
    fault: "server"
  },
  // The server's database, not the server: gone or too slow now, so resuming later can finish.
  SOURCE_UNAVAILABLE: {
    message: "The server's database is unavailable or too slow just now; resume later.",
    recoverable: true,
    retryAfter: 5e3,
    scope: "download",
    fault: "server"
  },
  // The database refuses this download's query every time (a changed table, a value it cannot
  // read): a resume would meet the same refusal, until the operator fixes the table.
  SOURCE_FAILED: {
    message: "The server's database refused to read this download's rows.",
    recoverable: false,
    scope: "download",
    fault: "server"
  },
  // A value stored in the table that its column's type cannot carry: every resume reaches the
  // same row, until the operator fixes the value (details name the column and the row's key).
  UNEXPORTABLE_VALUE: {
    message: "A value stored in the server's table does not fit its column's type.",
    recoverable: false,
    scope: "download",
    fault: "server"
  },
  SERVER_SHUTTING_DOWN: {
    message: "The server is shutting down; resume on another connection.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "connection",
    fault: "none"
  },
  FRAME_TRUNCATED: frame("The data frame is shorter than its header says."),
  FRAME_TOO_LARGE: frame("The data frame exceeds the size limit."),
  FRAME_VERSION: frame("The data frame has an unsupported version."),
  FRAME_TYPE: frame("The data frame has an unknown type."),
  FRAME_FLAGS: frame("The data frame sets reserved flags."),
  FRAME_FIELD: frame("A data frame field is out of range or badly encoded."),
  FRAME_TRAILING_BYTES: frame("The data frame has bytes after its payload."),
  IDLE_TIMEOUT: {
    message: "The connection sent nothing for longer than the server's idle timeout.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  SEND_QUEUE_FULL: {
    message: "The connection left more unread than the server holds for one connection.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  READER_STALLED: {
    message: "The connection read nothing of what the server sent for longer than it waits.",
    recoverable: true,
    scope: "connection",
    fault: "sender"
  },
  HANDSHAKE_TIMEOUT: {
    message: "The server did not complete the connection in time.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  SIGNING_TIMEOUT: {
    message: "The signer (a wallet waiting for its user) did not sign in time: the challenge expired.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  HEARTBEAT_TIMEOUT: {
    message: "The server stopped answering heartbeats.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  CONNECTION_LOST: {
    message: "The connection closed unexpectedly.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  CONNECTION_FAILED: {
    message: "Could not reconnect after the configured number of attempts.",
    recoverable: false,
    scope: "connection",
    fault: "client"
  },
  CONNECTION_CLOSED: {
    message: "The connection was closed by the client.",
    recoverable: false,
    scope: "connection",
    fault: "none"
  },
  AUTH_REQUIRED: command("Sign in first: this server does not serve anonymous clients."),
  SIGN_IN_TIMEOUT: {
    message: "The connection did not sign in in time; connect and sign in again.",
    recoverable: true,
    scope: "connection",
    fault: "client"
  },
  AUTH_IN_PROGRESS: command("This connection already asked for its one challenge."),
  AUTH_IDENTITY_MISMATCH: signIn("The identity differs from the one the nonce was issued to."),
  AUTH_NONCE_UNKNOWN: signIn("The nonce is not the one this connection was given."),
  AUTH_NONCE_EXPIRED: signIn("The nonce expired; ask for a new one.", true),
  AUTH_NONCE_USED: signIn("The nonce was already used."),
  AUTH_BAD_SIGNATURE: signIn("The signature is not the identity's over this server's challenge text."),
  AUTH_DELEGATION_EXPIRED: signIn("The delegation has expired; the account must sign a new one.", true),
  AUTH_DELEGATION_TOO_LONG: signIn("The delegation ends later than this server allows; a new one must end sooner.", true),
  AUTH_UNKNOWN_IDENTITY: signIn("The key or address is not allowed to sign in here."),
  SIGN_IN_RATE_LIMITED: {
    message: "Too many failed sign-ins from this address or for this identity; wait and retry.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "connection",
    fault: "sender"
  },
  AUTH_CONTRACT_WALLET_UNSUPPORTED: signIn("The signature is a contract wallet's (EIP-1271); this server takes only account keys' signatures."),
  AUTH_TOKEN_UNSUPPORTED: signIn("This server does not take tokens; sign in with a key."),
  AUTH_TOKEN_SEAL: signIn("The sealed token does not open with this connection's keys and challenge."),
  AUTH_TOKEN_MALFORMED: signIn("The token is not one this server can read."),
  AUTH_TOKEN_ALGORITHM: signIn("The token's algorithm is not one this server's keys allow."),
  AUTH_TOKEN_SIGNATURE: signIn("The token's signature does not verify with this server's keys."),
  AUTH_TOKEN_EXPIRED: signIn("The token has expired; sign in with a fresh one."),
  AUTH_TOKEN_NOT_YET_VALID: signIn("The token is not valid yet (its nbf is ahead)."),
  AUTH_TOKEN_ISSUER: signIn("The token was issued by someone this server does not trust."),
  AUTH_TOKEN_AUDIENCE: signIn("The token is meant for another audience than this server."),
  AUTH_TOKEN_REFUSED: signIn("The server's token check refused this token."),
  AUTH_TOKEN_KEYS_DOWN: {
    message: "The server could not fetch the keys to check the token; try again later.",
    recoverable: true,
    retryAfter: 5e3,
    scope: "connection",
    fault: "server"
  },
  ORIGIN_MISMATCH: {
    message: "The server names another origin than the one the client dialled.",
    recoverable: false,
    scope: "connection",
    fault: "server"
  },
  SERVER_KEY_MISMATCH: {
    message: "The server could not prove it holds the identity key the client expects.",
    recoverable: false,
    scope: "connection",
    fault: "server"
  },
  FORBIDDEN: request("The server does not allow this identity that download."),
  ROW_FILTER_CLAIM_MISSING: request("The dataset shows each identity its own rows, and this identity has no usable value for its rule."),
  RATE_LIMITED: {
    message: "Too many requests from this identity; wait and retry.",
    recoverable: true,
    retryAfter: 1e3,
    scope: "download",
    fault: "sender"
  },
  ROW_LIMIT_EXCEEDED: request("The download has more rows than this identity may take at once."),
  COMMAND_UNSIGNED: command("A command of a signed-in session lacks its `auth`."),
  TOKEN_INVALID: command("The command's token is not this session's."),
  COMMAND_SIGNATURE_INVALID: command("The command's signature does not match its content."),
  COMMAND_STALE: command("The command's timestamp is outside the accepted window."),
  COMMAND_REPLAYED: command("The command's timestamp is not after the previous command's."),
  SESSION_EXPIRED: {
    message: "The signed-in session expired; connect and sign in again.",
    recoverable: true,
    scope: "connection",
    fault: "none"
  },
  UNSEALED_MESSAGE: sealed("A message of an encrypted session arrived unencrypted."),
  REPLAYED_FRAME: sealed("A sealed frame repeats a counter already received."),
  REORDERED_FRAME: sealed("A sealed frame skips ahead of the next expected counter."),
  DECRYPTION_FAILED: sealed("A sealed frame failed its authentication tag.")
};
var ERROR_CODES = Object.keys(ERROR_TABLE);

// protocol/errors.ts
function errorResponse(code, details, overrides = {}) {
  const info = ERROR_TABLE[code];
  const retryAfter = overrides.retryAfter ?? info.retryAfter;
  return {
    code,
    message: overrides.message ?? info.message,
    ...details === void 0 ? {} : {
      details
    },
    recoverable: info.recoverable,
    ...retryAfter === void 0 ? {} : {
      retryAfter
    }
  };
}

// protocol/column_choice.ts
var MAX_NAMES_DETAIL = 1e3;
function chooseColumns(names, schema) {
  if (names === void 0) return {
    ok: true,
    value: void 0
  };
  const path = "data.searchParams.columns";
  if (names.length === 0) {
    return {
      ok: false,
      error: errorResponse("INVALID_VALUE", {
        path,
        reason: "no columns"
      })
    };
  }
  const chosen = [];
  for (const [i, name] of names.entries()) {
    const index = schema.findIndex((c) => c.name === name);
    if (index === -1) {
      const error = errorResponse("UNKNOWN_COLUMN", {
        path: `${path}[${i}]`,
        column: name,
        columns: listNames(schema)
      });
      return {
        ok: false,
        error
      };
    }
    if (chosen.includes(index)) {
      const error = errorResponse("INVALID_VALUE", {
        path: `${path}[${i}]`,
        column: name,
        reason: "a column given twice"
      });
      return {
        ok: false,
        error
      };
    }
    chosen.push(index);
  }
  return {
    ok: true,
    value: chosen
  };
}
function listNames(schema) {
  let text = "";
  for (const { name } of schema) {
    const next = text === "" ? name : `${text}, ${name}`;
    if (next.length > MAX_NAMES_DETAIL) return `${text}, \u2026`;
    text = next;
  }
  return text;
}

// protocol/time.ts
var ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?$/;
var MS_PER_DAY = 864e5;
function parseTimestamp(text) {
  const m = ISO.exec(text);
  if (m === null) return {
    ok: false,
    error: "INVALID_DATE"
  };
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return {
      ok: false,
      error: "INVALID_DATE"
    };
  }
  if (hour > 23 || minute > 59 || second > 59) return {
    ok: false,
    error: "INVALID_DATE"
  };
  let offset = 0;
  if (zone !== "Z") {
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return {
      ok: false,
      error: "INVALID_DATE"
    };
    offset = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om) * 6e4;
  }
  const ms = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1e3 + Number(frac.padEnd(3, "0")) - offset;
  return {
    ok: true,
    value: ms
  };
}
function isLeap(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}
function daysInMonth(year, month) {
  return month === 2 ? isLeap(year) ? 29 : 28 : [
    31,
    0,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31
  ][month - 1];
}
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// protocol/filter.ts
var DEFAULT_FILTER_LIMITS = {
  maxFilters: 32,
  maxInValues: 1e3,
  maxTextLength: 256
};
var OPERATORS_BY_TYPE = {
  integer: [
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "between"
  ],
  decimal: [
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "between"
  ],
  timestamp: [
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "between"
  ],
  text: [
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "in",
    "between",
    "prefix"
  ],
  boolean: [
    "eq",
    "neq",
    "in"
  ]
};
var INT64_MIN = -(2n ** 63n);
var INT64_MAX = 2n ** 63n - 1n;
var INTEGER_TEXT = /^-?(0|[1-9][0-9]{0,18})$/;
var DECIMAL_TEXT = /^-?(0|[1-9][0-9]{0,29})(\.[0-9]{1,30})?$/;
function validateFilters(filters2, schema, limits = {}) {
  const bounds = {
    ...DEFAULT_FILTER_LIMITS,
    ...limits
  };
  if (filters2.length > bounds.maxFilters) {
    return fail("TOO_MANY_FILTERS", "data.searchParams.filters", {
      limit: bounds.maxFilters
    });
  }
  const out = [];
  for (const [i, filter] of filters2.entries()) {
    const path = `data.searchParams.filters[${i}]`;
    const column = schema.find((c) => c.name === filter.field);
    if (column === void 0 || column.filterable === false) {
      return fail("UNKNOWN_COLUMN", `${path}.field`, {
        field: filter.field,
        columns: filterableColumns(schema)
      });
    }
    if (!OPERATORS_BY_TYPE[column.type].includes(filter.operator)) {
      return fail("INVALID_OPERATOR", `${path}.operator`, {
        operator: filter.operator,
        type: column.type
      });
    }
    const values = operands(filter, bounds);
    if (typeof values === "string") {
      return fail("INVALID_FILTER_VALUE", `${path}.value`, {
        reason: values
      });
    }
    const normalised = [];
    for (const value of values) {
      const v = normalise(value, column, bounds);
      if (typeof v === "object") {
        return fail("INVALID_FILTER_VALUE", `${path}.value`, {
          reason: v.reason
        });
      }
      normalised.push(v);
    }
    if (filter.operator === "between" && compare(normalised[0], normalised[1], column) > 0) {
      return fail("INVALID_FILTER_VALUE", `${path}.value`, {
        reason: "between needs low <= high"
      });
    }
    out.push({
      field: column.name,
      type: column.type,
      operator: filter.operator,
      values: normalised
    });
  }
  return {
    ok: true,
    value: out
  };
}
function fail(code, path, extra) {
  return {
    ok: false,
    error: errorResponse(code, {
      path,
      ...extra
    })
  };
}
var MAX_COLUMNS_DETAIL = 1e3;
function filterableColumns(schema) {
  let text = "";
  for (const column of schema) {
    if (column.filterable === false) continue;
    const next = text === "" ? column.name : `${text}, ${column.name}`;
    if (next.length > MAX_COLUMNS_DETAIL) return `${text}, \u2026`;
    text = next;
  }
  return text;
}
function operands(filter, bounds) {
  const { operator, value } = filter;
  if (operator === "in") {
    if (!Array.isArray(value) || value.length === 0) return "in needs a non-empty list";
    if (value.length > bounds.maxInValues) return `in allows at most ${bounds.maxInValues} values`;
    return value;
  }
  if (operator === "between") {
    if (!Array.isArray(value) || value.length !== 2) return "between needs [low, high]";
    return value;
  }
  if (Array.isArray(value)) return `${operator} needs a single value`;
  return [
    value
  ];
}
function normalise(value, column, bounds) {
  switch (column.type) {
    case "integer": {
      if (typeof value === "number") {
        return Number.isSafeInteger(value) ? BigInt(value) : {
          reason: "not a safe integer"
        };
      }
      if (typeof value === "string" && INTEGER_TEXT.test(value)) {
        const n = BigInt(value);
        if (n >= INT64_MIN && n <= INT64_MAX) return n;
      }
      return {
        reason: "not a 64-bit integer"
      };
    }
    case "decimal": {
      const text = typeof value === "number" && Number.isFinite(value) ? withoutExponent(String(value)) : value;
      if (typeof text !== "string" || !DECIMAL_TEXT.test(text)) {
        return {
          reason: "not a decimal number"
        };
      }
      const fraction = text.split(".")[1] ?? "";
      if (column.scale !== void 0 && fraction.replace(/0+$/, "").length > column.scale) {
        return {
          reason: `more than ${column.scale} decimal places`
        };
      }
      return canonicalDecimal(text);
    }
    case "timestamp": {
      if (typeof value === "number") {
        return Number.isSafeInteger(value) ? value : {
          reason: "not epoch milliseconds"
        };
      }
      if (typeof value !== "string") return {
        reason: "not a timestamp"
      };
      const parsed = parseTimestamp(value);
      return parsed.ok ? parsed.value : {
        reason: "not an ISO 8601 timestamp"
      };
    }
    case "text":
      if (typeof value !== "string") return {
        reason: "not text"
      };
      if (!value.isWellFormed()) return {
        reason: "a lone surrogate, which no text holds"
      };
      if (value.length > bounds.maxTextLength) {
        return {
          reason: `longer than ${bounds.maxTextLength} characters`
        };
      }
      return value;
    case "boolean":
      if (value === "true" || value === "false") return value === "true";
      return typeof value === "boolean" ? value : {
        reason: "not a boolean"
      };
    default: {
      const unreachable = column.type;
      throw new Error(`unknown column type ${unreachable}`);
    }
  }
}
function withoutExponent(text) {
  const m = /^(-?)([0-9])(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(text);
  if (m === null) return text;
  const [, sign, lead, rest = "", exp] = m;
  const digits = lead + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
function canonicalDecimal(text) {
  let [whole, fraction = ""] = text.split(".");
  fraction = fraction.replace(/0+$/, "");
  const out = fraction === "" ? whole : `${whole}.${fraction}`;
  return out === "-0" ? "0" : out;
}
function compare(a, b, column) {
  if (column.type === "decimal") return compareDecimal(a, b);
  if (column.type === "text") return compareCodePoints(a, b);
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
function compareCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i), y = b.codePointAt(i);
    if (x !== y) return x < y ? -1 : 1;
    if (x > 65535) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
function compareDecimal(a, b) {
  const [ia, fa = ""] = a.split(".");
  const [ib, fb = ""] = b.split(".");
  const width = Math.max(fa.length, fb.length);
  const x = BigInt(ia + fa.padEnd(width, "0"));
  const y = BigInt(ib + fb.padEnd(width, "0"));
  return x === y ? 0 : x < y ? -1 : 1;
}

// protocol/request.ts
function validateDownloadRequest(request2, schema, limits = {}) {
  const { timeFrom, timeTo, filters: filters2 } = request2.searchParams;
  const from = parseTimestamp(timeFrom);
  const to = parseTimestamp(timeTo);
  if (!from.ok || !to.ok) {
    const path = from.ok ? "data.searchParams.timeTo" : "data.searchParams.timeFrom";
    return {
      ok: false,
      error: errorResponse("INVALID_DATE", {
        path
      })
    };
  }
  if (from.value >= to.value) {
    return {
      ok: false,
      error: errorResponse("INVALID_RANGE", {
        path: "data.searchParams",
        reason: "timeFrom must be before timeTo"
      })
    };
  }
  if (limits.maxRangeMs !== void 0 && to.value - from.value > limits.maxRangeMs) {
    return {
      ok: false,
      error: errorResponse("INVALID_RANGE", {
        path: "data.searchParams",
        reason: `wider than ${limits.maxRangeMs} ms`
      })
    };
  }
  const checked = validateFilters(filters2, schema, limits);
  if (!checked.ok) return checked;
  const columns2 = chooseColumns(request2.searchParams.columns, schema);
  if (!columns2.ok) return columns2;
  return {
    ok: true,
    value: {
      timeFrom: from.value,
      timeTo: to.value,
      filters: checked.value,
      outputFormat: request2.outputFormat,
      compression: request2.compression,
      neutralizeFormulas: request2.neutralizeFormulas ?? true,
      ...columns2.value === void 0 ? {} : {
        columns: columns2.value
      }
    }
  };
}

// web/request_check.ts
function placeOf(path) {
  if (typeof path !== "string") return {
    kind: "form"
  };
  const filter = /\.filters\[(\d+)\]/.exec(path);
  if (filter !== null) return {
    kind: "filter",
    index: Number(filter[1])
  };
  if (path.endsWith(".timeFrom")) return {
    kind: "from"
  };
  if (path.endsWith(".timeTo")) return {
    kind: "to"
  };
  if (path === "data.searchParams") return {
    kind: "range"
  };
  return {
    kind: "form"
  };
}
function checkRequest(request2, columns2) {
  const checked = validateDownloadRequest(columns2 === void 0 ? {
    ...request2,
    searchParams: {
      ...request2.searchParams,
      filters: []
    }
  } : request2, columns2 ?? []);
  if (checked.ok) return void 0;
  const { code, text } = explain(checked.error);
  return {
    place: placeOf(checked.error.details?.path),
    code,
    text
  };
}

// web/save_target.ts
var BLOB_PART_BYTES = 8 * 1024 * 1024;
function savePicker() {
  const picker = globalThis.showSaveFilePicker;
  return typeof picker === "function" ? picker.bind(globalThis) : void 0;
}
function canStreamToFile() {
  return savePicker() !== void 0;
}
async function chooseTarget(name, mime, extension) {
  const picker = savePicker();
  if (picker === void 0) return blobTarget(name, mime);
  let handle;
  try {
    handle = await picker({
      suggestedName: name,
      types: [
        {
          description: extension.toUpperCase(),
          accept: {
            [mime]: [
              `.${extension}`
            ]
          }
        }
      ]
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") return void 0;
    throw error;
  }
  return {
    kind: "file",
    writable: await handle.createWritable(),
    finish: () => void 0,
    release: () => {
    }
  };
}
function blobTarget(name, mime) {
  const parts = [];
  let pending = [];
  let pendingBytes = 0;
  let url;
  const flush = () => {
    if (pending.length === 0) return;
    parts.push(new Blob(pending));
    pending = [];
    pendingBytes = 0;
  };
  return {
    kind: "blob",
    writable: new WritableStream({
      write(chunk) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= BLOB_PART_BYTES) flush();
      },
      close: flush,
      abort() {
        parts.length = 0;
        pending = [];
      }
    }),
    finish() {
      url ??= URL.createObjectURL(new Blob(parts, {
        type: mime
      }));
      parts.length = 0;
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.rel = "noopener";
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      return url;
    },
    release() {
      if (url !== void 0) URL.revokeObjectURL(url);
      url = void 0;
    }
  };
}

// web/value_suggestions.ts
var MAX_SUGGESTED = 50;
var ValueSuggestions = class {
  #root;
  #values = /* @__PURE__ */ new Map();
  #lists = /* @__PURE__ */ new Map();
  /** Keeps the datalists in `root`. */
  constructor(root) {
    this.#root = root;
  }
  /** The id of the datalist of a text column, made empty if there is none yet; none otherwise. */
  listFor(column) {
    if (column.type !== "text") return void 0;
    return this.#list(column.name).id;
  }
  /** An estimate's values: added to their columns' lists, sorted. */
  add(values) {
    for (const [name, more] of Object.entries(values)) {
      const known = this.#values.get(name) ?? /* @__PURE__ */ new Set();
      for (const value of more) if (known.size < MAX_SUGGESTED) known.add(value);
      this.#values.set(name, known);
      const list = this.#list(name);
      list.replaceChildren(...[
        ...known
      ].sort().map((value) => new Option(value)));
    }
  }
  /** Forgets every value (another dataset was picked). */
  clear() {
    this.#values.clear();
    for (const list of this.#lists.values()) list.replaceChildren();
  }
  #list(name) {
    let list = this.#lists.get(name);
    if (list === void 0) {
      list = document.createElement("datalist");
      list.id = `values-${this.#lists.size + 1}`;
      list.dataset.column = name;
      this.#lists.set(name, list);
      this.#root.append(list);
    }
    return list;
  }
};

// web/app.ts
var byId = (id) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element;
};
var MIME_TYPES = {
  csv: "text/csv",
  json: "application/json",
  ndjson: "application/x-ndjson"
};
var socketUrl = new URL("/", location.href);
socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
var UNFINISHED = [
  "queued",
  "running",
  "paused"
];
var badge = new ConnectionBadge({
  root: byId("connection"),
  text: byId("connection-text"),
  who: byId("connection-who"),
  rtt: byId("rtt"),
  reconnect: byId("reconnect")
});
var notice = byId("notice");
var cards = /* @__PURE__ */ new Set();
var suggestions = new ValueSuggestions(byId("value-lists"));
var filters = new FilterEditor(byId("filters"), byId("filter-template"), (column) => suggestions.listFor(column));
var columnPicker = new ColumnPicker(byId("columns"));
var form = byId("export-form");
var formError = byId("form-error");
var rangeError = byId("range-error");
var fromBox = byId("from");
var toBox = byId("to");
var preset = byId("preset");
var startButton = byId("start");
var startBlocked = byId("start-blocked");
var downloads = byId("downloads");
var cardInView = new KeepInView(notice, byId("request-column"));
var addFilter = byId("add-filter");
var history2 = new DownloadHistory();
var columns;
var datasets = new DatasetPicker(byId("dataset-field"), byId("dataset"), (picked) => {
  columns = picked;
  filters.setSchema({
    columns: picked
  });
  columnPicker.setColumns(picked);
  suggestions.clear();
  addFilter.disabled = !filters.available;
  refreshEstimate();
});
function showNotice(text) {
  notice.hidden = text === void 0;
  notice.textContent = text ?? "";
}
var unfinished = () => [
  ...cards
].filter((card) => UNFINISHED.includes(card.state));
var signIn2 = new PageSignIn({
  url: socketUrl,
  panel: byId("signin"),
  badge,
  unfinished: () => unfinished().length,
  connectionChanged: (open3) => {
    for (const card of cards) card.connectionChanged(open3);
    if (open3) refreshEstimate();
  },
  notice: showNotice,
  // What cannot work is not offered: Download waits, saying why, until signing in can succeed.
  blocked: (reason2) => {
    startButton.disabled = reason2 !== void 0;
    startBlocked.hidden = reason2 === void 0;
    startBlocked.textContent = reason2 ?? "";
  }
});
byId("reconnect").addEventListener("click", () => signIn2.connect());
addEventListener("online", () => {
  if (signIn2.client?.session().phase === "failed") signIn2.connect();
});
addEventListener("beforeunload", (event) => {
  if (unfinished().length > 0) event.preventDefault();
});
async function loadSchema() {
  const problem = byId("schema-error");
  try {
    const response = await fetch("/schema.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parsed = parseSchemaDocument(await response.text());
    if (!parsed.ok) throw new Error(`${parsed.error.code} at ${parsed.error.details?.path}`);
    datasets.load(parsed.value);
    signIn2.offerTokens(parsed.value.tokens === true);
    problem.hidden = true;
  } catch (error) {
    signIn2.offerTokens(false);
    problem.textContent = `Filters are unavailable: the server's columns could not be loaded (${error instanceof Error ? error.message : error}).`;
    problem.hidden = false;
  }
}
function readForm() {
  const from = boxToIso(fromBox.value);
  const to = boxToIso(toBox.value);
  if (from === void 0 || to === void 0) {
    const place2 = from === void 0 ? {
      kind: "from"
    } : {
      kind: "to"
    };
    return {
      ok: false,
      error: {
        place: place2,
        code: "",
        text: "Choose both ends of the time range."
      }
    };
  }
  const chosen = filters.filters();
  if (!chosen.ok) {
    const { index, text } = chosen.error;
    return {
      ok: false,
      error: {
        place: {
          kind: "filter",
          index
        },
        code: "",
        text
      }
    };
  }
  const data = new FormData(form);
  const dataset = datasets.picked;
  const picked = columnPicker.chosen();
  if (picked?.length === 0) {
    return {
      ok: false,
      error: {
        place: {
          kind: "form"
        },
        code: "",
        text: "Tick a column."
      }
    };
  }
  const request2 = {
    searchParams: {
      ...dataset === void 0 ? {} : {
        dataset
      },
      timeFrom: from,
      timeTo: to,
      filters: chosen.value,
      ...picked === void 0 ? {} : {
        columns: picked
      }
    },
    outputFormat: data.get("format"),
    compression: byId("gzip").checked
  };
  const problem = checkRequest(request2, columns);
  return problem === void 0 ? {
    ok: true,
    value: request2
  } : {
    ok: false,
    error: problem
  };
}
var estimates = new EstimateView({
  summary: byId("estimate-summary"),
  table: byId("preview"),
  ask: (request2) => signIn2.client?.isConnected() ? signIn2.client.estimate(request2) : void 0,
  values: (values) => suggestions.add(values)
});
function refreshEstimate() {
  const read = readForm();
  estimates.refresh(read.ok ? read.value : void 0);
}
function showProblem(problem, focus) {
  const place2 = problem?.place;
  const text = problem === void 0 ? "" : problem.code === "" ? problem.text : `${problem.code}: ${problem.text}`;
  const onRange = place2?.kind === "from" || place2?.kind === "to" || place2?.kind === "range";
  rangeError.hidden = !onRange;
  rangeError.textContent = onRange ? text : "";
  for (const [box2, kind] of [
    [
      fromBox,
      "from"
    ],
    [
      toBox,
      "to"
    ]
  ]) {
    const marked = place2?.kind === kind || place2?.kind === "range";
    if (marked) box2.setAttribute("aria-invalid", "true");
    else box2.removeAttribute("aria-invalid");
    if (marked && focus && (place2?.kind !== "range" || kind === "to")) box2.focus();
  }
  filters.mark(place2?.kind === "filter" ? {
    index: place2.index,
    text
  } : void 0, focus);
  showFormError(place2?.kind === "form" ? text : void 0);
}
function showFormError(text) {
  formError.hidden = text === void 0;
  formError.textContent = text ?? "";
}
function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${[
    ...bytes
  ].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
function takenNames() {
  return /* @__PURE__ */ new Set([
    ...history2.records.map((r) => r.name),
    ...[
      ...cards
    ].map((c) => c.name)
  ]);
}
async function startExport(request2) {
  const type = request2.outputFormat;
  const name = fileName(request2, takenNames());
  const target = await chooseTarget(name, request2.compression ? "application/gzip" : MIME_TYPES[type], request2.compression ? "gz" : type);
  if (target === void 0) return;
  const client = signIn2.client;
  if (client === void 0) {
    await target.writable.abort(new Error("not signed in"));
    return showFormError("Not signed in: the download did not start.");
  }
  const download = client.download(request2, {
    requestId: requestId(),
    sha256: true
  });
  const start2 = {
    id: download.requestId,
    request: request2,
    name,
    startedAt: Date.now(),
    outcome: "running"
  };
  let remembered = Promise.resolve();
  const card = new DownloadCard({
    template: byId("download-template"),
    name,
    summary: requestSummary(request2),
    download,
    target,
    connected: client.isConnected(),
    ended: (end) => {
      tab.ended(end.outcome, name);
      void remembered.then(() => history2.put(ended(start2, Date.now(), end))).catch((error) => {
        console.warn("sluice: the download history was not saved:", error);
      });
    }
  });
  cards.add(card);
  remembered = history2.put(start2).catch((error) => {
    console.warn("sluice: the download history was not saved:", error);
  });
  downloads.prepend(card.element);
  tab.show();
  cardInView.show(card.element);
  if (client.session().phase === "failed") signIn2.connect();
}
function start(request2) {
  startExport(request2).catch((error) => {
    showFormError(`The download could not start: ${error instanceof Error ? error.message : error}`);
  });
}
var submitted = false;
var tab = new TabNotice(() => unfinished().length);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  submitted = true;
  const read = readForm();
  showProblem(read.ok ? void 0 : read.error, true);
  if (!read.ok) return;
  submitted = false;
  start(read.value);
});
form.addEventListener("change", (event) => {
  if (event.target === fromBox || event.target === toBox) {
    preset.value = boxedPreset();
  }
  const show = () => {
    const read = readForm();
    const problem = read.ok ? void 0 : read.error;
    showProblem(problem?.code === "" && !submitted ? void 0 : problem, false);
    estimates.refresh(read.ok ? read.value : void 0);
  };
  if (pressing) afterPress = show;
  else show();
});
var pressing = false;
var afterPress;
addEventListener("pointerdown", () => pressing = true, true);
for (const type of [
  "pointerup",
  "pointercancel"
]) {
  addEventListener(type, () => {
    pressing = false;
    const pending = afterPress;
    afterPress = void 0;
    if (pending !== void 0) setTimeout(pending, 0);
  }, true);
}
addFilter.addEventListener("click", () => filters.add());
form.addEventListener("input", refreshEstimate);
function boxedPreset() {
  const local = (box2) => (boxToIso(box2.value) ?? "").replace(/Z$/, "");
  return presetOf(local(fromBox), local(toBox), Date.now());
}
for (const p of PRESETS) preset.add(new Option(PRESET_LABELS[p], p));
preset.value = boxedPreset();
preset.addEventListener("change", () => {
  const range = presetRange(preset.value, Date.now());
  if (range === void 0) return;
  fromBox.value = isoToBox(range.from);
  toBox.value = isoToBox(range.to);
});
var historyList = {
  list: byId("history"),
  template: byId("history-template"),
  active: (id) => unfinished().some((card) => card.requestId === id),
  // The same request again, checked against today's columns first: the server may have changed.
  again: (request2) => {
    if (startButton.disabled) return showFormError(startBlocked.textContent ?? void 0);
    const { dataset } = request2.searchParams;
    if (datasets.loaded && datasets.columnsOf(dataset) === void 0) {
      return showFormError(`UNKNOWN_DATASET: ${ERROR_HELP.UNKNOWN_DATASET} (${dataset})`);
    }
    const problem = checkRequest(request2, datasets.columnsOf(dataset));
    if (problem !== void 0) return showFormError(`${problem.code}: ${problem.text}`);
    showFormError(void 0);
    start(request2);
  }
};
history2.onChange((records) => showHistory(historyList, records));
byId("save-hint").textContent = canStreamToFile() ? "You choose where to save; the file is written as the data arrives." : "Your browser keeps the data until the download completes, then saves the file.";
signIn2.start();
loadSchema();
history2.load().catch((error) => console.warn("sluice: the download history is unreadable:", error));
