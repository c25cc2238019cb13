// The PostgreSQL source's pages on a throwaway cluster: read as one text per page (NOT NULL
// columns bare, the others in a record), they hold exactly the cells the same SELECT gives cell by
// cell through the driver, for every type and every awkward value, and written straight into
// export bytes they are what the encoders write for those cells; read as DataRows on a connection
// of sluice's own, pages and their bytes are the same; and a download's page read ahead
// is served only when it is the one asked for, on a connection that is still sound.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { SourceSchema } from "../server/data_source.ts";
import { postgresColumnKinds, readPostgresColumns } from "../server/postgres_catalog.ts";
import { PageReads } from "../server/postgres_pages.ts";
import { PostgresPool } from "../server/postgres_pool.ts";
import { PostgresQueries } from "../server/postgres_query.ts";
import { startCluster } from "./_postgres.ts";
import { encodedRows } from "./_session_driver.ts";

const ALL = { timeFrom: -8.64e15, timeTo: 8.64e15, filters: [] };

const TEXTS = [
  "",
  " ",
  "a,b",
  'a"b',
  '""',
  "a\\b",
  "\\",
  "(x)",
  ")",
  "tab\there",
  "line\nfeed",
  "cr\r\nlf",
  "\u000b\f",
  "=1+1",
  "café ☕ 取引 🚀",
  "NULL",
  "{a,b}",
];

const TIMES = [
  "4714-11-24 00:00:00+00 BC",
  "0044-03-15 12:00:00.000001+00 BC",
  "0001-01-01 00:00:00+00",
  "1969-12-31 23:59:59.999999+00",
  "1970-01-01 00:00:00+00",
  "2024-02-29 12:34:56.7+00",
  "9999-12-31 23:59:59.999999+00",
  "10000-01-01 00:00:00+00",
  "275760-09-13 00:00:00+00",
  "infinity",
  "-infinity",
];

const NUMBERS = [
  "0",
  "-0.0000000001",
  "123456789012345678901234567890.1234567890",
  "-99999999999999999999999999999.9999999999",
];

const INTEGERS = ["-9223372036854775808", "9223372036854775807", "9007199254740993", "-1", "0"];

const TABLE = `CREATE TABLE awkward (id int8 PRIMARY KEY, ts timestamptz NOT NULL, t2 timestamptz,
  local timestamp, small int2, mid int4, big int8, num numeric(40,10), free numeric, s text,
  v varchar(8), c char(4), u uuid, flag boolean, j json, day date, list int[], ms int8,
  nb int8 NOT NULL, nn numeric NOT NULL, nf boolean NOT NULL, nu uuid NOT NULL,
  nt timestamp NOT NULL)`;

function literal(text: string | null): string {
  return text === null ? "NULL" : `'${text.replaceAll("'", "''")}'`;
}

/** Row `i` cycles through every list, with NULLs in every nullable column now and then. */
function row(i: number): string {
  const pick = <T>(list: readonly T[]) => list[i % list.length];
  const orNull = (v: string) => i % 7 === 3 ? "NULL" : v;
  const time = pick(TIMES);
  return `(${i}, '2024-01-01'::timestamptz + ${i} * interval '1 ms 1 us', ${
    orNull(literal(time))
  }, ${orNull(`${literal(time.replace(/\+00/, ""))}::timestamptz::timestamp`)}, ${
    orNull(String(i % 2 ? -32768 : 32767))
  }, ${orNull(String(-i * 1000003))}, ${orNull(pick(INTEGERS))}, ${orNull(pick(NUMBERS))}, ${
    orNull(i % 5 === 0 ? "'NaN'" : i % 5 === 1 ? "'-Infinity'" : `${pick(NUMBERS)}00`)
  }, ${orNull(literal(pick(TEXTS)))}, ${orNull(literal(pick(TEXTS).slice(0, 8)))}, ${
    orNull(literal(pick(["ab", "", "abcd", "é"])))
  }, ${orNull(`'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD38${String(i).padStart(4, "0")}'`)}, ${
    orNull(String(i % 2 === 0))
  }, ${orNull(literal(JSON.stringify({ text: pick(TEXTS) })))}, ${
    orNull(literal(pick(["2024-02-29", "0001-01-01 BC", "infinity"])))
  }, ${orNull(`ARRAY[${i}, NULL, -1]`)}, ${orNull(String(i * 86_400_001 - 4e12))}, ${
    pick(INTEGERS)
  }, ${i % 5 === 0 ? "'NaN'" : pick(NUMBERS)}, ${i % 3 === 0}, 'B0EEBC99-9C0B-4EF8-BB6D-6BB9BD38${
    String(i).padStart(4, "0")
  }', ${literal(time.replace(/\+00/, ""))}::timestamptz::timestamp)`;
}

const SCHEMA: SourceSchema = {
  table: "awkward",
  keyColumn: "id",
  timeColumn: "ts",
  columns: [
    { name: "id", type: "integer" },
    { name: "ts", type: "timestamp" },
    { name: "t2", type: "timestamp" },
    { name: "local", type: "timestamp" },
    { name: "small", type: "integer" },
    { name: "mid", type: "integer" },
    { name: "big", type: "integer" },
    { name: "num", type: "decimal", scale: 10 },
    { name: "free", type: "decimal" },
    { name: "s", type: "text" },
    { name: "v", type: "text" },
    { name: "c", type: "text" },
    { name: "u", type: "text" },
    { name: "flag", type: "boolean" },
    { name: "j", type: "text" },
    { name: "day", type: "text" },
    { name: "list", type: "text" },
    { name: "ms", type: "timestamp" },
    // NOT NULL, and of kinds written bare in a page's text (server/postgres_records.ts).
    { name: "nb", type: "integer" },
    { name: "nn", type: "decimal" },
    { name: "nf", type: "boolean" },
    { name: "nu", type: "text" },
    { name: "nt", type: "timestamp" },
  ],
};

Deno.test("PostgreSQL pages on a throwaway cluster", async (t) => {
  const cluster = await startCluster();
  const pool = new PostgresPool({ url: cluster.url, maxConnections: 2, maxReserved: 1 });
  try {
    const count = 200;
    await cluster.psql(
      `${TABLE}; INSERT INTO awkward VALUES ${Array.from({ length: count }, (_, i) => row(i + 1))}`,
    );
    const kinds = postgresColumnKinds(SCHEMA, (await readPostgresColumns(pool, "awkward")) ?? []);
    if (!kinds.ok) throw new Error(kinds.error.join("\n"));
    const queries = new PostgresQueries(SCHEMA, kinds.value);
    // Without `ms` (epoch milliseconds, which only cells write), every column has a fast path.
    const fastColumns = SCHEMA.columns.filter((c) => c.name !== "ms");
    const fastKinds = postgresColumnKinds(
      { ...SCHEMA, columns: fastColumns },
      (await readPostgresColumns(pool, "awkward")) ?? [],
    );
    if (!fastKinds.ok) throw new Error(fastKinds.error.join("\n"));
    const fast = new PostgresQueries({ ...SCHEMA, columns: fastColumns }, fastKinds.value);
    // The NOT NULL columns of bare kinds are written bare (the key and time too), the texts counted,
    // the rest in a record.
    deepStrictEqual(queries.layout, {
      bare: [0, 1, 18, 19, 20, 21, 22],
      counted: [9, 10, 11, 14, 15, 16],
      record: [2, 3, 4, 5, 6, 7, 8, 12, 13, 17],
    });
    const query = { ...ALL, highWaterMark: BigInt(count) };

    await t.step(
      "a page's record text holds the cells the same SELECT gives cell by cell",
      async () => {
        const pages = new PageReads(
          queries,
          0,
          (text, params) => pool.query(text, params, true),
        );
        for (const size of [1, 7, count]) {
          let after: bigint | undefined;
          let rows = 0;
          for (;;) {
            const page = await pages.page({ ...query, after }, size);
            const plain = queries.page({ ...query, after }, size)!;
            deepStrictEqual(page.rows, await pool.query(plain.text, plain.params), `size ${size}`);
            if (page.lastKey === undefined) break;
            rows += page.rows.length;
            after = page.lastKey;
          }
          equal(rows, count);
        }
      },
    );

    await t.step(
      "a page written as export bytes is the encoders' bytes for its cells",
      async () => {
        // BC, infinite or pre-1970 times and NaN decimals send their pages through cells.
        const pages = new PageReads(fast, 0, (text, params) => pool.query(text, params, true));
        let encoded = 0;
        let celled = 0;
        for (const format of ["csv", "json", "ndjson"] as const) {
          for (const chosen of [undefined, [9, 0, 1, 7, 13, 2, 18, 21]]) {
            const encoding = {
              format,
              neutralizeFormulas: true,
              ...(chosen && { columns: chosen }),
            };
            for (let after = 0n; after < BigInt(count); after += 1n) {
              const scan = { ...query, after };
              const page = await pages.encodedPage(scan, 1, encoding);
              const cells = (await pages.page(scan, 1)).rows;
              if ("rows" in page) {
                deepStrictEqual(page.rows, cells);
                celled++;
                continue;
              }
              // Bytes, row end, key and JSON's comma, as the encoders write the cells.
              deepStrictEqual(page, encodedRows(cells, encoding, fastColumns), `after ${after}`);
              encoded++;
            }
          }
        }
        ok(encoded > count && celled > 0, `${encoded} pages written as bytes, ${celled} as cells`);
        // A schema with a column only cells write never takes the fast path.
        const page = await new PageReads(
          queries,
          0,
          (text, params) => pool.query(text, params, true),
        ).encodedPage(query, 10, {
          format: "csv",
          neutralizeFormulas: true,
        });
        ok("rows" in page && page.rows.length === 10);
      },
    );

    await t.step(
      "pages read as DataRows on a connection of sluice's own are the page texts' pages",
      async () => {
        const snapshot = (await pool.snapshot())!;
        const dataRows = snapshot.rows;
        ok(dataRows !== undefined, "the snapshot is on a connection of sluice's own");
        try {
          const run = (text: string, params: readonly string[]) => pool.query(text, params, true);
          for (const q of [queries, fast]) {
            const texts = new PageReads(q, 0, run);
            const rows: PageReads = new PageReads(q, 0, run, undefined, dataRows);
            for (const size of [1, 7, count]) {
              for (let after = 0n;; after += BigInt(size)) {
                const scan = { ...query, after };
                const page = await rows.page(scan, size);
                deepStrictEqual(page, await texts.page(scan, size), `size ${size}`);
                for (const format of ["csv", "json", "ndjson"] as const) {
                  const encoding = { format, neutralizeFormulas: true, columns: [9, 0, 2, 18] };
                  deepStrictEqual(
                    await rows.encodedPage(scan, size, encoding),
                    await texts.encodedPage(scan, size, encoding),
                    `${format} after ${after}`,
                  );
                }
                if (page.lastKey === undefined) break;
              }
            }
          }
        } finally {
          await snapshot.end();
        }
      },
    );

    await t.step("reading ahead serves the page asked for next, and only while sound", async () => {
      const asked: string[] = [];
      let sound = true;
      const pages = new PageReads(queries, 0, (text, params) => {
        asked.push(params[0]); // the low key bound
        return pool.query(text, params, true);
      }, () => sound);
      const first = await pages.page(query, 10);
      deepStrictEqual(asked, ["-9223372036854775808", "11"]); // page 2 asked with page 1
      const second = await pages.page({ ...query, after: first.lastKey }, 10);
      equal(second.rows[0][0], 11);
      deepStrictEqual(asked.slice(2), ["21"]);
      // Another cursor (a resume elsewhere) drops the page read ahead and reads its own.
      const other = await pages.page({ ...query, after: 50n }, 10);
      equal(other.rows[0][0], 51);
      deepStrictEqual(asked.slice(3), ["51", "61"]);
      // A connection no longer sound: the page read ahead is read again.
      sound = false;
      const again = await pages.page({ ...query, after: other.lastKey }, 10);
      equal(again.rows[0][0], 61);
      deepStrictEqual(asked.slice(5), ["61", "71"]);
      // A short page is the last: nothing is read after it.
      asked.length = 0;
      sound = true;
      const last = await pages.page({ ...query, after: BigInt(count - 5) }, 10);
      equal(last.rows.length, 5);
      deepStrictEqual(asked, [String(count - 4)]);
      ok((await pages.page({ ...query, after: last.lastKey }, 10)).lastKey === undefined);
    });
  } finally {
    await pool.close();
    await cluster.stop();
  }
});
