/**
 * Checks a parsed `download:request` against what a data source can serve:
 * the time range, and every filter against the column schema. The parser
 * has already guaranteed the types; this step decides whether the request
 * makes sense, and normalises it for the export pipeline.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { chooseColumns } from "./column_choice.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import {
  type ColumnSchema,
  type FilterLimits,
  type ValidatedFilter,
  validateFilters,
} from "./filter.ts";
import type { DownloadRequest, OutputFormat } from "./messages.ts";
import type { Result } from "./result.ts";
import { parseTimestamp } from "./time.ts";

/** Bounds on a download request. */
export interface RequestLimits extends FilterLimits {
  /**
   * Widest time range, in milliseconds; unbounded when absent.
   *
   * @default {undefined}
   */
  readonly maxRangeMs?: number;
}

/** A request the export pipeline can run as it is. */
export interface ValidatedRequest {
  /** Inclusive start, epoch milliseconds. */
  readonly timeFrom: number;
  /** Exclusive end, epoch milliseconds. */
  readonly timeTo: number;
  /** Filters with values normalised to their columns. */
  readonly filters: readonly ValidatedFilter[];
  /** The output encoding. */
  readonly outputFormat: OutputFormat;
  /** Whether to gzip. */
  readonly compression: boolean;
  /** Whether CSV text cells are neutralised against formula injection. */
  readonly neutralizeFormulas: boolean;
  /** The dataset it reads, on a server of several (protocol/session_datasets.ts). */
  readonly dataset?: string;
  /**
   * The places of the columns it writes among the schema's, in order
   * (column_choice.ts); absent: every column.
   */
  readonly columns?: readonly number[];
}

/**
 * Validates a request against a schema.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { validateDownloadRequest } from "./request.ts";
 * const r = validateDownloadRequest({
 *   searchParams: { timeFrom: "2024-02-01", timeTo: "2024-01-01", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * }, []);
 * equal(!r.ok && r.error.code, "INVALID_RANGE");
 * ```
 */
export function validateDownloadRequest(
  request: DownloadRequest,
  schema: readonly ColumnSchema[],
  limits: RequestLimits = {},
): Result<ValidatedRequest, ErrorResponse> {
  const { timeFrom, timeTo, filters } = request.searchParams;
  const from = parseTimestamp(timeFrom);
  const to = parseTimestamp(timeTo);
  if (!from.ok || !to.ok) {
    const path = from.ok ? "data.searchParams.timeTo" : "data.searchParams.timeFrom";
    return { ok: false, error: errorResponse("INVALID_DATE", { path }) };
  }
  if (from.value >= to.value) {
    return {
      ok: false,
      error: errorResponse("INVALID_RANGE", {
        path: "data.searchParams",
        reason: "timeFrom must be before timeTo",
      }),
    };
  }
  if (limits.maxRangeMs !== undefined && to.value - from.value > limits.maxRangeMs) {
    return {
      ok: false,
      error: errorResponse("INVALID_RANGE", {
        path: "data.searchParams",
        reason: `wider than ${limits.maxRangeMs} ms`,
      }),
    };
  }
  const checked = validateFilters(filters, schema, limits);
  if (!checked.ok) return checked;
  const columns = chooseColumns(request.searchParams.columns, schema);
  if (!columns.ok) return columns;
  return {
    ok: true,
    value: {
      timeFrom: from.value,
      timeTo: to.value,
      filters: checked.value,
      outputFormat: request.outputFormat,
      compression: request.compression,
      neutralizeFormulas: request.neutralizeFormulas ?? true,
      ...(columns.value === undefined ? {} : { columns: columns.value }),
    },
  };
}
