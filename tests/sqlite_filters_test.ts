// Filters on a SQLite source: every operator on every column type against a JS reference, AND with
// the time range against hand-written SQL, SQL in values as data, and exact decimal comparisons.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { operatorsFor } from "../protocol/filter.ts";
import type { Filter } from "../protocol/messages.ts";
import type { ScanQuery } from "../server/data_source.ts";
import { SqliteSource } from "../server/sqlite_source.ts";
import { scaleDecimal } from "../server/sqlite_filters.ts";
import { mulberry32 } from "../server/demo_data.ts";
import {
  makeRows,
  type Row,
  scan,
  SCHEMA,
  SEED,
  T0,
  validated,
  withTable,
} from "./_sqlite_table.ts";
import { matches, OPERANDS, ordered } from "./_filter_reference.ts";

Deno.test("every operator on every column type returns exactly the rows a JS filter keeps", async () => {
  const random = mulberry32(SEED);
  const rows = makeRows(300, random);
  await withTable(rows, async (path) => {
    const source = new SqliteSource({ path, schema: SCHEMA });
    const hwm = await source.highWaterMark();
    equal(hwm, 300n);
    let checked = 0;
    for (const column of SCHEMA.columns) {
      for (const operator of operatorsFor(column.type)) {
        const pool = OPERANDS[column.name];
        for (let k = 0; k < 6; k++) {
          const a = pool[Math.floor(random() * pool.length)];
          const b = pool[Math.floor(random() * pool.length)];
          const value = operator === "in"
            ? [a, b]
            : operator === "between"
            ? ordered(column, a, b)
            : a;
          if (operator === "prefix" && typeof value !== "string") continue;
          const filter: Filter = { field: column.name, operator, value };
          const query: ScanQuery = {
            timeFrom: T0,
            timeTo: T0 + 2e9,
            filters: validated([filter]),
            highWaterMark: hwm,
          };
          const expected = rows.filter((r) => r[1] >= T0 && r[1] < T0 + 2e9 && matches(r, filter));
          const label = `seed ${SEED}: ${JSON.stringify(filter)}`;
          deepStrictEqual(await scan(source, query, 50), expected, label);
          equal(await source.count(query), expected.length, label);
          checked++;
        }
      }
    }
    ok(checked > 200);
    await source.close();
  });
});

Deno.test("filters combine with AND and with the time range, matching hand-written SQL", async () => {
  const rows = makeRows(400, mulberry32(SEED + 1));
  await withTable(rows, async (path, db) => {
    const source = new SqliteSource({ path, schema: SCHEMA });
    const from = rows[50][1], to = rows[350][1];
    const query = {
      timeFrom: from,
      timeTo: to,
      highWaterMark: 400n,
      filters: validated([
        { field: "s", operator: "prefix", value: "BTC" },
        { field: "d", operator: "gte", value: "0.1" },
        { field: "b", operator: "neq", value: false },
      ]),
    };
    const expected = db.prepare(
      `SELECT id, ts, n, d, s, b FROM t
       WHERE ts >= ? AND ts < ? AND substr(s, 1, 3) = 'BTC' AND d >= 1000 AND b <> 0 ORDER BY id`,
    ).all(from, to).map((r) => Object.values(r));
    ok(expected.length > 5);
    deepStrictEqual(await scan(source, query, 7), expected);
    equal(await source.count(query), expected.length);
    // [from, to): the rows at `from` are in, the rows at `to` out.
    const times = (await scan(source, { ...query, filters: [] }, 1000)).map((r) => r[1]);
    ok(times.includes(from) && !times.includes(to));
    equal(times.length, rows.filter((r) => r[1] >= from && r[1] < to).length);
    await source.close();
  });
});

Deno.test("SQL in filter values is data: it matches nothing and the table survives", async () => {
  const rows = makeRows(100, mulberry32(SEED + 2));
  await withTable(rows, async (path, db) => {
    const source = new SqliteSource({ path, schema: SCHEMA });
    const evil = ["x' OR 1=1 --", 'BTC-USD"; DROP TABLE t; --', "'); DELETE FROM t; --", "%", "_"];
    for (const value of evil) {
      for (
        const filters of [
          [{ field: "s", operator: "eq", value }],
          [{ field: "s", operator: "prefix", value }],
          [{ field: "s", operator: "in", value: [value, value] }],
        ] as Filter[][]
      ) {
        const query = {
          timeFrom: 0,
          timeTo: 2 ** 50,
          filters: validated(filters),
          highWaterMark: 100n,
        };
        deepStrictEqual(await scan(source, query, 10), []);
        equal(await source.count(query), 0);
      }
    }
    equal(db.prepare("SELECT count(*) AS n FROM t").get()?.n, 100);
    await source.close();
  });
});

Deno.test("decimal filters compare scaled integers exactly", async () => {
  // d is stored × 10^4: 1000 is 0.1. A float path would make 0.1 + 0.2 style mistakes.
  const rows: Row[] = [999, 1000, 1001, 3000, -1000, 10050].map((
    d,
    i,
  ) => [i + 1, T0 + i, 0, d, "", 0]);
  await withTable(rows, async (path) => {
    const source = new SqliteSource({ path, schema: SCHEMA });
    const ids = async (filter: Filter) =>
      (await scan(source, {
        timeFrom: 0,
        timeTo: 2 ** 50,
        filters: validated([filter]),
        highWaterMark: 6n,
      }, 10)).map((r) => r[0]);
    deepStrictEqual(await ids({ field: "d", operator: "eq", value: "0.1" }), [2]);
    deepStrictEqual(await ids({ field: "d", operator: "eq", value: "0.1000" }), [2]);
    deepStrictEqual(await ids({ field: "d", operator: "eq", value: 0.3 }), [4]);
    deepStrictEqual(await ids({ field: "d", operator: "gt", value: "0.0999" }), [2, 3, 4, 6]);
    deepStrictEqual(await ids({ field: "d", operator: "lt", value: "-0.0999" }), [5]);
    deepStrictEqual(await ids({ field: "d", operator: "between", value: ["0.0999", "0.1001"] }), [
      1,
      2,
      3,
    ]);
    deepStrictEqual(await ids({ field: "d", operator: "in", value: ["1.005", "-0.1"] }), [5, 6]);
    // Beyond int64 once scaled: compared exactly, never wrapped.
    const huge = "999999999999999999999999";
    deepStrictEqual(await ids({ field: "d", operator: "lt", value: huge }), [1, 2, 3, 4, 5, 6]);
    deepStrictEqual(await ids({ field: "d", operator: "eq", value: huge }), []);
    deepStrictEqual(await ids({ field: "d", operator: "gt", value: `-${huge}` }), [
      1,
      2,
      3,
      4,
      5,
      6,
    ]);
    await source.close();
  });
  equal(scaleDecimal("100.5", 8), 10050000000n);
  equal(scaleDecimal("-0.00000001", 8), -1n);
  equal(scaleDecimal("92233720368.54775807", 8), 2n ** 63n - 1n);
  equal(scaleDecimal("92233720368.54775808", 8), 2 ** 64);
  equal(scaleDecimal("-92233720368.54775809", 8), -(2 ** 64));
  throws(() => scaleDecimal("0.123", 2), RangeError);
});
