import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  type ColumnSchema,
  compareDecimal,
  operatorsFor,
  validateFilters,
} from "../protocol/filter.ts";
import { type Filter, FILTER_OPERATORS } from "../protocol/messages.ts";

const SCHEMA: ColumnSchema[] = [
  { name: "id", type: "integer" },
  { name: "ts", type: "timestamp" },
  { name: "symbol", type: "text" },
  { name: "price", type: "decimal", scale: 8 },
  { name: "maker", type: "boolean" },
  { name: "secret", type: "text", filterable: false },
];

function codeOf(filters: Filter[], limits = {}): string {
  const r = validateFilters(filters, SCHEMA, limits);
  return r.ok ? "ok" : r.error.code;
}

Deno.test("valid filters of every type come out normalised", () => {
  const r = validateFilters([
    { field: "id", operator: "gte", value: 10 },
    { field: "id", operator: "in", value: ["9223372036854775807", 3] },
    { field: "ts", operator: "between", value: ["2024-01-01", 1_704_153_600_000] },
    { field: "symbol", operator: "prefix", value: "BTC-" },
    { field: "price", operator: "lt", value: "100.50000000" },
    { field: "price", operator: "eq", value: 0.1 },
    { field: "maker", operator: "neq", value: false },
  ], SCHEMA);
  ok(r.ok);
  deepStrictEqual(r.value.map((f) => f.values), [
    [10n],
    [9223372036854775807n, 3n],
    [1_704_067_200_000, 1_704_153_600_000],
    ["BTC-"],
    ["100.5"],
    ["0.1"],
    [false],
  ]);
});

Deno.test("a column the schema lacks, or hides, is UNKNOWN_COLUMN", () => {
  equal(codeOf([{ field: "nope", operator: "eq", value: 1 }]), "UNKNOWN_COLUMN");
  equal(codeOf([{ field: "secret", operator: "eq", value: "x" }]), "UNKNOWN_COLUMN");
  equal(
    codeOf([{ field: "symbol; DROP TABLE trades", operator: "eq", value: "x" }]),
    "UNKNOWN_COLUMN",
  );
});

Deno.test("UNKNOWN_COLUMN names the field asked for and the columns a filter may use", () => {
  const r = validateFilters([{ field: "colour", operator: "eq", value: "red" }], SCHEMA);
  ok(!r.ok);
  deepStrictEqual(r.error.details, {
    path: "data.searchParams.filters[0].field",
    field: "colour",
    columns: "id, ts, symbol, price, maker",
  });
  // A schema too wide to list whole is cut where a client still reads the detail.
  const wide = Array.from(
    { length: 300 },
    (_, i) => ({ name: `column_${i}`, type: "text" as const }),
  );
  const cut = validateFilters([{ field: "colour", operator: "eq", value: "red" }], wide);
  ok(!cut.ok);
  const columns = String(cut.error.details?.columns);
  ok(columns.length <= 1024 && columns.endsWith(", …"), columns);
});

Deno.test("operators that do not apply to a column type are INVALID_OPERATOR", () => {
  for (const column of SCHEMA.filter((c) => c.filterable !== false)) {
    for (const operator of FILTER_OPERATORS) {
      if (operatorsFor(column.type).includes(operator)) continue;
      equal(
        codeOf([{ field: column.name, operator, value: "x" }]),
        "INVALID_OPERATOR",
        `${column.name} ${operator}`,
      );
    }
  }
  deepStrictEqual(operatorsFor("text").includes("prefix"), true);
});

Deno.test("values that do not fit their column or operator are INVALID_FILTER_VALUE", () => {
  const bad: Filter[] = [
    { field: "id", operator: "eq", value: 1.5 },
    { field: "id", operator: "eq", value: "9223372036854775808" },
    { field: "id", operator: "eq", value: "1 OR 1=1" },
    { field: "id", operator: "eq", value: 2 ** 53 },
    { field: "price", operator: "eq", value: "1.123456789" },
    { field: "price", operator: "eq", value: "1e5" },
    { field: "price", operator: "eq", value: "0x10" },
    { field: "price", operator: "eq", value: true },
    { field: "ts", operator: "eq", value: "2024-02-30" },
    { field: "ts", operator: "eq", value: 1.5 },
    { field: "symbol", operator: "eq", value: 5 },
    { field: "symbol", operator: "eq", value: "x".repeat(257) },
    // A lone surrogate is no character: no stored text (UTF-8) holds one.
    { field: "symbol", operator: "eq", value: "BTC\uD800" },
    { field: "symbol", operator: "prefix", value: "\uDC00" },
    { field: "symbol", operator: "in", value: ["BTC", "\uD83D"] },
    { field: "maker", operator: "eq", value: "yes" },
    { field: "symbol", operator: "in", value: [] },
    { field: "symbol", operator: "in", value: "BTC" },
    { field: "symbol", operator: "eq", value: ["BTC"] },
    { field: "id", operator: "between", value: [1] },
    { field: "id", operator: "between", value: [5, 1] },
    { field: "price", operator: "between", value: ["0.2", "0.10"] },
    // Text bounds in code point order: U+1F600 comes after U+FFFF (UTF-16 units say otherwise).
    { field: "symbol", operator: "between", value: ["😀", "\uFFFF"] },
  ];
  for (const filter of bad) equal(codeOf([filter]), "INVALID_FILTER_VALUE", JSON.stringify(filter));
  const manyIn = Array.from({ length: 11 }, (_, i) => `S${i}`);
  equal(
    codeOf([{ field: "symbol", operator: "in", value: manyIn }], { maxInValues: 10 }),
    "INVALID_FILTER_VALUE",
  );
});

Deno.test("text between bounds are ordered by code point, as texts compare", () => {
  for (const value of [["\uFFFF", "😀"], ["a", "a"], ["a", "ab"], ["Z", "a"], ["é", "😀"]]) {
    equal(codeOf([{ field: "symbol", operator: "between", value }]), "ok", value.join(" "));
  }
});

Deno.test("SQL in a text value is kept as data", () => {
  const r = validateFilters([{ field: "symbol", operator: "eq", value: "x' OR 1=1 --" }], SCHEMA);
  ok(r.ok);
  deepStrictEqual(r.value[0].values, ["x' OR 1=1 --"]);
});

Deno.test("more filters than the limit is TOO_MANY_FILTERS", () => {
  const filters: Filter[] = Array.from({ length: 33 }, () => ({
    field: "id",
    operator: "gt",
    value: 1,
  }));
  equal(codeOf(filters), "TOO_MANY_FILTERS");
  equal(codeOf(filters.slice(0, 32)), "ok");
  equal(codeOf(filters.slice(0, 3), { maxFilters: 2 }), "TOO_MANY_FILTERS");
});

Deno.test("decimals compare exactly, without floating point", () => {
  equal(compareDecimal("0.1", "0.09"), 1);
  equal(compareDecimal("-1.5", "-1.25"), -1);
  equal(compareDecimal("100", "100.0"), 0);
  equal(compareDecimal("-0.5", "0.1"), -1);
  equal(compareDecimal("0.30000000000000000001", "0.3"), 1);
});

Deno.test("a decimal filter value may be any finite JSON number, read as its shortest decimal", () => {
  // PROTOCOL.md §6.2: the parser's double stands for the shortest decimal that round-trips to it,
  // written without an exponent; then the column's scale applies as for text.
  const values = (value: number) => {
    const r = validateFilters([{ field: "price", operator: "eq", value }], SCHEMA);
    return r.ok ? r.value[0].values : r.error.code;
  };
  deepStrictEqual(values(1e22), ["10000000000000000000000"]);
  deepStrictEqual(values(JSON.parse("1e22")), ["10000000000000000000000"]);
  deepStrictEqual(values(0.1), ["0.1"]);
  deepStrictEqual(values(JSON.parse("0.10000000000000001")), ["0.1"]);
  deepStrictEqual(values(1e-8), ["0.00000001"]);
  deepStrictEqual(values(-1.5e-7), ["-0.00000015"]);
  deepStrictEqual(values(-0), ["0"]);
  deepStrictEqual(values(1e29), ["100000000000000000000000000000"]);
  // Past the scale (8), or past the 30 digits decimal text may have before the point.
  equal(values(1e-9), "INVALID_FILTER_VALUE");
  equal(values(0.1 + 0.2), "INVALID_FILTER_VALUE"); // 0.30000000000000004
  equal(values(1e30), "INVALID_FILTER_VALUE");
  equal(values(5e-324), "INVALID_FILTER_VALUE");
});
