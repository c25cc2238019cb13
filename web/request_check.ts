/**
 * The page's verdict on a request before it leaves: the protocol's own
 * check (`validateDownloadRequest`, the function the server runs) against
 * the columns of `/schema.json`, turned into the part of the form to mark
 * and the sentence to show there. There is no second rule here: what the
 * server would refuse with `INVALID_DATE`, `INVALID_RANGE` or a filter
 * code, the page refuses with the same code, inline, without a card.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { DownloadRequest } from "../protocol/messages.ts";
import { validateDownloadRequest } from "../protocol/request.ts";
import type { SchemaColumn } from "../protocol/schema_document.ts";
import { explain } from "./error_text.ts";

/** Where on the form a problem sits. */
export type FormPlace =
  | { readonly kind: "from" }
  | { readonly kind: "to" }
  | { readonly kind: "range" }
  | { readonly kind: "filter"; readonly index: number }
  | { readonly kind: "form" };

/** A problem the page found, with the protocol's code and the page's sentence. */
export interface FormProblem {
  /** The part of the form to mark. */
  readonly place: FormPlace;
  /** The protocol's error code, as the server would have answered. */
  readonly code: string;
  /** The sentence to show beside it. */
  readonly text: string;
}

/**
 * The part of the form a protocol path points at.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { placeOf } from "./request_check.ts";
 * deepStrictEqual(placeOf("data.searchParams.filters[1].value"), { kind: "filter", index: 1 });
 * ```
 */
export function placeOf(path: unknown): FormPlace {
  if (typeof path !== "string") return { kind: "form" };
  const filter = /\.filters\[(\d+)\]/.exec(path);
  if (filter !== null) return { kind: "filter", index: Number(filter[1]) };
  if (path.endsWith(".timeFrom")) return { kind: "from" };
  if (path.endsWith(".timeTo")) return { kind: "to" };
  if (path === "data.searchParams") return { kind: "range" };
  return { kind: "form" };
}

/**
 * Checks `request` as the server would, against `columns` when the page
 * has the schema (without it, only the time range is checked and the
 * server judges the filters). `undefined` when nothing is wrong.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkRequest } from "./request_check.ts";
 * const problem = checkRequest({
 *   searchParams: { timeFrom: "2024-02-01T00:00:00Z", timeTo: "2024-01-01T00:00:00Z", filters: [] },
 *   outputFormat: "csv",
 *   compression: false,
 * }, []);
 * equal(problem?.code, "INVALID_RANGE");
 * equal(problem?.place.kind, "range");
 * ```
 */
export function checkRequest(
  request: DownloadRequest,
  columns: readonly SchemaColumn[] | undefined,
): FormProblem | undefined {
  const checked = validateDownloadRequest(
    columns === undefined
      ? { ...request, searchParams: { ...request.searchParams, filters: [] } }
      : request,
    columns ?? [],
  );
  if (checked.ok) return undefined;
  const { code, text } = explain(checked.error);
  return { place: placeOf(checked.error.details?.path), code, text };
}
