// The DataSource contract's PostgreSQL backend (run by tests/postgres_source_test.ts): tables
// made with psql, sources opened through the catalog (pg_catalog), and every filter also asked
// of psql. The text column has an ICU collation, whose order is not code point order, so that
// the source's COLLATE "C" is what makes the answers right.
import type { ColumnSchema } from "../protocol/filter.ts";
import type { FilterScalar } from "../protocol/messages.ts";
import { postgresSchema, readPostgresColumns } from "../server/postgres_catalog.ts";
import type { PostgresPool } from "../server/postgres_pool.ts";
import { PostgresSource } from "../server/postgres_source.ts";
import { POSTGRES_MIN_TIMESTAMP_MS } from "../server/postgres_values.ts";
import type { Row } from "./_contract_fixture.ts";
import { type ContractBackend, parseIdLists, type SqlDialect } from "./_data_source_contract.ts";
import type { Cluster } from "./_postgres.ts";

/** A timestamptz literal of epoch milliseconds, by Date (not the source's own formatter). */
export function timestampLiteral(ms: number): string {
  const iso = new Date(ms).toISOString(); // ±YYYYYY-… outside 0000..9999
  const m = /^([+-]\d{6}|\d{4})-(\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z$/.exec(iso);
  if (m === null) throw new Error(`unexpected ISO text ${iso}`);
  const year = Number(m[1]);
  const shown = String(year <= 0 ? 1 - year : year).padStart(4, "0");
  return `'${shown}-${m[2].replace("T", " ")}+00${year <= 0 ? " BC" : ""}'::timestamptz`;
}

export function textLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function rowValues(row: Row): string {
  const [id, ts, n, amount, price, qty, s, b] = row;
  const or = <T>(v: T | null, f: (v: T) => string) => v === null ? "NULL" : f(v);
  return `(${id}, ${or(ts, timestampLiteral)}, ${or(n, String)}, ${or(amount, String)}, ${
    or(price, String)
  }, ${or(qty, String)}, ${or(s, textLiteral)}, ${or(b, String)})`;
}

const dialect: SqlDialect = {
  expression: (column) =>
    column.type === "text" ? `"${column.name}" COLLATE "C"` : `"${column.name}"`,
  literal: (column: ColumnSchema, value: FilterScalar) => {
    switch (column.type) {
      case "integer":
        return `'${BigInt(value)}'::int8`;
      case "decimal":
        return `'${value}'::numeric`;
      case "timestamp": {
        // PostgreSQL's range starts at 4713 BC; Date's ends at ±8.64e15 ms.
        const ms = value as number;
        return ms < POSTGRES_MIN_TIMESTAMP_MS || ms > 8.64e15 ? undefined : timestampLiteral(ms);
      }
      case "boolean":
        return String(value);
      case "text":
        // A text holding U+0000 cannot be written in PostgreSQL at all.
        return (value as string).includes("\0") ? undefined : textLiteral(value as string);
    }
  },
  startsWith: (e, literal) => `starts_with(${e}, ${literal})`,
};

/**
 * The contract's backend on `cluster`, reading through `pool`; each table's name starts with
 * `prefix`, so that the contract can run more than once on one cluster.
 */
export function postgresBackend(
  cluster: Cluster,
  pool: PostgresPool,
  prefix = "",
): ContractBackend {
  const insert = async (name: string, rows: readonly Row[]) => {
    if (rows.length > 0) {
      await cluster.psql(
        `INSERT INTO "${prefix}${name}" VALUES ${rows.map(rowValues).join(", ")}`,
      );
    }
  };
  return {
    dialect,
    create: async (name, rows) => {
      const table = prefix + name;
      await cluster.psql(`CREATE TABLE "${table}" (id int8 PRIMARY KEY, ts timestamptz, n int8,
        amount numeric(40,10), price numeric(12,2), qty numeric, s text COLLATE "und-x-icu",
        b boolean); CREATE INDEX ON "${table}" (ts)`);
      await insert(name, rows);
      const found = await readPostgresColumns(pool, table);
      const r = postgresSchema(found ?? [], { table });
      if (!r.ok) throw new Error(r.error.join("\n"));
      return await PostgresSource.open({ pool, schema: r.value });
    },
    append: insert,
    select: async (name, conditions) => {
      const table = prefix + name;
      const sql = conditions.map((c, i) =>
        `SELECT ${i}, coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM "${table}" WHERE ${c}), '')`
      ).join(" UNION ALL ");
      return parseIdLists(await cluster.psql(sql), conditions.length);
    },
  };
}
