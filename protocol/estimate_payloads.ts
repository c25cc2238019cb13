/**
 * The server's answer to `download:estimate` (docs/PROTOCOL.md §5.12): how
 * many rows a download of the request would have, about how many bytes,
 * its first rows, and values seen in text columns. The client's message
 * carries a `DownloadRequest` as `download:request` does.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** A cell of a preview row, as the JSON format writes it (§8). */
export type PreviewCell = string | number | boolean | null;

/** The payload of the server's `download:estimate`. */
export interface DownloadEstimate {
  /** Rows a download would have now: the source's count under its high-water mark. */
  readonly rows: number;
  /** Whether `rows` is a count (true) rather than a guess of the database's planner. */
  readonly exact: boolean;
  /**
   * About how many bytes the export would write before any gzip: its
   * header and footer, and the mean size of a sampled row times `rows`
   * (exact when the sample holds every row).
   */
  readonly bytes: number;
  /**
   * The first rows, at most 20, as the JSON format writes them: objects of
   * the request's columns, in order (fewer when they would make the
   * message too large).
   */
  readonly preview: readonly Readonly<Record<string, PreviewCell>>[];
  /**
   * For text columns with few values among the sampled rows: those values,
   * sorted, at most 16 each; the rest of the columns are absent.
   */
  readonly values: Readonly<Record<string, readonly string[]>>;
  /** The most rows a download of the dataset may have, when it has such a limit. */
  readonly maxRows?: number;
}
