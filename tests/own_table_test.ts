// An operator's own table, in SQLite and in PostgreSQL, served by `server.ts --table …` with no
// schema written by hand: the server program runs as a subprocess, the command-line client
// downloads CSV and JSON, and every value is compared with what the sqlite3 CLI and psql (programs
// independent of sluice) return for the same query. The tables use what the demo does not: a
// bigint key beyond 2^53, numeric(20,8), timestamptz with microseconds, uuid, a nullable text
// with CSV-hostile and formula-like values, a boolean, and names of their own.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Program, runClient, SERVER } from "./_program.ts";
import { type Cluster, startCluster } from "./_postgres.ts";

const FROM = "2024-01-01T00:00:00Z";
const TO = "2025-01-01T00:00:00Z";
const ROWS = 300;
const COLUMNS = ["entry_id", "booked_at", "amount", "account", "memo", "settled"];

/** A cell as both oracles and sluice's CSV write it; `null` is SQL NULL. */
type Cell = string | null;

/** Row `g` of the ledger (the same in both databases), its values as SQL text. */
function ledgerRow(g: number) {
  // Keys step across 2^53 (9007199254740992) and end beyond it by far.
  const key = g === ROWS ? 2n ** 62n + 1n : 9_007_199_254_740_000n + BigInt(g) * 7n;
  // 37 min 1.000371 s apart from 2024-03-01 00:00:00.123999: microseconds the export cuts.
  // Row 0 is 100 days earlier, before the time range, so no export has it.
  const micros = g === 0 ? -100 * 86_400_000_000 : g * 2_221_000_371;
  const amount = g === 1
    ? "999999999999.99999999"
    : g === 2
    ? "-0.00000001"
    : `${g % 2 === 0 ? "-" : ""}${g * 12_345}.${
      String((g * 98_765_431) % 100_000_000).padStart(8, "0")
    }`;
  const account = `${(0x1a2b3c4d + g).toString(16).padStart(8, "0")}-${
    (g * 31 % 65536).toString(16).padStart(4, "0")
  }-4abc-8def-${(g * 977).toString(16).padStart(12, "0")}`;
  const memo = g % 5 === 0
    ? null
    : g % 7 === 0
    ? ""
    : g % 11 === 0
    ? "=SUM(A1:A9)"
    : g % 13 === 0
    ? 'line one\nline "two", with a comma'
    : `entry ${g} café ☕ 𝄞`;
  return { key, micros, amount, account, memo, settled: g % 3 === 0 };
}

/** Epoch microseconds of row g's time. */
const BASE_MICROS = Date.UTC(2024, 2, 1) * 1000 + 123_999;

/** RFC 4180 CSV as rows of cells: an unquoted empty cell is NULL, a quoted one the empty text. */
function parseCsv(text: string): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let i = 0;
  while (i < text.length) {
    let cell: Cell;
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
      cell = value;
    } else {
      const end = text.slice(i).search(/,|\r?\n/);
      const value = end === -1 ? text.slice(i) : text.slice(i, i + end);
      i += value.length;
      cell = value === "" ? null : value;
    }
    row.push(cell);
    if (text[i] === ",") i++;
    else {
      rows.push(row);
      row = [];
      i += text.startsWith("\r\n", i) ? 2 : 1;
    }
  }
  return rows;
}

/** What sluice's CSV shows of a text cell: a `'` before a formula's first character. */
function neutralized(cell: Cell): Cell {
  return cell !== null && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Runs `body` with the URL of `server.ts ARGS` (anonymous, on a free port), then stops it. */
async function withServer(args: string[], body: (url: string) => Promise<void>): Promise<void> {
  const server = new Program(["run", "-A", SERVER, "--port", "0", "--anonymous", ...args]);
  try {
    const [, url] = await server.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    await body(url);
  } finally {
    await server.stop();
  }
}

/** Serves `args`' table, downloads it as CSV and JSON with the CLI, compares with `expected`. */
function exportMatches(args: string[], expected: Cell[][], dir: string): Promise<void> {
  return withServer(args, async (url) => {
    const csv = await runClient([url, "--from", FROM, "--to", TO, "-o", `${dir}/out.csv`]);
    equal(csv.code, 0, csv.stderr);
    const [header, ...rows] = parseCsv(await Deno.readTextFile(`${dir}/out.csv`));
    deepStrictEqual(header, COLUMNS);
    equal(rows.length, expected.length);
    const memo = COLUMNS.indexOf("memo");
    deepStrictEqual(rows, expected.map((r) => r.map((c, i) => i === memo ? neutralized(c) : c)));

    const json = await runClient([url, "--from", FROM, "--to", TO, "--format", "json"]);
    equal(json.code, 0, json.stderr);
    const objects: Record<string, unknown>[] = JSON.parse(new TextDecoder().decode(json.stdout));
    deepStrictEqual(objects.map((o) => Object.keys(o)), expected.map(() => COLUMNS));
    // Integers are JSON numbers while safe, strings of digits beyond; decimals and times strings.
    for (const o of objects) {
      const key = o.entry_id;
      ok(
        typeof key === "number" ? Number.isSafeInteger(key) : BigInt(key as string) > 2n ** 53n,
        `${key}`,
      );
    }
    const cells = objects.map((o) =>
      COLUMNS.map((c) => o[c] === null ? null : typeof o[c] === "string" ? o[c] : String(o[c]))
    );
    deepStrictEqual(cells, expected);
  });
}

/**
 * A stored value of the `amount` column that no decimal text can carry, in row `g`: the CLI's
 * download ends with UNEXPORTABLE_VALUE, naming the column and the row's key, and no retry.
 */
function unexportable(args: string[], g: number, dir: string): Promise<void> {
  return withServer(args, async (url) => {
    const out = await runClient([url, "--from", FROM, "--to", TO, "-o", `${dir}/broken.csv`]);
    equal(out.code, 1, out.stderr);
    match(
      out.stderr,
      new RegExp(`UNEXPORTABLE_VALUE: .*\\(column: amount; key: ${ledgerRow(g).key}\\)`),
    );
    // Not retried: a resume would stop at the same row.
    equal(out.stderr.match(/UNEXPORTABLE_VALUE/g)?.length, 1, out.stderr);
  });
}

/** Runs the server program to its exit; it must refuse with code 2 and one line. */
async function refused(args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVER, "--port", "0", "--anonymous", ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  equal(out.code, 2, stderr);
  return stderr;
}

Deno.test("server.ts --db FILE --table serves a SQLite table of its own, value for value as sqlite3 reads it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_own_sqlite_" });
  try {
    const path = `${dir}/ledger.sqlite`;
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE ledger_entries (
      entry_id INTEGER PRIMARY KEY, booked_at INTEGER NOT NULL, amount TEXT NOT NULL,
      account UUID NOT NULL, memo TEXT, settled BOOLEAN NOT NULL)`);
    const insert = db.prepare("INSERT INTO ledger_entries VALUES (?, ?, ?, ?, ?, ?)");
    for (let g = 0; g <= ROWS; g++) {
      const r = ledgerRow(g);
      const ms = Math.floor((BASE_MICROS + r.micros) / 1000);
      insert.run(r.key, ms, r.amount, r.account, r.memo, r.settled ? 1 : 0);
    }
    db.close();
    const before = await Deno.readFile(path);
    // The oracle: the same query in sqlite3, each cell written the documented way, NULL as null.
    const [from, to] = [Date.parse(FROM), Date.parse(TO)];
    const sql = `SELECT CAST(entry_id AS TEXT) AS a,
        strftime('%Y-%m-%dT%H:%M:%S', booked_at / 1000, 'unixepoch') || printf('.%03dZ', booked_at % 1000) AS b,
        amount AS c, account AS d, memo AS e, CASE settled WHEN 1 THEN 'true' ELSE 'false' END AS f
      FROM ledger_entries WHERE booked_at >= ${from} AND booked_at < ${to} ORDER BY entry_id`;
    const out = await new Deno.Command("sqlite3", {
      args: ["-batch", "-readonly", "-json", path, sql],
      stdout: "piped",
    }).output();
    ok(out.success);
    const expected: Cell[][] = JSON.parse(new TextDecoder().decode(out.stdout))
      .map((r: Record<string, Cell>) => ["a", "b", "c", "d", "e", "f"].map((k) => r[k]));
    equal(expected.length, ROWS);

    await exportMatches(
      [
        "--db",
        path,
        "--table",
        "ledger_entries",
        "--time-column",
        "booked_at", // epoch milliseconds in an INTEGER
        "--decimal-columns",
        "amount:8", // exact decimal text
      ],
      expected,
      dir,
    );
    // Opened read-only: not a byte of the file changed.
    deepStrictEqual(await Deno.readFile(path), before);

    // SQLite stores by affinity: a text where exact decimals are declared ends the download.
    const broken = new DatabaseSync(path);
    broken.exec(`UPDATE ledger_entries SET amount = 'n/a' WHERE entry_id = ${ledgerRow(150).key}`);
    broken.close();
    await unexportable(
      ["--db", path, "--table", "ledger_entries", "--time-column", "booked_at"].concat(
        ["--decimal-columns", "amount:8"],
      ),
      150,
      dir,
    );

    // A column sluice cannot export exactly is refused at start, by name and type.
    const real = new DatabaseSync(path);
    real.exec("ALTER TABLE ledger_entries ADD COLUMN ratio REAL");
    real.close();
    const stderr = await refused(["--db", path, "--table", "ledger_entries"]);
    match(stderr, /^sluice: column ratio has type REAL\b.*$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts --database-url --table serves a PostgreSQL table of its own, value for value as psql reads it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_own_pg_" });
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster();
    const values = Array.from({ length: ROWS + 1 }, (_, g) => {
      const r = ledgerRow(g);
      const memo = r.memo === null ? "NULL" : `'${r.memo.replaceAll("'", "''")}'`;
      const micros = BigInt(BASE_MICROS + r.micros);
      return `(${r.key}, to_timestamp(0) + ${micros} * interval '1 microsecond', ${r.amount}, ` +
        `'${r.account}', ${memo}, ${r.settled})`;
    });
    await cluster.psql(`CREATE TABLE ledger_entries (
        entry_id bigint PRIMARY KEY, booked_at timestamptz NOT NULL, amount numeric(20,8) NOT NULL,
        account uuid NOT NULL, memo text, settled boolean NOT NULL);
      INSERT INTO ledger_entries VALUES ${values.join(", ")}`);
    // The oracle: psql's CSV of the same query (NULL unquoted and empty, the empty text quoted),
    // times cut to the millisecond toward the past as the export documents.
    const csv = await cluster.psql(`COPY (SELECT entry_id::text,
        to_char(date_trunc('milliseconds', booked_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        amount::text, account::text, memo, CASE WHEN settled THEN 'true' ELSE 'false' END
      FROM ledger_entries WHERE booked_at >= '${FROM}' AND booked_at < '${TO}' ORDER BY ledger_entries.entry_id)
      TO STDOUT WITH (FORMAT csv)`);
    const expected = parseCsv(csv);
    equal(expected.length, ROWS);

    // The identity key in the test's directory: for PostgreSQL it is otherwise made in data/.
    const pg = [
      ...["--database-url", cluster.url, "--table", "ledger_entries"],
      ...["--identity-key-file", `${dir}/server-identity.key`],
    ];
    await exportMatches(pg, expected, dir);

    // numeric(20,8) holds NaN, which no decimal text of an export can carry.
    await cluster.psql(
      `UPDATE ledger_entries SET amount = 'NaN' WHERE entry_id = ${ledgerRow(150).key}`,
    );
    await unexportable(pg, 150, dir);
    const { key, amount } = ledgerRow(150);
    await cluster.psql(`UPDATE ledger_entries SET amount = ${amount} WHERE entry_id = ${key}`);

    // A column of a type sluice cannot export exactly: refused by name and type, unless it is
    // named as a text column.
    await cluster.psql("ALTER TABLE ledger_entries ADD COLUMN ratio double precision");
    const stderr = await refused(pg);
    match(stderr, /^sluice: column ratio has type double precision\b.*$/m);
    equal(stderr.trim().split("\n").length, 1, stderr);
    await withServer([...pg, "--text-columns", "ratio"], () => Promise.resolve());
  } finally {
    await cluster?.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
