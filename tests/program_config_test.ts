// The server program's settings: which dataset its flags (or the variables that stand for them
// under `deno serve`) name, and the flags that do not go together, each refused with a TypeError.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { programConfig } from "../server/program_config.ts";

Deno.test("without --table the program serves the demo table, in data/ unless --db says", () => {
  deepStrictEqual(programConfig([], {}).dataset, {
    kind: "demo",
    path: "data/demo.sqlite",
    rows: 1_000_000,
  });
  deepStrictEqual(programConfig(["--db", "x/d.sqlite", "--demo-rows", "5000"], {}).dataset, {
    kind: "demo",
    path: "x/d.sqlite",
    rows: 5000,
  });
});

Deno.test("--db with --table names a SQLite table, with what the flags say of its columns", () => {
  const config = programConfig([
    ...["--db", "pay.sqlite", "--table", "payments", "--columns", "id, paid_at,amount"],
    ...["--key-column", "id", "--time-column", "paid_at", "--timestamp-columns", "settled_at"],
    ...["--text-columns", "meta", "--decimal-columns", "amount:2,wei"],
  ], {});
  deepStrictEqual(config.dataset, {
    kind: "sqlite",
    path: "pay.sqlite",
    table: {
      table: "payments",
      columns: ["id", "paid_at", "amount"],
      keyColumn: "id",
      timeColumn: "paid_at",
      timestampColumns: ["settled_at"],
      textColumns: ["meta"],
      decimalColumns: { amount: 2, wei: null },
    },
  });
  equal(config.identityKeyFile, "server-identity.key");
});

Deno.test("the environment names a PostgreSQL table as the flags do, for deno serve", () => {
  const config = programConfig([], {
    SLUICE_DATABASE_URL: "postgres://app:secret@db/exchange",
    SLUICE_TABLE: "public.trades",
    SLUICE_TEXT_COLUMNS: "venue",
    SLUICE_TIME_COLUMN: "executed_at",
  });
  deepStrictEqual(config.dataset, {
    kind: "postgres",
    url: "postgres://app:secret@db/exchange",
    table: { table: "public.trades", timeColumn: "executed_at", textColumns: ["venue"] },
  });
  // No SQLite file to keep it beside: the identity key lives in data/.
  equal(config.identityKeyFile, "data/server-identity.key");
});

Deno.test("flags that do not go together are refused before anything opens", () => {
  const refused = [
    ["--db", "a.sqlite", "--database-url", "postgres://db/x", "--table", "t"],
    ["--database-url", "postgres://db/x"],
    ["--table", "t"],
    ["--db", "a.sqlite", "--table", "t", "--demo-rows", "10"],
    ["--columns", "a,b"],
    ["--db", "a.sqlite", "--time-column", "ts"],
    ["--database-url", "mysql://db/x", "--table", "t"],
    ["--database-url", "postgres://db/x", "--table", "t", "--decimal-columns", "a:2"],
    ["--db", "a.sqlite", "--table", "t", "--decimal-columns", "a:x"],
    ["--db", "a.sqlite", "--table", "t", "--decimal-columns", "a:2:3"],
    ["--db", "a.sqlite", "--table", "t", "--decimal-columns", "a:31"],
  ];
  for (const args of refused) throws(() => programConfig(args, {}), TypeError, args.join(" "));
  throws(() => programConfig([], { SLUICE_TABLE: "t", SLUICE_DEMO_ROWS: "5" }), TypeError);
  // A URL that does not parse is refused without repeating it: it may hold a password.
  const secret = "postgres://sluice:s3cret@db.internal:99999/x";
  for (
    const [args, env] of [
      [["--database-url", secret, "--table", "t"], {}],
      [[], { SLUICE_DATABASE_URL: secret, SLUICE_TABLE: "t" }],
    ] as const
  ) {
    throws(() => programConfig(args, env), (e: unknown) => {
      ok(e instanceof TypeError && /--database-url is not a valid URL/.test(e.message), String(e));
      return !e.message.includes("s3cret");
    });
  }
});

Deno.test("--chain-id names the chain of wallets' sign-in messages, a positive whole number", () => {
  equal(programConfig([], {}).chainId, undefined);
  equal(programConfig(["--chain-id", "137"], {}).chainId, 137);
  equal(programConfig([], { SLUICE_CHAIN_ID: "10" }).chainId, 10);
  for (const bad of ["0", "-1", "1.5", "x", "9007199254740992"]) {
    throws(() => programConfig(["--chain-id", bad], {}), TypeError, bad);
  }
});

Deno.test("--help is a setting, not an error", () => {
  equal(programConfig(["--help"], {}).help, true);
  equal(programConfig([], {}).help, false);
});
