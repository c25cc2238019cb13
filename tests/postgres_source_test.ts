// PostgresSource on a real, throwaway PostgreSQL cluster (tests/_postgres.ts): the DataSource
// contract first, then what only PostgreSQL has (microseconds, zones, catalog types, snapshots,
// a database that goes away). One cluster for the whole file: a cold start is ~2 s of initdb.
import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { validateFilters } from "../protocol/filter.ts";
import type { Filter } from "../protocol/messages.ts";
import {
  DataSourceError,
  type ScanQuery,
  type SourceReader,
  type SourceSchema,
} from "../server/data_source.ts";
import { postgresSchema, readPostgresColumns } from "../server/postgres_catalog.ts";
import { DownloadReads } from "../server/download_reads.ts";
import { PostgresPool } from "../server/postgres_pool.ts";
import { PostgresSource } from "../server/postgres_source.ts";
import { POSTGRES_MIN_TIMESTAMP_MS } from "../server/postgres_values.ts";
import { postgresBackend } from "./_postgres_contract.ts";
import { dataSourceContract } from "./_data_source_contract.ts";
import { type Cluster, startCluster } from "./_postgres.ts";

const ALL = { timeFrom: -8.64e15, timeTo: 8.64e15, filters: [] };

function schemaOf(table: string, columns: SourceSchema["columns"]): SourceSchema {
  return { table, keyColumn: "id", timeColumn: "ts", columns };
}

async function rowsOf(reader: SourceReader, query: ScanQuery, size = 3): Promise<unknown[][]> {
  const out: unknown[][] = [];
  let after = query.after;
  for (;;) {
    const page = await reader.page({ ...query, after }, size);
    if (page.lastKey === undefined) return out;
    out.push(...page.rows.map((r) => [...r]));
    after = page.lastKey;
  }
}

function filtered(schema: SourceSchema, filters: Filter[]) {
  const r = validateFilters(filters, schema.columns);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** A table `name` of `count` rows: id, ts (timestamptz), v (text). */
async function plainTable(cluster: Cluster, name: string, count: number): Promise<SourceSchema> {
  await cluster.psql(`CREATE TABLE ${name} (id int8 PRIMARY KEY, ts timestamptz NOT NULL, v text);
    INSERT INTO ${name} SELECT g, timestamptz '2024-01-01' + g * interval '1 second', 'v' || g
    FROM generate_series(1, ${count}) g`);
  return schemaOf(name, [
    { name: "id", type: "integer" },
    { name: "ts", type: "timestamp" },
    { name: "v", type: "text" },
  ]);
}

Deno.test("PostgresSource on a throwaway cluster", async (t) => {
  const cluster = await startCluster();
  const pool = new PostgresPool({ url: cluster.url, maxConnections: 4, maxReserved: 2 });
  try {
    await t.step(
      "keeps the DataSource contract",
      async (t) => {
        const probe = (await pool.snapshot())!;
        ok(probe.rows !== undefined, "snapshots are on connections of sluice's own");
        await probe.end();
        await dataSourceContract(t, postgresBackend(cluster, pool));
      },
    );

    await t.step(
      "keeps it too with a download's snapshot on a connection of the driver's",
      async (t) => {
        const driver = new PostgresPool({
          url: cluster.url,
          maxConnections: 4,
          maxReserved: 2,
          ownSnapshotConnections: false,
        });
        try {
          await dataSourceContract(t, postgresBackend(cluster, driver, "driver_"));
        } finally {
          await driver.close();
        }
      },
    );

    await t.step(
      "answers an estimate's reads: the count under the mark and the first rows",
      async () => {
        const schema = await plainTable(cluster, "estimated", 250);
        const source = await PostgresSource.open({ pool, schema });
        const reads = new DownloadReads(source, { error() {} });
        const query = {
          ...ALL,
          filters: filtered(schema, [{ field: "v", operator: "prefix", value: "v1" }]),
        };
        const answer = await reads.estimate({ type: "estimate", job: 7, query, sample: 5 });
        const count = Number(
          await cluster.psql(`SELECT count(*) FROM estimated WHERE v LIKE 'v1%'`),
        );
        equal(answer.job, 7);
        deepStrictEqual("rows" in answer.answer && answer.answer.rows, count);
        deepStrictEqual(
          "sample" in answer.answer && answer.answer.sample.map((r) => r[0]),
          [1, 10, 11, 12, 13],
        );
        await source.close();
      },
    );

    await t.step("reads microseconds as their millisecond, which filters compare too", async () => {
      await cluster.psql(`CREATE TABLE micro (id int8 PRIMARY KEY, ts timestamptz);
        INSERT INTO micro VALUES (1, '2024-01-01 00:00:00.123999+00'), (2, '2024-01-01 00:00:00.124+00'),
          (3, '1969-12-31 23:59:59.999999+00'), (4, '2024-01-01 00:00:00.122999+00')`);
      const schema = schemaOf("micro", [{ name: "id", type: "integer" }, {
        name: "ts",
        type: "timestamp",
      }]);
      const source = await PostgresSource.open({ pool, schema });
      const t0 = Date.UTC(2024, 0, 1, 0, 0, 0, 123);
      const q = (filters: Filter[]) => ({
        ...ALL,
        highWaterMark: 4n,
        filters: filtered(schema, filters),
      });
      deepStrictEqual(await rowsOf(source, q([])), [[1, t0], [2, t0 + 1], [3, -1], [4, t0 - 1]]);
      const ids = async (f: Filter) => (await rowsOf(source, q([f]))).map((r) => r[0]);
      deepStrictEqual(await ids({ field: "ts", operator: "eq", value: t0 }), [1]);
      deepStrictEqual(await ids({ field: "ts", operator: "gt", value: t0 }), [2]);
      deepStrictEqual(await ids({ field: "ts", operator: "lte", value: t0 }), [1, 3, 4]);
      deepStrictEqual(await ids({ field: "ts", operator: "neq", value: t0 }), [2, 3, 4]);
      deepStrictEqual(await ids({ field: "ts", operator: "in", value: [t0, -1] }), [1, 3]);
      deepStrictEqual(await ids({ field: "ts", operator: "between", value: [t0 - 1, t0] }), [1, 4]);
      const range = { ...ALL, timeFrom: t0, timeTo: t0 + 1, highWaterMark: 4n };
      deepStrictEqual((await rowsOf(source, range)).map((r) => r[0]), [1]);
      equal(await source.count(range), 1);
      await source.close();
      // Bounds below PostgreSQL's first timestamp are raised to it: psql says where it is.
      const first = "timestamptz '4714-11-24 00:00:00+00 BC'";
      equal(
        Number(await cluster.psql(`SELECT (extract(epoch FROM ${first}) * 1000)::int8`)),
        POSTGRES_MIN_TIMESTAMP_MS,
      );
      await rejects(cluster.psql(`SELECT ${first} - interval '1 microsecond'`));
    });

    await t.step(
      "reads a timestamp without time zone as UTC, whatever the database's zone",
      async () => {
        await cluster.psql(`ALTER DATABASE postgres SET timezone = 'Asia/Tokyo';
        CREATE TABLE zones (id int8 PRIMARY KEY, ts timestamp, tz timestamptz, ms int8);
        INSERT INTO zones VALUES (1, '2024-01-01 00:00:00', '2024-01-01 00:00:00+09', 1704067200000)`);
        const local = new PostgresPool({ url: cluster.url, maxConnections: 1 });
        const schema = schemaOf("zones", [
          { name: "id", type: "integer" },
          { name: "ts", type: "timestamp" },
          { name: "tz", type: "timestamp" },
          { name: "ms", type: "timestamp" },
        ]);
        const source = await PostgresSource.open({ pool: local, schema });
        const jan1 = Date.UTC(2024, 0, 1);
        deepStrictEqual(await rowsOf(source, { ...ALL, highWaterMark: 1n }), [[
          1,
          jan1,
          jan1 - 9 * 3600_000,
          jan1,
        ]]);
        const byMs = { ...schema, timeColumn: "ms" };
        const epoch = await PostgresSource.open({ pool: local, schema: byMs });
        const f = filtered(byMs, [{ field: "ts", operator: "eq", value: "2024-01-01T00:00:00Z" }]);
        equal(
          await epoch.count({ timeFrom: jan1, timeTo: jan1 + 1, filters: f, highWaterMark: 1n }),
          1,
        );
        await cluster.psql("ALTER DATABASE postgres RESET timezone");
        await local.close();
      },
    );

    await t.step(
      "maps catalog types, refusing each inexact one in a line that names it",
      async () => {
        await cluster.psql(`CREATE DOMAIN money2 AS numeric(10,2);
        CREATE TABLE wide (id int4 PRIMARY KEY, at timestamptz, small int2, big int8,
          p numeric(20,8), free numeric, hundreds numeric(5,-2), fine numeric(40,35), m money2,
          label varchar(10), code char(4), u uuid, flag boolean, r real, d double precision,
          j json, day date);
        CREATE VIEW wide_view AS SELECT id, at, p FROM wide`);
        const found = (await readPostgresColumns(pool, "wide")) ?? [];
        const mapped = postgresSchema(found, { table: "wide" });
        ok(!mapped.ok);
        deepStrictEqual(mapped.error.length, 4); // r, d, j, day: one line each
        for (const name of ["r", "d", "j", "day"]) {
          ok(mapped.error.some((line) => line.includes(name)));
        }
        const r = postgresSchema(found, { table: "wide", textColumns: ["r", "d", "j", "day"] });
        ok(r.ok);
        deepStrictEqual(r.value.columns.map((c) => [c.name, c.type, c.scale]), [
          ["id", "integer", undefined],
          ["at", "timestamp", undefined],
          ["small", "integer", undefined],
          ["big", "integer", undefined],
          ["p", "decimal", 8],
          ["free", "decimal", undefined],
          ["hundreds", "decimal", 0],
          ["fine", "decimal", undefined],
          ["m", "decimal", 2],
          ["label", "text", undefined],
          ["code", "text", undefined],
          ["u", "text", undefined],
          ["flag", "boolean", undefined],
          ["r", "text", undefined],
          ["d", "text", undefined],
          ["j", "text", undefined],
          ["day", "text", undefined],
        ]);
        equal(r.value.keyColumn, "id");
        equal(r.value.timeColumn, "at");
        await cluster.psql(`INSERT INTO wide VALUES (1, '2024-01-01', -2, 9007199254740993,
        12.5, 0.1000, 12345, 1.5, 3.1, 'é', 'ab', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', true,
        1.5, 0.1, '{"a": [1]}', '2024-02-29')`);
        const source = await PostgresSource.open({ pool, schema: r.value });
        deepStrictEqual(await rowsOf(source, { ...ALL, highWaterMark: 1n }), [[
          1,
          Date.UTC(2024, 0, 1),
          -2,
          9007199254740993n,
          "12.50000000",
          "0.1000",
          "12300",
          "1.50000000000000000000000000000000000",
          "3.10",
          "é",
          "ab",
          "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
          true,
          "1.5",
          "0.1",
          '{"a": [1]}',
          "2024-02-29",
        ]]);
        await source.close();
        const view = postgresSchema((await readPostgresColumns(pool, "public.wide_view")) ?? [], {
          table: "public.wide_view",
        });
        ok(!view.ok && view.error.length === 1); // a view has no primary key: name the key
        ok(
          postgresSchema((await readPostgresColumns(pool, "wide_view")) ?? [], {
            table: "wide_view",
            keyColumn: "id",
          }).ok,
        );
        equal(await readPostgresColumns(pool, "no_such_table"), undefined);
      },
    );

    await t.step(
      "uuid and nondeterministic text filters compare the text an export shows",
      async () => {
        await cluster.psql(`CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2',
          deterministic = false);
        CREATE TABLE ids (id int8 PRIMARY KEY, ts timestamptz, u uuid, name text COLLATE nocase);
        INSERT INTO ids VALUES (1, now(), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ABC'),
          (2, now(), 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'abc')`);
        const schema = schemaOf("ids", [
          { name: "id", type: "integer" },
          { name: "ts", type: "timestamp" },
          { name: "u", type: "text" },
          { name: "name", type: "text" },
        ]);
        const source = await PostgresSource.open({ pool, schema });
        const ids = async (f: Filter) =>
          (await rowsOf(source, { ...ALL, highWaterMark: 2n, filters: filtered(schema, [f]) })).map(
            (r) => r[0],
          );
        const a = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        deepStrictEqual(await ids({ field: "u", operator: "eq", value: a }), [1]);
        deepStrictEqual(await ids({ field: "u", operator: "eq", value: a.toUpperCase() }), []);
        deepStrictEqual(await ids({ field: "u", operator: "neq", value: a.toUpperCase() }), [1, 2]);
        deepStrictEqual(await ids({ field: "u", operator: "in", value: [a, "nope"] }), [1]);
        deepStrictEqual(await ids({ field: "u", operator: "prefix", value: "b0ee" }), [2]);
        deepStrictEqual(await ids({ field: "u", operator: "gt", value: "a1" }), [2]);
        deepStrictEqual(await ids({ field: "name", operator: "eq", value: "abc" }), [2]);
        deepStrictEqual(await ids({ field: "name", operator: "in", value: ["ABC"] }), [1]);
        deepStrictEqual(await ids({ field: "name", operator: "lt", value: "abc" }), [1]);
        await source.close();
      },
    );

    await t.step(
      "a snapshot sees the rows of its first read until it is released or given up",
      async () => {
        const schema = await plainTable(cluster, "moving", 20);
        const source = await PostgresSource.open({ pool, schema });
        const query = { ...ALL, highWaterMark: 20n };
        const snapshot = await source.openSnapshot();
        const before = await rowsOf(source, query);
        equal(await snapshot.count(query), 20);
        await cluster.psql(
          "UPDATE moving SET v = 'changed' WHERE id IN (3, 15); DELETE FROM moving WHERE id = 16",
        );
        deepStrictEqual(await rowsOf(snapshot, query), before);
        equal(await snapshot.count(query), 20);
        const now = await rowsOf(source, query);
        equal(now.length, 19);
        ok(now.some((r) => r[2] === "changed"));
        await snapshot.release();
        await snapshot.release();
        await rejects(snapshot.count(query), TypeError);
        // One held past its lifetime gives the snapshot up at its next read and reads on as the
        // source does, as a resumed download would.
        const brief = await PostgresSource.open({ pool, schema, snapshotMaxMs: 0 });
        const lapsed = await brief.openSnapshot();
        deepStrictEqual(await rowsOf(lapsed, query), now);
        await lapsed.release();
        // Snapshots beyond the pool's maxReserved (2) read page by page, and none is lost.
        const held = await Promise.all([1, 2, 3].map(() => source.openSnapshot()));
        for (const s of held) equal(await s.count(query), 19); // each one's first read
        await cluster.psql("DELETE FROM moving WHERE id = 1");
        deepStrictEqual((await Promise.all(held.map((s) => s.count(query)))).sort(), [18, 19, 19]);
        await Promise.all(held.map((s) => s.release()));
        equal(pool.reservable, 2);
        await Promise.all([source.close(), brief.close()]);
      },
    );

    await t.step(
      "a database that goes away ends a read with a recoverable DataSourceError, and the scan resumes from its cursor",
      async () => {
        const schema = await plainTable(cluster, "outage", 30);
        const source = await PostgresSource.open({ pool, schema });
        const query = { ...ALL, highWaterMark: 30n };
        const snapshot = await source.openSnapshot();
        const first = await source.page(query, 10);
        const pinned = await snapshot.page(query, 10);
        await cluster.halt();
        for (const reader of [source, snapshot]) {
          const error = await reader.page({ ...query, after: first.lastKey }, 10).then(
            () => undefined,
            (e: unknown) => e,
          );
          ok(error instanceof DataSourceError, String(error));
          equal(error.kind, "unavailable");
          equal(error.recoverable, true);
          ok(!error.message.includes("outage") && !error.message.includes("SELECT"));
        }
        await cluster.start();
        // The failed snapshot's download is over (every read of it fails); its resume reads in a
        // snapshot of its own, as the server's does, from the cursor.
        await rejects(snapshot.count(query), DataSourceError);
        const resumed = await source.openSnapshot();
        for (const [reader, page] of [[source, first], [resumed, pinned]] as const) {
          const rest = await rowsOf(reader, { ...query, after: page.lastKey }, 10);
          deepStrictEqual(
            [...page.rows, ...rest].map((r) => r[0]),
            Array.from({ length: 30 }, (_, i) => i + 1),
          );
        }
        await Promise.all([snapshot.release(), resumed.release()]);
        equal(pool.reservable, 2);
        await source.close();
      },
    );

    await t.step(
      "a page read ahead that fails ends the snapshot's download at that page, as reading it in turn would",
      async () => {
        // A view whose rows past id 10 fail in a snapshot's transaction and nowhere else: the
        // next page, read ahead in the snapshot, fails; read again on the pool it would not.
        // Rows enough that a page is an index scan under its LIMIT: only its own rows are read.
        const base = await plainTable(cluster, "ahead_base", 20_000);
        await cluster.psql(`ANALYZE ahead_base; CREATE VIEW ahead AS SELECT id, ts, CASE
          WHEN id > 10 AND current_setting('transaction_isolation') = 'repeatable read'
          THEN (1 / (id - id))::text ELSE v END AS v FROM ahead_base`);
        const schema = { ...base, table: "ahead" };
        const source = await PostgresSource.open({ pool, schema });
        const query = { ...ALL, highWaterMark: 20_000n };
        equal((await rowsOf(source, query, 5000)).length, 20_000);
        const snapshot = await source.openSnapshot();
        const first = await snapshot.page(query, 10);
        equal(first.lastKey, 10n);
        // The read ahead fails while the download is still busy with the first page: the snapshot
        // hands its connection back.
        for (let waited = 0; pool.reservable < 2 && waited < 5000; waited += 5) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        equal(pool.reservable, 2);
        await rejects(snapshot.page({ ...query, after: first.lastKey }, 10), DataSourceError);
        // Every read after it fails too: the download ends; its resume opens a snapshot of its own.
        await rejects(snapshot.count(query), DataSourceError);
        await snapshot.release();
        equal(pool.reservable, 2);
        await source.close();
      },
    );

    await t.step(
      "a refused query is a DataSourceError naming neither query nor table; writes are refused",
      async () => {
        const schema = await plainTable(cluster, "secret_table", 3);
        const source = await PostgresSource.open({ pool, schema });
        await cluster.psql("ALTER TABLE secret_table DROP COLUMN v");
        const error = await source.page({ ...ALL, highWaterMark: 3n }, 10).then(
          () => undefined,
          (e: unknown) => e,
        );
        ok(error instanceof DataSourceError);
        equal(error.kind, "failed");
        equal(error.recoverable, false);
        for (const secret of ["secret_table", '"v"', "SELECT", "column"]) {
          ok(!error.message.includes(secret));
        }
        const write = await pool.query("CREATE TABLE intruder (x int)", []).then(
          () => undefined,
          (e: unknown) => e,
        );
        ok(write instanceof DataSourceError && write.kind === "failed");
        // In a snapshot the failure ends the transaction, which is rolled back: no connection
        // goes back to the pool inside an aborted transaction.
        const snapshot = await source.openSnapshot();
        await rejects(snapshot.page({ ...ALL, highWaterMark: 3n }, 10), DataSourceError);
        await snapshot.release();
        equal(pool.reservable, 2);
        for (let i = 0; i < 8; i++) deepStrictEqual(await pool.query("SELECT 1", []), [[1]]);
        await source.close();
      },
    );

    await t.step("a query past the statement timeout fails as a recoverable timeout", async () => {
      await plainTable(cluster, "slow_base", 3);
      await cluster.psql("CREATE VIEW slow AS SELECT b.* FROM slow_base b CROSS JOIN pg_sleep(2)");
      const slowPool = new PostgresPool({
        url: cluster.url,
        maxConnections: 1,
        statementTimeoutMs: 100,
      });
      const schema = { ...(await plainTable(cluster, "unused", 0)), table: "slow" };
      const source = await PostgresSource.open({ pool: slowPool, schema });
      const error = await source.highWaterMark().then(() => undefined, (e: unknown) => e);
      ok(error instanceof DataSourceError);
      equal(error.kind, "timeout");
      equal(error.recoverable, true);
      await source.close();
      await slowPool.close();
    });

    await t.step("open refuses a schema the table cannot hold, naming each column", async () => {
      await plainTable(cluster, "shape", 0);
      await cluster.psql("ALTER TABLE shape ADD COLUMN p numeric(20,8)");
      const bad = schemaOf("shape", [
        { name: "id", type: "integer" },
        { name: "ts", type: "timestamp" },
        { name: "p", type: "decimal", scale: 4 },
        { name: "v", type: "boolean" },
        { name: "gone", type: "text" },
      ]);
      const error = await PostgresSource.open({ pool, schema: bad }).then(
        () => undefined,
        (e: unknown) => e,
      );
      ok(error instanceof TypeError);
      equal(error.message.split("\n").length, 3);
      await rejects(PostgresSource.open({ pool, schema: { ...bad, table: "nowhere" } }), TypeError);
      await rejects(
        PostgresSource.open({ pool, schema: { ...bad, table: "x; DROP TABLE shape" } }),
        TypeError,
      );
      // Nothing listens on port 1 of the loopback: the database is unavailable.
      const nowhere = cluster.url.replace(`:${cluster.port}/`, `:${cluster.port === 1 ? 2 : 1}/`);
      const down = await PostgresSource.open({ pool: { url: nowhere }, schema: bad }).then(
        () => undefined,
        (e: unknown) => e,
      );
      ok(down instanceof DataSourceError && down.kind === "unavailable", String(down));
    });

    await t.step("open refuses a URL that changes how page texts are written", async () => {
      const schema = await plainTable(cluster, "settings", 1);
      for (
        const [query, named] of [
          ["client_encoding=LATIN1", "client_encoding is LATIN1"],
          ["TimeZone=Europe%2FParis", "TimeZone is Europe/Paris"],
          ["DateStyle=German", "DateStyle is German"],
        ]
      ) {
        const error = await PostgresSource.open({
          pool: { url: `${cluster.url}?${query}` },
          schema,
        })
          .then(() => undefined, (e: unknown) => e);
        ok(error instanceof TypeError && error.message.includes(named), String(error));
      }
      const fine = await PostgresSource.open({ pool: { url: cluster.url }, schema });
      await fine.close();
    });
  } finally {
    await pool.close();
    await cluster.stop();
  }
});
