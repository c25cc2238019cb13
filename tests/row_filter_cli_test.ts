// Issue 14's rows per user end to end: server.ts serves a SQLite table and a PostgreSQL table of
// two accounts' rows from a --config file whose datasets have a row rule on a token claim; HS256
// tokens minted by PyJWT (an independent implementation) sign in through client.ts, and each
// downloads exactly what the sqlite3 CLI (and psql) selects for its account; a filter aimed at
// the other account gets none of its rows, and a token without the claim is refused with its own
// code. One server process for every case. The rule's pieces are proven
// on the pair harness in row_filter_pair_test.ts.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type Cluster, startCluster } from "./_postgres.ts";
import { Program, runClient, SERVER } from "./_program.ts";
import { pythonJson } from "./_python.ts";

const FROM = "2024-01-01";
const TO = "2030-01-01";
const SECRET = "a shared secret of more than thirty-two bytes";
const ACCOUNTS = [1001, 1002];
const ROWS = 300;
const HEADER = "id,ts,account_id,memo\r\n";
const RULE = { column: "account_id", claim: "acct" };

/** HS256 tokens by PyJWT, one per claim set. */
function pyjwt(claims: object[]): Promise<string[]> {
  const script = `
import json, sys, time, jwt
secret, claims = json.load(sys.stdin)
t = int(time.time())
print(json.dumps([jwt.encode({**c, "exp": t + 300}, secret, algorithm="HS256") for c in claims]))
`;
  return pythonJson<string[]>("/usr/bin/python3", ["-c", script], [SECRET, claims]);
}

/** What the sqlite3 CLI selects for `where`, as the CSV a download of the table is. */
async function sqlite3Csv(db: string, where: string): Promise<string> {
  const ts = `strftime('%Y-%m-%dT%H:%M:%S', ts / 1000, 'unixepoch') || printf('.%03dZ', ts % 1000)`;
  const sql = `SELECT id || ',' || ${ts} || ',' || account_id || ',' || memo FROM ledger ` +
    `WHERE ${where} ORDER BY id;`;
  const out = await new Deno.Command("/usr/bin/sqlite3", {
    args: ["-batch", "-readonly", "-noheader", "-list", "-newline", "\r\n", db, sql],
    stdout: "piped",
  }).output();
  ok(out.success, "sqlite3 failed");
  return HEADER + new TextDecoder().decode(out.stdout);
}

/** What psql selects for `where`, as the CSV a download of the PostgreSQL table is. */
async function psqlCsv(cluster: Cluster, where: string): Promise<string> {
  const ts = `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const lines = await cluster.psql(
    `SELECT id || ',' || ${ts} || ',' || account_id || ',' || memo FROM ledger ` +
      `WHERE ${where} ORDER BY id`,
  );
  return HEADER + lines.split("\n").filter((line) => line !== "").map((l) => `${l}\r\n`).join("");
}

Deno.test("a row rule on a token claim: two users' PyJWT tokens download disjoint rows, each what SQL selects for its account, and nothing of the other's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-row-filter-" });
  const cluster = await startCluster();
  let server: Program | undefined;
  let url = "";
  const download = async (name: string, token: string, flags: string[] = []) => {
    const output = `${dir}/${name}.csv`;
    const run = await runClient([
      url,
      ...["--from", FROM, "--to", TO, "--token", token, "--retries", "0", "-o", output],
      ...flags,
    ]);
    const text = await Deno.readTextFile(output).catch(() => undefined);
    return { ...run, text };
  };
  try {
    const [first, second, stringClaim, noClaim] = await pyjwt([
      { sub: "ana", acct: ACCOUNTS[0] },
      { sub: "bo", acct: ACCOUNTS[1] },
      { sub: "ana", acct: String(ACCOUNTS[0]) },
      { sub: "cy" },
    ]);
    const db = new DatabaseSync(`${dir}/ledger.sqlite`);
    db.exec(
      "CREATE TABLE ledger (id INTEGER PRIMARY KEY, ts INTEGER, account_id INTEGER, memo TEXT)",
    );
    const insert = db.prepare("INSERT INTO ledger VALUES (?, ?, ?, ?)");
    for (let id = 1; id <= ROWS; id++) {
      // Interleaved unevenly, so that neither account's rows are a simple stride of the other's.
      const account = ACCOUNTS[id % 3 === 0 ? 1 : 0];
      insert.run(id, Date.parse("2024-03-01") + id * 61_000, account, `entry${id}`);
    }
    db.close();
    await cluster.psql(`CREATE TABLE ledger (
      id bigint PRIMARY KEY, ts timestamptz NOT NULL, account_id bigint NOT NULL, memo text);
    INSERT INTO ledger SELECT g, '2024-03-01'::timestamptz + g * interval '61 s',
      CASE WHEN g % 3 = 0 THEN ${ACCOUNTS[1]} ELSE ${ACCOUNTS[0]} END, 'entry' || g
      FROM generate_series(1, ${ROWS}) g`);
    await Deno.writeTextFile(
      `${dir}/sluice.json`,
      JSON.stringify({
        datasets: [{
          name: "ledger",
          sqlite: "ledger.sqlite",
          table: "ledger",
          timeColumn: "ts",
          rowFilter: RULE,
        }, { name: "ledger_pg", postgres: "LEDGER_URL", table: "ledger", rowFilter: RULE }],
      }),
    );
    await Deno.writeTextFile(`${dir}/jwt.secret`, SECRET);
    server = new Program([
      "run",
      "-A",
      SERVER,
      ...[
        "--port",
        "0",
        "--config",
        `${dir}/sluice.json`,
        "--jwt-secret-file",
        `${dir}/jwt.secret`,
      ],
      ...["--identity-key-file", `${dir}/server.key`],
    ], { LEDGER_URL: cluster.url });
    [, url] = await server.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    const pg = ["--dataset", "ledger_pg"];
    const [ana, bo, anaAgain, aimed, refused, anaPg, boPg, aimedPg] = await Promise.all([
      download("ana", first),
      download("bo", second),
      download("ana-text-claim", stringClaim),
      // Ana's filter on Bo's account: the rule still holds, so the filter selects nothing.
      download("aimed", first, ["--filter", `account_id=${ACCOUNTS[1]}`]),
      download("no-claim", noClaim),
      download("ana-pg", first, pg),
      download("bo-pg", second, pg),
      download("aimed-pg", second, [...pg, "--filter", `account_id=${ACCOUNTS[0]}`]),
    ]);
    for (const run of [ana, bo, anaAgain, aimed, anaPg, boPg, aimedPg]) {
      equal(run.code, 0, run.stderr);
    }
    equal(anaPg.text, await psqlCsv(cluster, `account_id = ${ACCOUNTS[0]}`));
    equal(boPg.text, await psqlCsv(cluster, `account_id = ${ACCOUNTS[1]}`));
    equal(anaPg.text, ana.text, "the same rows in both databases");
    equal(aimedPg.text, HEADER);
    equal(ana.text, await sqlite3Csv(`${dir}/ledger.sqlite`, `account_id = ${ACCOUNTS[0]}`));
    equal(bo.text, await sqlite3Csv(`${dir}/ledger.sqlite`, `account_id = ${ACCOUNTS[1]}`));
    equal(anaAgain.text, ana.text, "the claim as integer text is the same account");
    const ids = (text = "") => text.split("\r\n").slice(1, -1).map((line) => line.split(",")[0]);
    ok(ids(ana.text).length === 200 && ids(bo.text).length === 100);
    deepStrictEqual(ids(ana.text).filter((id) => ids(bo.text).includes(id)), []);
    equal(aimed.text, HEADER, "no row of the other account");
    equal(refused.code, 1, refused.stderr);
    match(refused.stderr, /ROW_FILTER_CLAIM_MISSING:/);
    equal(refused.text, undefined, "nothing written");
  } finally {
    await server?.stop();
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
