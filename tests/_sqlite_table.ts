// A small SQLite table for the source and filter tests: one column of every type, deterministic
// rows (mulberry32) with NULLs and out-of-order times, and a scan that checks each page it reads.
import { equal, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type ValidatedFilter, validateFilters } from "../protocol/filter.ts";
import type { Filter } from "../protocol/messages.ts";
import type { DataSource, ScanQuery, SourceSchema } from "../server/data_source.ts";

export const SEED = 20240101;
export const T0 = Date.UTC(2024, 0, 1);
export const SCALE = 4;

export const SCHEMA: SourceSchema = {
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
export const TEXTS = [
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

export type Row = [number, number, number | null, number | null, string | null, number | null];

/**
 * Rows with small domains so that `eq` and `in` hit and NULLs in every
 * nullable column. Times mostly grow with the key but every fifth row jumps
 * back, so that the time range alone, not key order, must decide.
 */
export function makeRows(count: number, random: () => number): Row[] {
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

export async function withTable<T>(
  rows: Row[],
  body: (path: string, db: DatabaseSync) => Promise<T>,
) {
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

export function insert(db: DatabaseSync, rows: readonly Row[]): void {
  const statement = db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)");
  db.exec("BEGIN");
  for (const row of rows) statement.run(...row.map((v) => typeof v === "number" ? BigInt(v) : v));
  db.exec("COMMIT");
}

/** Every row of a scan, through pages of `size`, checking key order and page bounds. */
export async function scan(
  source: DataSource,
  query: ScanQuery,
  size: number,
): Promise<unknown[][]> {
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

export function validated(filters: Filter[]): ValidatedFilter[] {
  const r = validateFilters(filters, SCHEMA.columns);
  if (!r.ok) throw new Error(`test filter refused: ${JSON.stringify(r.error)}`);
  return r.value;
}
