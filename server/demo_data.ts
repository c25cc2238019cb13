/**
 * The demo table: a deterministic history of exchange trades, built into a
 * SQLite file on first start. The same row count always gives the same rows
 * (a seeded PRNG and IEEE arithmetic only), and a build of N rows is a
 * prefix of any larger build.
 *
 * `ts` starts at 2024-01-01T00:00:00.000Z and grows by 1 ms to 63 s per
 * trade (31.5 s on average), so 1,000,000 trades span about a year. Prices
 * follow a mean-reverting random walk per symbol, on the symbol's tick.
 * Maker fees are rebates (negative), taker fees positive. About one note in
 * sixty-seven is set, from a list of texts that exercise CSV quoting and
 * formula neutralisation (commas, quotes, line breaks, leading `=` `+` `-`
 * `@` tab and CR, non-ASCII); the rest are NULL.
 *
 * @module
 */

import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { demoFileState, publishDatabase, removeDatabaseFiles } from "./_demo_file.ts";
import type { SourceSchema } from "./data_source.ts";
import { SqliteSource } from "./sqlite_source.ts";

/** Stored in the `meta` table; bump it whenever the generated rows change. */
export const DEMO_GENERATOR_VERSION = "sluice-demo-trades/1";

/**
 * The schema of the demo `trades` table.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEMO_SCHEMA } from "./demo_data.ts";
 * equal(
 *   DEMO_SCHEMA.columns.map((c) => c.name).join(","),
 *   "id,ts,symbol,side,price,amount,fee,maker,user_id,order_id,note",
 * );
 * ```
 */
export const DEMO_SCHEMA: SourceSchema = {
  table: "trades",
  timeColumn: "ts",
  keyColumn: "id",
  columns: [
    { name: "id", type: "integer" },
    { name: "ts", type: "timestamp" },
    { name: "symbol", type: "text" },
    { name: "side", type: "text" },
    { name: "price", type: "decimal", scale: 8 },
    { name: "amount", type: "decimal", scale: 8 },
    { name: "fee", type: "decimal", scale: 8 },
    { name: "maker", type: "boolean" },
    { name: "user_id", type: "integer" },
    { name: "order_id", type: "text" },
    { name: "note", type: "text" },
  ],
};

/** 2024-01-01T00:00:00.000Z. */
const START_MS = 1_704_067_200_000;
/** Gaps are 1..MAX_GAP_MS ms: an average of 31.5 s puts 1M trades across ~365 days. */
const MAX_GAP_MS = 63_000;
/** Rows per transaction while building. */
const BATCH_ROWS = 50_000;
/** Rows per INSERT statement: 1M rows build in ~3.5 s this way, ~6.5 s one row per INSERT. */
const ROWS_PER_INSERT = 50;
const SCALE = 1e8;
const SEED = 0x5111ce;

interface Market {
  readonly symbol: string;
  /** Cumulative probability of picking this market. */
  readonly upTo: number;
  /** Starting and mean price. */
  readonly base: number;
  /** Price tick and amount lot, in units of 10^-8. */
  readonly tick: number;
  readonly lot: number;
  /** Largest amount, in lots. */
  readonly maxLots: number;
}

const MARKETS: readonly Market[] = [
  { symbol: "BTC-USD", upTo: 0.3, base: 42_000, tick: 1e6, lot: 1e4, maxLots: 20_000 },
  { symbol: "ETH-USD", upTo: 0.55, base: 2_300, tick: 1e6, lot: 1e5, maxLots: 30_000 },
  { symbol: "SOL-USD", upTo: 0.7, base: 100, tick: 1e5, lot: 1e6, maxLots: 50_000 },
  { symbol: "ETH-BTC", upTo: 0.8, base: 0.055, tick: 1e3, lot: 1e5, maxLots: 30_000 },
  { symbol: "DOGE-USD", upTo: 0.9, base: 0.09, tick: 1e3, lot: 1e8, maxLots: 100_000 },
  { symbol: "XRP-USD", upTo: 0.96, base: 0.6, tick: 1e2, lot: 1e8, maxLots: 20_000 },
  { symbol: "ADA-EUR", upTo: 1, base: 0.5, tick: 1e2, lot: 1e8, maxLots: 20_000 },
];

const NOTES: readonly string[] = [
  "partial fill, remainder cancelled",
  'client said "urgent"',
  "line one\nline two",
  "windows\r\nline break",
  '=HYPERLINK("http://example.com","click")',
  "+1 rebate tier",
  "-5% promo",
  "@SUM(A1:A9)",
  "\tindented",
  "\rcarriage return first",
  "café ☕ 取引 🚀",
  "",
  "plain note",
  '"quoted", with comma',
];
/** Share of rows that carry a note; the rest are NULL. */
const NOTE_SHARE = 0.015;

/**
 * mulberry32: a tiny, well-mixed 32-bit PRNG, deterministic everywhere. It
 * makes the demo rows, and the randomised tests replay from their seeds.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { mulberry32 } from "./demo_data.ts";
 * const random = mulberry32(42);
 * const first = random();
 * ok(first >= 0 && first < 1);
 * equal(first, mulberry32(42)()); // the same seed, the same sequence
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields the demo rows 1..rows in column order, as values to bind. */
function* generateTrades(rows: number): Generator<SQLInputValue[]> {
  const random = mulberry32(SEED);
  const prices = MARKETS.map((m) => m.base);
  let ts = START_MS;
  let order = 1_000_000;
  for (let id = 1; id <= rows; id++) {
    // Every row draws the same number of values, so N rows are a prefix of N + 1.
    const [rGap, rMarket, rStep, rSide, rLots, rMaker, rUser, rOrder, rNote, rWhich] = [
      random(),
      random(),
      random(),
      random(),
      random(),
      random(),
      random(),
      random(),
      random(),
      random(),
    ];
    ts += 1 + Math.floor(rGap * MAX_GAP_MS);
    const m = MARKETS.findIndex((x) => rMarket < x.upTo);
    const market = MARKETS[m];
    prices[m] *= 1 + (rStep - 0.5) * 0.004;
    prices[m] += (market.base - prices[m]) * 0.0005;
    const price = Math.max(1, Math.round((prices[m] * SCALE) / market.tick)) * market.tick;
    const amount = (1 + Math.floor(rLots ** 3 * market.maxLots)) * market.lot;
    const maker = rMaker < 0.4;
    const notional = (amount / SCALE) * (price / SCALE);
    const fee = Math.round(notional * (maker ? -0.0001 : 0.0025) * SCALE);
    if (rOrder < 0.75) order++;
    const note = rNote < NOTE_SHARE ? NOTES[Math.floor(rWhich * NOTES.length)] : null;
    yield [
      id,
      ts,
      market.symbol,
      rSide < 0.5 ? "buy" : "sell",
      price,
      amount,
      fee === 0 ? 0 : fee, // no -0
      maker ? 1 : 0,
      1 + Math.floor(rUser * rUser * 1000),
      `ORD${String(order).padStart(10, "0")}`,
      note,
    ];
  }
}

const CREATE_SQL = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE trades (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL,
    price INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL,
    maker INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    note TEXT
  );`;

/**
 * Builds the demo database at `path`, replacing any file there: the one
 * call that replaces a file ({@linkcode openDemoSource} never does). It is
 * built beside `path` and renamed into place, so a crash never leaves a
 * half-built file under `path`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { createDemoDatabase } from "./demo_data.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.db`;
 * const progress: string[] = [];
 * createDemoDatabase(path, 1000, (done, total) => progress.push(`${done}/${total}`));
 * deepStrictEqual(progress, ["1000/1000"]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function createDemoDatabase(
  path: string,
  rows: number,
  onProgress?: (done: number, total: number) => void,
): void {
  const building = buildBeside(path, rows, onProgress);
  removeDatabaseFiles(path, true);
  Deno.renameSync(building, path);
  onProgress?.(rows, rows);
}

/** Builds the demo beside `path`, under a name of its own, and returns that name. */
function buildBeside(
  path: string,
  rows: number,
  onProgress?: (done: number, total: number) => void,
): string {
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  }
  // A name of its own, so that two processes (or test workers) building the same file at once
  // never write into one another's (which once ended one of them with "database is locked").
  const building = `${path}.building-${crypto.randomUUID()}`;
  const db = new DatabaseSync(building);
  let built = false;
  try {
    // Nothing to protect until the file is renamed into place: skip the journal and fsyncs.
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
    db.exec(CREATE_SQL);
    const placeholders = `(${DEMO_SCHEMA.columns.map(() => "?").join(", ")})`;
    const insertMany = db.prepare(
      `INSERT INTO trades VALUES ${Array(ROWS_PER_INSERT).fill(placeholders).join(", ")}`,
    );
    const insertOne = db.prepare(`INSERT INTO trades VALUES ${placeholders}`);
    let done = 0;
    let chunk: SQLInputValue[] = [];
    db.exec("BEGIN");
    for (const row of generateTrades(rows)) {
      chunk.push(...row);
      done++;
      if (done % ROWS_PER_INSERT === 0) {
        insertMany.run(...chunk);
        chunk = [];
      }
      if (done % BATCH_ROWS === 0) {
        db.exec("COMMIT; BEGIN");
        if (done < rows) onProgress?.(done, rows);
      }
    }
    for (let i = 0; i < chunk.length; i += DEMO_SCHEMA.columns.length) {
      insertOne.run(...chunk.slice(i, i + DEMO_SCHEMA.columns.length));
    }
    db.exec("COMMIT");
    db.exec("CREATE INDEX trades_ts ON trades (ts)");
    db.prepare("INSERT INTO meta (key, value) VALUES ('generator', ?), ('rows', ?)")
      .run(DEMO_GENERATOR_VERSION, String(rows));
    // WAL lets an appending writer and exporting readers work at once; it persists in the file.
    db.exec("ANALYZE; PRAGMA journal_mode = WAL;");
    built = true;
  } finally {
    db.close();
    if (!built) removeDatabaseFiles(building, true);
  }
  return building;
}

/**
 * Opens the demo database at `path` as a data source, building it first
 * when there is no file there (or an empty one). A file that is there
 * already is never rebuilt or changed: unless it holds exactly `rows`
 * trades of this generator version, opening throws
 * `Deno.errors.AlreadyExists`, whose message says what the file holds
 * ({@linkcode createDemoDatabase} replaces a file when that is what is
 * wanted). Two processes that start on a missing file at once each build
 * their own, and the first to finish puts it in place; the other opens it.
 *
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { openDemoSource } from "./demo_data.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.db`;
 * const source = openDemoSource(path, 1000);
 * equal(await source.highWaterMark(), 1000n);
 * await source.close();
 * throws(() => openDemoSource(path, 2000), Deno.errors.AlreadyExists);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function openDemoSource(
  path: string,
  rows: number,
  onProgress?: (done: number, total: number) => void,
): SqliteSource {
  let state = demoFileState(path, rows, DEMO_GENERATOR_VERSION);
  if (state.kind === "absent") {
    const building = buildBeside(path, rows, onProgress);
    publishDatabase(building, path);
    onProgress?.(rows, rows);
    // Ours, or another process's that was put there first: either way, what is there now.
    state = demoFileState(path, rows, DEMO_GENERATOR_VERSION);
  }
  if (state.kind === "other") throw new Deno.errors.AlreadyExists(`${path} ${state.what}`);
  if (state.kind === "absent") throw new Deno.errors.NotFound(`${path} went away as it was built`);
  return new SqliteSource({ path, schema: DEMO_SCHEMA });
}
