// The time-range presets of the export form, in UTC, at month and year edges.
import { deepStrictEqual, equal } from "node:assert/strict";
import { presetOf, presetRange, PRESETS } from "../web/date_presets.ts";
import { parseTimestamp } from "../protocol/time.ts";

const at = (iso: string) => Date.parse(iso);

Deno.test("each preset is a UTC range that includes its last day, across month and year edges", () => {
  const now = at("2024-01-03T23:59:59.999Z");
  deepStrictEqual(presetRange("today", now), {
    from: "2024-01-03T00:00:00",
    to: "2024-01-04T00:00:00",
  });
  deepStrictEqual(presetRange("last7", now), {
    from: "2023-12-28T00:00:00",
    to: "2024-01-04T00:00:00",
  });
  deepStrictEqual(presetRange("thisMonth", now), {
    from: "2024-01-01T00:00:00",
    to: "2024-02-01T00:00:00",
  });
  deepStrictEqual(presetRange("lastMonth", now), {
    from: "2023-12-01T00:00:00",
    to: "2024-01-01T00:00:00",
  });
  deepStrictEqual(presetRange("thisYear", now), {
    from: "2024-01-01T00:00:00",
    to: "2025-01-01T00:00:00",
  });
  equal(presetRange("custom", now), undefined);
  // Leap day: the month after January 31 still starts on March 1 for "last month".
  deepStrictEqual(presetRange("lastMonth", at("2024-03-31T12:00:00Z")), {
    from: "2024-02-01T00:00:00",
    to: "2024-03-01T00:00:00",
  });
});

Deno.test("every preset's range is one the protocol accepts, From before To", () => {
  for (const preset of PRESETS) {
    const range = presetRange(preset, at("2024-02-29T08:00:00Z"));
    if (range === undefined) continue;
    const from = parseTimestamp(`${range.from}Z`), to = parseTimestamp(`${range.to}Z`);
    equal(from.ok && to.ok && from.value < to.value, true, preset);
  }
});

Deno.test("boxes holding a preset's range name it; anything else is custom", () => {
  const now = at("2024-03-15T10:20:00Z");
  equal(presetOf("2024-03-15T00:00", "2024-03-16T00:00", now), "today");
  equal(presetOf("2024-01-01T00:00:00", "2025-01-01T00:00:00", now), "thisYear");
  equal(presetOf("2024-01-01T00:00:00", "2024-02-01T00:00:00", now), "custom");
});
