// Generated from web/app.ts by `deno task bundle`; do not edit (tests/web_bundle_test.ts checks it).
// web/app.ts
import { parseSchemaDocument } from "./sluice_client.js";

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
  SOURCE_UNAVAILABLE: "The server's database is unavailable or slow just now. Start the download again in a minute; it continues where it stopped if the page still has it.",
  SOURCE_FAILED: "The server's database refused to read these rows. Ask the server's operator to check the table.",
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
  }
  #completed(summary) {
    const url = this.#target.finish();
    this.#bar(100);
    this.#text(".stat-percent", percent(100));
    this.#text(".stat-rows", `${count(summary.rows)} / ${count(summary.rows)}`);
    this.#text(".stat-eta", duration(0));
    this.#text(".stat-bytes", byteSize(summary.deliveredBytes));
    if (url !== void 0) {
      const save = find(this.element, ".download-save");
      save.href = url;
      save.download = this.#name;
      save.hidden = false;
    }
    const where = this.#target.kind === "file" ? "Saved" : "Ready";
    this.#end("done", "", `${where}: ${count(summary.rows)} rows, ${byteSize(summary.deliveredBytes)} in ${duration(summary.durationMs)}. SHA-256 of the file: ${summary.sha256 ?? "\u2013"}.`);
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

// web/page_sign_in.ts
import { ClientBuilder } from "./sluice_client.js";

// web/key_store.ts
import { generateSecretKey, publicKeyOf } from "./sluice_client.js";
var DATABASE = "sluice";
var STORE = "keys";
var RECORD = "identity";
function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("the key database is blocked by another tab"));
  });
}
async function transact(body) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      let result;
      body(tx.objectStore(STORE), (value) => result = {
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
  if (tabs !== void 0) tabs.onmessage = () => listener();
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
  const method = store?.getItem(METHOD) === "wallet" ? "wallet" : "key";
  const pinned = readServerKey(store?.getItem(SERVER_KEY) ?? "");
  return pinned.ok && pinned.value !== void 0 ? {
    method,
    serverKey: pinned.value
  } : {
    method
  };
}
function savePreferences(preferences) {
  const store = storage();
  if (store === void 0) return;
  store.setItem(METHOD, preferences.method);
  if (preferences.serverKey === void 0) store.removeItem(SERVER_KEY);
  else store.setItem(SERVER_KEY, preferences.serverKey);
}

// web/sign_in_panel.ts
var find3 = (root, selector) => {
  const element = root.querySelector(selector);
  if (element === null) throw new Error(`the page has no ${selector}`);
  return element;
};
var COPIED_MS = 1500;
var SignInPanel = class {
  #root;
  #methods;
  #identity;
  #address;
  #message;
  #serverKey;
  #serverKeyError;
  #publicKey = "";
  /** Draws into `root` (the page's `#signin` section); `walletAvailable` shows the wallet choice. */
  constructor(root, actions, walletAvailable) {
    this.#root = root;
    this.#methods = find3(root, "#signin-methods");
    this.#identity = find3(root, "#identity");
    this.#address = find3(root, "#wallet-address");
    this.#message = find3(root, "#signin-message");
    this.#serverKey = find3(root, "#server-key");
    this.#serverKeyError = find3(root, "#server-key-error");
    this.#methods.hidden = !walletAvailable;
    for (const radio of root.querySelectorAll("input[name=signin-method]")) {
      radio.addEventListener("change", () => {
        if (radio.checked) actions.choose(radio.value);
      });
    }
    find3(root, "#new-key").addEventListener("click", () => actions.newKey());
    find3(root, "#connect-wallet").addEventListener("click", () => actions.connectWallet());
    this.#copyButton("#copy-identity", this.#identity);
    this.#copyButton("#copy-address", this.#address);
    find3(root, "#server-key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const read = readServerKey(this.#serverKey.value);
      this.#serverKeyError.hidden = read.ok;
      this.#serverKeyError.textContent = read.ok ? "" : read.error;
      this.#serverKey.setAttribute("aria-invalid", String(!read.ok));
      if (read.ok) actions.serverKey(read.value);
    });
  }
  /** Shows `method` as the chosen way (its radio, and its part of the panel). */
  showMethod(method) {
    this.#root.dataset.method = method;
    for (const radio of this.#root.querySelectorAll("input[name=signin-method]")) {
      radio.checked = radio.value === method;
    }
    find3(this.#root, "#key-view").hidden = method !== "key";
    find3(this.#root, "#wallet-view").hidden = method !== "wallet";
  }
  /** Shows the browser key's identity, and whether the browser keeps it. */
  showKey(key) {
    this.#publicKey = key.publicKey;
    this.#identity.textContent = key.publicKey;
    find3(this.#root, "#key-unkept").hidden = key.kept;
  }
  /**
   * Shows the wallet's account, and the Connect button when the page has
   * none yet or (`connectable`) the wallet has moved to another one.
   */
  showWallet(address, connectable = address === void 0) {
    this.#address.textContent = address ?? "";
    find3(this.#root, "#wallet-account").hidden = address === void 0;
    find3(this.#root, "#connect-wallet").hidden = !connectable;
  }
  /** Shows the pinned server key in its box (and opens the box when one is pinned). */
  showServerKey(key) {
    this.#serverKey.value = key ?? "";
    this.#serverKey.removeAttribute("aria-invalid");
    this.#serverKeyError.hidden = true;
    find3(this.#root, "#server-key-state").textContent = key === void 0 ? "(optional)" : "pinned";
  }
  /**
   * Shows why signing in failed or was refused: the protocol's code (empty
   * for the page's own refusals) and what to do.
   */
  showProblem(code, text) {
    find3(this.#message, ".message-code").textContent = code;
    find3(this.#message, ".message-text").textContent = text;
    this.#message.hidden = false;
  }
  /** Clears the problem shown, once signing in succeeded or something else was chosen. */
  clearProblem() {
    this.#message.hidden = true;
    find3(this.#message, ".message-code").textContent = "";
    find3(this.#message, ".message-text").textContent = "";
  }
  /** Asks the person whether to replace the key: the old identity cannot be had back. */
  confirmNewKey() {
    return confirm(`Make a new key? Your current identity (${this.#publicKey.slice(0, 10)}\u2026) is lost for good, and a server that allows only it will refuse the new one until its operator adds it.`);
  }
  #copyButton(selector, source) {
    const button = find3(this.#root, selector);
    let timer;
    button.addEventListener("click", async () => {
      const text = source.textContent ?? "";
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch (error) {
        console.warn("sluice: cannot write to the clipboard:", error);
        getSelection()?.selectAllChildren(source);
        button.textContent = "Selected";
      }
      clearTimeout(timer);
      timer = setTimeout(() => button.textContent = "Copy", COPIED_MS);
    });
  }
};

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
var WALLET_DELEGATION_MS = 36e5;
function reason(error) {
  const message = error?.message;
  return typeof message === "string" ? message : String(error);
}
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
  /** Takes over the panel; nothing signs in until {@linkcode PageSignIn.start}. */
  constructor(options) {
    this.#options = options;
    this.#panel = new SignInPanel(options.panel, {
      choose: (method) => this.#choose(method),
      connectWallet: () => {
        if (this.#wallet !== void 0 && !this.#refuseWhileDownloading()) {
          void this.#useWallet(this.#wallet);
        }
      },
      newKey: () => void this.#newKey(),
      serverKey: (key) => this.#pinServerKey(key)
    }, this.#wallet !== void 0);
    const wallet = this.#wallet;
    if (wallet !== void 0) {
      watchAccounts(wallet, (address) => this.#walletMoved(wallet, address));
    }
    watchKey(() => void this.#keyReplacedElsewhere());
  }
  /** The client of the current identity; none while a wallet has not shared an account. */
  get client() {
    return this.#client;
  }
  /** Connects the current client, if any; failures show in the badge and the panel. */
  connect() {
    this.#client?.connect().catch(() => {
    });
  }
  /** The first sign-in of this visit: the way chosen last time, without a wallet prompt. */
  async start() {
    try {
      this.#panel.showServerKey(this.#preferences.serverKey);
      const wallet = this.#wallet;
      if (this.#preferences.method !== "wallet" || wallet === void 0) {
        return await this.#useKey();
      }
      this.#panel.showMethod("wallet");
      const address = await knownAddress(wallet).catch((error) => {
        console.warn("sluice: the wallet did not say which account it shares:", error);
        return void 0;
      });
      this.#panel.showWallet(address);
      await this.#signInWith(address === void 0 ? void 0 : {
        kind: "wallet",
        signer: walletSigner(wallet, address)
      });
    } catch (error) {
      this.#panel.showProblem("", `The page could not sign in: ${reason(error)}`);
    }
  }
  #choose(method) {
    if (method === this.#credentials?.kind) return;
    if (this.#refuseWhileDownloading()) {
      return this.#panel.showMethod(this.#credentials?.kind ?? this.#preferences.method);
    }
    if (method === "key") return void this.#useKey();
    this.#panel.showMethod("wallet");
    this.#panel.showWallet(void 0);
    if (this.#wallet !== void 0) void this.#useWallet(this.#wallet);
  }
  async #newKey() {
    if (this.#refuseWhileDownloading() || !this.#panel.confirmNewKey()) return;
    this.#key = await replaceKey();
    await this.#useKey();
  }
  /**
   * Another tab made a new key: the old one is gone from storage, so this
   * tab signs in with the new one too, unless downloads run under the old.
   */
  async #keyReplacedElsewhere() {
    this.#key = void 0;
    if (this.#credentials?.kind !== "key") return;
    if (this.#options.unfinished() > 0) {
      return this.#panel.showProblem("", "Another tab made a new key. This tab's downloads go on as the old one; reload the page when they finish to sign in with the new key.");
    }
    await this.#useKey();
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
    void this.#signInWith(this.#credentials);
  }
  async #useKey() {
    this.#key ??= await loadKey();
    this.#panel.showMethod("key");
    this.#panel.showKey(this.#key);
    this.#remember({
      method: "key"
    });
    await this.#signInWith({
      kind: "key",
      key: this.#key
    });
  }
  /** Asks the wallet for an account (it may prompt), then signs in with it. */
  async #useWallet(wallet) {
    let address;
    try {
      address = await requestAddress(wallet);
    } catch (error) {
      this.#panel.showMethod(this.#credentials?.kind ?? this.#preferences.method);
      this.#panel.showProblem("", `The wallet did not share an account (${reason(error)}).`);
      return;
    }
    this.#panel.showMethod("wallet");
    this.#panel.showWallet(address);
    this.#remember({
      method: "wallet"
    });
    await this.#signInWith({
      kind: "wallet",
      signer: walletSigner(wallet, address)
    });
  }
  /**
   * The wallet moved to another account, or stopped sharing one. While the
   * page signs in with the wallet, it follows: a new client for the new
   * account, or none until "Connect wallet". Running downloads are not
   * ended for it; they go on as the account that started them, and the
   * Connect button stays offered for afterwards.
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
    });
  }
  /**
   * Downloads belong to the sign-in that started them: closing its client
   * would end them. So while any is unfinished the page refuses to switch,
   * and says why, rather than asking: a "switch anyway?" is one careless
   * click from losing an hour-long export, and Cancel on its card is one
   * deliberate click away.
   */
  #refuseWhileDownloading() {
    const unfinished = this.#options.unfinished();
    if (unfinished === 0) return false;
    const [which, it] = unfinished === 1 ? [
      "A download is",
      "it"
    ] : [
      `${unfinished} downloads are`,
      "them"
    ];
    this.#panel.showProblem("", `${which} running under this sign-in, and switching would end ${it}. Let ${it} finish or cancel ${it}, then switch.`);
    return true;
  }
  #remember(changes) {
    this.#preferences = {
      ...this.#preferences,
      ...changes
    };
    savePreferences(this.#preferences);
  }
  /** Closes the current client and builds one for `next` (none: wait for a wallet account). */
  #signInWith(next) {
    this.#switching = this.#switching.then(async () => {
      const { badge: badge2, notice: notice2 } = this.#options;
      const old = this.#client;
      this.#client = void 0;
      this.#credentials = next;
      notice2(void 0);
      this.#panel.clearProblem();
      await old?.close();
      if (next === void 0) return badge2.phase("idle");
      const client = this.#client = this.#build(next);
      const current = (listener) => (event) => {
        if (this.#client === client) listener(event);
      };
      client.on("state", current(({ to }) => {
        badge2.phase(to);
        this.#options.connectionChanged(to === "open");
        if (to === "open") {
          notice2(void 0);
          this.#panel.clearProblem();
        }
      }));
      client.on("health", current(({ rttMs }) => badge2.rtt(rttMs)));
      client.on("error", current((error) => {
        const { code, text } = explain(error);
        notice2(`${code}: ${text}`);
      }));
      client.on("connection:failed", current((error) => this.#failed(error)));
      badge2.phase(client.session().phase);
      this.connect();
    });
    return this.#switching;
  }
  #build(credentials) {
    const builder = new ClientBuilder(this.#options.url).withReconnect({
      maxAttempts: 10,
      maxMs: 1e4
    }).withHeartbeat({
      intervalMs: 5e3
    });
    if (credentials.kind === "key") builder.withKeypair(credentials.key.secretKey);
    else builder.withSigner(credentials.signer, {
      delegateForMs: WALLET_DELEGATION_MS
    });
    const pinned = this.#preferences.serverKey;
    if (pinned !== void 0) builder.withServerKey(pinned);
    return builder.build();
  }
  /** The client gave up: in the panel when signing in is what failed, else in the notice. */
  #failed(error) {
    if (!SIGN_IN_CODES.has(error.code)) return this.#options.notice(explain(error).text);
    this.#options.badge.refused();
    const credentials = this.#credentials;
    const refusal = credentials?.kind === "wallet" && error.code === "AUTH_BAD_SIGNATURE" ? credentials.signer.refusal : void 0;
    this.#panel.showProblem(error.code, refusal === void 0 ? explain(error).text : `Your wallet did not sign (${refusal}). Press Reconnect to be asked again.`);
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
var UNFINISHED = [
  "queued",
  "running",
  "paused"
];
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
var signIn = new PageSignIn({
  url: socketUrl,
  panel: byId("signin"),
  badge,
  unfinished: () => [
    ...cards
  ].filter((card) => UNFINISHED.includes(card.state)).length,
  connectionChanged: (open2) => {
    for (const card of cards) card.connectionChanged(open2);
  },
  notice: showNotice
});
byId("reconnect").addEventListener("click", () => signIn.connect());
addEventListener("online", () => {
  if (signIn.client?.session().phase === "failed") signIn.connect();
});
addEventListener("beforeunload", (event) => {
  if ([
    ...cards
  ].some((c) => UNFINISHED.includes(c.state))) {
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
var NOT_SIGNED_IN = "The page is not signed in: connect your wallet in the Sign in panel, or use the browser key.";
function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${[
    ...bytes
  ].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
async function startExport(request) {
  if (signIn.client === void 0) return showFormError(NOT_SIGNED_IN);
  const type = FILE_TYPES[request.outputFormat];
  const { timeFrom, timeTo, filters: chosen } = request.searchParams;
  const extension = request.compression ? `${type.extension}.gz` : type.extension;
  const name = `sluice-${stamp(timeFrom.slice(0, -1))}-${stamp(timeTo.slice(0, -1))}.${extension}`;
  const target = await chooseTarget(name, request.compression ? "application/gzip" : type.mime, request.compression ? "gz" : type.extension);
  if (target === void 0) return;
  const client = signIn.client;
  if (client === void 0) {
    await target.writable.abort(new Error("not signed in"));
    return showFormError(NOT_SIGNED_IN);
  }
  const download = client.download(request, {
    requestId: requestId(),
    sha256: true
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
  if (client.session().phase === "failed") signIn.connect();
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
signIn.start();
loadSchema();
