/**
 * The command-line client:
 *
 * ```sh
 * deno run -A client.ts URL --from T --to T [--filter EXPR …] [--format csv|json|ndjson]
 *   [--gzip] [-o FILE [--continue]] [--retries N] [--retry-delay MS]
 *   [--key-file FILE | --key HEX] [--server-key HEX]
 * ```
 *
 * writes the export to FILE or stdout, with a progress bar on stderr when it
 * is a terminal and a plain line per progress update when it is not. Exits 0
 * on success, 1 with the error code on failure, 2 on bad usage. FILE is
 * written only once the server has accepted the request, so a refused one
 * leaves it as it was. A server that cannot be reached at all fails at once
 * (one that accepts the connection and never answers, after 10 s);
 * once connected, a lost connection is retried and the download resumed
 * (`--retries` attempts, the first after about `--retry-delay` ms, doubling).
 *
 * With `-o FILE` the client keeps a state file `FILE.sluice` beside the
 * output (state_file.ts): the request, the download's resume point and the
 * length of FILE that point corresponds to, written when the server accepts
 * the download, then replaced atomically at most every 250 ms, always after
 * the bytes it describes were written to FILE and synced, and removed once
 * the download completed. A run killed or interrupted part way
 * leaves both; running it again with the same request and `--continue`
 * truncates FILE to the saved length and resumes the download from the saved
 * point (the URL may differ), so the finished FILE is byte-identical to an
 * uninterrupted export. If the saved point is after the FINAL frame, every
 * byte was in already: `--continue` only truncates FILE and finishes, without
 * contacting a server. `--continue` refuses (exit 2) without `-o`, without a
 * readable state file, or when the request on the command line differs from
 * the saved one.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Filter, FILTER_OPERATORS, type FilterOperator } from "../protocol/messages.ts";
import type { DownloadRequest, OutputFormat } from "../protocol/messages.ts";
import { ClientBuilder } from "./client_builder.ts";
import { ProgressView } from "./progress_view.ts";
import { SluiceError } from "./sluice_error.ts";
import {
  ContinueError,
  loadState,
  removeState,
  reopen,
  type SavedState,
  StateKeeper,
  StateWriteError,
} from "./state_file.ts";

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
  --retry-delay MS    delay before the first reconnect, doubling after (default 1000)
  --key-file FILE     sign in with the secp256k1 private key in FILE (64 hex characters)
  --key HEX           the same, given on the command line (visible to other local users)
                        Without either, the client signs in with a new random key.
  --server-key HEX    refuse a server that cannot prove it holds this identity key
                        (66 hex characters, as the server prints at start)`;

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
      key: { type: "string" },
      "key-file": { type: "string" },
      "server-key": { type: "string" },
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
  // Reconnecting with backoff is for resuming a download on a connection that was lost, not for
  // waiting half a minute on a server that is not there.
  server.withFailFast();
  signIn(server, values);
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

/** Applies `--key`, `--key-file` and `--server-key` to the builder. */
function signIn(
  server: ClientBuilder,
  values: { key?: string; "key-file"?: string; "server-key"?: string },
): void {
  if (values.key !== undefined && values["key-file"] !== undefined) {
    throw new UsageError("give --key or --key-file, not both");
  }
  let key = values.key;
  const file = values["key-file"];
  if (file !== undefined) {
    try {
      key = Deno.readTextFileSync(file);
    } catch (error) {
      throw new UsageError(`cannot read --key-file ${file}: ${(error as Error).message}`);
    }
  }
  if (key !== undefined) {
    const what = file === undefined ? "--key" : `--key-file ${file}`;
    if (!/^\s*(0x)?[0-9a-fA-F]{64}\s*$/.test(key)) {
      throw new UsageError(`${what}: expected a private key of 64 hex characters`);
    }
    try {
      server.withKeypair(key);
    } catch (error) {
      throw new UsageError(`${what}: ${(error as Error).message}`);
    }
  }
  if (values["server-key"] !== undefined) {
    try {
      server.withServerKey(values["server-key"]);
    } catch (error) {
      throw new UsageError(`--server-key: ${(error as Error).message}`);
    }
  }
}

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
    // After the FINAL frame every byte is in: the download completes without a server (§9.5).
    if (saved?.resumePoint.final !== true) await client.connect();
    const download = client.download(
      run.request,
      saved === undefined ? {} : { resume: saved.resumePoint },
    );
    if (run.output !== undefined) {
      keeper = new StateKeeper(run.output, client.url, run.request, download, saved);
    }
    download.onProgress((update) => view.update(update));
    // A refused request rejects done before any start: the file is left untouched.
    await Promise.race([download.started, download.done]);
    if (keeper !== undefined) {
      if (file === undefined) {
        // A new run: the state of an earlier one no longer describes FILE once it is truncated.
        await removeState(keeper.path);
        file = await create(keeper.path);
      }
      // Saved at once, so even a run killed before the first frame can --continue.
      await keeper.attach(file);
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
    if (unreachable(error)) {
      console.error(`sluice: CONNECTION_FAILED: cannot connect to ${client.url}`);
    } else if (error instanceof OutputError || error instanceof StateWriteError) {
      console.error(`sluice: ${error.message}`);
    } else if (error instanceof SluiceError) {
      console.error(`sluice: download failed: ${error.code}: ${error.response.message}`);
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

/** Whether the first connection gave up because no server could be reached (`withFailFast`). */
function unreachable(error: unknown): boolean {
  return error instanceof SluiceError && error.code === "CONNECTION_FAILED" &&
    error.details?.unreachable === true;
}

class OutputError extends Error {}

async function create(path: string): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (error) {
    throw new OutputError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
