import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { ColumnSchema } from "../protocol/filter.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import { validateDownloadRequest } from "../protocol/request.ts";

const SCHEMA: ColumnSchema[] = [{ name: "symbol", type: "text" }];
const base: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01T00:00:00Z", filters: [] },
  outputFormat: "ndjson",
  compression: false,
};
const within = (timeFrom: string, timeTo: string): DownloadRequest => ({
  ...base,
  searchParams: { ...base.searchParams, timeFrom, timeTo },
});

Deno.test("a valid request becomes epoch milliseconds with defaults filled in", () => {
  const r = validateDownloadRequest(base, SCHEMA);
  ok(r.ok);
  deepStrictEqual(r.value, {
    timeFrom: 1_704_067_200_000,
    timeTo: 1_706_745_600_000,
    filters: [],
    outputFormat: "ndjson",
    compression: false,
    neutralizeFormulas: true,
  });
});

Deno.test("an inverted or empty range is INVALID_RANGE", () => {
  for (const [from, to] of [["2024-02-01", "2024-01-01"], ["2024-01-01", "2024-01-01T00:00Z"]]) {
    const r = validateDownloadRequest(within(from, to), SCHEMA);
    equal(!r.ok && r.error.code, "INVALID_RANGE", `${from} ${to}`);
  }
});

Deno.test("a range wider than maxRangeMs is INVALID_RANGE", () => {
  const r = validateDownloadRequest(base, SCHEMA, { maxRangeMs: 86_400_000 });
  equal(!r.ok && r.error.code, "INVALID_RANGE");
});

Deno.test("an unparsable date that bypassed the parser is INVALID_DATE", () => {
  const r = validateDownloadRequest(within("2024-01-01", "soon"), SCHEMA);
  equal(!r.ok && r.error.code, "INVALID_DATE");
  equal(!r.ok && r.error.details?.path, "data.searchParams.timeTo");
});

Deno.test("a bad filter fails the request with the filter's code", () => {
  const r = validateDownloadRequest({
    ...base,
    searchParams: { ...base.searchParams, filters: [{ field: "x", operator: "eq", value: 1 }] },
  }, SCHEMA);
  equal(!r.ok && r.error.code, "UNKNOWN_COLUMN");
});
