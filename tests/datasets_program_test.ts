// One server program (`server.ts --config FILE`) serving a SQLite table and two datasets of one
// PostgreSQL database, which share one pool: the command-line client downloads the table of each,
// value for value as sqlite3 and psql (programs independent of sluice) read the same rows;
// /schema.json lists them; a dataset the server does not have is UNKNOWN_DATASET; and the page in
// Chromium picks each and saves the same bytes as the client. (The rules themselves, resume
// included: datasets_pair_test.ts.)
import { deepStrictEqual, equal, match } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { DemoPage, launchChromium, newContext, nextSavedFile } from "./_browser.ts";
import { type Cluster, startCluster } from "./_postgres.ts";
import { Program, runClient, SERVER } from "./_program.ts";

const FROM = "2024-01-01T00:00:00Z";
const TO = "2025-01-01T00:00:00Z";
const ROWS = 40;

/** CSV lines as rows of cells (these tables hold no quotes, commas or line breaks). */
function csvRows(text: string): string[][] {
  return text.split(/\r?\n/).filter((line) => line !== "").map((line) => line.split(","));
}

Deno.test("server.ts --config serves a SQLite and a PostgreSQL dataset to the CLI and the page", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_datasets_" });
  let cluster: Cluster | undefined;
  let server: Program | undefined;
  const browser = launchChromium();
  try {
    cluster = await startCluster();
    // Payments in SQLite: amounts in integer cents, times in epoch milliseconds; one row before
    // the range.
    const db = new DatabaseSync(`${dir}/payments.sqlite`);
    db.exec(`CREATE TABLE payments (
      id INTEGER PRIMARY KEY, paid_at INTEGER NOT NULL, amount INTEGER NOT NULL, currency TEXT)`);
    const insert = db.prepare("INSERT INTO payments VALUES (?, ?, ?, ?)");
    for (let i = 0; i <= ROWS; i++) {
      insert.run(i + 1, Date.UTC(2024, 0, 1) + (i - 1) * 3_600_123, i * 1_001 - 500, `C${i % 3}`);
    }
    db.close();
    // Trades in PostgreSQL: other names, numeric(12,4), timestamptz, a bigint key beyond 2^53.
    await cluster.psql(`CREATE TABLE trades (
        trade_id bigint PRIMARY KEY, traded_at timestamptz NOT NULL, price numeric(12,4) NOT NULL,
        venue text NOT NULL);
      INSERT INTO trades SELECT 9007199254740990 + g, '2024-06-01'::timestamptz + g * interval '61 s',
        g * 1.0625 - 3, 'v' || (g % 4) FROM generate_series(1, ${ROWS + 3}) g;
      CREATE VIEW venue_trades AS SELECT trade_id, traded_at, venue FROM trades`);
    await Deno.writeTextFile(
      `${dir}/sluice.json`,
      JSON.stringify({
        datasets: [
          {
            name: "payments",
            sqlite: "payments.sqlite", // beside the file
            table: "payments",
            timeColumn: "paid_at",
            decimalColumns: { amount: 2 },
          },
          { name: "trades", postgres: "TRADES_DATABASE_URL", table: "trades" },
          // The same database again: a view, which has no primary key to take as the key.
          {
            name: "venues",
            postgres: "TRADES_DATABASE_URL",
            table: "venue_trades",
            keyColumn: "trade_id",
          },
        ],
      }),
    );
    server = new Program(
      ["run", "-A", SERVER, "--port", "0", "--anonymous", "--config", `${dir}/sluice.json`],
      { TRADES_DATABASE_URL: cluster.url },
    );
    const [, url] = await server.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    // Both datasets of the database read their catalogs through one pool, so one connection (the
    // pool keeps it a minute): a pool each would have opened two.
    const backends = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice'";
    equal((await cluster.psql(backends)).trim(), "1");

    // The oracles: the same rows through sqlite3 and psql, cells written the documented way.
    const [from, to] = [Date.parse(FROM), Date.parse(TO)];
    const sqlite = await new Deno.Command("sqlite3", {
      args: [
        "-batch",
        "-readonly",
        "-csv",
        `${dir}/payments.sqlite`,
        `SELECT id, strftime('%Y-%m-%dT%H:%M:%S', paid_at / 1000, 'unixepoch') ||
          printf('.%03dZ', paid_at % 1000), printf('%s%d.%02d', CASE WHEN amount < 0 THEN '-' ELSE '' END,
          abs(amount) / 100, abs(amount) % 100), currency
        FROM payments WHERE paid_at >= ${from} AND paid_at < ${to} ORDER BY id`,
      ],
      stdout: "piped",
    }).output();
    const payments = csvRows(new TextDecoder().decode(sqlite.stdout));
    equal(payments.length, ROWS);
    const trades = csvRows(
      await cluster.psql(`COPY (SELECT trade_id::text,
          to_char(traded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), price::text, venue
        FROM trades WHERE traded_at >= '${FROM}' AND traded_at < '${TO}' ORDER BY trade_id)
        TO STDOUT WITH (FORMAT csv)`),
    );
    equal(trades.length, ROWS + 3);

    const exported: Record<string, Uint8Array> = {};
    for (
      const [name, expected, header] of [
        ["payments", payments, "id,paid_at,amount,currency"],
        ["trades", trades, "trade_id,traded_at,price,venue"],
      ] as const
    ) {
      const run = await runClient([url, "--dataset", name, "--from", FROM, "--to", TO]);
      equal(run.code, 0, run.stderr);
      exported[name] = run.stdout;
      const [head, ...rows] = csvRows(new TextDecoder().decode(run.stdout));
      equal(head.join(","), header);
      deepStrictEqual(rows, expected, name);
    }
    const unknown = await runClient([url, "--dataset", "orders", "--from", FROM, "--to", TO]);
    equal(unknown.code, 1);
    match(
      unknown.stderr,
      /^sluice: download failed: UNKNOWN_DATASET: .*datasets: payments, trades, venues/m,
    );

    const http = url.replace(/^ws/, "http");
    const schema = await (await fetch(`${http}schema.json`)).json();
    deepStrictEqual(schema.datasets.map((d: { name: string }) => d.name), [
      "payments",
      "trades",
      "venues",
    ]);
    equal(schema.timeColumn, "paid_at"); // the default dataset's, the first

    // The page: the picker offers each; a download is the client's bytes.
    const page = new DemoPage(await (await newContext(await browser, "blob")).newPage());
    await page.open(http);
    const columns: Record<string, string[]> = {
      trades: ["trade_id", "traded_at", "price", "venue"],
      payments: ["id", "paid_at", "amount", "currency"],
    };
    for (const name of ["trades", "payments"]) {
      await page.page.getByRole("combobox", { name: /^Dataset/ }).selectOption(name);
      // The filters offer the picked dataset's columns (start() then clears the row again).
      await page.page.getByRole("button", { name: "Add filter" }).click();
      const offered = page.page.getByLabel("Filter 1 column", { exact: true }).locator("option");
      deepStrictEqual(await offered.allTextContents(), columns[name]);
      const saved = nextSavedFile(page.page);
      const card = await page.start({ from: "2024-01-01T00:00:00", to: "2025-01-01T00:00:00" });
      await card.waitFor("done");
      const file = await saved;
      equal(file.name, `sluice-${name}-20240101-20250101.csv`);
      deepStrictEqual(file.bytes, exported[name], name);
    }
    deepStrictEqual(page.problems, []);
  } finally {
    await (await browser).close();
    await server?.stop();
    await cluster?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
