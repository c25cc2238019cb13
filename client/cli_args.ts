/**
 * The command line's words: every option in one table, from which both the
 * parsing and the `--help` text come, the help itself (examples, filter
 * forms, exit codes), and the reading of an argument list into values, with
 * a suggestion for a misspelt option.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** A refusal of the command line: exit 2, with the usage line. */
export class UsageError extends Error {}

/** One option of the command line. */
interface OptionSpec {
  /** The long name, without `--`. */
  readonly name: string;
  /** A one-letter alias, without `-`. */
  readonly short?: string;
  /** The value's name in the help; absent for a flag that takes none. */
  readonly value?: string;
  /** Whether it may be given more than once. */
  readonly multiple?: boolean;
  /** The help's lines for it. */
  readonly help: readonly string[];
}

const OPTIONS: readonly OptionSpec[] = [
  {
    name: "dataset",
    value: "NAME",
    help: ["which of the server's datasets (its /schema.json", "lists them); default: its first"],
  },
  { name: "from", value: "TIME", help: ["start of the range, inclusive (see TIME)"] },
  { name: "to", value: "TIME", help: ["end of the range, exclusive"] },
  {
    name: "filter",
    value: "EXPR",
    multiple: true,
    help: ["keep the rows where EXPR holds (see FILTERS);", "repeatable: all must hold"],
  },
  { name: "format", value: "FORMAT", help: ["csv (default), json or ndjson"] },
  {
    name: "columns",
    value: "A,B,C",
    help: ["write only these columns, in this order", "(default: all that /schema.json lists)"],
  },
  { name: "gzip", help: ["gzip on the wire; the output is a gzip file"] },
  { name: "no-neutralize", help: ["keep CSV cells that start with = + - @ as they are"] },
  {
    name: "output",
    short: "o",
    value: "FILE",
    help: [
      "write to FILE instead of stdout (- is stdout), keeping",
      "the state to resume in FILE.sluice",
    ],
  },
  {
    name: "continue",
    help: [
      "with -o: resume the download that FILE.sluice",
      "describes and append to FILE (the same request;",
      "the URL may differ)",
    ],
  },
  {
    name: "retries",
    value: "N",
    help: [
      "reconnect attempts after a lost connection",
      "(default 5); a server that cannot be reached",
      "at the start fails at once, whatever N is",
    ],
  },
  {
    name: "retry-delay",
    value: "MS",
    help: ["delay before the first reconnect, doubling after", "(default 1000)"],
  },
  {
    name: "key-file",
    value: "FILE",
    help: ["sign in with the secp256k1 private key in FILE", "(64 hex characters)"],
  },
  {
    name: "key",
    value: "HEX",
    help: [
      "the same, given on the command line (visible to",
      "other local users). Without a key or a token,",
      "the client signs in with a new random key.",
    ],
  },
  {
    name: "token",
    value: "T",
    help: [
      "sign in with your own login's token T (a JWT or",
      "a session id; also SLUICE_TOKEN). It travels only",
      "sealed, to a server that proved its identity key",
    ],
  },
  {
    name: "token-file",
    value: "F",
    help: ["the same, read from F again before every sign-in", "(so a refreshed F is used)"],
  },
  {
    name: "server-key",
    value: "HEX",
    help: [
      "refuse a server that cannot prove it holds this",
      "identity key (66 hex characters, as the server",
      "prints at start)",
    ],
  },
  { name: "help", short: "h", help: ["show this help and exit"] },
  { name: "version", help: ["show the version and exit"] },
];

/** The one-line usage, printed after every refusal of the command line. */
export const USAGE_LINE = "usage: client.ts URL --from TIME --to TIME [options]";

function optionsText(): string {
  return OPTIONS.map((o) => {
    const flag = `${o.short === undefined ? "    " : `-${o.short}, `}--${o.name}${
      o.value === undefined ? "" : ` ${o.value}`
    }`;
    const [first, ...more] = o.help;
    return [`  ${flag.padEnd(22)}${first}`, ...more.map((line) => `${" ".repeat(24)}${line}`)]
      .join("\n");
  }).join("\n");
}

/**
 * The whole `--help` text.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { helpText, USAGE_LINE } from "./cli_args.ts";
 * ok(helpText().startsWith(USAGE_LINE));
 * ```
 */
export function helpText(): string {
  return `${USAGE_LINE}

Downloads the rows of a time range from a sluice server to FILE or stdout,
with a progress bar on stderr (a plain line per update when stderr is not a
terminal). A lost connection is retried and the download resumed where it
stopped; a run with -o FILE that was stopped can be finished with --continue.

  URL                   the server: ws://HOST:PORT/, or wss:// with TLS
${optionsText()}

TIME
  2024-01-01                     midnight UTC of that day
  2024-01-01T09:30Z              a time in UTC; seconds (09:30:15) and up
                                 to three digits of fraction are optional
  2024-01-01T09:30:00.250+02:00  a time with its offset from UTC

FILTERS (the EXPR of --filter; values are read as their column's type)
  field=value    field!=value    equal, not equal
  field<value    field<=value    less than, at most
  field>value    field>=value    greater than, at least
  field^=prefix                  text that starts with prefix
  field:in=a,b,c                 equal to one of the values
  field:between=low,high         from low to high, both included
  field:OP=value                 an operator by name: eq neq lt lte gt gte
                                 prefix in between
  The server lists its columns and their types at /schema.json.

EXAMPLES (client.ts stands for deno run -A client.ts)
  client.ts ws://127.0.0.1:8080/ --from 2024-01-01 --to 2024-02-01 \\
    -o january.csv
  client.ts ws://127.0.0.1:8080/ --from 2024-01-01 --to 2024-01-02 \\
    --filter symbol=BTC-USD --filter price:between=60000,70000 \\
    --columns ts,side,price,amount --format ndjson | head
  client.ts wss://sluice.example/ --from 2024-01-01 --to 2025-01-01 \\
    --gzip --key-file me.key -o 2024.csv.gz
  client.ts wss://sluice.example/ --dataset deposits \\
    --from 2024-01-01 --to 2024-04-01 --format json -o deposits-q1.json
  # with your own login's token, to the server whose key it printed at start
  SLUICE_TOKEN="$(my-login export-token)" client.ts wss://sluice.example/ \\
    --from 2024-01-01 --to 2024-02-01 --server-key "$(cat server.pub)" \\
    -o mine.csv
  # the same again after Ctrl-C or a lost server: it goes on where it stopped
  client.ts wss://sluice.example/ --from 2024-01-01 --to 2025-01-01 \\
    --gzip --key-file me.key -o 2024.csv.gz --continue

EXIT CODES
  0    the export was written (or a reader of stdout, such as head, stopped
       reading)
  1    the download failed: the server refused it, or could not be reached
       or reached again
  2    bad usage: the command line, or a --continue that FILE.sluice does
       not match
  130  interrupted (Ctrl-C); with -o FILE, --continue resumes into FILE`;
}

/** What the options read to, by long name (see the help for each). */
export interface OptionValues {
  readonly dataset?: string;
  readonly from?: string;
  readonly to?: string;
  readonly filter?: string[];
  readonly format?: string;
  readonly columns?: string;
  readonly gzip?: boolean;
  readonly "no-neutralize"?: boolean;
  readonly output?: string;
  readonly continue?: boolean;
  readonly retries?: string;
  readonly "retry-delay"?: string;
  readonly key?: string;
  readonly "key-file"?: string;
  readonly "server-key"?: string;
  readonly token?: string;
  readonly "token-file"?: string;
  readonly help?: boolean;
  readonly version?: boolean;
}

/**
 * Reads an argument list. Every option's value is taken as it is, even when
 * it starts with `-` (`--retries -3` is a bad number, not a missing one).
 *
 * @throws {UsageError} on an unknown option (naming the closest known one),
 * a missing value, or a value given to a flag that takes none.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, throws } from "node:assert/strict";
 * import { readArgs, UsageError } from "./cli_args.ts";
 * deepStrictEqual(readArgs(["ws://h/", "--retries", "-3"]).values.retries, "-3");
 * throws(() => readArgs(["--formt", "csv"]), (e) => e instanceof UsageError);
 * ```
 */
export function readArgs(args: readonly string[]): {
  values: OptionValues;
  positionals: string[];
} {
  const { values, positionals } = parseArgs({
    args: normalise(args),
    allowPositionals: true,
    options: Object.fromEntries(OPTIONS.map((o) => [o.name, {
      type: o.value === undefined ? "boolean" as const : "string" as const,
      ...(o.multiple === true ? { multiple: true } : {}),
    }])),
  });
  return { values: values as OptionValues, positionals };
}

/**
 * The arguments with every option written `--name=value` or `--name`, so
 * that the parser never has to guess whether a value is an option.
 */
function normalise(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const eq = arg.indexOf("=");
    let name: string;
    let inline: string | undefined;
    let spec: OptionSpec | undefined;
    if (long) {
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = OPTIONS.find((o) => o.name === name);
    } else {
      // -o FILE, -oFILE, -h; a longer word with one dash is a misspelt long option.
      name = arg.slice(1, 2);
      spec = OPTIONS.find((o) => o.short === name);
      if (spec !== undefined && arg.length > 2) {
        if (spec.value === undefined) spec = undefined;
        else inline = arg.slice(2);
      }
    }
    if (spec === undefined) throw unknownOption(arg, long ? name : arg.slice(1).split("=")[0]);
    if (spec.value === undefined) {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      out.push(`--${spec.name}`);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${spec.name} needs a value (${spec.value})`);
    out.push(`--${spec.name}=${value}`);
  }
  return out;
}

function unknownOption(arg: string, word: string): UsageError {
  const guess = closestOption(word);
  return new UsageError(
    `unknown option ${arg.split("=")[0]}${guess === undefined ? "" : `; did you mean --${guess}?`}`,
  );
}

/**
 * The known long option closest to `word` by edit distance, if any is close
 * enough to be what was meant: a few edits away, or one that `word` begins.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { closestOption } from "./cli_args.ts";
 * equal(closestOption("formt"), "format");
 * equal(closestOption("out"), "output");
 * equal(closestOption("colour"), undefined);
 * ```
 */
export function closestOption(word: string): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const { name } of OPTIONS) {
    const distance = name.startsWith(lower) && lower.length >= 2 ? 0 : editDistance(lower, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.floor(lower.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions, each counting 1. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}
