/**
 * The time-range boxes of the export form: plain text in 24-hour form,
 * read in UTC (`2024-01-31 09:30`, seconds and milliseconds optional, a
 * `T` in place of the space accepted), turned into the protocol's ISO 8601
 * form. Whether the result is a real instant is for the protocol's
 * `parseTimestamp` to say (through `request_check.ts`): this module only
 * reshapes what was typed.
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * The protocol's text for what a box holds; `undefined` for an empty box.
 * A date alone means its midnight.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { boxToIso } from "./range_box.ts";
 * equal(boxToIso(" 2024-01-31 09:30 "), "2024-01-31T09:30Z");
 * equal(boxToIso("2024-01-31"), "2024-01-31T00:00Z");
 * equal(boxToIso(""), undefined);
 * ```
 */
export function boxToIso(text: string): string | undefined {
  const value = text.trim();
  if (value === "") return undefined;
  const [date, time = "00:00"] = value.split(/[ T]+/, 2);
  return `${date}T${time}Z`;
}

/**
 * What a box shows for `YYYY-MM-DDTHH:MM:SS` (a preset's range): a space
 * for the `T`, and no zero seconds.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isoToBox } from "./range_box.ts";
 * equal(isoToBox("2024-02-01T00:00:00"), "2024-02-01 00:00");
 * equal(isoToBox("2024-02-01T09:30:15"), "2024-02-01 09:30:15");
 * ```
 */
export function isoToBox(iso: string): string {
  return iso.replace("T", " ").replace(/:00$/, "");
}
