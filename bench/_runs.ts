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
  /** SHA-256 (hex) of the export's bytes, decompressed if gzip'd. */
  readonly sha256?: string;
}

/** Bytes as megabytes (10^6), one decimal. */
export const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

/** Rows a second of a run. */
export const rate = (r: Run): number => r.rows / r.seconds;

/** The runs as a Markdown table: rows, size, time, rates, first byte, server peak. */
export function table(runs: readonly Run[]): string {
  const head = ["export", "rows", "MB", "s", "rows/s", "MB/s", "first byte", "server peak RSS"];
  const body = runs.map((r) => [
    r.name,
    r.rows.toLocaleString("en-US"),
    mb(r.bytes),
    r.seconds.toFixed(2),
    Math.round(rate(r)).toLocaleString("en-US"),
    mb(r.bytes / r.seconds),
    r.ttfb === undefined ? "" : `${(r.ttfb * 1000).toFixed(0)} ms`,
    r.serverPeak === undefined ? "" : `${mb(r.serverPeak)} MB`,
  ]);
  const rows = [head, head.map(() => "---"), ...body];
  return rows.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
