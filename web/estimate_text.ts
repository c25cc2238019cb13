/**
 * The sentence under the export form that says how big the download would
 * be, from the server's estimate (PROTOCOL.md §5.12): its rows (with `≈`
 * unless the server counted them), its size (always about: the server
 * measured a sample), before gzip when gzip is on, and a warning when the
 * dataset's row limit would refuse it.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadEstimate } from "../protocol/messages.ts";
import { byteSize, count } from "./format.ts";

/** What to show: the sentence, and whether it warns. */
export interface EstimateText {
  /** E.g. `≈ 1,234,567 rows, ≈ 120.0 MiB`. */
  readonly text: string;
  /** The download would be refused for its size. */
  readonly warning: boolean;
}

/**
 * The sentence for an estimate of a request (`compression`: its gzip).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { estimateText } from "./estimate_text.ts";
 * const estimate = { rows: 1_234_567, exact: false, bytes: 125_829_120, preview: [], values: {} };
 * deepStrictEqual(estimateText(estimate, false), { text: "≈ 1,234,567 rows, ≈ 120.0 MiB", warning: false });
 * ```
 */
export function estimateText(estimate: DownloadEstimate, compression: boolean): EstimateText {
  const { rows, exact, bytes, maxRows } = estimate;
  if (rows === 0) return { text: "No rows match.", warning: false };
  const rowText = `${exact ? "" : "≈ "}${count(rows)} ${rows === 1 ? "row" : "rows"}`;
  const size = `≈ ${byteSize(bytes)}${compression ? " before gzip" : ""}`;
  if (maxRows !== undefined && rows > maxRows) {
    return {
      text: `${rowText}, ${size}: more than the ${
        count(maxRows)
      } rows a download may have here; narrow the range or add a filter.`,
      warning: true,
    };
  }
  return { text: `${rowText}, ${size}`, warning: false };
}
