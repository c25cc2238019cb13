import { deepStrictEqual, equal } from "node:assert/strict";
import { estimateText } from "../web/estimate_text.ts";

const base = { rows: 1_234_567, exact: true, bytes: 125_829_120, preview: [], values: {} };

Deno.test("an estimate reads as its rows and about its size, before gzip when gzip is on", () => {
  deepStrictEqual(estimateText(base, false), {
    text: "1,234,567 rows, ≈ 120.0 MiB",
    warning: false,
  });
  equal(
    estimateText({ ...base, exact: false }, true).text,
    "≈ 1,234,567 rows, ≈ 120.0 MiB before gzip",
  );
  equal(estimateText({ ...base, rows: 1, bytes: 80 }, false).text, "1 row, ≈ 80 B");
  equal(estimateText({ ...base, rows: 0 }, false).text, "No rows match.");
});

Deno.test("an estimate past the dataset's row limit warns, naming the limit", () => {
  const r = estimateText({ ...base, maxRows: 1_000_000 }, false);
  equal(r.warning, true);
  equal(r.text.includes("1,000,000"), true);
  equal(estimateText({ ...base, maxRows: 2_000_000 }, false).warning, false);
});
