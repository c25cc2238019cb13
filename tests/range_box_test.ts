// The range boxes take 24-hour UTC text and hand the protocol its own form; the protocol's
// parseTimestamp then decides, so letters or impossible dates are INVALID_DATE on the page.
import { equal } from "node:assert/strict";
import { parseTimestamp } from "../protocol/time.ts";
import { boxToIso, isoToBox } from "../web/range_box.ts";

Deno.test("24-hour text in a box becomes the protocol's UTC instant", () => {
  const ms = (text: string) => {
    const iso = boxToIso(text);
    const r = iso === undefined ? undefined : parseTimestamp(iso);
    return r?.ok ? r.value : undefined;
  };
  equal(ms("2024-01-31 13:45"), Date.UTC(2024, 0, 31, 13, 45));
  equal(ms("2024-01-31T13:45:10"), Date.UTC(2024, 0, 31, 13, 45, 10));
  equal(ms("2024-01-31 13:45:10.250"), Date.UTC(2024, 0, 31, 13, 45, 10, 250));
  equal(ms("2024-01-31"), Date.UTC(2024, 0, 31));
  for (const bad of ["yesterday", "2024-02-30 00:00", "2024-01-31 1:45 PM", "2024-01-31 24:00"]) {
    equal(ms(bad), undefined, bad);
  }
  equal(boxToIso("   "), undefined);
});

Deno.test("a preset's range shows in the boxes as it would be typed, and reads back the same", () => {
  for (const iso of ["2024-02-01T00:00:00", "2024-02-01T09:30:15"]) {
    equal(boxToIso(isoToBox(iso)), `${isoToBox(iso).replace(" ", "T")}Z`);
    const back = parseTimestamp(boxToIso(isoToBox(iso)) ?? "");
    equal(back.ok && back.value, Date.parse(`${iso}Z`));
  }
});
