// The demo page's pure parts: what a filter row sends, how errors and numbers read.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ERROR_CODES, errorResponse } from "../protocol/errors.ts";
import { validateFilters } from "../protocol/filter.ts";
import { schemaDocument } from "../protocol/schema_document.ts";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import { ERROR_HELP, explain } from "../web/error_text.ts";
import { toFilter } from "../web/filter_input.ts";
import { byteSize, count, duration, instant, percent } from "../web/format.ts";

const columns = schemaDocument(DEMO_SCHEMA).columns;
const column = (name: string) => {
  const c = columns.find((c) => c.name === name);
  if (c === undefined) throw new Error(name);
  return c;
};

Deno.test("what filter rows send as text passes the server's own filter check", () => {
  const rows = [
    { column: column("symbol"), operator: "in", value: " BTC-USD, ETH-USD ,", high: "" },
    { column: column("price"), operator: "between", value: "100", high: " 42000.5 " },
    { column: column("id"), operator: "gte", value: " 42 ", high: "" },
    { column: column("ts"), operator: "lt", value: "2024-01-02T00:00:00Z", high: "" },
    { column: column("maker"), operator: "eq", value: "true", high: "" },
    { column: column("note"), operator: "eq", value: "", high: "" },
  ] as const;
  const filters = rows.map((row) => {
    const r = toFilter(row);
    ok(r.ok, `${row.column.name}: ${!r.ok && r.error}`);
    return r.value;
  });
  deepStrictEqual(filters[0].value, ["BTC-USD", "ETH-USD"]);
  deepStrictEqual(filters[1].value, ["100", "42000.5"]);
  equal(filters[2].value, "42");
  const checked = validateFilters(filters, DEMO_SCHEMA.columns);
  ok(checked.ok, JSON.stringify(!checked.ok && checked.error));
});

Deno.test("a filter row with nothing typed says what is missing instead of sending", () => {
  for (
    const row of [
      { column: column("price"), operator: "eq", value: "  ", high: "" },
      { column: column("symbol"), operator: "in", value: " , ", high: "" },
      { column: column("price"), operator: "between", value: "1", high: "" },
    ] as const
  ) {
    const r = toFilter(row);
    ok(!r.ok);
    ok(r.error.includes(row.column.name));
  }
});

Deno.test("every error code has the page's own sentence, with the details that locate it", () => {
  for (const code of ERROR_CODES) ok(ERROR_HELP[code].length > 20, code);
  const refused = explain(
    errorResponse("INVALID_FILTER_VALUE", {
      path: "data.searchParams.filters[1].value",
      reason: "not a decimal number",
    }),
  );
  equal(refused.code, "INVALID_FILTER_VALUE");
  equal(refused.text, `${ERROR_HELP.INVALID_FILTER_VALUE} (filter 2, not a decimal number)`);
  // A code newer than the page: the server's message stands in.
  const unknown = explain({ code: "TEAPOT_BREWING", message: "Slow down.", recoverable: true });
  deepStrictEqual(unknown, { code: "TEAPOT_BREWING", text: "Slow down." });
});

Deno.test("numbers, sizes, times and instants read the way the page shows them", () => {
  equal(count(1234567), "1,234,567");
  equal(byteSize(999), "999 B");
  equal(byteSize(10_547_733), "10.5 MB");
  equal(byteSize(1_500), "1.50 kB");
  equal(duration(-1), "–");
  equal(duration(0), "0 s");
  equal(duration(65_200), "1 min 06 s");
  equal(duration(3_600_000 * 2 + 60_000), "2 h 01 min");
  equal(percent(101), "100.0 %");
  equal(instant("2024-01-01T00:00:00Z"), "2024-01-01 00:00");
  equal(instant("2024-01-01T09:30:15.250Z"), "2024-01-01 09:30:15.250");
});
