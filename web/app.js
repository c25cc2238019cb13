// Generated from web/app.ts by `deno task bundle`; do not edit (tests/web_bundle_test.ts checks it).
// web/app.ts
import { ClientBuilder, parseSchemaDocument } from "./sluice_client.js";

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
    this.#el.text.textContent = PHASE_TEXT[phase];
    this.#el.reconnect.hidden = phase !== "failed";
    if (phase !== "open") this.#el.rtt.textContent = "";
  }
  /** A keep-alive came back after `ms`. */
  rtt(ms) {
    this.#el.rtt.textContent = `RTT ${Math.round(ms)} ms`;
  }
};

// web/error_text.ts
var BUG = "This is a bug in the page or the server; please report it.";
var RETRY = "The download continues by itself when the connection is back.";
var ERROR_HELP = {
  MALFORMED_JSON: `The server could not read a message from this page. ${BUG}`,
  MESSAGE_TOO_LARGE: "The request is too large. Use fewer filters or shorter lists of values.",
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
  UNKNOWN_COLUMN: "A filter names a column the server does not have.",
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
  SERVER_SHUTTING_DOWN: `The server is restarting. ${RETRY}`,
  FRAME_TRUNCATED: `Data arrived damaged. ${RETRY}`,
  FRAME_TOO_LARGE: `Data arrived damaged. ${RETRY}`,
  FRAME_VERSION: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_TYPE: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_FLAGS: "The server speaks a newer version of the protocol. Reload the page.",
  FRAME_FIELD: `Data arrived damaged. ${RETRY}`,
  FRAME_TRAILING_BYTES: `Data arrived damaged. ${RETRY}`,
  IDLE_TIMEOUT: `The server closed a quiet connection. ${RETRY}`,
  HEARTBEAT_TIMEOUT: `The server stopped answering. ${RETRY}`,
  HANDSHAKE_TIMEOUT: `The server accepted the connection but never answered. ${RETRY}`,
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
  AUTH_UNKNOWN_IDENTITY: "Your key or address is not allowed on this server. Ask its operator to add it.",
  ORIGIN_MISMATCH: "The server says it lives at another address than the one this page connected to. Do not sign in; tell the operator.",
  SERVER_KEY_MISMATCH: "The server could not prove who it is. Someone may be in between: do not sign in; tell the operator.",
  FORBIDDEN: "You are not allowed this download. Narrow the request, or ask the operator.",
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
function explain(error) {
  const known = Object.hasOwn(ERROR_HELP, error.code) ? ERROR_HELP[error.code] : void 0;
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
function place(path) {
  const filter = /\.filters\[(\d+)\]/.exec(path);
  if (filter !== null) return `filter ${Number(filter[1]) + 1}`;
  if (path.endsWith(".timeFrom")) return "\u201CFrom\u201D";
  if (path.endsWith(".timeTo")) return "\u201CTo\u201D";
  if (path.endsWith(".outputFormat")) return "format";
  if (path === "data" || path === "data.searchParams") return void 0;
  return `at ${path}`;
}

// web/format.ts
var integer = new Intl.NumberFormat("en-US", {
  maximumFractionDigits: 0
});
function count(n) {
  return integer.format(n);
}
var UNITS = [
  "B",
  "kB",
  "MB",
  "GB",
  "TB"
];
function byteSize(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1e3 && unit < UNITS.length - 1) {
    value /= 1e3;
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
  #cancelledByUser = false;
  constructor(options) {
    const fragment = options.template.content.cloneNode(true);
    this.element = find(fragment, "li");
    this.#download = options.download;
    this.#target = options.target;
    this.#name = options.name;
    this.#connected = options.connected;
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
    this.#download.started.then((start) => {
      this.#started = true;
      this.#text(".stat-rows", `0 / ${count(start.totalRows)}`);
      this.#render();
    });
    this.#download.onProgress((update) => {
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
    const piped = this.#download.readable.pipeTo(this.#target.writable).then(() => void 0, (error) => error ?? new Error("write failed"));
    const outcome = await this.#download.done.then((summary) => ({
      ok: true,
      summary
    }), (error) => ({
      ok: false,
      error
    }));
    if (outcome.ok) {
      const writeError = await piped;
      if (writeError === void 0) return this.#completed(outcome.summary);
      return this.#writeFailed(writeError);
    }
    if (outcome.error.code === "CANCELLED" && !this.#cancelledByUser) {
      return this.#writeFailed(await piped);
    }
    this.#failed(outcome.error);
  }
  #writeFailed(error) {
    const why = error instanceof Error ? error.message : String(error);
    this.#end("failed", "", `The file could not be written: ${why}`);
  }
  #completed(summary) {
    const url = this.#target.finish();
    this.#bar(100);
    this.#text(".stat-percent", percent(100));
    this.#text(".stat-rows", `${count(summary.rows)} / ${count(summary.rows)}`);
    this.#text(".stat-eta", duration(0));
    this.#text(".stat-bytes", byteSize(summary.bytes));
    if (url !== void 0) {
      const save = find(this.element, ".download-save");
      save.href = url;
      save.download = this.#name;
      save.hidden = false;
    }
    const where = this.#target.kind === "file" ? "Saved" : "Ready";
    this.#end("done", "", `${where}: ${count(summary.rows)} rows, ${byteSize(summary.bytes)} in ${duration(summary.durationMs)}. Digest ${summary.digest.slice(0, 12)}\u2026`);
  }
  #failed(error) {
    const { code, text } = explain(error);
    this.#end(error.code === "CANCELLED" ? "cancelled" : "failed", code, text);
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
      this.#state = !this.#connected ? "paused" : this.#started ? "running" : "queued";
    }
    this.element.dataset.state = this.#state;
    this.element.dataset.started = String(this.#started);
    const label = this.#state === "paused" ? "Paused: reconnecting" : STATE_LABELS[this.#state];
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
  /** Manages the rows of `list`, made from `template`. */
  constructor(list, template) {
    this.#list = list;
    this.#template = template;
  }
  /** Sets the columns rows may use: the filterable ones of `schema`. */
  setSchema(schema) {
    this.#columns = schema.columns.filter((c) => c.filterable && c.operators.length > 0);
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
      boolean: find2(element, ".filter-boolean")
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
  /** The filters of every row, or the first row's problem (and that row is marked). */
  filters() {
    const out = [];
    for (const row of this.#rows) {
      const column = this.#column(row);
      const operator = row.operator.value;
      const boolean = column.type === "boolean" && valueShape(operator) === "one";
      const r = toFilter({
        column,
        operator,
        value: boolean ? row.boolean.value : row.value.value,
        high: row.high.value
      });
      if (!r.ok) {
        row.value.setAttribute("aria-invalid", "true");
        row.value.focus();
        return r;
      }
      out.push(r.value);
    }
    return {
      ok: true,
      value: out
    };
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
    });
  }
};

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

// web/app.ts
var byId = (id) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element;
};
var FILE_TYPES = {
  csv: {
    mime: "text/csv",
    extension: "csv"
  },
  json: {
    mime: "application/json",
    extension: "json"
  },
  ndjson: {
    mime: "application/x-ndjson",
    extension: "ndjson"
  }
};
var socketUrl = new URL("/", location.href);
socketUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";
var client = new ClientBuilder(socketUrl).withReconnect({
  maxAttempts: 10,
  maxMs: 1e4
}).withHeartbeat({
  intervalMs: 5e3
}).build();
var badge = new ConnectionBadge({
  root: byId("connection"),
  text: byId("connection-text"),
  rtt: byId("rtt"),
  reconnect: byId("reconnect")
});
var notice = byId("notice");
var cards = /* @__PURE__ */ new Set();
var filters = new FilterEditor(byId("filters"), byId("filter-template"));
var form = byId("export-form");
var formError = byId("form-error");
var downloads = byId("downloads");
var addFilter = byId("add-filter");
function showNotice(text) {
  notice.hidden = text === void 0;
  notice.textContent = text ?? "";
}
function connect() {
  client.connect().catch(() => {
  });
}
client.on("state", ({ to }) => {
  badge.phase(to);
  for (const card of cards) card.connectionChanged(to === "open");
  if (to === "open") showNotice(void 0);
});
client.on("health", ({ rttMs }) => badge.rtt(rttMs));
client.on("error", (error) => {
  const { code, text } = explain(error);
  showNotice(`${code}: ${text}`);
});
client.on("connection:failed", (error) => showNotice(explain(error).text));
byId("reconnect").addEventListener("click", connect);
addEventListener("online", () => {
  if (client.session().phase === "failed") connect();
});
addEventListener("beforeunload", (event) => {
  if ([
    ...cards
  ].some((c) => [
    "queued",
    "running",
    "paused"
  ].includes(c.state))) {
    event.preventDefault();
  }
});
async function loadSchema() {
  const problem = byId("schema-error");
  try {
    const response = await fetch("/schema.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const parsed = parseSchemaDocument(await response.text());
    if (!parsed.ok) throw new Error(`${parsed.error.code} at ${parsed.error.details?.path}`);
    filters.setSchema(parsed.value);
    addFilter.disabled = !filters.available;
    problem.hidden = true;
  } catch (error) {
    problem.textContent = `Filters are unavailable: the server's columns could not be loaded (${error instanceof Error ? error.message : error}).`;
    problem.hidden = false;
  }
}
function utc(value) {
  return value === "" ? void 0 : `${value}Z`;
}
function stamp(value) {
  const [date, time = ""] = value.split("T");
  const clock = time.replaceAll(":", "").split(".")[0].padEnd(6, "0");
  return date.replaceAll("-", "") + (/^0+$/.test(clock) ? "" : `T${clock}`);
}
function describeFilter(filter) {
  const value = Array.isArray(filter.value) ? filter.value.join(filter.operator === "between" ? " \u2013 " : ", ") : String(filter.value);
  return `${filter.field} ${OPERATOR_LABELS[filter.operator]} ${value}`;
}
function showFormError(text) {
  formError.hidden = text === void 0;
  formError.textContent = text ?? "";
}
function readForm() {
  const from = utc(byId("from").value);
  const to = utc(byId("to").value);
  if (from === void 0 || to === void 0) {
    showFormError("Choose both ends of the time range.");
    return void 0;
  }
  const chosen = filters.filters();
  if (!chosen.ok) {
    showFormError(chosen.error);
    return void 0;
  }
  const data = new FormData(form);
  return {
    searchParams: {
      timeFrom: from,
      timeTo: to,
      filters: chosen.value
    },
    outputFormat: data.get("format"),
    compression: byId("gzip").checked
  };
}
function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${[
    ...bytes
  ].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
async function startExport(request) {
  const type = FILE_TYPES[request.outputFormat];
  const { timeFrom, timeTo, filters: chosen } = request.searchParams;
  const extension = request.compression ? `${type.extension}.gz` : type.extension;
  const name = `sluice-${stamp(timeFrom.slice(0, -1))}-${stamp(timeTo.slice(0, -1))}.${extension}`;
  const target = await chooseTarget(name, request.compression ? "application/gzip" : type.mime, request.compression ? "gz" : type.extension);
  if (target === void 0) return;
  const download = client.download(request, {
    requestId: requestId()
  });
  const summary = [
    `${request.outputFormat.toUpperCase()}${request.compression ? " \xB7 gzip" : ""}`,
    `${instant(timeFrom)} \u2192 ${instant(timeTo)} UTC`,
    ...chosen.map(describeFilter)
  ].join(" \xB7 ");
  const card = new DownloadCard({
    template: byId("download-template"),
    name,
    summary,
    download,
    target,
    connected: client.isConnected()
  });
  cards.add(card);
  downloads.prepend(card.element);
  if (client.session().phase === "failed") connect();
}
form.addEventListener("submit", (event) => {
  event.preventDefault();
  showFormError(void 0);
  const request = readForm();
  if (request === void 0) return;
  startExport(request).catch((error) => {
    showFormError(`The download could not start: ${error instanceof Error ? error.message : error}`);
  });
});
addFilter.addEventListener("click", () => filters.add());
byId("save-hint").textContent = canStreamToFile() ? "You choose where to save; the file is written as the data arrives." : "Your browser keeps the data until the download completes, then saves the file.";
badge.phase(client.session().phase);
connect();
loadSchema();
