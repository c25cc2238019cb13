/**
 * The SQL of the PostgreSQL source: fixed text per query shape, with every
 * value a bound parameter (`$1`, `$2`, … each with an explicit cast), and
 * every name a declared column, checked and double-quoted.
 *
 * Filters mean what they mean on SQLite (PROTOCOL.md §6.2):
 *
 * - **text** compares in code point order: ordered comparisons and `prefix`
 *   take `COLLATE "C"` (byte order, which is code point order in UTF-8),
 *   whatever the column's collation; `eq`, `neq` and `in` need it only for
 *   a nondeterministic collation, so that a plain index still serves them.
 *   `prefix` is the range `col >= p AND col < succ(p)`.
 * - **timestamps** compare the millisecond an export shows (microseconds
 *   cut toward the past): `eq t` is `t <= col < t + 1 ms`, `lte t` is
 *   `col < t + 1 ms`, and so on, which keeps a time index usable. Bounds
 *   before PostgreSQL's first timestamp are raised to it, which changes no
 *   range's answer; `in` leaves such times out, since no stored value is one.
 * - **U+0000**, which PostgreSQL refuses in a text, is in no stored text: a
 *   filter value holding one compares as the text before it would (`eq`
 *   and `in` match no row for it, `neq` every non-NULL one, `lt v` is `<= p`
 *   for the text `p` before the U+0000, `gt v` is `> p`), and a `prefix`
 *   holding one matches nothing.
 * - **uuid** compares as its lowercase text (what an export shows): `eq` and
 *   `in` compare uuids directly when the value is that text, and match
 *   nothing otherwise.
 * - `in` binds one array (`col = ANY($n::type[])`), so that lists of any
 *   length share one prepared statement.
 * - NULL matches no filter.
 *
 * @module
 */

import type { ColumnSchema, ValidatedFilter } from "../protocol/filter.ts";
import type { ScanQuery, SourceSchema } from "./data_source.ts";
import { POSTGRES_MIN_TIMESTAMP_MS, postgresTimestampText } from "./postgres_values.ts";
import { prefixSuccessor } from "./prefix_successor.ts";
import type { PageLayout } from "./postgres_records.ts";

/** Kinds whose text may hold anything: written after their length in bytes in a page's text. */
const COUNTED_KINDS: ReadonlySet<PostgresColumnKind> = new Set(["text", "cast_text"]);

/**
 * Kinds whose text never holds a comma, a quote, a parenthesis or a line
 * feed, and is never empty: written bare in a page's text when NOT NULL.
 */
const BARE_KINDS: ReadonlySet<PostgresColumnKind> = new Set([
  "integer",
  "epoch_ms",
  "numeric",
  "timestamptz",
  "timestamp",
  "boolean",
  "uuid",
]);

/** How a column is stored in PostgreSQL, which decides how it is read and compared. */
export type PostgresColumnKind =
  /** `int2`, `int4`, `int8`. */
  | "integer"
  /** `numeric`, with or without precision and scale. */
  | "numeric"
  /** `timestamp with time zone`. */
  | "timestamptz"
  /** `timestamp without time zone`, read as UTC. */
  | "timestamp"
  /** An integer column of epoch milliseconds. */
  | "epoch_ms"
  /** `text`, `varchar`, `name`. */
  | "text"
  /** `uuid`. */
  | "uuid"
  /** Any other type exported as text, read and compared as `col::text` (also `char(n)`). */
  | "cast_text"
  /** `boolean`. */
  | "boolean";

/** A declared column and how PostgreSQL stores it. */
export interface PostgresColumn {
  /** The column's name, as declared. */
  readonly name: string;
  /** Its storage. */
  readonly kind: PostgresColumnKind;
  /** Whether its collation is nondeterministic, so equality too needs `COLLATE "C"`. */
  readonly nondeterministic?: boolean;
  /** Whether it is declared `NOT NULL`: then written bare in a page's text (postgres_records.ts). */
  readonly notNull?: boolean;
}

/** A query and its parameters, in order. */
export interface BoundQuery {
  /** The SQL text, fixed for a query shape. */
  readonly text: string;
  /** The values of `$1`, `$2`, …, as text each cast in the SQL. */
  readonly params: readonly string[];
}

/** The names a schema may use for a table, a schema and columns. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A table name for PostgreSQL, `name` or `schema.name`, quoted; throws on
 * anything else.
 *
 * @example
 * ```ts
 * import { quoteTable } from "./postgres_query.ts";
 * import { equal } from "node:assert/strict";
 * equal(quoteTable("public.trades"), '"public"."trades"');
 * ```
 */
export function quoteTable(table: string): string {
  const parts = table.split(".");
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new TypeError(`not a plain SQL table name: ${table}`);
  }
  return parts.map((p) => `"${p}"`).join(".");
}

function quote(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
}

/** Collects parameters and hands out their placeholders. */
class Params {
  readonly values: string[] = [];
  add(value: string, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/**
 * Builds the source's queries for one schema.
 *
 * @example
 * ```ts
 * import { PostgresQueries } from "./postgres_query.ts";
 * import { equal } from "node:assert/strict";
 * const queries = new PostgresQueries(
 *   {
 *     table: "t",
 *     keyColumn: "id",
 *     timeColumn: "ts",
 *     columns: [{ name: "id", type: "integer" }, { name: "ts", type: "timestamp" }],
 *   },
 *   [{ name: "id", kind: "integer" }, { name: "ts", kind: "epoch_ms" }],
 * );
 * const q = queries.count({ timeFrom: 0, timeTo: 10, filters: [], highWaterMark: 5n });
 * equal(q.text, 'SELECT count(*) FROM "t" WHERE "id" <= $1::int8 AND "ts" >= $2::int8 AND "ts" < $3::int8');
 * ```
 */
export class PostgresQueries {
  readonly #table: string;
  readonly #key: string;
  readonly #time: PostgresColumn;
  readonly #columns: ReadonlyMap<string, PostgresColumn>;
  readonly #select: string;
  /** The exported columns, in output order. */
  readonly columns: readonly ColumnSchema[];
  /** How each exported column is stored, in output order. */
  readonly kinds: readonly PostgresColumnKind[];
  /** Where each exported column's field is in a row of a page's text (postgres_records.ts). */
  readonly layout: PageLayout;
  readonly #row: string;

  /** Checks the names and the storage of every declared column; throws on a mismatch. */
  constructor(schema: SourceSchema, columns: readonly PostgresColumn[]) {
    this.#table = quoteTable(schema.table);
    this.#columns = new Map(columns.map((c) => [c.name, c]));
    for (const c of schema.columns) {
      if (!this.#columns.has(c.name)) throw new TypeError(`no storage given for column ${c.name}`);
    }
    this.#key = quote(schema.keyColumn);
    const time = this.#columns.get(schema.timeColumn);
    if (time === undefined) throw new TypeError(`no storage given for ${schema.timeColumn}`);
    this.#time = time;
    this.columns = schema.columns;
    const stored = schema.columns.map((c) => this.#columns.get(c.name) as PostgresColumn);
    this.kinds = stored.map((c) => c.kind);
    const bare = stored.flatMap((c, i) => c.notNull === true && BARE_KINDS.has(c.kind) ? [i] : []);
    const counted = stored.flatMap((c, i) => COUNTED_KINDS.has(c.kind) ? [i] : []);
    const record = stored.flatMap((_, i) => bare.includes(i) || counted.includes(i) ? [] : [i]);
    this.layout = { bare, counted, record };
    // The alias has a space, which no declared column's name has (an alias `r` would clash
    // with a column `r` where there is one).
    const field = (i: number) => `"a row".${quote(schema.columns[i].name)}`;
    const fields = bare.map(field);
    // A NULL text is skipped by concat_ws, its length -1 stays.
    for (const i of counted) fields.push(`coalesce(octet_length(${field(i)}), -1)`, field(i));
    if (record.length > 0) fields.push(`ROW(${record.map(field).join(", ")})::text`);
    // All in the record: the whole row, whose columns are the record's, in order.
    this.#row = record.length === stored.length
      ? `"a row"::text`
      : `concat_ws(',', ${fields.join(", ")})`;
    this.#select = stored.map((c) =>
      c.kind === "cast_text" ? `${quote(c.name)}::text` : quote(c.name)
    )
      .join(", ");
  }

  /** The largest key. */
  maxKey(): string {
    return `SELECT max(${this.#key}) FROM ${this.#table}`;
  }

  /** How many rows match, ignoring `after`. */
  count(query: ScanQuery): BoundQuery {
    const params = new Params();
    const where = this.#where(query, params, undefined);
    return { text: `SELECT count(*) FROM ${this.#table} WHERE ${where}`, params: params.values };
  }

  /** The next page after `query.after`; `undefined` when no key can follow it. */
  page(query: ScanQuery, limit: number): BoundQuery | undefined {
    if (query.after !== undefined && query.after >= INT64_MAX) return undefined;
    const low = query.after === undefined ? INT64_MIN : query.after + 1n;
    const params = new Params();
    const where = this.#where(query, params, low);
    const text = `SELECT ${this.#select} FROM ${this.#table} WHERE ${where} ` +
      `ORDER BY ${this.#key} LIMIT ${params.add(String(limit), "int8")}`;
    return { text, params: params.values };
  }

  /**
   * The same page as one row of three cells: its rows' text joined by line
   * feeds, laid out as {@linkcode PostgresQueries.layout} says (read back by
   * {@linkcode "./postgres_records.ts"}), how many rows, and their largest
   * key, which is the last (NULL and 0 for none); `undefined` when no key can
   * follow `query.after`.
   */
  pageRecords(query: ScanQuery, limit: number): BoundQuery | undefined {
    const page = this.page(query, limit);
    if (page === undefined) return undefined;
    return {
      text: `SELECT string_agg(${this.#row}, chr(10)), count(*), max("a row".${this.#key}) ` +
        `FROM (${page.text}) "a row"`,
      params: page.params,
    };
  }

  #where(query: ScanQuery, params: Params, low: bigint | undefined): string {
    const parts: string[] = [];
    if (low !== undefined) parts.push(`${this.#key} >= ${params.add(String(low), "int8")}`);
    parts.push(`${this.#key} <= ${params.add(String(query.highWaterMark), "int8")}`);
    const time = quote(this.#time.name);
    const [from, to] = [timeBound(this.#time, query.timeFrom), timeBound(this.#time, query.timeTo)];
    parts.push(`${time} >= ${params.add(from.value, from.cast)}`);
    parts.push(`${time} < ${params.add(to.value, to.cast)}`);
    for (const f of query.filters) parts.push(this.#condition(f, params));
    return parts.join(" AND ");
  }

  #condition(f: ValidatedFilter, params: Params): string {
    const column = this.#columns.get(f.field);
    if (column === undefined) throw new TypeError(`filter on undeclared column ${f.field}`);
    switch (column.kind) {
      case "timestamptz":
      case "timestamp":
        return timestampCondition(column, f, params);
      case "uuid":
        if (f.operator === "eq" || f.operator === "neq" || f.operator === "in") {
          return uuidEquality(column, f, params);
        }
        return ordered({ ...column, kind: "cast_text" }, f, params);
      default:
        return ordered(column, f, params);
    }
  }
}

const CASTS: Readonly<Record<PostgresColumnKind, string>> = {
  integer: "int8",
  numeric: "numeric",
  timestamptz: "timestamptz",
  timestamp: "timestamp",
  epoch_ms: "int8",
  text: "text",
  uuid: "uuid",
  cast_text: "text",
  boolean: "boolean",
};

const COMPARISONS = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/** The bound text of a filter value for a column that compares it as it is. */
function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  throw new TypeError(`filter value ${String(value)} has no SQL form`);
}

/** Comparisons, `in`, `between` and `prefix` on a column whose value order is SQL's own. */
function ordered(column: PostgresColumn, f: ValidatedFilter, params: Params): string {
  const textual = column.kind === "text" || column.kind === "cast_text";
  const base = column.kind === "cast_text" ? `${quote(column.name)}::text` : quote(column.name);
  const collated = textual ? `${base} COLLATE "C"` : base;
  // Equality is byte equality under any deterministic collation, which a plain index serves.
  const equality = textual && column.nondeterministic === true ? collated : base;
  const cast = CASTS[column.kind];
  const op = f.operator;
  // Where a text value's U+0000 is, which no stored text holds (the module docs).
  const nul = (v: unknown) => textual && typeof v === "string" ? v.indexOf("\0") : -1;
  const [first, second] = f.values;
  switch (op) {
    case "eq":
      if (nul(first) >= 0) return "FALSE";
      return `${equality} = ${params.add(valueText(first), cast)}`;
    case "neq":
      if (nul(first) >= 0) return `${base} IS NOT NULL`;
      return `${equality} <> ${params.add(valueText(first), cast)}`;
    case "lt":
    case "lte":
    case "gt":
    case "gte":
      return compared(collated, op, first, nul(first), cast, params);
    case "in": {
      const values = f.values.filter((v) => nul(v) < 0).map(valueText);
      if (values.length === 0) return "FALSE";
      return `${equality} = ANY(${params.add(arrayLiteral(values), `${cast}[]`)})`;
    }
    case "between":
      return `(${compared(collated, "gte", first, nul(first), cast, params)} AND ${
        compared(collated, "lte", second, nul(second), cast, params)
      })`;
    case "prefix": {
      if (nul(first) >= 0) return "FALSE";
      const prefix = f.values[0] as string;
      const successor = prefixSuccessor(prefix);
      const low = `${collated} >= ${params.add(prefix, cast)}`;
      return successor === undefined
        ? low
        : `(${low} AND ${collated} < ${params.add(successor, cast)})`;
    }
    default: {
      const unreachable: never = op;
      throw new TypeError(`unknown operator ${unreachable}`);
    }
  }
}

/**
 * `expression OP value`; for a text value with U+0000 at `nul` (≥ 0), the
 * same comparison with the text before it (`< v` and `<= v` are `<= p`,
 * `> v` and `>= v` are `> p`), since no stored text holds U+0000.
 */
function compared(
  expression: string,
  op: "lt" | "lte" | "gt" | "gte",
  value: unknown,
  nul: number,
  cast: string,
  params: Params,
): string {
  if (nul < 0) return `${expression} ${COMPARISONS[op]} ${params.add(valueText(value), cast)}`;
  const before = (value as string).slice(0, nul);
  const comparison = op === "lt" || op === "lte" ? "<=" : ">";
  return `${expression} ${comparison} ${params.add(before, cast)}`;
}

/** `eq`, `neq` and `in` on a uuid, by the text an export shows. */
function uuidEquality(column: PostgresColumn, f: ValidatedFilter, params: Params): string {
  const col = quote(column.name);
  const uuids = f.values.filter((v): v is string => typeof v === "string" && UUID_TEXT.test(v));
  switch (f.operator) {
    case "eq":
      return uuids.length === 0 ? "FALSE" : `${col} = ${params.add(uuids[0], "uuid")}`;
    case "neq":
      return uuids.length === 0
        ? `${col} IS NOT NULL`
        : `${col} <> ${params.add(uuids[0], "uuid")}`;
    default:
      return uuids.length === 0
        ? "FALSE"
        : `${col} = ANY(${params.add(arrayLiteral(uuids), "uuid[]")})`;
  }
}

/** A timestamp filter as half-open ranges of the milliseconds an export shows. */
function timestampCondition(column: PostgresColumn, f: ValidatedFilter, params: Params): string {
  const col = quote(column.name);
  const ms = f.values as readonly number[];
  const at = (t: number) => {
    const bound = timeBound(column, t);
    return params.add(bound.value, bound.cast);
  };
  const op = f.operator;
  switch (op) {
    case "eq":
      return `(${col} >= ${at(ms[0])} AND ${col} < ${at(ms[0] + 1)})`;
    case "neq":
      return `(${col} < ${at(ms[0])} OR ${col} >= ${at(ms[0] + 1)})`;
    case "lt":
      return `${col} < ${at(ms[0])}`;
    case "lte":
      return `${col} < ${at(ms[0] + 1)}`;
    case "gt":
      return `${col} >= ${at(ms[0] + 1)}`;
    case "gte":
      return `${col} >= ${at(ms[0])}`;
    case "between":
      return `(${col} >= ${at(ms[0])} AND ${col} < ${at(ms[1] + 1)})`;
    case "in": {
      const cast = CASTS[column.kind];
      // A time before PostgreSQL's first is no stored value's (the bounds above only rise to it).
      const held = column.kind === "epoch_ms" || column.kind === "integer"
        ? ms
        : ms.filter((t) => t >= POSTGRES_MIN_TIMESTAMP_MS);
      if (held.length === 0) return "FALSE";
      const texts = held.map((t) => timeBound(column, t).value);
      // date_trunc cuts microseconds toward the past, like the export.
      return `date_trunc('milliseconds', ${col}) = ANY(${
        params.add(arrayLiteral(texts), `${cast}[]`)
      })`;
    }
    case "prefix":
      throw new TypeError("prefix does not apply to timestamps");
    default: {
      const unreachable: never = op;
      throw new TypeError(`unknown operator ${unreachable}`);
    }
  }
}

/** A time bound in the column's storage; for real timestamps raised to PostgreSQL's first. */
function timeBound(column: PostgresColumn, ms: number): { value: string; cast: string } {
  if (column.kind === "epoch_ms" || column.kind === "integer") {
    return { value: String(ms), cast: "int8" };
  }
  if (column.kind !== "timestamptz" && column.kind !== "timestamp") {
    throw new TypeError(`${column.name} does not hold timestamps`);
  }
  const text = postgresTimestampText(
    Math.max(ms, POSTGRES_MIN_TIMESTAMP_MS),
    column.kind === "timestamptz",
  );
  return { value: text, cast: column.kind };
}

/** A PostgreSQL array literal of text elements, each quoted (so any text is data). */
function arrayLiteral(values: readonly string[]): string {
  return `{${
    values.map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")
  }}`;
}
