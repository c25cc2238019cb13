import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { readSqliteColumns, sqliteSchema } from "../server/sqlite_catalog.ts";
import { SqliteSource } from "../server/sqlite_source.ts";

function withDb<T>(body: (db: DatabaseSync, path: string) => Promise<T>): Promise<T> {
  const path = Deno.makeTempFileSync({ prefix: "sluice_catalog_", suffix: ".db" });
  const db = new DatabaseSync(path);
  db.exec(`CREATE TABLE payments (id INTEGER PRIMARY KEY, created_at BIGINT NOT NULL,
      cents INTEGER, wei TEXT, memo VARCHAR(40), ok BOOLEAN, uid UUID, rate REAL,
      fee NUMERIC(20,8), day DATE, raw BLOB, loose);
    CREATE VIEW recent AS SELECT id, created_at, memo FROM payments;`);
  return body(db, path).finally(() => {
    db.close();
    Deno.removeSync(path);
  });
}

Deno.test("SQLite declared types map by their affinity, and inexact ones are refused by name", () =>
  withDb((db) => {
    const columns = readSqliteColumns(db, "payments") ?? [];
    equal(columns.length, 12);
    const r = sqliteSchema(columns, { table: "payments", timeColumn: "created_at" });
    ok(!r.ok);
    // REAL, NUMERIC (floats by affinity), DATE, BLOB and an undeclared column: one line each.
    deepStrictEqual(r.error.map((line) => line.split(" ")[1]), [
      "rate",
      "fee",
      "day",
      "raw",
      "loose",
    ]);
    const good = sqliteSchema(columns, {
      table: "payments",
      timeColumn: "created_at",
      columns: ["id", "created_at", "cents", "wei", "memo", "ok", "uid", "rate"],
      decimalColumns: { cents: 2, wei: null },
      textColumns: ["rate"],
    });
    ok(good.ok);
    deepStrictEqual(good.value.schema.columns, [
      { name: "id", type: "integer" },
      { name: "created_at", type: "timestamp" },
      { name: "cents", type: "decimal", scale: 2 },
      { name: "wei", type: "decimal" },
      { name: "memo", type: "text" },
      { name: "ok", type: "boolean" },
      { name: "uid", type: "text" },
      { name: "rate", type: "text" },
    ]);
    deepStrictEqual(good.value.storage, {
      wei: "decimal_text",
      uid: "cast_text",
      rate: "cast_text",
    });
    equal(good.value.schema.keyColumn, "id");
    const badScale = sqliteSchema(columns, {
      table: "payments",
      timeColumn: "created_at",
      columns: ["id", "created_at", "cents"],
      decimalColumns: { cents: 19 },
    });
    ok(!badScale.ok && badScale.error.length === 1);
    // A decimal column the table lacks (a typo) is refused like any other unknown name.
    const typo = sqliteSchema(columns, {
      table: "payments",
      timeColumn: "created_at",
      columns: ["id", "created_at", "cents"],
      decimalColumns: { cents: 2, cnets: 2 },
    });
    deepStrictEqual(!typo.ok && typo.error, ["payments has no column cnets"]);
    return Promise.resolve();
  }));

Deno.test("a SQLite source from the catalog reads decimal text exactly and other storage as text", () =>
  withDb(async (db, path) => {
    db.exec(`INSERT INTO payments (id, created_at, cents, wei, memo, ok, uid, rate) VALUES
      (1, 1000, 1050, '123456789012345678901234567890.5', 'a', 1, 'x', 1.5),
      (2, 2000, -1, '-0.000000000000000000000000000001', NULL, 0, 'y', 0.1),
      (3, 3000, 0, '100.000', 'c', NULL, 'z', NULL)`);
    const r = sqliteSchema(readSqliteColumns(db, "payments") ?? [], {
      table: "payments",
      timeColumn: "created_at",
      columns: ["id", "created_at", "cents", "wei", "rate"],
      decimalColumns: { cents: 2, wei: null },
      textColumns: ["rate"],
    });
    ok(r.ok);
    const source = new SqliteSource({ path, readOnly: true, ...r.value });
    const query = { timeFrom: 0, timeTo: 10_000, filters: [], highWaterMark: 3n };
    deepStrictEqual((await source.page(query, 10)).rows, [
      [1, 1000, 1050, "123456789012345678901234567890.5", "1.5"],
      [2, 2000, -1, "-0.000000000000000000000000000001", "0.1"],
      [3, 3000, 0, "100.000", null],
    ]);
    const ids = async (field: string, operator: "eq" | "gt" | "lt" | "prefix", value: string) =>
      (await source.page({
        ...query,
        filters: [{ field, operator, type: field === "wei" ? "decimal" : "text", values: [value] }],
      }, 10)).rows.map((row) => row[0]);
    deepStrictEqual(await ids("wei", "eq", "100"), [3]);
    deepStrictEqual(await ids("wei", "gt", "99.9999999999999999999999999999"), [1, 3]);
    deepStrictEqual(await ids("wei", "lt", "0"), [2]);
    deepStrictEqual(await ids("rate", "prefix", "0."), [2]);
    await source.close();
    const view = sqliteSchema(readSqliteColumns(db, "recent") ?? [], {
      table: "recent",
      timeColumn: "created_at",
    });
    ok(!view.ok && view.error.length === 1); // a view has no primary key: name the key
    equal(readSqliteColumns(db, "nowhere"), undefined);
    throws(() => readSqliteColumns(db, 'x"; DROP TABLE payments; --'), TypeError);
  }));

Deno.test("a UUID column and a NOCASE text column compare their text byte for byte, as §6.2 says", async () => {
  const path = Deno.makeTempFileSync({ prefix: "sluice_catalog_", suffix: ".db" });
  const db = new DatabaseSync(path);
  try {
    // UUID has NUMERIC affinity: a UUID of digits alone is stored as an integer.
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, u UUID,
        name TEXT COLLATE NOCASE);
      INSERT INTO t VALUES (1, 1, '1b4e28ba-2fa1-11d2-883f-0016d3cca427', 'abc'),
        (2, 2, '0a000000-0000-0000-0000-000000000000', 'ABC'),
        (3, 3, 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'Abd'), (4, 4, '123', 'b')`);
    const r = sqliteSchema(readSqliteColumns(db, "t") ?? [], { table: "t", timeColumn: "at" });
    ok(r.ok);
    const source = new SqliteSource({ path, readOnly: true, ...r.value });
    const query = { timeFrom: 0, timeTo: 10, filters: [], highWaterMark: 4n };
    equal((await source.page(query, 10)).rows[3][2], "123");
    type Op = "eq" | "lt" | "gt" | "prefix" | "in";
    const ids = async (field: string, operator: Op, ...values: string[]) =>
      (await source.page({ ...query, filters: [{ field, operator, type: "text", values }] }, 10))
        .rows.map((row) => row[0]);
    deepStrictEqual(await ids("u", "lt", "1"), [2]);
    deepStrictEqual(await ids("u", "prefix", "1"), [1, 4]);
    deepStrictEqual(await ids("u", "gt", "2"), [3]);
    deepStrictEqual(await ids("u", "eq", "123"), [4]);
    deepStrictEqual(await ids("name", "eq", "abc"), [1]);
    deepStrictEqual(await ids("name", "in", "ABC", "x"), [2]);
    deepStrictEqual(await ids("name", "prefix", "ab"), [1]);
    deepStrictEqual(await ids("name", "lt", "a"), [2, 3]);
    equal(
      await source.count({
        ...query,
        filters: [{ field: "name", operator: "eq", type: "text", values: ["ABC"] }],
      }),
      1,
    );
    await source.close();
  } finally {
    db.close();
    Deno.removeSync(path);
  }
});
