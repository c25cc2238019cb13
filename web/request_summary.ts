/**
 * One line describing a request, as cards and the history show it:
 * format, gzip, the time range in UTC, each filter, and the columns when
 * the request chose some.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadRequest, Filter } from "../protocol/messages.ts";
import { OPERATOR_LABELS } from "./filter_input.ts";
import { instant } from "./format.ts";

function describeFilter(filter: Filter): string {
  const value = Array.isArray(filter.value)
    ? filter.value.join(filter.operator === "between" ? " – " : ", ")
    : String(filter.value);
  return `${filter.field} ${OPERATOR_LABELS[filter.operator]} ${value}`;
}

/**
 * The request in words.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { requestSummary } from "./request_summary.ts";
 * equal(
 *   requestSummary({
 *     searchParams: {
 *       timeFrom: "2024-01-01T00:00:00Z",
 *       timeTo: "2024-02-01T00:00:00Z",
 *       filters: [{ field: "symbol", operator: "eq", value: "BTC-USD" }],
 *     },
 *     outputFormat: "csv",
 *     compression: true,
 *   }),
 *   "CSV · gzip · 2024-01-01 00:00 → 2024-02-01 00:00 UTC · symbol = BTC-USD",
 * );
 * equal(
 *   requestSummary({
 *     searchParams: {
 *       timeFrom: "2024-01-01T00:00:00Z",
 *       timeTo: "2024-02-01T00:00:00Z",
 *       filters: [],
 *       columns: ["ts", "price"],
 *     },
 *     outputFormat: "json",
 *     compression: false,
 *   }),
 *   "JSON · 2024-01-01 00:00 → 2024-02-01 00:00 UTC · columns ts, price",
 * );
 * ```
 */
export function requestSummary(request: DownloadRequest): string {
  const { dataset, timeFrom, timeTo, filters, columns } = request.searchParams;
  return [
    ...(dataset === undefined ? [] : [dataset]),
    `${request.outputFormat.toUpperCase()}${request.compression ? " · gzip" : ""}`,
    `${instant(timeFrom)} → ${instant(timeTo)} UTC`,
    ...filters.map(describeFilter),
    ...(columns === undefined ? [] : [`columns ${columns.join(", ")}`]),
  ].join(" · ");
}
