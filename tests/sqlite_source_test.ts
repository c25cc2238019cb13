import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  type ColumnSchema,
  operatorsFor,
  type ValidatedFilter,
  validateFilters,
} from "../protocol/filter.ts";
import type { Filter, FilterScalar } from "../protocol/messages.ts";
import type { DataSource, ScanQuery, SourceSchema } from "../server/data_source.ts";
import { prefixSuccessor, scaleDecimal, SqliteSource } from "../server/sqlite_source.ts";
import { mulberry32 } from "../server/demo_data.ts";

const SEED = 20240101;
const T0 = Date.UTC(2024, 0, 1);
const SCALE = 4;

const SCHEMA: SourceSchema = {
  table: "t",
  timeColumn: "ts",
  keyColumn: "id",
  columns: [
    { name: "id", type: "integer" },
    { name: "ts", type: "timestamp" },
    { name: "n", type: "integer" },
    { name: "d", type: "decimal", scale: SCALE },
    { name: "s", type: "text" },
    { name: "b", type: "boolean" },
  ],
};

/** Text values, chosen to exercise ordering (astral vs. U+FFFD), prefixes and quotes. */
const TEXTS = [
  "BTC-USD",
  "BTC-EUR",
  "BTC",
  "ETH-USD",
  "",
  "a'b",
  'q"uote',
  "é",
  "😀x",
  "😀",
  "\ufffd",
];

type Row = [number, number, number | null, number | null, string | null, number | null];

/**
 * Rows with small domains so that `eq` and `in` hit and NULLs in every
 * nullable column. Times mostly grow with the key but every fifth row jumps
 * back, so that the time range alone, not key order, must decide.
 */
function makeRows(count: number, random: () => number): Row[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const rows: Row[] = [];
  let ts = T0;
  for (let id = 1; id <= count; id++) {
    ts += 1 + Math.floor(random() * 60_000);
    rows.push([
      id,
      id % 5 === 0 ? ts - Math.floor(random() * 3_000_000) : ts,
      random() < 0.1 ? null : pick([-3, 0, 1, 2, 7, 42]),
      random() < 0.1 ? null : pick([-15000, -1, 0, 999, 1000, 1001, 10050, 123456]),
      random() < 0.1 ? null : pick(TEXTS),
      random() < 0.1 ? null : pick([0, 1]),
    ]);
  }
  return rows;
}

async function withTable<T>(rows: Row[], body: (path: string, db: DatabaseSync) => Promise<T>) {
  const dir = await Deno.makeTempDir({ prefix: "sluice_sqlite_test_" });
  const path = `${dir}/t.db`;
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA journal_mode = WAL;
      CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, n INTEGER, d INTEGER, s TEXT, b INTEGER);
      CREATE INDEX t_ts ON t (ts);`);
    insert(db, rows);
    return await body(path, db);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

function insert(db: DatabaseSync, rows: readonly Row[]): void {
  const statement = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)");
  db.exec("BEGIN");
  for (const row of rows) statement.run(...row.map((v) => typeof v === "number" ? BigInt(v) : v));
  db.exec("COMMIT");
}

/** Every row of a scan, through pages of `size`, checking key order and page bounds. */
async function scan(source: DataSource, query: ScanQuery, size: number): Promise<unknown[][]> {
  const out: unknown[][] = [];
  let after = query.after;
  for (;;) {
    const page = await source.page({ ...query, after }, size);
    ok(page.rows.length <= size);
    if (page.lastKey === undefined) return out;
    equal(BigInt(page.rows.at(-1)?.[0] as number), page.lastKey);
    ok(after === undefined || page.lastKey > after, "the cursor must advance");
    out.push(...page.rows.map((r) => [...r]));
    after = page.lastKey;
  }
}

function validated(filters: Filter[]): ValidatedFilter[] {
  const r = validateFilters(filters, SCHEMA.columns);
  if (!r.ok) throw new Error(`test filter refused: ${JSON.stringify(r.error)}`);
  return r.value;
}

// ---- An independent reference: JS predicates over the rows, with SQL's NULL rule. ----

/** Scaled integer of decimal text, by string arithmetic (independent of the source's). */
function scaled(text: string): number {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const n = Number(whole + fraction.padEnd(SCALE, "0"));
  return negative ? -n : n;
}

/** SQLite's BINARY order on TEXT is UTF-8 byte order, i.e. code point order (not UTF-16). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** A filter operand in the stored representation of its column. */
function stored(column: ColumnSchema, value: FilterScalar): number | string {
  switch (column.type) {
    case "text":
      return value as string;
    case "decimal":
      return scaled(value as string);
    case "boolean":
      return value ? 1 : 0;
    case "integer":
      return Number(value);
    case "timestamp":
      return typeof value === "number" ? value : Date.parse(value as string);
  }
}

function compareCell(column: ColumnSchema, cell: number | string, value: FilterScalar): number {
  const other = stored(column, value);
  return typeof cell === "string"
    ? compareCodePoints(cell, other as string)
    : cell - (other as number);
}

/** Orders `between` operands as the validator does (text: UTF-16 order, like JS `<`). */
function ordered(column: ColumnSchema, a: FilterScalar, b: FilterScalar): FilterScalar[] {
  const [x, y] = [stored(column, a), stored(column, b)];
  return x <= y ? [a, b] : [b, a];
}

function matches(row: Row, filter: Filter): boolean {
  const i = SCHEMA.columns.findIndex((c) => c.name === filter.field);
  const column = SCHEMA.columns[i];
  const cell = row[i];
  if (cell === null) return false;
  const cmp = (v: FilterScalar) => compareCell(column, cell, v);
  const value = filter.value;
  const one = value as FilterScalar;
  const list = value as FilterScalar[];
  switch (filter.operator) {
    case "eq":
      return cmp(one) === 0;
    case "neq":
      return cmp(one) !== 0;
    case "lt":
      return cmp(one) < 0;
    case "lte":
      return cmp(one) <= 0;
    case "gt":
      return cmp(one) > 0;
    case "gte":
      return cmp(one) >= 0;
    case "in":
      return list.some((v) => cmp(v) === 0);
    case "between":
      return cmp(list[0]) >= 0 && cmp(list[1]) <= 0;
    case "prefix":
      return (cell as string).startsWith(one as string);
  }
}

/** Operands to try per column: values present in the data and values absent from it. */
const OPERANDS: Record<string, FilterScalar[]> = {
  id: [1, 17, 150, 300, 301],
  ts: [T0, T0 + 3_000_000, "2024-01-02T00:00:00.000Z", T0 + 1e9],
  n: [-3, 0, 2, 5, 42],
  d: ["-1.5", "0.1", "0.0999", "0.1001", "1.005", "0", "-0.0001", "12.3456", "99999999"],
  s: [...TEXTS, "BTC-", "BT", "😀", "x' OR 1=1 --", "zzz"],
  b: [true, false],
};

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

Deno.test("prefixSuccessor gives the least string above every extension of the prefix", () => {
  equal(prefixSuccessor("BTC-"), "BTC.");
  equal(prefixSuccessor("a\u{10ffff}"), "b");
  equal(prefixSuccessor("\u{10ffff}\u{10ffff}"), undefined);
  equal(prefixSuccessor(""), undefined);
  equal(prefixSuccessor("\ud7ff"), "\ue000");
  equal(prefixSuccessor("😀"), "😁");
  const random = mulberry32(SEED + 4);
  const alphabet = ["a", "b", "\u00ff", "\ud7ff", "\ue000", "\uffff", "😀", "\u{10ffff}"];
  for (let i = 0; i < 2000; i++) {
    const word = () =>
      Array.from({ length: Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * 8)])
        .join("");
    const prefix = word(), s = word();
    const upper = prefixSuccessor(prefix);
    const inRange = compareCodePoints(s, prefix) >= 0 &&
      (upper === undefined || compareCodePoints(s, upper) < 0);
    equal(inRange, s.startsWith(prefix), `seed ${SEED + 4}: ${JSON.stringify({ prefix, s })}`);
  }
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
