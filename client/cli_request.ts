/**
 * From the command line's values to what the client does: the server to
 * connect to and how, and the download request, checked with the
 * protocol's own rules before any connection, so that a date that does not
 * exist or an empty range is a usage error (exit 2) rather than a refusal
 * after signing in.
 *
 * @module
 */

import type { BackoffOptions } from "../protocol/backoff.ts";
import type { ErrorResponse } from "../protocol/errors.ts";
import {
  type DownloadRequest,
  type Filter,
  FILTER_OPERATORS,
  type FilterOperator,
  OUTPUT_FORMATS,
  type OutputFormat,
} from "../protocol/messages.ts";
import { parseClientMessage } from "../protocol/parse.ts";
import { validateDownloadRequest } from "../protocol/request.ts";
import { type OptionValues, UsageError } from "./cli_args.ts";
import { ClientBuilder } from "./client_builder.ts";

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
 * @throws {UsageError} when it has none of the forms of `--help`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseFilter } from "./cli_request.ts";
 * deepStrictEqual(parseFilter("symbol=BTC-USD"), { field: "symbol", operator: "eq", value: "BTC-USD" });
 * deepStrictEqual(parseFilter("price:between=100,200"), {
 *   field: "price", operator: "between", value: ["100", "200"],
 * });
 * ```
 */
export function parseFilter(expression: string): Filter {
  const explicit = /^([A-Za-z_][A-Za-z0-9_]*):([a-z]+)=(.*)$/s.exec(expression);
  if (explicit !== null) {
    const [, field, op, value] = explicit;
    if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
      throw new UsageError(
        `--filter ${expression}: unknown operator "${op}" (one of ${FILTER_OPERATORS.join(" ")})`,
      );
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
  throw new UsageError(`--filter ${expression}: expected field=value (see FILTERS in --help)`);
}

/** What one run of the command line does. */
export interface Invocation {
  /** The client to build, configured. */
  readonly server: ClientBuilder;
  /** The reconnection given to the client (what the outage notes count with). */
  readonly backoff: BackoffOptions;
  /** The download. */
  readonly request: DownloadRequest;
  /** `--from`, `--to` and each `--filter` as typed, to name them in errors. */
  readonly flags: RequestFlags;
  /** `-o FILE`, if given. */
  readonly output?: string;
  /** `--continue`. */
  readonly resume: boolean;
}

/** The request's flags as the user typed them. */
export interface RequestFlags {
  /** `--dataset`, if given. */
  readonly dataset?: string;
  /** `--from`. */
  readonly from: string;
  /** `--to`. */
  readonly to: string;
  /** Each `--filter`, in order. */
  readonly filters: readonly string[];
  /** `--format`, or its default. */
  readonly format: string;
  /** `--columns`, if given. */
  readonly columns?: string;
}

/**
 * Turns the values of the command line into an invocation.
 *
 * @throws {UsageError} on anything wrong with it, including a request the
 * protocol refuses whatever the server (see {@linkcode checkRequest}).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { invocation } from "./cli_request.ts";
 * const run = invocation(
 *   { from: "2024-01-01", to: "2024-02-01", filter: ["symbol=BTC-USD"], retries: "2" },
 *   ["ws://127.0.0.1:8080/"],
 * );
 * equal(run.request.searchParams.filters[0].operator, "eq");
 * equal(run.backoff.maxAttempts, 2);
 * ```
 */
export function invocation(
  values: OptionValues,
  positionals: readonly string[],
): Invocation {
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
  // `-o -` is stdout, as for curl and tar; a file named `-` is `./-`.
  const output = values.output === "-" ? undefined : values.output;
  if (values.continue && output === undefined) {
    throw new UsageError("--continue needs -o FILE (the output to continue)");
  }
  const backoff: { maxAttempts?: number; baseMs?: number; maxMs?: number } = {};
  if (values.retries !== undefined) {
    if (!/^\d{1,3}$/.test(values.retries)) {
      throw new UsageError(`--retries must be a whole number, got "${values.retries}"`);
    }
    backoff.maxAttempts = Number(values.retries);
  }
  if (values["retry-delay"] !== undefined) {
    const ms = values["retry-delay"];
    if (!/^\d{1,7}$/.test(ms) || Number(ms) === 0) {
      throw new UsageError(`--retry-delay must be a positive number of milliseconds, got "${ms}"`);
    }
    backoff.baseMs = Number(ms);
    backoff.maxMs = Math.max(30_000, Number(ms));
  }
  if (Object.keys(backoff).length > 0) server.withReconnect(backoff);
  // Reconnecting with backoff is for resuming a download on a connection that was lost, not for
  // waiting half a minute on a server that is not there.
  server.withFailFast();
  signIn(server, values);
  const format = values.format ?? "csv";
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be csv, json or ndjson, got "${format}"`);
  }
  const filters = values.filter ?? [];
  const columns = values.columns === undefined ? undefined : parseColumns(values.columns);
  const request: DownloadRequest = {
    searchParams: {
      ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
      timeFrom: values.from,
      timeTo: values.to,
      filters: filters.map(parseFilter),
      ...(columns === undefined ? {} : { columns }),
    },
    outputFormat: format as OutputFormat,
    compression: values.gzip === true,
    ...(values["no-neutralize"] ? { neutralizeFormulas: false } : {}),
  };
  const flags = {
    ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
    from: values.from,
    to: values.to,
    filters,
    format,
    ...(values.columns === undefined ? {} : { columns: values.columns }),
  };
  const refused = checkRequest(request);
  if (refused !== undefined) throw new RequestUsageError(refused, flags);
  return {
    server,
    backoff,
    request,
    flags,
    ...(output === undefined ? {} : { output }),
    resume: values.continue === true,
  };
}

/**
 * The names of `--columns a,b,c`, in order.
 *
 * @throws {UsageError} on an empty name or one given twice.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { parseColumns } from "./cli_request.ts";
 * deepStrictEqual(parseColumns("ts, price,id"), ["ts", "price", "id"]);
 * throws(() => parseColumns("id,id"));
 * ```
 */
export function parseColumns(text: string): string[] {
  const names = text.split(",").map((name) => name.trim());
  for (const [i, name] of names.entries()) {
    if (name === "") throw new UsageError(`--columns ${text}: an empty column name`);
    if (names.indexOf(name) !== i) throw new UsageError(`--columns ${text}: ${name} twice`);
  }
  return names;
}

/** A request the protocol refuses before any server sees it: exit 2, naming the flag. */
export class RequestUsageError extends UsageError {
  /** The refusal, as the server would have sent it. */
  readonly error: ErrorResponse;
  /** The flags, to say which one is wrong. */
  readonly flags: RequestFlags;

  constructor(error: ErrorResponse, flags: RequestFlags) {
    super(error.message);
    this.error = error;
    this.flags = flags;
  }
}

/**
 * What the protocol refuses in `request` whatever the server: the checks
 * a server runs on the message (dates that exist, operators, formats, the
 * lengths the protocol fixes) and the range (`timeFrom` before `timeTo`).
 * Columns, and limits a server may set for itself, are for the server.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkRequest } from "./cli_request.ts";
 * const request = {
 *   searchParams: { timeFrom: "2024-02-30", timeTo: "2024-03-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * equal(checkRequest(request)?.code, "INVALID_DATE");
 * equal(checkRequest(request)?.details?.path, "data.searchParams.timeFrom");
 * ```
 */
export function checkRequest(request: DownloadRequest): ErrorResponse | undefined {
  // The server's own parser, without the size bounds a server may set otherwise.
  const parsed = parseClientMessage(
    JSON.stringify({ event: "download:request", data: request, timestamp: 0, requestId: "cli" }),
    {
      maxMessageBytes: Number.MAX_SAFE_INTEGER,
      maxStringLength: Number.MAX_SAFE_INTEGER,
      maxArrayLength: Number.MAX_SAFE_INTEGER,
    },
  );
  if (!parsed.ok) return parsed.error.error;
  // Which filters and columns a dataset has is the server's to say.
  const { filters: _, columns: __, ...range } = request.searchParams;
  const checked = validateDownloadRequest({
    ...request,
    searchParams: { ...range, filters: [] },
  }, []);
  return checked.ok ? undefined : checked.error;
}

/** `SLUICE_TOKEN`, where the process may read the environment. */
function envToken(): string | undefined {
  try {
    return Deno.env.get("SLUICE_TOKEN") || undefined;
  } catch (_notAllowed) {
    return undefined;
  }
}

/**
 * Applies `--token`, `--token-file` or `SLUICE_TOKEN` (in that order of
 * precedence); true when one was given. A token file is read again before
 * every sign-in, so a reconnect takes the token a refresher last wrote.
 */
function tokenSignIn(server: ClientBuilder, values: OptionValues): boolean {
  const file = values["token-file"];
  if (values.token !== undefined && file !== undefined) {
    throw new UsageError("give --token or --token-file, not both");
  }
  if (file !== undefined) {
    try {
      if (Deno.readTextFileSync(file).trim() === "") throw new Error("the file is empty");
    } catch (error) {
      throw new UsageError(`cannot read --token-file ${file}: ${(error as Error).message}`);
    }
    server.withToken(async () => (await Deno.readTextFile(file)).trim());
    return true;
  }
  const token = values.token ?? envToken();
  if (token === undefined) return false;
  if (token.trim() === "") throw new UsageError("--token: the token is empty");
  server.withToken(token.trim());
  return true;
}

/** Applies `--key`, `--key-file`, the token flags and `--server-key` to the builder. */
function signIn(server: ClientBuilder, values: OptionValues): void {
  if (values.key !== undefined && values["key-file"] !== undefined) {
    throw new UsageError("give --key or --key-file, not both");
  }
  const keyGiven = values.key !== undefined || values["key-file"] !== undefined;
  if (keyGiven && (values.token !== undefined || values["token-file"] !== undefined)) {
    throw new UsageError("sign in with a key or with a token, not both");
  }
  if (!keyGiven && tokenSignIn(server, values)) {
    if (values["server-key"] !== undefined) pinServer(server, values["server-key"]);
    return;
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
  if (values["server-key"] !== undefined) pinServer(server, values["server-key"]);
}

function pinServer(server: ClientBuilder, key: string): void {
  try {
    server.withServerKey(key);
  } catch (error) {
    throw new UsageError(`--server-key: ${(error as Error).message}`);
  }
}
