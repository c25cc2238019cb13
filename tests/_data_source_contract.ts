// The DataSource contract: one suite, run against every backend with the same expectations
// (tests/sqlite_contract_test.ts, tests/postgres_contract_test.ts). Each expectation comes from
// the reference of tests/_contract_fixture.ts, and every filter's rows are also asked of the
// backend's own SQL through its command-line client, so the reference answers to real SQL.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { type ColumnSchema, operatorsFor, validateFilters } from "../protocol/filter.ts";
import type { Filter, FilterOperator, FilterScalar } from "../protocol/messages.ts";
import type { DataSource, ScanQuery, SourceReader } from "../server/data_source.ts";
import {
  COLUMNS,
  contractRows,
  matches,
  OPERANDS,
  ordered,
  plainRows,
  type Row,
  SEED,
  TIME_FROM,
  TIME_TO,
} from "./_contract_fixture.ts";

/** How a backend's SQL says a condition with literals, for the backend's own client. */
export interface SqlDialect {
  /** The column as a condition compares it; `undefined` where plain SQL cannot compare exactly. */
  expression(column: ColumnSchema, operator: FilterOperator): string | undefined;
  /**
   * A literal of a filter operand in the column's stored form; `undefined`
   * for one the backend's SQL cannot write (then only the reference judges).
   */
  literal(column: ColumnSchema, value: FilterScalar): string | undefined;
  /** `expression` starts with the text `value` (given as `literal`). */
  startsWith(expression: string, literal: string, value: string): string;
}

/** One backend under the contract. */
export interface ContractBackend {
  readonly dialect: SqlDialect;
  /** Creates `table` with the contract's columns holding `rows`, and opens a source on it. */
  create(table: string, rows: readonly Row[]): Promise<DataSource>;
  /** Appends rows to `table` from another connection, committed. */
  append(table: string, rows: readonly Row[]): Promise<void>;
  /** For each condition, the keys the backend's own SQL selects from `table`, ascending. */
  select(table: string, conditions: readonly string[]): Promise<bigint[][]>;
}

/** Lines of `index|id,id,…` in any order, as lists of keys by index. */
export function parseIdLists(text: string, count: number): bigint[][] {
  const lists: bigint[][] = Array.from({ length: count }, () => []);
  for (const line of text.split("\n").filter((l) => l !== "")) {
    const [i, ids] = line.split("|");
    lists[Number(i)] = ids === "" ? [] : ids.split(",").map(BigInt);
  }
  return lists;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A cell in the fixture's canonical form, checking that it has the contract's representation. */
function canonical(column: ColumnSchema, cell: unknown, label: string): unknown {
  if (cell === null) return null;
  switch (column.type) {
    case "integer":
      if (typeof cell === "number") {
        ok(Number.isSafeInteger(cell), `${label}: ${column.name} ${cell} is not a safe integer`);
        return BigInt(cell);
      }
      ok(typeof cell === "bigint" && (cell < MIN_SAFE || cell > MAX_SAFE), `${label}: ${cell}`);
      return cell;
    case "decimal": {
      const scale = column.scale;
      if (typeof cell === "string") {
        if (scale === undefined) return cell;
        const [whole, fraction = ""] = cell.split(".");
        ok(fraction.length <= scale, `${label}: ${cell} has more than ${scale} digits`);
        return scale === 0 ? whole : `${whole}.${fraction.padEnd(scale, "0")}`;
      }
      ok(typeof cell === "number" || typeof cell === "bigint", `${label}: ${String(cell)}`);
      const v = BigInt(cell);
      const digits = String(v < 0n ? -v : v).padStart((scale ?? 0) + 1, "0");
      const point = digits.length - (scale ?? 0);
      const text = scale ? `${digits.slice(0, point)}.${digits.slice(point)}` : digits;
      return v < 0n ? `-${text}` : text;
    }
    case "timestamp":
      ok(Number.isSafeInteger(cell), `${label}: timestamp ${String(cell)}`);
      return cell;
    case "text":
      ok(typeof cell === "string", `${label}: text ${String(cell)}`);
      return cell;
    case "boolean":
      ok([0, 1, true, false].includes(cell as number), `${label}: boolean ${String(cell)}`);
      return cell === 1 || cell === true;
  }
}

/** Every row of a scan through pages of `size`, checking key order, page bounds and cells. */
async function scan(reader: SourceReader, query: ScanQuery, size: number, label: string) {
  const out: unknown[][] = [];
  let after = query.after;
  for (;;) {
    const page = await reader.page({ ...query, after }, size);
    ok(page.rows.length <= size, label);
    if (page.lastKey === undefined) {
      equal(page.rows.length, 0, label);
      return out;
    }
    ok(page.rows.length > 0, label);
    equal(BigInt(page.rows.at(-1)?.[0] as number | bigint), page.lastKey, label);
    ok(after === undefined || page.lastKey > after, `${label}: the cursor must advance`);
    out.push(...page.rows.map((r) => r.map((cell, i) => canonical(COLUMNS[i], cell, label))));
    after = page.lastKey;
  }
}

function validated(filters: Filter[]) {
  const r = validateFilters(filters, COLUMNS);
  if (!r.ok) throw new Error(`test filter refused: ${JSON.stringify(r.error)}`);
  return r.value;
}

function inRange(row: Row, from = TIME_FROM, to = TIME_TO): boolean {
  return row[1] !== null && row[1] >= from && row[1] < to;
}

/** Every filter the suite tries: each operator of each column with operands in and out of the data. */
function filterCases(): Filter[] {
  const cases: Filter[] = [];
  for (const column of COLUMNS) {
    const pool = OPERANDS[column.name];
    for (const operator of operatorsFor(column.type)) {
      if (operator === "in") {
        for (let i = 0; i < pool.length; i++) {
          cases.push({
            field: column.name,
            operator,
            value: [pool[i], pool[(i + 3) % pool.length]],
          });
        }
        cases.push({ field: column.name, operator, value: [...pool] });
      } else if (operator === "between") {
        for (let i = 0; i < pool.length; i++) {
          const [a, b] = ordered(column, pool[i], pool[(i + 2) % pool.length]);
          cases.push({ field: column.name, operator, value: [a, b] });
        }
      } else {
        for (const v of pool) {
          if (operator !== "prefix" || typeof v === "string") {
            cases.push({ field: column.name, operator, value: v });
          }
        }
      }
    }
  }
  return cases;
}

const SQL_OPERATORS = { eq: "=", neq: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/** The filter in the backend's SQL with literals, or `undefined` where it cannot say it exactly. */
function sqlOf(dialect: SqlDialect, filter: Filter): string | undefined {
  const column = COLUMNS.find((c) => c.name === filter.field) as ColumnSchema;
  const e = dialect.expression(column, filter.operator);
  if (e === undefined) return undefined;
  const list = filter.value as readonly FilterScalar[];
  const operands = Array.isArray(filter.value) ? list : [filter.value as FilterScalar];
  if (operands.some((v) => dialect.literal(column, v) === undefined)) return undefined;
  const lit = (v: FilterScalar) => dialect.literal(column, v) as string;
  const op = filter.operator;
  switch (op) {
    case "in":
      return `${e} IN (${list.map(lit).join(", ")})`;
    case "between":
      return `${e} BETWEEN ${lit(list[0])} AND ${lit(list[1])}`;
    case "prefix":
      return dialect.startsWith(e, lit(filter.value as string), filter.value as string);
    default:
      return `${e} ${SQL_OPERATORS[op]} ${lit(filter.value as FilterScalar)}`;
  }
}

/** Runs the contract's steps on `t` against one backend. */
export async function dataSourceContract(
  t: Deno.TestContext,
  backend: ContractBackend,
): Promise<void> {
  const rows = contractRows();
  const source = await backend.create("contract", rows);
  const hwm = await source.highWaterMark();
  const everything: ScanQuery = {
    timeFrom: TIME_FROM,
    timeTo: TIME_TO,
    filters: [],
    highWaterMark: hwm,
  };
  try {
    await t.step("the high-water mark is the largest key, also at 2^63 - 1", () => {
      equal(hwm, 2n ** 63n - 1n);
    });

    await t.step(
      "every operator on every column type selects exactly what SQL selects",
      async () => {
        const cases = filterCases();
        const sql = cases.map((f) => sqlOf(backend.dialect, f));
        const answered = sql.filter((s): s is string => s !== undefined);
        const selected = await backend.select("contract", answered);
        let asked = 0;
        for (const [i, filter] of cases.entries()) {
          const label = `seed ${SEED}: ${JSON.stringify(filter)}`;
          const expected = rows.filter((r) => inRange(r) && matches(r, filter));
          if (sql[i] !== undefined) {
            // The reference and the backend's own SQL agree (the time range is the whole table).
            deepStrictEqual(
              selected[asked++],
              rows.filter((r) => matches(r, filter)).map((r) => r[0]),
              label,
            );
          }
          const query = { ...everything, filters: validated([filter]) };
          deepStrictEqual(await scan(source, query, 64, label), expected, label);
          equal(await source.count(query), expected.length, label);
        }
        ok(cases.length > 300 && asked > 200, `${cases.length} cases, ${asked} asked of SQL`);
      },
    );

    await t.step("filters combine with AND, and NULL matches none of them", async () => {
      const filters: Filter[] = [
        { field: "s", operator: "neq", value: "BTC" },
        { field: "amount", operator: "gte", value: "0" },
        { field: "b", operator: "in", value: [true, false] },
      ];
      const expected = rows.filter((r) => inRange(r) && filters.every((f) => matches(r, f)));
      ok(expected.every((r) => r[6] !== null && r[3] !== null && r[7] !== null));
      ok(rows.some((r) => r[6] === null) && expected.length > 3);
      const query = { ...everything, filters: validated(filters) };
      deepStrictEqual(await scan(source, query, 5, "AND"), expected);
      equal(await source.count(query), expected.length);
    });

    await t.step(
      "time ranges are half-open over 10,000 years, and a row without a time is in none",
      async () => {
        const times = [...new Set(rows.map((r) => r[1]).filter((x) => x !== null))].sort((a, b) =>
          a - b
        );
        const ranges: [number, number][] = [
          [TIME_FROM, TIME_TO],
          [times[1], times[4]],
          [-1, 1],
          [0, 1],
          [TIME_TO - 1, TIME_TO],
          [TIME_TO, TIME_TO + 1],
          [-8.64e15, 8.64e15],
          [times[2], times[2] + 1],
        ];
        for (const [timeFrom, timeTo] of ranges) {
          const label = `[${timeFrom}, ${timeTo})`;
          const expected = rows.filter((r) => inRange(r, timeFrom, timeTo));
          const query = { ...everything, timeFrom, timeTo };
          deepStrictEqual(await scan(source, query, 7, label), expected, label);
          equal(await source.count(query), expected.length, label);
        }
        equal(await source.count(everything), rows.length - 1);
      },
    );

    await t.step(
      "cells are exact: integers beyond 2^53 as bigint, 40-digit decimals, astral text",
      async () => {
        const all = await scan(source, everything, 1000, "all");
        deepStrictEqual(all, rows.filter((r) => inRange(r)));
        ok(all.some((r) => r[0] === 2n ** 63n - 1n && typeof r[0] === "bigint"));
        ok(all.some((r) => typeof r[3] === "string" && r[3].length > 40));
        ok(all.some((r) => r[6] === "😀") && all.some((r) => r[6] === "\u{10ffff}"));
      },
    );

    await t.step("a scan resumed from any cursor continues exactly after it", async () => {
      const kept = rows.filter((r) => inRange(r));
      const cursors = [...kept.map((r) => r[0]), -(2n ** 63n) + 1n, 0n, 2n ** 62n + 1n];
      for (const after of cursors) {
        const label = `after ${after}`;
        deepStrictEqual(
          await scan(source, { ...everything, after }, 50, label),
          kept.filter((r) => r[0] > after),
          label,
        );
      }
    });

    await t.step(
      "a snapshot reader, where the source offers one, answers as the source does",
      async () => {
        const snapshot = await source.openSnapshot?.();
        if (snapshot === undefined) return;
        try {
          equal(await snapshot.highWaterMark(), hwm);
          const query = {
            ...everything,
            filters: validated([{ field: "n", operator: "gt", value: 0 }]),
          };
          equal(await snapshot.count(query), await source.count(query));
          deepStrictEqual(
            await scan(snapshot, query, 9, "snapshot"),
            await scan(source, query, 9, "source"),
          );
        } finally {
          await snapshot.release();
        }
      },
    );
  } finally {
    await source.close();
  }

  await t.step(
    "an empty table and a filter matching nothing give empty pages and a zero count",
    async () => {
      const empty = await backend.create("empty", []);
      try {
        equal(await empty.highWaterMark(), 0n);
        const query = { ...everything, highWaterMark: 0n };
        deepStrictEqual(await empty.page(query, 10), { rows: [], lastKey: undefined });
        equal(await empty.count(query), 0);
      } finally {
        await empty.close();
      }
    },
  );

  await t.step("rows appended during an export stay out of it", async () => {
    const first = plainRows(40);
    const table = await backend.create("appended", first);
    try {
      for (const reader of [table, await table.openSnapshot?.()]) {
        if (reader === undefined) continue;
        const mark = await reader.highWaterMark();
        const query = { timeFrom: TIME_FROM, timeTo: TIME_TO, filters: [], highWaterMark: mark };
        const total = await reader.count(query);
        const page = await reader.page(query, 10);
        // Later rows, inside the time range and matching everything the first rows match.
        const next = Number(mark) + 1;
        await backend.append("appended", plainRows(25, next));
        const rest = await scan(reader, { ...query, after: page.lastKey }, 10, "appended");
        deepStrictEqual(
          [...page.rows.map((r) => r.map((c, i) => canonical(COLUMNS[i], c, "first"))), ...rest],
          plainRows(Number(mark)),
        );
        equal(await reader.count(query), total);
        if (reader !== table) await (reader as { release(): Promise<void> }).release();
      }
    } finally {
      await table.close();
    }
  });
}
