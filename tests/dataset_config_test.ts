// The configuration file of server.ts --config (docs/CONFIG.md): every kind of problem it can
// have is reported as one line that starts with the setting's path (the stable part: the rest is
// prose), all of them at once; the program exits 2 with those lines. The example of
// docs/CONFIG.md is read as the server reads it.
import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { DATASET_LIMIT_NAMES, datasetConfig } from "../server/dataset_config.ts";
import { DatasetRefused } from "../server/open_dataset.ts";
import { openDatasets } from "../server/open_datasets.ts";
import { programConfig } from "../server/program_config.ts";
import { SERVER } from "./_program.ts";

const KEY = "02" + "11".repeat(32);
const ENV = { TRADES_URL: "postgres://sluice@db.internal/exchange", WEB: "https://example.com" };
const SQLITE = { name: "pay", sqlite: "pay.sqlite", table: "payments" };

/** The paths of the problems of a file, or `ok` when it has none. */
function problemPaths(config: unknown, env: Record<string, string> = ENV): string[] | "ok" {
  const r = datasetConfig(JSON.stringify(config), "conf/", env);
  return r.ok ? "ok" : r.error.map((line) => line.slice(0, line.indexOf(": ")));
}

Deno.test("a good file lists its datasets: SQLite paths beside the file, PostgreSQL URLs from the variables", () => {
  const r = datasetConfig(
    JSON.stringify({
      datasets: [
        { ...SQLITE, decimalColumns: { amount: 2, wei: null }, allow: [KEY.toUpperCase()] },
        { name: "trades", postgres: "TRADES_URL", table: "public.trades", columns: ["id", "ts"] },
        { name: "abs", sqlite: "/srv/abs.sqlite", table: "t", limits: { maxRowsPerRequest: 5 } },
      ],
    }),
    "conf/",
    ENV,
  );
  ok(r.ok, JSON.stringify(!r.ok && r.error));
  deepStrictEqual(r.value.map((d) => d.name), ["pay", "trades", "abs"]);
  deepStrictEqual(r.value[0].settings, {
    kind: "sqlite",
    path: "conf/pay.sqlite",
    table: { table: "payments", decimalColumns: { amount: 2, wei: null } },
  });
  deepStrictEqual(r.value[0].allow, [KEY]);
  deepStrictEqual(r.value[1].settings, {
    kind: "postgres",
    url: ENV.TRADES_URL,
    table: { table: "public.trades", columns: ["id", "ts"] },
  });
  equal(r.value[2].settings.kind === "sqlite" && r.value[2].settings.path, "/srv/abs.sqlite");
  deepStrictEqual(r.value[2].limits, { maxRowsPerRequest: 5 });
});

Deno.test("a dataset's row rule maps a token claim, or the identity itself, to a column", () => {
  const r = datasetConfig(
    JSON.stringify({
      datasets: [
        { ...SQLITE, rowFilter: { column: "account_id", claim: "acct" } },
        { ...SQLITE, name: "own", rowFilter: { column: "owner", identity: true } },
        { ...SQLITE, name: "all" },
      ],
    }),
    "conf/",
    ENV,
  );
  ok(r.ok, JSON.stringify(!r.ok && r.error));
  deepStrictEqual(r.value.map((d) => d.rowFilter), [
    { column: "account_id", claim: "acct" },
    { column: "owner", identity: true },
    undefined,
  ]);
});

Deno.test("a row rule on a column the table does not have, or cannot filter, is refused when the dataset opens", async () => {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const db = new DatabaseSync(path);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, account_id INTEGER)");
  db.close();
  try {
    const settings = { kind: "sqlite" as const, path, table: { table: "t", timeColumn: "ts" } };
    const good = await openDatasets([
      { name: "t", settings, limits: {}, rowFilter: { column: "account_id", claim: "acct" } },
    ]);
    deepStrictEqual(good.datasets[0].rowFilter, { column: "account_id", claim: "acct" });
    await good.close();
    const bad = await openDatasets([
      { name: "t", settings, limits: {}, rowFilter: { column: "acct", claim: "acct" } },
    ]).then(() => undefined, (error) => error);
    ok(bad instanceof DatasetRefused);
    deepStrictEqual(bad.problems.map((l: string) => /^(.*?: rowFilter\.column): /.exec(l)?.[1]), [
      "datasets[0] (t): rowFilter.column",
    ]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("the program's --row-filter-* flags are the one dataset's rule, and go with nothing else", () => {
  const table = ["--db", "pay.sqlite", "--table", "payments"];
  deepStrictEqual(
    programConfig([...table, "--row-filter-column", "account_id", "--row-filter-claim", "acct"], {})
      .rowFilter,
    { column: "account_id", claim: "acct" },
  );
  deepStrictEqual(
    programConfig(table, { SLUICE_ROW_FILTER_COLUMN: "owner", SLUICE_ROW_FILTER_IDENTITY: "1" })
      .rowFilter,
    { column: "owner", identity: true },
  );
  equal(programConfig(table, {}).rowFilter, undefined);
  for (
    const flags of [
      ["--row-filter-column", "account_id"],
      ["--row-filter-claim", "acct"],
      ["--row-filter-identity"],
      ["--row-filter-column", "a", "--row-filter-claim", "acct", "--row-filter-identity"],
      ["--row-filter-column", "a", "--row-filter-claim", ""],
    ]
  ) {
    throws(() => programConfig([...table, ...flags], {}), TypeError, flags.join(" "));
  }
});

Deno.test("the per-dataset limits are the limit table's per-request ones", () => {
  deepStrictEqual([...DATASET_LIMIT_NAMES].sort(), [
    "maxFilters",
    "maxInValues",
    "maxRowsPerRequest",
  ]);
});

Deno.test("a file that is not a JSON object of datasets is one problem of the file", () => {
  equal(datasetConfig("{", "", {}).ok, false);
  deepStrictEqual(
    [problemPaths([]), problemPaths("x"), problemPaths(null)],
    [["(file)"], ["(file)"], ["(file)"]],
  );
  const notJson = datasetConfig("{ datasets: [] }", "", {});
  ok(!notJson.ok);
  match(notJson.error[0], /^\(file\): not JSON/);
});

Deno.test("every kind of problem is one line starting with its setting's path", () => {
  const cases: [string, unknown, string[]][] = [
    ["no datasets", {}, ["datasets"]],
    ["an empty list", { datasets: [] }, ["datasets"]],
    ["too many", { datasets: Array(65).fill(SQLITE) }, ["datasets"]],
    ["a setting the file does not have", { datasets: [SQLITE], default: "pay" }, ["default"]],
    ["a dataset that is not an object", { datasets: ["pay"] }, ["datasets[0]"]],
    ["a misspelt setting", { datasets: [{ ...SQLITE, colums: ["id"] }] }, ["datasets[0].colums"]],
    ["a name with a space", { datasets: [{ ...SQLITE, name: "my pay" }] }, ["datasets[0].name"]],
    ["no name", { datasets: [{ sqlite: "a", table: "t" }] }, ["datasets[0].name"]],
    ["a name twice", { datasets: [SQLITE, SQLITE] }, ["datasets[1].name"]],
    ["no table", { datasets: [{ name: "a", sqlite: "a" }] }, ["datasets[0].table"]],
    ["an empty table", { datasets: [{ ...SQLITE, table: "" }] }, ["datasets[0].table"]],
    ["a key column not text", { datasets: [{ ...SQLITE, keyColumn: 1 }] }, [
      "datasets[0].keyColumn",
    ]],
    ["a time column not text", { datasets: [{ ...SQLITE, timeColumn: [] }] }, [
      "datasets[0].timeColumn",
    ]],
    ["columns not a list of names", { datasets: [{ ...SQLITE, columns: "id,ts" }] }, [
      "datasets[0].columns",
    ]],
    ["timestamp columns with an empty name", {
      datasets: [{ ...SQLITE, timestampColumns: [""] }],
    }, ["datasets[0].timestampColumns"]],
    ["text columns not names", { datasets: [{ ...SQLITE, textColumns: [1] }] }, [
      "datasets[0].textColumns",
    ]],
    ["no source", { datasets: [{ name: "a", table: "t" }] }, ["datasets[0].sqlite"]],
    ["two sources", { datasets: [{ ...SQLITE, postgres: "TRADES_URL" }] }, [
      "datasets[0].sqlite",
    ]],
    ["a SQLite path not text", { datasets: [{ ...SQLITE, sqlite: 3 }] }, ["datasets[0].sqlite"]],
    ["a URL where the variable's name goes", {
      datasets: [{ name: "t", postgres: "postgres://u:secret@db/x", table: "t" }],
    }, ["datasets[0].postgres"]],
    ["a variable that is not set", {
      datasets: [{ name: "t", postgres: "MISSING_URL", table: "t" }],
    }, ["datasets[0].postgres"]],
    ["a variable that holds no PostgreSQL URL", {
      datasets: [{ name: "t", postgres: "WEB", table: "t" }],
    }, ["datasets[0].postgres"]],
    ["decimal columns for PostgreSQL", {
      datasets: [{ name: "t", postgres: "TRADES_URL", table: "t", decimalColumns: { a: 2 } }],
    }, ["datasets[0].decimalColumns"]],
    ["decimal columns not an object", { datasets: [{ ...SQLITE, decimalColumns: ["a:2"] }] }, [
      "datasets[0].decimalColumns",
    ]],
    ["a scale beyond 30", { datasets: [{ ...SQLITE, decimalColumns: { a: 31, b: 1.5 } }] }, [
      "datasets[0].decimalColumns.a",
      "datasets[0].decimalColumns.b",
    ]],
    ["an allow list that is not a list", { datasets: [{ ...SQLITE, allow: KEY }] }, [
      "datasets[0].allow",
    ]],
    ["an allow entry that is neither key nor address", {
      datasets: [{ ...SQLITE, allow: [KEY, "alice", 7] }],
    }, ["datasets[0].allow[1]", "datasets[0].allow[2]"]],
    ["limits not an object", { datasets: [{ ...SQLITE, limits: 10 }] }, ["datasets[0].limits"]],
    ["a limit that is not per request", {
      datasets: [{ ...SQLITE, limits: { maxConnections: 3 } }],
    }, ["datasets[0].limits.maxConnections"]],
    ["a limit that is not a whole number of at least 1", {
      datasets: [{
        ...SQLITE,
        limits: { maxFilters: 0, maxInValues: 2.5, maxRowsPerRequest: "9" },
      }],
    }, [
      "datasets[0].limits.maxFilters",
      "datasets[0].limits.maxInValues",
      "datasets[0].limits.maxRowsPerRequest",
    ]],
    ["a row rule that is not an object", { datasets: [{ ...SQLITE, rowFilter: "acct" }] }, [
      "datasets[0].rowFilter",
    ]],
    ...[
      { claim: "acct" },
      { column: "", claim: "acct" },
      { column: "account_id" },
      { column: "account_id", claim: "" },
      { column: "account_id", claim: 7 },
      { column: "account_id", identity: "yes" },
      { column: "account_id", claim: "acct", identity: true },
      { column: "account_id", claim: "acct", value: 1 },
    ].map((rowFilter): [string, unknown, string[]] => [
      `the row rule ${JSON.stringify(rowFilter)}`,
      { datasets: [{ ...SQLITE, rowFilter }] },
      ["datasets[0].rowFilter"],
    ]),
  ];
  for (const [what, config, paths] of cases) deepStrictEqual(problemPaths(config), paths, what);
});

Deno.test("every problem of every dataset is reported, not only the first", () => {
  deepStrictEqual(
    problemPaths({
      datasets: [
        { ...SQLITE, name: "a b", limits: { rows: 1 } },
        { name: "t", postgres: "MISSING_URL", table: 7 },
        SQLITE,
        SQLITE,
      ],
    }),
    [
      "datasets[0].name",
      "datasets[0].limits.rows",
      "datasets[1].table",
      "datasets[1].postgres",
      "datasets[3].name",
    ],
  );
});

Deno.test("a variable's URL that cannot be parsed is named, never shown: it may hold a password", () => {
  const config = { datasets: [{ name: "t", postgres: "BAD_URL", table: "t" }] };
  const r = datasetConfig(JSON.stringify(config), "", {
    BAD_URL: "postgres://sluice:s3cret@db.internal:99999/x",
  });
  ok(!r.ok);
  equal(r.error.length, 1);
  ok(r.error[0].startsWith("datasets[0].postgres") && r.error[0].includes("BAD_URL"), r.error[0]);
  ok(!r.error[0].includes("s3cret"), r.error[0]);
});

Deno.test("the full example of docs/CONFIG.md is a good file", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/CONFIG.md", import.meta.url));
  const example = /<!-- example: config -->\s*```json\n([\s\S]*?)```/.exec(doc);
  ok(example, "docs/CONFIG.md has no example marked <!-- example: config -->");
  const r = datasetConfig(example[1], "", { LEDGER_DATABASE_URL: "postgres://sluice@db/books" });
  ok(r.ok, JSON.stringify(!r.ok && r.error));
  ok(r.value.length >= 2);
  ok(r.value.some((d) => d.settings.kind === "sqlite"));
  ok(r.value.some((d) => d.settings.kind === "postgres"));
  ok(r.value.some((d) => d.allow !== undefined));
  ok(r.value.some((d) => Object.keys(d.limits).length > 0));
  ok(r.value.some((d) => d.rowFilter !== undefined));
});

/** Runs the server program to its exit. */
async function serverRun(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVER, "--port", "0", "--anonymous", ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("server.ts --config exits 2 with a line per problem of the file, of its tables, or of its flags", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_config_" });
  try {
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(
      bad,
      JSON.stringify({
        datasets: [{ name: "a b", sqlite: "x.sqlite", table: "t" }, { name: "t", table: "t" }],
      }),
    );
    const file = await serverRun(["--config", bad]);
    equal(file.code, 2, file.stderr);
    const lines = file.stderr.trim().split("\n");
    deepStrictEqual(lines.map((l) => /^sluice: (\S+): (\S+): /.exec(l)?.slice(1, 3)), [
      [bad, "datasets[0].name"],
      [bad, "datasets[1].sqlite"],
    ]);
    // A good file of tables that are not there: every dataset's problem, then exit 2.
    const missing = `${dir}/missing.json`;
    await Deno.writeTextFile(
      missing,
      JSON.stringify({
        datasets: [
          { name: "a", sqlite: "none.sqlite", table: "t" },
          { name: "b", sqlite: "none.sqlite", table: "t" },
        ],
      }),
    );
    const tables = await serverRun(["--config", missing]);
    equal(tables.code, 2, tables.stderr);
    match(tables.stderr, /^sluice: datasets\[0\] \(a\): /m);
    match(tables.stderr, /^sluice: datasets\[1\] \(b\): /m);
    // Flags of one dataset beside the file, and a file that is not there: usage errors.
    const beside = await serverRun(["--config", missing, "--table", "t"]);
    equal(beside.code, 2, beside.stderr);
    match(beside.stderr, /--table/);
    const absent = await serverRun(["--config", `${dir}/absent.json`]);
    equal(absent.code, 2, absent.stderr);
    match(absent.stderr, /absent\.json/);
    // A row rule on a column the table does not have: one line, then exit 2; in the file, and as
    // flags of one table.
    const db = new DatabaseSync(`${dir}/t.sqlite`);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, ts INTEGER, account_id INTEGER)");
    db.close();
    const ruled = `${dir}/ruled.json`;
    await Deno.writeTextFile(
      ruled,
      JSON.stringify({
        datasets: [{
          name: "t",
          sqlite: "t.sqlite",
          table: "t",
          timeColumn: "ts",
          rowFilter: { column: "acct", claim: "a" },
        }],
      }),
    );
    const rule = await serverRun(["--config", ruled]);
    equal(rule.code, 2, rule.stderr);
    deepStrictEqual(
      rule.stderr.trim().split("\n").map((l) => /^sluice: (.*?): rowFilter\.column: /.exec(l)?.[1]),
      [
        "datasets[0] (t)",
      ],
    );
    const flags = ["--db", `${dir}/t.sqlite`, "--table", "t", "--time-column", "ts"];
    const flagged = await serverRun([
      ...flags,
      "--row-filter-column",
      "acct",
      "--row-filter-claim",
      "a",
    ]);
    equal(flagged.code, 2, flagged.stderr);
    match(flagged.stderr.trim(), /^sluice: --row-filter-column: acct is not a column[^\n]*$/);
    const both = await serverRun([
      "--config",
      ruled,
      "--row-filter-column",
      "account_id",
      "--row-filter-claim",
      "a",
    ]);
    equal(both.code, 2, both.stderr);
    match(both.stderr, /rowFilter/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--config (or SLUICE_CONFIG) gives the program its datasets, its key file beside the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_config_" });
  try {
    const path = `${dir}/sluice.json`;
    await Deno.writeTextFile(path, JSON.stringify({ datasets: [SQLITE] }));
    for (
      const config of [
        programConfig(["--config", path], {}),
        programConfig([], { SLUICE_CONFIG: path }),
      ]
    ) {
      deepStrictEqual(config.datasets?.map((d) => d.name), ["pay"]);
      deepStrictEqual(config.dataset, config.datasets?.[0].settings);
      equal(config.dataset.kind === "sqlite" && config.dataset.path, `${dir}/pay.sqlite`);
      equal(config.identityKeyFile, `${dir}/server-identity.key`);
    }
    equal(programConfig([], {}).datasets, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
