/**
 * The command-line client:
 *
 * ```sh
 * deno run -A client.ts URL --from T --to T [--filter EXPR …] [--format csv|json|ndjson]
 *   [--gzip] [-o FILE [--continue]] [--retries N] [--retry-delay MS]
 * ```
 *
 * writes the export to FILE or stdout, with a progress bar on stderr when it
 * is a terminal and a plain line per progress update when it is not. Exits 0
 * on success, 1 with the error code on failure, 2 on bad usage. FILE is
 * written only once the server has accepted the request, so a refused one
 * leaves it as it was. A server that cannot be reached at all fails at once;
 * once connected, a lost connection is retried and the download resumed
 * (`--retries` attempts, the first after about `--retry-delay` ms, doubling).
 *
 * With `-o FILE` the client keeps a state file `FILE.sluice` beside the
 * output: JSON with a format version, the server URL, the request, the
 * download's resume point and the length of FILE that point corresponds to.
 * It is replaced atomically (a temporary file, then a rename) at most every
 * 250 ms, always after the bytes it describes were written to FILE, and
 * removed once the download completed. A run killed or interrupted part way
 * leaves both; running it again with the same request and `--continue`
 * truncates FILE to the saved length and resumes the download from the saved
 * point (the URL may differ), so the finished FILE is byte-identical to an
 * uninterrupted export. `--continue` refuses (exit 2) without `-o`, without a
 * readable state file, or when the request on the command line differs from
 * the saved one.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Filter, FILTER_OPERATORS, type FilterOperator } from "../protocol/messages.ts";
import type { DownloadRequest, OutputFormat, ResumePoint } from "../protocol/messages.ts";
import { ClientBuilder } from "./client_builder.ts";
import { ProgressView } from "./progress_view.ts";
import type { Download } from "./download.ts";
import type { SluiceClient } from "./sluice_client.ts";
import { SluiceError } from "./sluice_error.ts";

const USAGE = `usage: client.ts URL --from TIME --to TIME [options]

  URL                 the server, e.g. ws://127.0.0.1:8080/
  --from TIME         start of the range, ISO 8601 (2024-01-01 or 2024-01-01T00:00:00Z), inclusive
  --to TIME           end of the range, exclusive
  --filter EXPR       repeatable; all must hold. EXPR is one of
                        field=value  field!=value  field<value  field<=value
                        field>value  field>=value  field^=prefix
                        field:in=a,b,c  field:between=low,high  field:OP=value
  --format FORMAT     csv (default), json or ndjson
  --gzip              gzip on the wire; the output is a gzip file
  --no-neutralize     keep CSV cells starting with = + - @ as they are
  -o, --output FILE   write to FILE instead of stdout, keeping resume state in FILE.sluice
  --continue          with -o: resume the interrupted download that FILE.sluice describes
                        (the same request; the URL may differ) and append to FILE
  --retries N         reconnect attempts after a lost connection (default 5)
  --retry-delay MS    delay before the first reconnect, doubling after (default 1000)`;

/** Shorthand operators, longest first so that `>=` wins over `>`. */
const SHORTHANDS: readonly [string, FilterOperator][] = [
  ["!=", "neq"],
  ["<=", "lte"],
  [">=", "gte"],
  ["^=", "prefix"],
  ["=", "eq"],
  ["<", "lt"],
  [">", "gt"],
];

/**
 * Parses one `--filter` expression.
 *
 * @example
 * ```ts
 * import { parseFilter } from "./cli.ts";
 * parseFilter("symbol=BTC-USD"); // { field: "symbol", operator: "eq", value: "BTC-USD" }
 * parseFilter("price:between=100,200"); // { field: "price", operator: "between", value: ["100", "200"] }
 * ```
 */
export function parseFilter(expression: string): Filter {
  const explicit = /^([A-Za-z_][A-Za-z0-9_]*):([a-z]+)=(.*)$/s.exec(expression);
  if (explicit !== null) {
    const [, field, op, value] = explicit;
    if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
      throw new TypeError(`unknown operator "${op}" in --filter ${expression}`);
    }
    const operator = op as FilterOperator;
    const list = operator === "in" || operator === "between";
    return { field, operator, value: list ? value.split(",") : value };
  }
  for (const [symbol, operator] of SHORTHANDS) {
    const at = expression.indexOf(symbol);
    if (at > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(expression.slice(0, at))) {
      return {
        field: expression.slice(0, at),
        operator,
        value: expression.slice(at + symbol.length),
      };
    }
  }
  throw new TypeError(`--filter ${expression}: expected field=value (see --help)`);
}

interface Invocation {
  readonly server: ClientBuilder;
  readonly request: DownloadRequest;
  readonly output?: string;
  readonly resume: boolean;
}

function invocation(args: string[]): Invocation {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      filter: { type: "string", multiple: true },
      format: { type: "string" },
      gzip: { type: "boolean" },
      "no-neutralize": { type: "boolean" },
      output: { type: "string", short: "o" },
      continue: { type: "boolean" },
      retries: { type: "string" },
      "retry-delay": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) throw new UsageError("");
  if (positionals.length !== 1) throw new UsageError("give exactly one server URL");
  let server: ClientBuilder;
  try {
    server = new ClientBuilder(positionals[0]);
  } catch (error) {
    throw new UsageError(`bad server URL "${positionals[0]}": ${(error as Error).message}`);
  }
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError("--from and --to are required");
  }
  if (values.continue && values.output === undefined) {
    throw new UsageError("--continue needs -o FILE (the output to continue)");
  }
  const reconnect: { maxAttempts?: number; baseMs?: number; maxMs?: number } = {};
  if (values.retries !== undefined) {
    if (!/^\d{1,3}$/.test(values.retries)) {
      throw new UsageError(`--retries must be a whole number, got "${values.retries}"`);
    }
    reconnect.maxAttempts = Number(values.retries);
  }
  if (values["retry-delay"] !== undefined) {
    const ms = values["retry-delay"];
    if (!/^\d{1,7}$/.test(ms) || Number(ms) === 0) {
      throw new UsageError(`--retry-delay must be a positive number of milliseconds, got "${ms}"`);
    }
    reconnect.baseMs = Number(ms);
    reconnect.maxMs = Math.max(30_000, Number(ms));
  }
  if (Object.keys(reconnect).length > 0) server.withReconnect(reconnect);
  const format = values.format ?? "csv";
  if (format !== "csv" && format !== "json" && format !== "ndjson") {
    throw new UsageError(`--format must be csv, json or ndjson, got "${format}"`);
  }
  return {
    server,
    request: {
      searchParams: {
        timeFrom: values.from,
        timeTo: values.to,
        filters: (values.filter ?? []).map(parseFilter),
      },
      outputFormat: format as OutputFormat,
      compression: values.gzip === true,
      ...(values["no-neutralize"] ? { neutralizeFormulas: false } : {}),
    },
    ...(values.output === undefined ? {} : { output: values.output }),
    resume: values.continue === true,
  };
}

class UsageError extends Error {}

/** Runs the command line; resolves with the process exit code. */
export async function main(args: string[]): Promise<number> {
  let run: Invocation;
  try {
    run = invocation(args);
  } catch (error) {
    if (!(error instanceof TypeError) && !(error instanceof UsageError)) throw error;
    if (error.message !== "") console.error(`sluice: ${error.message}`);
    console.error(USAGE);
    return error instanceof UsageError && error.message === "" ? 0 : 2;
  }
  let saved: SavedState | undefined;
  let file: Deno.FsFile | undefined;
  if (run.resume) {
    try {
      saved = await loadState(run.output!, run.request);
      file = await reopen(run.output!, saved.fileBytes);
    } catch (error) {
      if (!(error instanceof ContinueError)) throw error;
      console.error(`sluice: cannot continue: ${error.message}`);
      return 2;
    }
  }
  const client = run.server.build();
  const view = new ProgressView(Deno.stderr);
  let keeper: StateKeeper | undefined;
  try {
    await connectOnce(client);
    const download = client.download(
      run.request,
      saved === undefined ? {} : { resume: saved.resumePoint },
    );
    download.onProgress((update) => view.update(update));
    // A refused request rejects done before any start: the file is left untouched.
    await Promise.race([download.started, download.done]);
    if (run.output !== undefined) {
      if (file === undefined) {
        // A new run: the state of an earlier one no longer describes FILE once it is truncated.
        await removeState(run.output);
        file = await create(run.output);
      }
      keeper = new StateKeeper(run.output, client.url, run.request, download, saved);
    }
    await copy(download.readable, file ?? Deno.stdout, keeper);
    const summary = await download.done;
    if (keeper !== undefined) await keeper.finished();
    view.finish(summary);
    return 0;
  } catch (error) {
    view.clear();
    // Whatever went wrong, FILE.sluice describes bytes that are in FILE: --continue can go on.
    await keeper?.flush().catch(() => {});
    if (error instanceof Unreachable) {
      console.error(`sluice: CONNECTION_FAILED: cannot connect to ${client.url}`);
    } else if (error instanceof OutputError) {
      console.error(`sluice: ${error.message}`);
    } else if (error instanceof SluiceError) {
      console.error(
        `sluice: download failed: ${error.code}: ${error.message.slice(error.code.length + 2)}`,
      );
    } else throw error;
    if (keeper?.saved === true) {
      console.error(`sluice: run again with --continue to resume into ${run.output}`);
    }
    return 1;
  } finally {
    file?.close();
    await client.close();
  }
}

/**
 * Writes every chunk through to `sink`, which stays open. Not through
 * `FsFile.writable`: that stream holds back small writes until the stream
 * itself is closed, so closing the file afterwards drops the end of the export.
 */
async function copy(
  source: ReadableStream<Uint8Array>,
  sink: { write(bytes: Uint8Array): Promise<number> },
  keeper?: StateKeeper,
): Promise<void> {
  for await (const chunk of source) {
    keeper?.observe();
    try {
      for (let at = 0; at < chunk.length;) at += await sink.write(chunk.subarray(at));
    } catch (error) {
      if (keeper === undefined) throw error;
      throw new OutputError(`cannot write ${keeper.path}: ${(error as Error).message}`);
    }
    await keeper?.wrote(chunk.length);
  }
}

/** The state file's format version. */
const STATE_VERSION = 1;
/** Least time between two writes of the state file. */
const STATE_INTERVAL_MS = 250;

/** What `FILE.sluice` holds. */
interface SavedState {
  /** {@linkcode STATE_VERSION}. */
  readonly version: number;
  /** The server the download ran against (informational: --continue may use another). */
  readonly url: string;
  /** The request as sent. */
  readonly request: DownloadRequest;
  /** Where to resume: after the first `fileBytes` bytes of FILE. */
  readonly resumePoint: ResumePoint;
  /** The length of FILE that `resumePoint` describes (equal to its `bytes`). */
  readonly fileBytes: number;
}

const statePath = (output: string) => `${output}.sluice`;

/**
 * Keeps `FILE.sluice` up to date. A download's `resumePoint()` may run ahead
 * of the bytes written (frames delivered but not yet read), so each point
 * seen is held until the bytes written reach exactly its `bytes`; only then
 * does it describe FILE, and only then may it be saved.
 */
class StateKeeper {
  readonly path: string;
  /** Whether a state file was written by this run. */
  saved = false;
  readonly #url: string;
  readonly #request: DownloadRequest;
  readonly #download: Download;
  /** Resume points seen ahead of the bytes written, by their `bytes`. */
  readonly #ahead = new Map<number, ResumePoint>();
  #written: number;
  /** The latest point that matches the bytes written so far. */
  #exact: ResumePoint | undefined;
  #savedBytes = -1;
  #savedAt = -Infinity;

  constructor(
    path: string,
    url: string,
    request: DownloadRequest,
    download: Download,
    from?: SavedState,
  ) {
    this.path = path;
    this.#url = url;
    this.#request = request;
    this.#download = download;
    this.#written = from?.fileBytes ?? 0;
    if (from !== undefined) {
      this.#exact = from.resumePoint;
      this.#savedBytes = from.fileBytes;
      this.saved = true;
    }
    this.observe();
  }

  /** Notes where the download stands now. */
  observe(): void {
    const point = this.#download.resumePoint();
    if (point === undefined) return;
    if (point.bytes === this.#written) this.#exact = point;
    else if (point.bytes > this.#written) this.#ahead.set(point.bytes, point);
  }

  /** Counts `n` more bytes written to FILE; saves the state if it is time. */
  async wrote(n: number): Promise<void> {
    this.#written += n;
    for (const [bytes, point] of this.#ahead) {
      if (bytes === this.#written) this.#exact = point;
      if (bytes <= this.#written) this.#ahead.delete(bytes);
    }
    if (performance.now() - this.#savedAt >= STATE_INTERVAL_MS) await this.flush();
  }

  /** Saves the latest exact point, if not saved yet. */
  async flush(): Promise<void> {
    const point = this.#exact;
    if (point === undefined || point.bytes === this.#savedBytes) return;
    const state: SavedState = {
      version: STATE_VERSION,
      url: this.#url,
      request: this.#request,
      resumePoint: point,
      fileBytes: point.bytes,
    };
    const target = statePath(this.path);
    const temporary = `${target}.tmp`;
    try {
      await Deno.writeTextFile(temporary, JSON.stringify(state, null, 2) + "\n");
      await Deno.rename(temporary, target);
    } catch (error) {
      throw new OutputError(`cannot write ${target}: ${(error as Error).message}`);
    }
    this.#savedBytes = point.bytes;
    this.#savedAt = performance.now();
    this.saved = true;
  }

  /** The download completed: the state file has done its job. */
  async finished(): Promise<void> {
    await removeState(this.path);
  }
}

async function removeState(output: string): Promise<void> {
  for (const path of [statePath(output), `${statePath(output)}.tmp`]) {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

/** Why `--continue` cannot go on; exit 2. */
class ContinueError extends Error {}

/** Reads and checks `FILE.sluice` against the request on the command line. */
async function loadState(output: string, request: DownloadRequest): Promise<SavedState> {
  const path = statePath(output);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new ContinueError(`cannot read ${path}: ${(error as Error).message}`);
    }
    const exists = await Deno.stat(output).then(() => true, () => false);
    throw new ContinueError(
      exists
        ? `no ${path}: where ${output} stopped is unknown (run without --continue to start over)`
        : `no ${path} and no ${output}: nothing to continue`,
    );
  }
  let state: SavedState;
  try {
    state = JSON.parse(text);
  } catch {
    throw new ContinueError(`${path} is not valid JSON`);
  }
  if (!validState(state)) throw new ContinueError(`${path} is not a sluice state file`);
  if (state.version !== STATE_VERSION) {
    throw new ContinueError(`${path} has format version ${state.version}, not ${STATE_VERSION}`);
  }
  if (canonical(state.request) !== canonical(request)) {
    throw new ContinueError(
      `${path} is for another request (${canonical(state.request)}); ` +
        `give the same --from, --to, --filter, --format, --gzip and --no-neutralize`,
    );
  }
  return state;
}

function validState(state: unknown): state is SavedState {
  if (typeof state !== "object" || state === null) return false;
  const s = state as Record<string, unknown>;
  const point = s.resumePoint as Record<string, unknown> | null | undefined;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  return typeof s.version === "number" && typeof s.url === "string" &&
    typeof s.request === "object" && s.request !== null &&
    typeof point === "object" && point !== null &&
    typeof point.highWaterMark === "string" && typeof point.cursor === "string" &&
    count(point.sequence) && count(point.rows) && count(point.bytes) &&
    count(s.fileBytes) && s.fileBytes === point.bytes;
}

/** JSON with object keys sorted, to compare two requests. */
function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}

/**
 * Opens FILE to append after its first `length` bytes, dropping any bytes
 * after them (written after the state was last saved, maybe part of a frame).
 */
async function reopen(path: string, length: number): Promise<Deno.FsFile> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch (error) {
    throw new ContinueError(`cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    const { size } = await file.stat();
    if (size < length) {
      throw new ContinueError(
        `${path} has ${size} bytes, fewer than the ${length} its state file records`,
      );
    }
    await file.truncate(length);
    const end = await file.seek(0, Deno.SeekMode.End);
    if (end !== length) {
      throw new ContinueError(`${path} is ${end} bytes after truncating to ${length}`);
    }
    return file;
  } catch (error) {
    file.close();
    if (error instanceof ContinueError) throw error;
    throw new ContinueError(`cannot truncate ${path}: ${(error as Error).message}`);
  }
}

class Unreachable extends Error {}

/**
 * Connects, giving up at the first failed attempt: the client's reconnection
 * with backoff is for resuming a download on a connection that was lost, not
 * for waiting half a minute on a server that is not there.
 */
async function connectOnce(client: SluiceClient): Promise<void> {
  let unreachable = false;
  const stop = client.on("state", ({ from, to }) => {
    if (from !== "connecting" || to !== "reconnecting") return;
    unreachable = true;
    // Not from inside the state change: the client finishes applying it first.
    queueMicrotask(() => client.close());
  });
  try {
    await client.connect();
  } catch (error) {
    throw unreachable ? new Unreachable() : error;
  } finally {
    stop();
  }
}

class OutputError extends Error {}

async function create(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (error) {
    throw new OutputError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
