/**
 * The time-range presets of the export form, in UTC as the form reads its
 * boxes: each gives From (included) and To (excluded) as
 * `YYYY-MM-DDTHH:MM:SS` (see `range_box.ts` for how the boxes show it), for
 * the instant `now`.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** The presets, in the order the form offers them; `custom` is whatever was typed. */
export const PRESETS = ["custom", "today", "last7", "thisMonth", "lastMonth", "thisYear"] as const;

/** One of {@linkcode PRESETS}. */
export type Preset = typeof PRESETS[number];

/** How the form names each preset. */
export const PRESET_LABELS: Readonly<Record<Preset, string>> = {
  custom: "Custom",
  today: "Today",
  last7: "Last 7 days",
  thisMonth: "This month",
  lastMonth: "Last month",
  thisYear: "This year",
};

/** `2024-01-31T00:00:00` for a UTC midnight. */
function box(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month, day)).toISOString().slice(0, 19);
}

/**
 * The range of `preset` at `now` (epoch milliseconds); `undefined` for `custom`.
 * Today and the last 7 days end at the coming midnight, so they include today.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { presetRange } from "./date_presets.ts";
 * const now = Date.parse("2024-03-15T10:20:00Z");
 * deepStrictEqual(presetRange("lastMonth", now), {
 *   from: "2024-02-01T00:00:00",
 *   to: "2024-03-01T00:00:00",
 * });
 * ```
 */
export function presetRange(
  preset: Preset,
  now: number,
): { from: string; to: string } | undefined {
  const d = new Date(now);
  const y = d.getUTCFullYear(), m = d.getUTCMonth(), day = d.getUTCDate();
  switch (preset) {
    case "custom":
      return undefined;
    case "today":
      return { from: box(y, m, day), to: box(y, m, day + 1) };
    case "last7":
      return { from: box(y, m, day - 6), to: box(y, m, day + 1) };
    case "thisMonth":
      return { from: box(y, m, 1), to: box(y, m + 1, 1) };
    case "lastMonth":
      return { from: box(y, m - 1, 1), to: box(y, m, 1) };
    case "thisYear":
      return { from: box(y, 0, 1), to: box(y + 1, 0, 1) };
  }
}

/**
 * The preset whose range the boxes hold at `now`, else `custom`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { presetOf } from "./date_presets.ts";
 * const now = Date.parse("2024-03-15T10:20:00Z");
 * equal(presetOf("2024-03-01T00:00:00", "2024-04-01T00:00:00", now), "thisMonth");
 * equal(presetOf("2024-03-01T00:00:00", "2024-03-02T00:00:00", now), "custom");
 * ```
 */
export function presetOf(from: string, to: string, now: number): Preset {
  const norm = (v: string) => v.length === 16 ? `${v}:00` : v;
  return PRESETS.find((p) => {
    const r = presetRange(p, now);
    return r !== undefined && r.from === norm(from) && r.to === norm(to);
  }) ?? "custom";
}
