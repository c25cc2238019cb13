// The DataSource contract on SQLite: tables made with node:sqlite, opened through the catalog
// (PRAGMA table_info), and every filter also asked of the sqlite3 command-line tool.
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import type { ColumnSchema } from "../protocol/filter.ts";
import type { FilterScalar } from "../protocol/messages.ts";
import { readSqliteColumns, sqliteSchema } from "../server/sqlite_catalog.ts";
import { SqliteSource } from "../server/sqlite_source.ts";
import type { Row } from "./_contract_fixture.ts";
import {
  type ContractBackend,
  dataSourceContract,
  parseIdLists,
  type SqlDialect,
} from "./_data_source_contract.ts";

const DDL = (table: string) =>
  `CREATE TABLE "${table}" (id INTEGER PRIMARY KEY, ts INTEGER, n INTEGER, amount TEXT,
     price INTEGER, qty TEXT, s TEXT, b BOOLEAN);
   CREATE INDEX "${table}_ts" ON "${table}" (ts);`;

/** A decimal's value × 10^scale, by string arithmetic of the test's own. */
function scaled(text: string, scale: number): bigint {
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const n = BigInt(whole + fraction.padEnd(scale, "0"));
  return negative ? -n : n;
}

function stored(row: Row): SQLInputValue[] {
  const [id, ts, n, amount, price, qty, s, b] = row;
  return [
    id,
    ts === null ? null : BigInt(ts),
    n,
    amount,
    price === null ? null : scaled(price, 2),
    qty,
    s,
    b === null ? null : b ? 1n : 0n,
  ];
}

const dialect: SqlDialect = {
  // amount and qty are decimal text: SQLite compares such text as text or as a float, never
  // exactly, so plain SQL cannot be the reference for them.
  expression: (column) =>
    column.name === "amount" || column.name === "qty" ? undefined : `"${column.name}"`,
  literal: (column: ColumnSchema, value: FilterScalar) => {
    switch (column.type) {
      case "integer":
        return String(BigInt(value));
      case "decimal":
        return String(scaled(String(value), column.scale ?? 0));
      case "timestamp":
        return String(value);
      case "boolean":
        return value === true ? "1" : "0";
      case "text":
        // SQL text ends at a U+0000, so a literal cannot hold one.
        return String(value).includes("\0")
          ? undefined
          : `'${String(value).replaceAll("'", "''")}'`;
    }
  },
  startsWith: (e, literal, value) => `substr(${e}, 1, ${Array.from(value).length}) = ${literal}`,
};

Deno.test("SQLite keeps the DataSource contract", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_sqlite_contract_" });
  const path = `${dir}/contract.db`;
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  const insert = (table: string, rows: readonly Row[]) => {
    const statement = db.prepare(`INSERT INTO "${table}" VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    db.exec("BEGIN");
    for (const row of rows) statement.run(...stored(row));
    db.exec("COMMIT");
  };
  const backend: ContractBackend = {
    dialect,
    create: (table, rows) => {
      db.exec(DDL(table));
      insert(table, rows);
      const columns = readSqliteColumns(db, table) ?? [];
      const r = sqliteSchema(columns, {
        table,
        timeColumn: "ts",
        decimalColumns: { amount: 10, price: 2, qty: null },
      });
      if (!r.ok) throw new Error(r.error.join("\n"));
      return Promise.resolve(new SqliteSource({ path, readOnly: true, ...r.value }));
    },
    append: (table, rows) => Promise.resolve(insert(table, rows)),
    select: async (table, conditions) => {
      const sql = conditions.map((c, i) =>
        `SELECT ${i}, coalesce((SELECT group_concat(id, ',') FROM (SELECT id FROM "${table}" WHERE ${c} ORDER BY id)), '')`
      ).join(" UNION ALL ");
      const out = await new Deno.Command("sqlite3", {
        args: ["-batch", "-readonly", "-noheader", "-list", path, `${sql};`],
        stdout: "piped",
      }).output();
      if (!out.success) throw new Error("sqlite3 failed");
      return parseIdLists(new TextDecoder().decode(out.stdout), conditions.length);
    },
  };
  try {
    await dataSourceContract(t, backend);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
