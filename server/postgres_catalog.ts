/**
 * A PostgreSQL table's columns from `pg_catalog`, and what sluice makes of
 * their types:
 *
 * | PostgreSQL                                   | sluice                           |
 * | -------------------------------------------- | -------------------------------- |
 * | `smallint`, `integer`, `bigint`              | `integer` (or epoch-ms timestamp) |
 * | `numeric(p,s)`                               | `decimal`, scale `s`              |
 * | `numeric` (no scale), `numeric(p,s)`, s > 30 | `decimal` without a scale         |
 * | `timestamptz`, `timestamp`                   | `timestamp`                       |
 * | `text`, `varchar`, `char`, `name`, `uuid`    | `text`                            |
 * | `boolean`                                    | `boolean`                         |
 *
 * A negative scale (PostgreSQL 15's `numeric(5,-2)`) holds integers: scale 0.
 * A domain counts as its base type. Any other type (`real`, `double
 * precision`, `money`, `date`, `json`, arrays, …) is refused unless the
 * operator names it as a text column ({@linkcode "./catalog.ts"}).
 *
 * @module
 */

import type { ColumnSchema } from "../protocol/filter.ts";
import type { Result } from "../protocol/result.ts";
import { type CatalogColumn, type CatalogOptions, schemaFromCatalog } from "./catalog.ts";
import type { SourceSchema } from "./data_source.ts";
import type { PostgresColumn, PostgresColumnKind } from "./postgres_query.ts";
import { quoteTable } from "./postgres_query.ts";

/** A column as `pg_catalog` describes it. */
export interface PostgresCatalogColumn {
  /** Its name. */
  readonly name: string;
  /** `format_type` of its (base) type: `numeric(20,8)`, `timestamp with time zone`. */
  readonly type: string;
  /** The base type's `typname`: `numeric`, `timestamptz`, `int8`. */
  readonly typname: string;
  /** Whether its collation is deterministic (true for types without one). */
  readonly deterministic: boolean;
  /** Whether it is the whole primary key. */
  readonly primaryKey: boolean;
  /** Whether it is declared `NOT NULL` (a view's columns never are); absent, it may be NULL. */
  readonly notNull?: boolean;
}

/** What runs a catalog query: a {@linkcode "./postgres_pool.ts"} pool. */
export interface CatalogQuery {
  /** Runs one query; rows as arrays. */
  query(text: string, params: readonly string[]): Promise<unknown[][]>;
}

const COLUMNS_SQL = `
SELECT a.attname,
       format_type(b.oid, CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END),
       b.typname,
       coalesce(co.collisdeterministic, true),
       a.attnotnull,
       coalesce((SELECT i.indnkeyatts = 1 AND i.indkey[0] = a.attnum FROM pg_index i
                 WHERE i.indrelid = a.attrelid AND i.indisprimary), false)
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
 WHERE a.attrelid = to_regclass($1::text) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum`;

/**
 * The columns of a table or view (`name` or `schema.name`, as spelled, no
 * case folding), or `undefined` when there is none by that name.
 *
 * @example
 * ```ts ignore
 * import { readPostgresColumns } from "./postgres_catalog.ts";
 * import { PostgresPool } from "./postgres_pool.ts";
 * const pool = new PostgresPool({ url: "postgres://sluice@127.0.0.1/exchange" });
 * const columns = await readPostgresColumns(pool, "public.trades");
 * ```
 */
export async function readPostgresColumns(
  db: CatalogQuery,
  table: string,
): Promise<PostgresCatalogColumn[] | undefined> {
  const rows = await db.query(COLUMNS_SQL, [quoteTable(table)]);
  if (rows.length === 0) return undefined;
  return rows.map(([name, type, typname, deterministic, notNull, primaryKey]) => ({
    name: name as string,
    type: type as string,
    typname: typname as string,
    deterministic: deterministic as boolean,
    primaryKey: primaryKey as boolean,
    notNull: notNull as boolean,
  }));
}

const INTEGERS = new Set(["int2", "int4", "int8"]);
const TEXTS = new Set(["text", "varchar", "name"]);
const NUMERIC_TYPMOD = /^numeric\((\d+),(-?\d+)\)$/;
/** The largest scale the schema document admits (PROTOCOL.md §17). */
const MAX_SCALE = 30;

/** The sluice type of a PostgreSQL column, or why it has none. */
function mapped(column: PostgresCatalogColumn): CatalogColumn["mapped"] {
  const t = column.typname;
  if (INTEGERS.has(t)) return { type: "integer" };
  if (t === "numeric") {
    const m = NUMERIC_TYPMOD.exec(column.type);
    if (m === null) return { type: "decimal" };
    const scale = Math.max(0, Number(m[2]));
    return scale > MAX_SCALE ? { type: "decimal" } : { type: "decimal", scale };
  }
  if (t === "timestamptz" || t === "timestamp") return { type: "timestamp" };
  if (TEXTS.has(t) || t === "bpchar" || t === "uuid") return { type: "text" };
  if (t === "bool") return { type: "boolean" };
  if (t === "float4" || t === "float8" || t === "money") return { unsupported: "not exact" };
  return { unsupported: "no sluice type" };
}

/**
 * A table's exported schema from its catalog columns.
 *
 * @example
 * ```ts
 * import { postgresSchema } from "./postgres_catalog.ts";
 * import { equal } from "node:assert/strict";
 * const column = (name: string, type: string, typname: string, primaryKey = false) =>
 *   ({ name, type, typname, deterministic: true, primaryKey });
 * const r = postgresSchema([
 *   column("id", "bigint", "int8", true),
 *   column("at", "timestamp with time zone", "timestamptz"),
 *   column("price", "numeric(20,8)", "numeric"),
 *   column("ratio", "double precision", "float8"),
 * ], { table: "trades" });
 * equal(r.ok, false); // ratio is refused: one line naming it and its type
 * ```
 */
export function postgresSchema(
  columns: readonly PostgresCatalogColumn[],
  options: CatalogOptions,
): Result<SourceSchema, string[]> {
  return schemaFromCatalog(
    columns.map((c) => ({
      name: c.name,
      nativeType: c.type,
      mapped: mapped(c),
      primaryKey: c.primaryKey,
    })),
    options,
  );
}

/**
 * How the source reads each declared column, checked against the catalog:
 * a declared column the table lacks, or whose type cannot hold the declared
 * one (a `decimal` of another scale, a `timestamp` over `text`), is a problem.
 *
 * @example
 * ```ts
 * import { postgresColumnKinds } from "./postgres_catalog.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const r = postgresColumnKinds(
 *   { table: "t", keyColumn: "id", timeColumn: "ts", columns: [
 *     { name: "id", type: "integer" },
 *     { name: "ts", type: "timestamp" },
 *   ] },
 *   [
 *     { name: "id", type: "bigint", typname: "int8", deterministic: true, primaryKey: true },
 *     { name: "ts", type: "bigint", typname: "int8", deterministic: true, primaryKey: false },
 *   ],
 * );
 * deepStrictEqual(r, { ok: true, value: [{ name: "id", kind: "integer" }, { name: "ts", kind: "epoch_ms" }] });
 * ```
 */
export function postgresColumnKinds(
  schema: SourceSchema,
  found: readonly PostgresCatalogColumn[],
): Result<PostgresColumn[], string[]> {
  const byName = new Map(found.map((c) => [c.name, c]));
  const problems: string[] = [];
  const out: PostgresColumn[] = [];
  for (const declared of schema.columns) {
    const c = byName.get(declared.name);
    if (c === undefined) {
      problems.push(`${schema.table} has no column ${declared.name}`);
      continue;
    }
    const kind = kindOf(declared, c);
    if (kind === undefined) {
      const scale = declared.scale === undefined ? "" : ` with scale ${declared.scale}`;
      problems.push(
        `column ${c.name} has type ${c.type}, which cannot hold ${declared.type}${scale}`,
      );
      continue;
    }
    out.push({
      name: c.name,
      kind,
      ...(c.deterministic ? {} : { nondeterministic: true }),
      ...(c.notNull === true ? { notNull: true } : {}),
    });
  }
  return problems.length > 0 ? { ok: false, error: problems } : { ok: true, value: out };
}

function kindOf(declared: ColumnSchema, c: PostgresCatalogColumn): PostgresColumnKind | undefined {
  const t = c.typname;
  switch (declared.type) {
    case "integer":
      return INTEGERS.has(t) ? "integer" : undefined;
    case "decimal": {
      const m = mapped(c);
      return "type" in m && m.type === "decimal" && m.scale === declared.scale
        ? "numeric"
        : undefined;
    }
    case "timestamp":
      return t === "timestamptz" || t === "timestamp"
        ? t
        : INTEGERS.has(t)
        ? "epoch_ms"
        : undefined;
    case "text":
      return TEXTS.has(t) ? "text" : t === "uuid" ? "uuid" : "cast_text";
    case "boolean":
      return t === "bool" ? "boolean" : undefined;
    default: {
      const unreachable: never = declared.type;
      throw new TypeError(`unknown column type ${unreachable}`);
    }
  }
}
