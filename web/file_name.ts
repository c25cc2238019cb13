/**
 * The name the page suggests for a download's file: the time range, a
 * short summary of the filters (so two filtered exports of one range do
 * not share a name), the format's extension, and a `-2`, `-3`… when the
 * name is already taken by another download of the page. Every character
 * is one that Windows, macOS and Linux file systems all accept.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadRequest, Filter, FilterOperator } from "../protocol/messages.ts";

/** Longest filter summary kept whole; a longer one is cut and given a hash of the whole. */
export const MAX_FILTER_SUMMARY = 48;

const EXTENSIONS = { csv: "csv", json: "json", ndjson: "ndjson" } as const;

const OPERATOR_WORDS: Readonly<Record<FilterOperator, string>> = {
  eq: "",
  neq: "not-",
  lt: "lt-",
  lte: "lte-",
  gt: "gt-",
  gte: "gte-",
  in: "",
  between: "",
  prefix: "starts-",
};

/**
 * `20240131` or `20240131T093000` from ISO 8601 text.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { stamp } from "./file_name.ts";
 * equal(stamp("2024-01-31T09:30:00Z"), "20240131T093000");
 * ```
 */
export function stamp(iso: string): string {
  const [date, time = ""] = iso.replace(/Z$/, "").split("T");
  const clock = time.replaceAll(":", "").split(".")[0].padEnd(6, "0");
  return date.replaceAll("-", "") + (/^0+$/.test(clock) ? "" : `T${clock}`);
}

/**
 * Anything but letters, digits, `.`, `+` and `-` becomes `_`; no run of dots (`..`), and no
 * leading dot or dash.
 */
function safe(text: string): string {
  return text.replace(/[^\p{L}\p{N}.+-]+/gu, "_").replace(/\.{2,}/g, ".").replace(/^[.-]+/, "");
}

/** A short, stable hash (FNV-1a, 32 bits) in base 36. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function describe(filter: Filter): string {
  const value = Array.isArray(filter.value)
    ? filter.value.map(String).join(filter.operator === "between" ? "to" : "+")
    : String(filter.value);
  return `${filter.field}-${OPERATOR_WORDS[filter.operator]}${value}`;
}

/**
 * The filters in a few file-name-safe characters; `""` for none.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { filterSummary } from "./file_name.ts";
 * equal(filterSummary([{ field: "symbol", operator: "eq", value: "BTC-USD" }]), "symbol-BTC-USD");
 * equal(filterSummary([{ field: "price", operator: "between", value: ["1", "2"] }]), "price-1to2");
 * ```
 */
export function filterSummary(filters: readonly Filter[]): string {
  const whole = safe(filters.map(describe).join("_"));
  if (whole.length <= MAX_FILTER_SUMMARY) return whole;
  const hash = shortHash(whole);
  return `${whole.slice(0, MAX_FILTER_SUMMARY - hash.length - 1)}~${hash}`;
}

/**
 * The file name for `request`, not one of `taken`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fileName } from "./file_name.ts";
 * const request = {
 *   searchParams: {
 *     timeFrom: "2024-01-01T00:00:00Z",
 *     timeTo: "2024-02-01T00:00:00Z",
 *     filters: [{ field: "symbol", operator: "eq" as const, value: "ETH-USD" }],
 *   },
 *   outputFormat: "csv" as const,
 *   compression: true,
 * };
 * equal(fileName(request, new Set()), "sluice-20240101-20240201-symbol-ETH-USD.csv.gz");
 * equal(
 *   fileName(request, new Set(["sluice-20240101-20240201-symbol-ETH-USD.csv.gz"])),
 *   "sluice-20240101-20240201-symbol-ETH-USD-2.csv.gz",
 * );
 * const deposits = { ...request, searchParams: { ...request.searchParams, dataset: "deposits" } };
 * equal(fileName(deposits, new Set()), "sluice-deposits-20240101-20240201-symbol-ETH-USD.csv.gz");
 * ```
 */
export function fileName(request: DownloadRequest, taken: ReadonlySet<string>): string {
  const { dataset, timeFrom, timeTo, filters } = request.searchParams;
  const summary = filterSummary(filters);
  // A server of several datasets: the dataset's name first (a dataset name is already safe).
  const base = `sluice-${dataset === undefined ? "" : `${dataset}-`}${safe(stamp(timeFrom))}-${
    safe(stamp(timeTo))
  }${summary === "" ? "" : `-${summary}`}`;
  const extension = EXTENSIONS[request.outputFormat] + (request.compression ? ".gz" : "");
  let name = `${base}.${extension}`;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}.${extension}`;
  return name;
}
