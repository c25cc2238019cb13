/**
 * An error response as the command line prints it: the code, the message
 * as it came, and what `details` carries, with the protocol's path of the
 * offending field turned into the flag that set it (`--from 2024-02-30`,
 * `--filter price>abc`), as the demo page turns it into a field of its form.
 *
 * @module
 */

import type { ErrorResponse } from "../protocol/errors.ts";
import type { RequestFlags } from "./cli_request.ts";

/**
 * `CODE: message (flag; key: value; …)`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { errorText } from "./cli_error_text.ts";
 * const flags = { from: "2024-01-01", to: "2024-02-01", filters: ["colour=red"], format: "csv" };
 * equal(
 *   errorText({
 *     code: "UNKNOWN_COLUMN",
 *     message: "No such column.",
 *     recoverable: false,
 *     details: { path: "data.searchParams.filters[0].field", field: "colour", columns: "id, ts" },
 *   }, flags),
 *   "UNKNOWN_COLUMN: No such column. (--filter colour=red; field: colour; columns: id, ts)",
 * );
 * ```
 */
export function errorText(error: ErrorResponse, flags?: RequestFlags): string {
  const facts = Object.entries(error.details ?? {})
    .filter(([key]) => key !== "path" && key !== "requestId")
    .map(([key, value]) => key === "reason" ? String(value) : `${key}: ${value}`);
  const path = error.details?.path;
  const where = typeof path === "string" && flags !== undefined ? flagAt(path, flags) : undefined;
  const all = where === undefined ? facts : [where, ...facts];
  return `${error.code}: ${error.message}${all.length === 0 ? "" : ` (${all.join("; ")})`}`;
}

/** The flag a protocol path (`data.searchParams.filters[1].value`) points at, as typed. */
function flagAt(path: string, flags: RequestFlags): string | undefined {
  const filter = /^data\.searchParams\.filters\[(\d+)\]/.exec(path);
  if (filter !== null) {
    const typed = flags.filters[Number(filter[1])];
    return typed === undefined ? undefined : `--filter ${typed}`;
  }
  if (path === "data.searchParams.dataset") return `--dataset ${flags.dataset}`;
  if (path === "data.searchParams.timeFrom") return `--from ${flags.from}`;
  if (path === "data.searchParams.timeTo") return `--to ${flags.to}`;
  if (path === "data.searchParams") return `--from ${flags.from} --to ${flags.to}`;
  if (path === "data.outputFormat") return `--format ${flags.format}`;
  if (path.startsWith("data.searchParams.columns")) return `--columns ${flags.columns}`;
  return undefined;
}

/**
 * What the command line says when its first connection never opened
 * (`details.unreachable`): where it tried, and what to check.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { unreachableText } from "./cli_error_text.ts";
 * equal(
 *   unreachableText("ws://127.0.0.1:9/", "CONNECTION_LOST"),
 *   "CONNECTION_FAILED: cannot connect to ws://127.0.0.1:9/: is the server running there?",
 * );
 * ```
 */
export function unreachableText(url: string, cause: unknown): string {
  const check = cause === "HANDSHAKE_TIMEOUT"
    ? "something accepted the connection but never answered the WebSocket handshake: " +
      "is it a sluice server?"
    : "is the server running there?";
  return `CONNECTION_FAILED: cannot connect to ${url}: ${check}`;
}
