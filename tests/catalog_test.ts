import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { type CatalogColumn, schemaFromCatalog } from "../server/catalog.ts";
import {
  type PostgresCatalogColumn,
  postgresColumnKinds,
  postgresSchema,
} from "../server/postgres_catalog.ts";

const col = (
  name: string,
  mapped: CatalogColumn["mapped"],
  primaryKey = false,
  nativeType = "t",
): CatalogColumn => ({ name, nativeType, mapped, primaryKey });

const TABLE: CatalogColumn[] = [
  col("id", { type: "integer" }, true),
  col("created", { type: "integer" }),
  col("at", { type: "timestamp" }),
  col("later", { type: "timestamp" }),
  col("price", { type: "decimal", scale: 8 }),
  col("ratio", { unsupported: "binary floating point" }, false, "REAL"),
];

Deno.test("the key is the integer primary key and the time the first timestamp, unless named", () => {
  const r = schemaFromCatalog(TABLE, { table: "t", textColumns: ["ratio"] });
  ok(r.ok);
  equal(r.value.keyColumn, "id");
  equal(r.value.timeColumn, "at");
  deepStrictEqual(r.value.columns.map((c) => c.type), [
    "integer",
    "integer",
    "timestamp",
    "timestamp",
    "decimal",
    "text",
  ]);
  const named = schemaFromCatalog(TABLE, {
    table: "t",
    columns: ["created", "price", "id"],
    keyColumn: "id",
    timeColumn: "created",
  });
  ok(named.ok);
  // An integer named as the time column holds epoch milliseconds; the order is the list's.
  deepStrictEqual(named.value.columns, [
    { name: "created", type: "timestamp" },
    { name: "price", type: "decimal", scale: 8 },
    { name: "id", type: "integer" },
  ]);
  const stamps = schemaFromCatalog(TABLE, {
    table: "t",
    columns: ["id", "created", "at"],
    timestampColumns: ["created"],
  });
  ok(stamps.ok);
  equal(stamps.value.timeColumn, "created");
});

Deno.test("each problem is one line that names its column", () => {
  const cases: [Parameters<typeof schemaFromCatalog>[1], string[]][] = [
    [{ table: "t" }, ["ratio"]],
    [{ table: "t", columns: ["id", "at", "nope"] }, ["nope"]],
    [{ table: "t", columns: ["id", "at", "id"] }, ["twice"]],
    [{ table: "t", columns: ["at", "price"] }, ["id"]],
    [{ table: "t", columns: ["id", "at"], keyColumn: "at" }, ["at"]],
    [{ table: "t", columns: ["id", "price"] }, ["timestamp"]],
    [{ table: "t", columns: ["id", "price"], timeColumn: "price" }, ["price"]],
    [{ table: "t", columns: ["id", "at"], timeColumn: "later" }, ["later"]],
    [{ table: "t", columns: ["id", "at"], textColumns: ["at"], timeColumn: "at" }, ["at"]],
    [{ table: "t", columns: ["id", "at"], timestampColumns: ["ghost"] }, ["ghost"]],
  ];
  for (const [options, names] of cases) {
    const r = schemaFromCatalog(TABLE, options);
    ok(!r.ok, JSON.stringify(options));
    equal(r.error.length, names.length, `${JSON.stringify(options)}: ${r.error.join(" | ")}`);
    for (const [i, name] of names.entries()) ok(r.error[i].includes(name), r.error[i]);
    ok(r.error.every((line) => !line.includes("\n")));
  }
  const keyless = schemaFromCatalog(TABLE.map((c) => ({ ...c, primaryKey: false })), {
    table: "t",
    textColumns: ["ratio"],
  });
  ok(!keyless.ok && keyless.error.length === 1);
  // Each problem a setting solves names it, as a flag and as the config file's key.
  const unsupported = schemaFromCatalog(TABLE, { table: "t" });
  const timeless = schemaFromCatalog(TABLE, { table: "t", columns: ["id", "price"] });
  for (
    const [r, flag, key] of [
      [unsupported, "--text-columns", "textColumns"],
      [timeless, "--time-column", "timeColumn"],
      [keyless, "--key-column", "keyColumn"],
    ] as const
  ) {
    ok(!r.ok && r.error[0].includes(flag) && r.error[0].includes(key), JSON.stringify(r));
  }
});

const pg = (name: string, type: string, typname: string, primaryKey = false) => ({
  name,
  type,
  typname,
  deterministic: true,
  primaryKey,
});

Deno.test("PostgreSQL numeric keeps its scale; without one, or beyond 30, it is exact text", () => {
  const columns: PostgresCatalogColumn[] = [
    pg("id", "bigint", "int8", true),
    pg("at", "timestamp with time zone", "timestamptz"),
    pg("a", "numeric(20,8)", "numeric"),
    pg("b", "numeric", "numeric"),
    pg("c", "numeric(5,-2)", "numeric"),
    pg("d", "numeric(60,31)", "numeric"),
    pg("e", "numeric(30,30)", "numeric"),
  ];
  const r = postgresSchema(columns, { table: "t" });
  ok(r.ok);
  deepStrictEqual(r.value.columns.slice(2), [
    { name: "a", type: "decimal", scale: 8 },
    { name: "b", type: "decimal" },
    { name: "c", type: "decimal", scale: 0 },
    { name: "d", type: "decimal" },
    { name: "e", type: "decimal", scale: 30 },
  ]);
  // The source reads exactly what the catalog mapped, and refuses a scale the column lacks.
  ok(postgresColumnKinds(r.value, columns).ok);
  const wrong = postgresColumnKinds({
    ...r.value,
    columns: [...r.value.columns.slice(0, 2), { name: "a", type: "decimal", scale: 2 }],
  }, columns);
  ok(!wrong.ok && wrong.error.length === 1 && wrong.error[0].includes("a"));
});

Deno.test("PostgreSQL types sluice cannot export exactly are refused unless exported as text", () => {
  const columns = [
    pg("id", "integer", "int4", true),
    pg("at", "timestamp without time zone", "timestamp"),
    pg("f", "double precision", "float8"),
    pg("m", "money", "money"),
    pg("j", "jsonb", "jsonb"),
    pg("code", "character(4)", "bpchar"),
    pg("u", "uuid", "uuid"),
  ];
  const r = postgresSchema(columns, { table: "t" });
  ok(!r.ok);
  deepStrictEqual(r.error.map((line) => line.split(" ")[1]), ["f", "m", "j"]);
  const text = postgresSchema(columns, { table: "t", textColumns: ["f", "m", "j"] });
  ok(text.ok);
  const kinds = postgresColumnKinds(text.value, columns);
  ok(kinds.ok);
  deepStrictEqual(kinds.value.map((c) => c.kind), [
    "integer",
    "timestamp",
    "cast_text",
    "cast_text",
    "cast_text",
    "cast_text",
    "uuid",
  ]);
});
