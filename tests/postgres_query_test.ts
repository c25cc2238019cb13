import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { operatorsFor, validateFilters } from "../protocol/filter.ts";
import type { Filter } from "../protocol/messages.ts";
import type { SourceSchema } from "../server/data_source.ts";
import { PostgresQueries, quoteTable } from "../server/postgres_query.ts";

const SCHEMA: SourceSchema = {
  table: "public.t",
  keyColumn: "id",
  timeColumn: "ts",
  columns: [
    { name: "id", type: "integer" },
    { name: "ts", type: "timestamp" },
    { name: "s", type: "text" },
    { name: "u", type: "text" },
    { name: "j", type: "text" },
    { name: "d", type: "decimal", scale: 2 },
    { name: "b", type: "boolean" },
  ],
};
const QUERIES = new PostgresQueries(SCHEMA, [
  { name: "id", kind: "integer" },
  { name: "ts", kind: "timestamptz" },
  { name: "s", kind: "text" },
  { name: "u", kind: "uuid" },
  { name: "j", kind: "cast_text" },
  { name: "d", kind: "numeric" },
  { name: "b", kind: "boolean" },
]);

const EVIL = ["x' OR 1=1 --", "'); DROP TABLE t; --", '"; DELETE FROM t; --', "$1", "\\", "{a,b}"];

Deno.test("every filter value is a parameter: the SQL text holds none of them", () => {
  for (const column of SCHEMA.columns.filter((c) => c.type === "text")) {
    for (const operator of operatorsFor("text")) {
      for (const value of EVIL) {
        const raw: Filter = {
          field: column.name,
          operator,
          value: operator === "in"
            ? [value, "a"]
            : operator === "between"
            ? ["'", value].sort()
            : value,
        };
        const r = validateFilters([raw], SCHEMA.columns);
        ok(r.ok);
        const query = { timeFrom: 0, timeTo: 1, filters: r.value, highWaterMark: 9n };
        for (const bound of [QUERIES.count(query), QUERIES.page(query, 10)]) {
          ok(bound !== undefined);
          ok(!bound.text.includes(";") && !bound.text.includes("--"), bound.text);
          // The only quote in any query is the unit of date_trunc, which text filters never use.
          ok(!bound.text.includes("'"), bound.text);
          ok(bound.params.some((p) => p.includes(value)) || column.name === "u", bound.text);
        }
      }
    }
  }
});

Deno.test("the shape of the page query: keyset bounds, the time range, a LIMIT parameter", () => {
  const query = { timeFrom: 0, timeTo: 86_400_000, filters: [], highWaterMark: 5n, after: 2n };
  const bound = QUERIES.page(query, 7);
  ok(bound !== undefined);
  equal(
    bound.text,
    'SELECT "id", "ts", "s", "u", "j"::text, "d", "b" FROM "public"."t" WHERE "id" >= $1::int8 AND ' +
      '"id" <= $2::int8 AND "ts" >= $3::timestamptz AND "ts" < $4::timestamptz ORDER BY "id" LIMIT $5::int8',
  );
  deepStrictEqual(bound.params, [
    "3",
    "5",
    "1970-01-01 00:00:00.000+00",
    "1970-01-02 00:00:00.000+00",
    "7",
  ]);
  // The page as one text, with its row count and last key: the same query inside. Texts are
  // counted (their length in bytes, then them); the rest, which may be NULL, is one record.
  const records = QUERIES.pageRecords(query, 7);
  const counted = (c: string) => `coalesce(octet_length("a row"."${c}"), -1), "a row"."${c}"`;
  deepStrictEqual(QUERIES.layout, { bare: [], counted: [2, 4], record: [0, 1, 3, 5, 6] });
  equal(
    records?.text,
    `SELECT string_agg(concat_ws(',', ${counted("s")}, ${counted("j")}, ROW("a row"."id", ` +
      `"a row"."ts", "a row"."u", "a row"."d", "a row"."b")::text), chr(10)), count(*), ` +
      `max("a row"."id") FROM (${bound.text}) "a row"`,
  );
  deepStrictEqual(records?.params, bound.params);
  // NOT NULL columns of kinds whose text needs no quoting go bare, first.
  const bare = new PostgresQueries(SCHEMA, [
    { name: "id", kind: "integer", notNull: true },
    { name: "ts", kind: "timestamptz", notNull: true },
    { name: "s", kind: "text", notNull: true },
    { name: "u", kind: "uuid", notNull: true },
    { name: "j", kind: "cast_text" },
    { name: "d", kind: "numeric" },
    { name: "b", kind: "boolean", notNull: true },
  ]);
  deepStrictEqual(bare.layout, { bare: [0, 1, 3, 6], counted: [2, 4], record: [5] });
  const row = `concat_ws(',', "a row"."id", "a row"."ts", "a row"."u", "a row"."b", ` +
    `${counted("s")}, ${counted("j")}, ROW("a row"."d")::text)`;
  equal(
    bare.pageRecords(query, 7)?.text
      .startsWith(`SELECT string_agg(${row}, chr(10)), count(*), max("a row"."id") FROM (`),
    true,
  );
  // Nothing but columns for the record: the whole row.
  const plain = new PostgresQueries(
    { ...SCHEMA, columns: SCHEMA.columns.filter((c) => c.name !== "s" && c.name !== "j") },
    [
      { name: "id", kind: "integer" },
      { name: "ts", kind: "timestamptz" },
      { name: "u", kind: "uuid" },
      { name: "d", kind: "numeric" },
      { name: "b", kind: "boolean" },
    ],
  );
  equal(
    plain.pageRecords(query, 7)?.text
      .startsWith(`SELECT string_agg("a row"::text, chr(10)),`),
    true,
  );
  // No key follows 2^63 - 1.
  equal(
    QUERIES.page(
      { timeFrom: 0, timeTo: 1, filters: [], highWaterMark: 5n, after: 2n ** 63n - 1n },
      7,
    ),
    undefined,
  );
  throws(() => quoteTable('t"; DROP TABLE x; --'), TypeError);
  throws(() => quoteTable("a.b.c"), TypeError);
});
