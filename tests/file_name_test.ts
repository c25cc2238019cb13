// The names the page suggests for downloaded files: the range, the filters in a few safe
// characters, the format, and never a name another download of the page already has.
import { equal, notEqual, ok } from "node:assert/strict";
import type { DownloadRequest, Filter } from "../protocol/messages.ts";
import { fileName, filterSummary, MAX_FILTER_SUMMARY, stamp } from "../web/file_name.ts";

function request(filters: Filter[], format: DownloadRequest["outputFormat"] = "csv", gzip = false) {
  return {
    searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2024-02-01T00:00:00Z", filters },
    outputFormat: format,
    compression: gzip,
  };
}

/** What Windows, macOS and Linux all accept, without spaces or a leading dot. */
const SAFE = /^[\p{L}\p{N}._+-]+$/u;

Deno.test("two filtered exports of one range get different names, both naming their filters", () => {
  const btc = fileName(request([{ field: "symbol", operator: "eq", value: "BTC-USD" }]), new Set());
  const eth = fileName(request([{ field: "symbol", operator: "eq", value: "ETH-USD" }]), new Set());
  equal(btc, "sluice-20240101-20240201-symbol-BTC-USD.csv");
  equal(eth, "sluice-20240101-20240201-symbol-ETH-USD.csv");
  equal(fileName(request([]), new Set()), "sluice-20240101-20240201.csv");
  equal(fileName(request([], "ndjson", true), new Set()), "sluice-20240101-20240201.ndjson.gz");
});

Deno.test("a name already taken gets the next free number", () => {
  const taken = new Set<string>();
  const names = [0, 1, 2].map(() => {
    const name = fileName(request([]), taken);
    taken.add(name);
    return name;
  });
  equal(
    names.join(" "),
    [
      "sluice-20240101-20240201.csv",
      "sluice-20240101-20240201-2.csv",
      "sluice-20240101-20240201-3.csv",
    ].join(" "),
  );
});

Deno.test("every filter form becomes file-name-safe text, and a long summary stays distinct", () => {
  const filters: Filter[][] = [
    [{ field: "note", operator: "eq", value: 'a/b\\c:d*e?f"g<h>i|j k' }],
    [{ field: "note", operator: "prefix", value: "..hidden" }],
    [{ field: "price", operator: "between", value: ["-1.5", "2"] }],
    [{ field: "maker", operator: "neq", value: true }],
    [{ field: "symbol", operator: "in", value: ["BTC-USD", "ETH-USD"] }],
    [{ field: "id", operator: "gte", value: 42 }],
  ];
  for (const f of filters) {
    const name = fileName(request(f), new Set());
    ok(SAFE.test(name), name);
    ok(!name.includes(".."), name);
  }
  equal(filterSummary(filters[4]), "symbol-BTC-USD+ETH-USD");
  equal(filterSummary(filters[3]), "maker-not-true");
  const many = (last: string): Filter[] => [
    { field: "symbol", operator: "in", value: ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD"] },
    { field: "price", operator: "between", value: ["100", last] },
  ];
  const a = filterSummary(many("200")), b = filterSummary(many("300"));
  ok(a.length <= MAX_FILTER_SUMMARY && b.length <= MAX_FILTER_SUMMARY, `${a} ${b}`);
  notEqual(a, b);
});

Deno.test("a time of day shows in the stamp only when it is not midnight", () => {
  equal(stamp("2024-01-31T00:00:00Z"), "20240131");
  equal(stamp("2024-01-31T09:30:00.250Z"), "20240131T093000");
  equal(stamp("2024-01-31"), "20240131");
});
