// Keyset pages against a server-side cursor, reading only (no export):
// `deno run -A bench/postgres_reads.ts [--rows 1000000] [--page 1542] [--rounds 3]`.
//
// On a throwaway cluster (tests/_postgres.ts) and the table of bench/postgres.ts, each round reads
// every row three ways, in one REPEATABLE READ READ ONLY transaction each: the source's own pages
// (PostgresSource in a snapshot: keyset pages, each one text of records, the next read ahead), a
// cursor fetching each row's record (`DECLARE … CURSOR` + `FETCH n`, the same records parsed the
// same way), and a cursor fetching the columns cell by cell through the driver (the pool's type
// parsers). Each row of the table says the wall time and the CPU seconds of this process and of
// PostgreSQL's processes: on 2 shared cores the sum says more than the wall time.
// deno-lint-ignore no-import-prefix
import postgres from "npm:postgres@3.4.9";
import process from "node:process";
import { parseArgs } from "node:util";
import { PostgresSource } from "../server/postgres_source.ts";
import type { PostgresColumnKind } from "../server/postgres_query.ts";
import { parseRecords } from "../server/postgres_records.ts";
import { DRIVER_TYPES } from "../server/postgres_values.ts";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import { startCluster } from "../tests/_postgres.ts";
import { makeTable } from "./_postgres_table.ts";
import { postgresCpu } from "./_proc.ts";

const COLUMNS = DEMO_SCHEMA.columns;
const KINDS: PostgresColumnKind[] = [
  "integer",
  "timestamptz",
  "text",
  "text",
  "numeric",
  "numeric",
  "numeric",
  "boolean",
  "integer",
  "text",
  "text",
];
const FROM = Date.UTC(2000, 0, 1);
const TO = Date.UTC(2100, 0, 1);

async function timed(name: string, read: () => Promise<number>, rows: number): Promise<string> {
  const pg = postgresCpu();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const n = await read();
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(cpu);
  const pgSeconds = postgresCpu() - pg;
  if (n !== rows) throw new Error(`${name} read ${n} of ${rows} rows`);
  const cells = [seconds, (own.user + own.system) / 1e6, pgSeconds].map((x) => x.toFixed(2));
  return `| ${name} | ${cells.join(" | ")} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rows: { type: "string", default: "1000000" },
      page: { type: "string", default: "1542" },
      rounds: { type: "string", default: "3" },
    },
  });
  const [rows, page, rounds] = [Number(values.rows), Number(values.page), Number(values.rounds)];
  const cluster = await startCluster();
  const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(", ");
  const lines: string[] = [];
  const before = load();
  try {
    const table = await makeTable(cluster, rows);
    const schema = { table, keyColumn: "id", timeColumn: "ts", columns: COLUMNS };
    const source = await PostgresSource.open({ pool: { url: cluster.url }, schema });
    const sql = postgres(cluster.url, {
      max: 1,
      fetch_types: false,
      onnotice: () => {},
      connection: { TimeZone: "UTC", DateStyle: "ISO, YMD" },
      types: DRIVER_TYPES,
    });
    const select = COLUMNS.map((c) => `"${c.name}"`).join(", ");
    const where = `WHERE "id" <= $1::int8 AND "ts" >= $2::timestamptz AND "ts" < $3::timestamptz`;
    const params = [String(rows), "2000-01-01 00:00:00+00", "2100-01-01 00:00:00+00"];
    const cursor = async (query: string, each: (batch: unknown[][]) => number) => {
      let n = 0;
      await sql.begin("isolation level repeatable read read only", async (tx) => {
        await tx.unsafe(`DECLARE c NO SCROLL CURSOR FOR ${query}`, params);
        for (;;) {
          const batch = await tx.unsafe(`FETCH ${page} FROM c`).values();
          if (batch.length === 0) return;
          n += each(batch);
        }
      });
      return n;
    };
    for (let round = 0; round < rounds; round++) {
      lines.push(
        await timed("keyset pages as records, next page read ahead (the source)", async () => {
          const snapshot = await source.openSnapshot();
          const highWaterMark = await snapshot.highWaterMark();
          let after: bigint | undefined;
          let n = 0;
          for (;;) {
            const got = await snapshot.page(
              { timeFrom: FROM, timeTo: TO, filters: [], highWaterMark, after },
              page,
            );
            if (got.lastKey === undefined) break;
            n += got.rows.length;
            after = got.lastKey;
          }
          await snapshot.release();
          return n;
        }, rows),
      );
      lines.push(
        await timed(
          "cursor, each row's record, read as records",
          () =>
            cursor(
              `SELECT "a row"::text FROM (SELECT ${select} FROM ${table} ${where} ORDER BY "id") "a row"`,
              (batch) => parseRecords(batch.map((r) => r[0]).join("\n"), KINDS).length,
            ),
          rows,
        ),
      );
      lines.push(
        await timed(
          "cursor, the columns cell by cell (the driver's parsers)",
          () => cursor(`SELECT ${select} FROM ${table} ${where} ORDER BY "id"`, (b) => b.length),
          rows,
        ),
      );
    }
    await source.close();
    await sql.end();
  } finally {
    await cluster.stop();
  }
  console.log(
    `${rows.toLocaleString("en-US")} rows, pages of ${page}, ${rounds} rounds; ` +
      `load average (1, 5, 15 min) ${before} before, ${load()} after\n`,
  );
  console.log("| read | wall s | this process's CPU s | PostgreSQL CPU s |");
  console.log("| --- | --- | --- | --- |");
  for (const line of lines) console.log(line);
}

await main();
