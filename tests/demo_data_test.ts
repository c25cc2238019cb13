import { deepStrictEqual, equal, notEqual, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  createDemoDatabase,
  DEMO_GENERATOR_VERSION,
  DEMO_SCHEMA,
  openDemoSource,
} from "../server/demo_data.ts";

async function inTempDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sluice_demo_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function readAll(path: string, sql = "SELECT * FROM trades ORDER BY id"): unknown[][] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all().map((r) => Object.values(r));
  } finally {
    db.close();
  }
}

Deno.test("two builds of 2,000 rows are identical, and 1,000 rows are their prefix", async () => {
  await inTempDir((dir) => {
    const progress: [number, number][] = [];
    createDemoDatabase(`${dir}/a.db`, 2000, (done, total) => progress.push([done, total]));
    createDemoDatabase(`${dir}/b.db`, 2000);
    createDemoDatabase(`${dir}/c.db`, 1000);
    // No build leftovers beside the files.
    deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a.db", "b.db", "c.db"]);
    const a = readAll(`${dir}/a.db`);
    equal(a.length, 2000);
    deepStrictEqual(readAll(`${dir}/b.db`), a);
    deepStrictEqual(readAll(`${dir}/c.db`), a.slice(0, 1000));
    deepStrictEqual(progress.at(-1), [2000, 2000]);
  });
});

Deno.test("demo rows are plausible trades that exercise CSV quoting and formula neutralisation", async () => {
  await inTempDir((dir) => {
    const path = `${dir}/demo.db`;
    createDemoDatabase(path, 3000);
    const rows = readAll(path);
    const column = (name: string) =>
      rows.map((r) => r[DEMO_SCHEMA.columns.findIndex((c) => c.name === name)]);
    deepStrictEqual(column("id"), rows.map((_, i) => i + 1));
    const ts = column("ts") as number[];
    ok(ts[0] >= Date.UTC(2024, 0, 1) && ts.every((t, i) => i === 0 || t > ts[i - 1]));
    const spanDays = (ts[2999] - ts[0]) / 86_400_000;
    ok(spanDays > 0.9 && spanDays < 1.3, `3,000 trades span ~1.1 days, got ${spanDays}`);
    deepStrictEqual(new Set(column("side")), new Set(["buy", "sell"]));
    ok(new Set(column("symbol")).size >= 5);
    ok((column("price") as number[]).every((p) => Number.isSafeInteger(p) && p > 0));
    ok((column("fee") as number[]).some((f) => f < 0), "maker rebates make negative fees");
    ok((column("user_id") as number[]).every((u) => u >= 1 && u <= 1000));
    const notes = column("note").filter((n) => n !== null) as string[];
    ok(notes.length > 10 && notes.length < 150);
    ok(notes.some((n) => /[,"\n]/.test(n)) && notes.some((n) => /^[=+\-@\t\r]/.test(n)));
    // The declared schema names the table's columns, in order.
    const declared = readAll(path, "SELECT name FROM pragma_table_info('trades') ORDER BY cid");
    deepStrictEqual(declared.flat(), DEMO_SCHEMA.columns.map((c) => c.name));
  });
});

Deno.test("openDemoSource reuses a current file and rebuilds a stale or foreign one", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/demo.db`;
    let builds = 0;
    const count = () => builds++;
    const first = openDemoSource(path, 500, count);
    equal(await first.highWaterMark(), 500n);
    await first.close();
    equal(builds, 1);
    // A marker row survives only if the file is reused, not rebuilt.
    const db = new DatabaseSync(path);
    db.exec("INSERT INTO meta VALUES ('probe', 'kept')");
    db.close();
    const meta = () =>
      Object.fromEntries(readAll(path, "SELECT key, value FROM meta") as [string, string][]);
    await (await openDemoSource(path, 500, count)).close();
    equal(builds, 1);
    equal(meta().probe, "kept");
    equal(meta().generator, DEMO_GENERATOR_VERSION);
    // Another row count: rebuilt.
    const other = openDemoSource(path, 700, count);
    equal(await other.highWaterMark(), 700n);
    await other.close();
    equal(builds, 2);
    equal(meta().probe, undefined);
    // A missing row: rebuilt.
    const cut = new DatabaseSync(path);
    cut.exec("DELETE FROM trades WHERE id = 7");
    cut.close();
    await (await openDemoSource(path, 700, count)).close();
    equal(builds, 3);
    // Not a database at all: rebuilt.
    await Deno.writeTextFile(path, "not a database, just text");
    const rebuilt = openDemoSource(path, 300, count);
    equal(await rebuilt.highWaterMark(), 300n);
    await rebuilt.close();
    equal(builds, 4);
    notEqual(readAll(path).length, 0);
  });
});
