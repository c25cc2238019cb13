// One timed export of a benchmark, and the Markdown table bench/RESULTS.md records runs in: shared
// by bench/export.ts (SQLite) and bench/postgres.ts, so that their tables read alike.

/** One timed export. */
export interface Run {
  readonly name: string;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Seconds from the request to the first byte of the export. */
  readonly ttfb?: number;
  /** The server process's peak resident set, in bytes. */
  readonly serverPeak?: number;
  /** The median of its resident set sampled in the second half of the export, in bytes. */
  readonly serverSettled?: number;
  /** SHA-256 (hex) of the export's bytes, decompressed if gzip'd. */
  readonly sha256?: string;
}

/** Bytes as megabytes (10^6), one decimal. */
/** The time range of every benchmark export: all of the demo's rows and the PostgreSQL table's. */
export const EVERY_ROW = {
  timeFrom: "2000-01-01T00:00:00Z",
  timeTo: "2100-01-01T00:00:00Z",
} as const;

export const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

/** Rows a second of a run. */
export const rate = (r: Run): number => r.rows / r.seconds;

/** The runs as a Markdown table: rows, size, time, rates, first byte, server memory. */
export function table(runs: readonly Run[]): string {
  const head = [
    "export",
    "rows",
    "MB",
    "s",
    "rows/s",
    "MB/s",
    "first byte",
    "server peak RSS",
    "server RSS, 2nd half",
  ];
  const body = runs.map((r) => [
    r.name,
    r.rows.toLocaleString("en-US"),
    mb(r.bytes),
    r.seconds.toFixed(2),
    Math.round(rate(r)).toLocaleString("en-US"),
    mb(r.bytes / r.seconds),
    r.ttfb === undefined ? "" : `${(r.ttfb * 1000).toFixed(0)} ms`,
    r.serverPeak === undefined ? "" : `${mb(r.serverPeak)} MB`,
    r.serverSettled === undefined ? "" : `${mb(r.serverSettled)} MB`,
  ]);
  const rows = [head, head.map(() => "---"), ...body];
  return rows.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** The highest of a figure over `runs`, or `undefined` when none of them has it. */
export function highest(
  runs: readonly Run[],
  of: (r: Run) => number | undefined,
): number | undefined {
  const values = runs.flatMap((r) => of(r) ?? []);
  return values.length === 0 ? undefined : Math.max(...values);
}

/**
 * Which of the rounds of one export is their median by time (the faster of
 * the two middle ones for an even count).
 */
export function medianIndex(rounds: readonly Run[]): number {
  const order = rounds.map((_, i) => i).sort((a, b) => rounds[a].seconds - rounds[b].seconds);
  return order[Math.floor((order.length - 1) / 2)];
}

/**
 * The median round of one export, with the highest memory of any round, so
 * that a round's peak is never hidden by a faster one's.
 */
export function medianRun(rounds: readonly Run[]): Run {
  return {
    ...rounds[medianIndex(rounds)],
    serverPeak: highest(rounds, (r) => r.serverPeak),
    serverSettled: highest(rounds, (r) => r.serverSettled),
  };
}

/** The rounds of one export as the tables' notes print them: `name: 1.20, 1.31 s`. */
export function roundTimes(rounds: readonly Run[]): string {
  return `${rounds[0].name}: ${rounds.map((r) => r.seconds.toFixed(2)).join(", ")} s`;
}

/** A target of a benchmark: what, the figure measured, and whether it holds. */
export interface Target {
  readonly what: string;
  readonly value: string;
  readonly pass: boolean;
}

/**
 * Whether the server's memory is flat from the smallest export to the
 * largest: its peak, and where it settles in each export's second half
 * (the peak of a 1-second export is taken before its heap has grown to its
 * working size; the median of the second half is not). "No more" is within
 * the noise of a garbage-collected heap: 10% or 10 MB. `byRows` holds the
 * runs of each size; those without server figures are left out.
 */
export function flatMemory(byRows: ReadonlyMap<number, readonly Run[]>): Target[] {
  const sizes = [...byRows.keys()].sort((a, b) => a - b);
  if (sizes.length < 2) return [];
  const [smallest, largest] = [sizes[0], sizes.at(-1)!];
  const most = (n: number, of: (r: Run) => number | undefined) =>
    highest(byRows.get(n)!, of) ?? -Infinity;
  const flat = (small: number, large: number) => large <= Math.max(small * 1.1, small + 10e6);
  return [
    ["server peak RSS", (r: Run) => r.serverPeak] as const,
    ["server RSS in each export's second half (median)", (r: Run) => r.serverSettled] as const,
  ].map(([what, of]) => {
    const [small, large] = [most(smallest, of), most(largest, of)];
    return {
      what: `${what} flat from smallest to largest export`,
      value: `${mb(small)} → ${mb(large)} MB`,
      pass: flat(small, large),
    };
  });
}
