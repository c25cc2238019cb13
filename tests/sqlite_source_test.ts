// A SQLite source: its schema checks, paging in key order under a pinned high-water mark, exact
// big integers, and time ranges that key order alone would get wrong.
import { deepStrictEqual, equal, rejects, throws } from "node:assert/strict";
import type { ValidatedFilter } from "../protocol/filter.ts";
import type { SourceSchema } from "../server/data_source.ts";
import { UnfitValueError } from "../protocol/export_state.ts";
import { SqliteSource } from "../server/sqlite_source.ts";
import { mulberry32 } from "../server/demo_data.ts";
import {
  insert,
  makeRows,
  type Row,
  scan,
  SCHEMA,
  SEED,
  T0,
  validated,
  withTable,
} from "./_sqlite_table.ts";

Deno.test("identifiers outside [A-Za-z_][A-Za-z0-9_]* and filters on unknown columns are refused", async () => {
  await withTable([], async (path) => {
    const bad = (edit: Partial<SourceSchema>) => () =>
      new SqliteSource({ path, schema: { ...SCHEMA, ...edit } });
    throws(bad({ table: 't"; DROP TABLE t; --' }), TypeError);
    throws(bad({ columns: [...SCHEMA.columns, { name: "a b", type: "text" }] }), TypeError);
    throws(bad({ keyColumn: "s" }), TypeError);
    throws(bad({ timeColumn: "n" }), TypeError);
    throws(bad({ columns: [...SCHEMA.columns, { name: "x", type: "decimal" }] }), TypeError);
    const source = new SqliteSource({ path, schema: SCHEMA });
    const rogue: ValidatedFilter = { field: "zz", type: "text", operator: "eq", values: ["a"] };
    await rejects(
      source.count({ timeFrom: 0, timeTo: 1, filters: [rogue], highWaterMark: 0n }),
      TypeError,
    );
    await source.close();
  });
});

Deno.test("pages of 7 yield every row exactly once in key order, and a pinned mark ignores later rows", async () => {
  const random = mulberry32(SEED + 3);
  const rows = makeRows(500, random);
  await withTable(rows, async (path, db) => {
    const source = new SqliteSource({ path, schema: SCHEMA, readOnly: true });
    const hwm = await source.highWaterMark();
    const query = { timeFrom: 0, timeTo: 2 ** 50, filters: [], highWaterMark: hwm };
    const before = await scan(source, query, 7);
    deepStrictEqual(before, rows);
    // Rows appended after the mark is pinned, including rows inside the time range.
    const later = makeRows(520, mulberry32(SEED + 3)).slice(500);
    insert(db, later);
    deepStrictEqual(await scan(source, query, 7), rows);
    equal(await source.count(query), 500);
    // Resuming from a cursor mid-way continues exactly after it.
    deepStrictEqual(await scan(source, { ...query, after: 123n }, 7), rows.slice(123));
    const now = await source.highWaterMark();
    equal(now, 520n);
    deepStrictEqual(await scan(source, { ...query, highWaterMark: now }, 7), [...rows, ...later]);
    await rejects(source.page(query, 0), RangeError);
    await source.close();
  });
});

Deno.test("an empty table has mark 0n and empty pages", async () => {
  await withTable([], async (path) => {
    const source = new SqliteSource({ path, schema: SCHEMA });
    equal(await source.highWaterMark(), 0n);
    const query = { timeFrom: 0, timeTo: 2 ** 50, filters: [], highWaterMark: 0n };
    deepStrictEqual(await source.page(query, 10), { rows: [], lastKey: undefined });
    equal(await source.count(query), 0);
    await source.close();
  });
});

Deno.test("integers beyond 2^53 come back exact as bigint, others as numbers", async () => {
  await withTable([], async (path, db) => {
    db.prepare("INSERT INTO t VALUES (1, ?, ?, ?, 'a', 1), (2, ?, 5, 7, 'b', 0)")
      .run(BigInt(T0), 2n ** 62n + 1n, -(2n ** 60n) - 3n, BigInt(T0 + 1));
    const source = new SqliteSource({ path, schema: SCHEMA });
    const rows = await scan(source, {
      timeFrom: 0,
      timeTo: 2 ** 50,
      filters: [],
      highWaterMark: 2n,
    }, 10);
    deepStrictEqual(rows, [
      [1, T0, 2n ** 62n + 1n, -(2n ** 60n) - 3n, "a", 1],
      [2, T0 + 1, 5, 7, "b", 0],
    ]);
    const big = validated([{ field: "n", operator: "eq", value: String(2n ** 62n + 1n) }]);
    equal(await source.count({ timeFrom: 0, timeTo: 2 ** 50, filters: big, highWaterMark: 2n }), 1);
    await source.close();
  });
});

Deno.test("narrow and wide time ranges, pinned or not, count and scan exactly the rows SQL selects", async () => {
  // Every fifth row's time jumps back (makeRows), and rows with far-future times are inserted
  // with small keys, so that bounds taken from key order alone would lose rows.
  const rows = makeRows(2000, mulberry32(SEED + 4));
  for (const row of rows.slice(0, 2000).filter((_, i) => i % 97 === 0)) row[1] += 10 ** 10;
  await withTable(rows, async (path, db) => {
    const source = new SqliteSource({ path, schema: SCHEMA });
    const times = rows.map((r) => r[1]).sort((a, b) => a - b);
    const ranges: [number, number][] = [
      [0, 2 ** 50], // every row: the wide path
      [times[100], times[1500]], // most rows: wide
      [times[900], times[960]], // a sliver: exact bounds
      [T0 + 10 ** 10, 2 ** 50], // only the far-future rows, keys spread over the table
      [times[0] - 10, times[0]], // nothing
    ];
    for (const pinned of [false, true]) {
      const hwm = await source.highWaterMark();
      if (pinned) {
        // Rows above the mark, inside every range, must stay out of count and scan.
        insert(db, [[Number(hwm) + 1, times[950], 1, 1, "x", 1], [
          Number(hwm) + 2,
          T0 + 2 * 10 ** 10,
          1,
          1,
          "x",
          1,
        ]]);
      }
      for (const [timeFrom, timeTo] of ranges) {
        const query = { timeFrom, timeTo, filters: [], highWaterMark: hwm };
        const expected = rows.filter((r) => r[1] >= timeFrom && r[1] < timeTo);
        equal(await source.count(query), expected.length, `count of [${timeFrom}, ${timeTo})`);
        deepStrictEqual(await scan(source, query, 50), expected);
      }
    }
    await source.close();
  });
});

Deno.test("a row whose time moves into a narrow range, outside the keys it held, is in the next download", async () => {
  const rows = makeRows(2000, mulberry32(SEED + 5));
  await withTable(rows, async (path, db) => {
    const source = new SqliteSource({ path, schema: SCHEMA, readOnly: true });
    const times = rows.map((r) => r[1]).sort((a, b) => a - b);
    const [timeFrom, timeTo] = [times[900], times[960]]; // a sliver: exact key bounds
    const inRange = rows.filter((r) => r[1] >= timeFrom && r[1] < timeTo);
    const hwm = await source.highWaterMark();
    const query = { timeFrom, timeTo, filters: [], highWaterMark: hwm };
    deepStrictEqual(await scan(source, query, 50), inRange);
    // Another connection moves the table's first row, far below the range's keys, into it.
    const moved = rows.find((r) => r[1] < timeFrom && r[0] < inRange[0][0])!;
    db.prepare("UPDATE t SET ts = ? WHERE id = ?").run(timeFrom, moved[0]);
    // A new download starts with its mark, and sees the row.
    const again = { ...query, highWaterMark: await source.highWaterMark() };
    const expected = [[moved[0], timeFrom, ...moved.slice(2)], ...inRange];
    equal(await source.count(again), expected.length);
    deepStrictEqual(await scan(source, again, 50), expected);
    await source.close();
  });
});

Deno.test("a key column that holds a real or a text is an UnfitValueError of the key, not an empty export", async () => {
  const rows = Array.from({ length: 20 }, (_, i): Row => [i + 1, T0 + i, i + 1, 0, "x", 0]);
  await withTable(rows, async (path, db) => {
    // `n` is declared INTEGER but, not being the rowid, holds whatever it is given.
    const source = new SqliteSource({ path, schema: { ...SCHEMA, keyColumn: "n" } });
    const query = { timeFrom: T0, timeTo: T0 + 100, filters: [], highWaterMark: 20n };
    const unfit = (e: unknown) => e instanceof UnfitValueError && e.column === "n";
    try {
      db.exec("UPDATE t SET n = 10.5 WHERE id = 10");
      equal(await source.highWaterMark(), 20n);
      // The real key ends the first page of 10: no scan by key can go on from it.
      await rejects(source.page(query, 10), unfit);
      // Inside a page, it is a cell the encoder refuses (unexportable_value_test.ts).
      equal((await source.page(query, 12)).rows[9][2], 10.5);
      // A text sorts above every integer: it is the largest key.
      db.exec("UPDATE t SET n = 'ten' WHERE id = 10");
      await rejects(source.highWaterMark(), unfit);
    } finally {
      await source.close();
    }
  });
});
