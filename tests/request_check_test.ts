// The page's verdict before a request leaves: the protocol's own check, against the columns of
// the server's schema document, placed on the part of the form it concerns.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DownloadRequest, Filter } from "../protocol/messages.ts";
import { validateDownloadRequest } from "../protocol/request.ts";
import { schemaDocument } from "../protocol/schema_document.ts";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import { checkRequest, placeOf } from "../web/request_check.ts";

const columns = schemaDocument(DEMO_SCHEMA).columns;

function request(from: string, to: string, filters: Filter[] = []): DownloadRequest {
  return {
    searchParams: { timeFrom: from, timeTo: to, filters },
    outputFormat: "csv",
    compression: false,
  };
}

const JAN = ["2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"] as const;

Deno.test("a From after To is refused on the page with the server's INVALID_RANGE", () => {
  const inverted = request("2024-03-01T00:00:00Z", JAN[0]);
  const problem = checkRequest(inverted, columns);
  equal(problem?.code, "INVALID_RANGE");
  deepStrictEqual(problem?.place, { kind: "range" });
  // The same code the server's own check gives.
  const server = validateDownloadRequest(inverted, DEMO_SCHEMA.columns);
  equal(!server.ok && server.error.code, problem?.code);
  equal(checkRequest(request(JAN[0], JAN[0]), columns)?.code, "INVALID_RANGE");
});

Deno.test("an impossible date is refused as INVALID_DATE on the box that holds it", () => {
  const problem = checkRequest(request(JAN[0], "2024-02-30T00:00:00Z"), columns);
  equal(problem?.code, "INVALID_DATE");
  deepStrictEqual(problem?.place, { kind: "to" });
  deepStrictEqual(checkRequest(request("2024-13-01T00:00:00Z", JAN[1]), columns)?.place, {
    kind: "from",
  });
});

Deno.test("letters in a decimal filter are refused on that filter's row, with the server's code", () => {
  const filters: Filter[] = [
    { field: "symbol", operator: "eq", value: "BTC-USD" },
    { field: "price", operator: "gte", value: "forty-two" },
  ];
  const problem = checkRequest(request(...JAN, filters), columns);
  equal(problem?.code, "INVALID_FILTER_VALUE");
  deepStrictEqual(problem?.place, { kind: "filter", index: 1 });
  ok(problem?.text.includes("filter 2"));
  for (
    const [filter, code] of [
      [{ field: "id", operator: "eq", value: "1.5" }, "INVALID_FILTER_VALUE"],
      [{ field: "price", operator: "between", value: ["200", "100"] }, "INVALID_FILTER_VALUE"],
      [{ field: "ts", operator: "lt", value: "yesterday" }, "INVALID_FILTER_VALUE"],
      [{ field: "colour", operator: "eq", value: "red" }, "UNKNOWN_COLUMN"],
      [{ field: "maker", operator: "prefix", value: "t" }, "INVALID_OPERATOR"],
    ] as const
  ) {
    const checked = checkRequest(request(...JAN, [filter as Filter]), columns);
    const server = validateDownloadRequest(
      request(...JAN, [filter as Filter]),
      DEMO_SCHEMA.columns,
    );
    equal(checked?.code, code, JSON.stringify(filter));
    equal(!server.ok && server.error.code, code, JSON.stringify(filter));
  }
});

Deno.test("a request the server's check passes, the page passes too", () => {
  const filters: Filter[] = [
    { field: "symbol", operator: "in", value: ["BTC-USD", "ETH-USD"] },
    { field: "price", operator: "between", value: ["100", "42000.5"] },
  ];
  equal(checkRequest(request(...JAN, filters), columns), undefined);
  equal(checkRequest(request("2024-01-01T09:30Z", "2024-01-01T09:30:00.250Z"), columns), undefined);
});

Deno.test("without the schema the page checks the range and leaves the filters to the server", () => {
  const filters: Filter[] = [{ field: "price", operator: "gte", value: "forty-two" }];
  equal(checkRequest(request(...JAN, filters), undefined), undefined);
  equal(checkRequest(request(JAN[1], JAN[0], filters), undefined)?.code, "INVALID_RANGE");
});

Deno.test("a protocol path names the part of the form it points at", () => {
  deepStrictEqual(placeOf("data.searchParams.filters[3].value"), { kind: "filter", index: 3 });
  deepStrictEqual(placeOf("data.searchParams.timeFrom"), { kind: "from" });
  deepStrictEqual(placeOf("data.searchParams"), { kind: "range" });
  deepStrictEqual(placeOf("data.outputFormat"), { kind: "form" });
  deepStrictEqual(placeOf(undefined), { kind: "form" });
});
