import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { publishDatabase } from "../server/_demo_file.ts";
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

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
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

Deno.test("openDemoSource reuses a current file, builds a missing or empty one, and leaves any other file as it is", async () => {
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
    // Another row count, a changed table, a file that is no database: refused, and untouched.
    const refused = async () => {
      const before = await sha256(path);
      throws(() => openDemoSource(path, 700, count), Deno.errors.AlreadyExists);
      equal(await sha256(path), before);
      equal(builds, 1);
    };
    await refused();
    equal(meta().probe, "kept");
    const cut = new DatabaseSync(path);
    cut.exec("DELETE FROM trades WHERE id = 7");
    cut.close();
    throws(() => openDemoSource(path, 500, count), Deno.errors.AlreadyExists);
    await refused();
    await Deno.writeTextFile(path, "not a database, just text");
    await refused();
    equal(await Deno.readTextFile(path), "not a database, just text");
    // An empty file (a fresh temporary file) is as good as none.
    await Deno.writeTextFile(path, "");
    const built = openDemoSource(path, 300, count);
    equal(await built.highWaterMark(), 300n);
    await built.close();
    equal(builds, 2);
  });
});

Deno.test("a database built for a path never replaces one another process put there first", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/demo.db`;
    createDemoDatabase(`${dir}/first.db`, 100);
    createDemoDatabase(`${dir}/second.db`, 200);
    equal(publishDatabase(`${dir}/first.db`, path), true);
    const placed = await sha256(path);
    equal(publishDatabase(`${dir}/second.db`, path), false);
    equal(await sha256(path), placed);
    equal(readAll(path).length, 100);
    // Neither built file is left beside it (only the side files of the reads above).
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    deepStrictEqual(names.filter((n) => !/^demo\.db(-wal|-shm)?$/.test(n)), []);
  });
});
