// The schema document of docs/PROTOCOL.md §17: built from a source's schema, read back strictly,
// and the document's own example checked against the code.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { DEMO_SCHEMA } from "../server/demo_data.ts";
import {
  parseSchemaDocument,
  type SchemaColumn,
  schemaDocument,
} from "../protocol/schema_document.ts";

const doc = await Deno.readTextFile(new URL("../docs/PROTOCOL.md", import.meta.url));

type Parsed = { timeColumn: string; columns: readonly SchemaColumn[] };

/** What a parsed document says of a table, as the server's schema would say it. */
function tableOf<T extends Parsed>(parsed: T) {
  return {
    ...parsed,
    columns: parsed.columns.map(({ name, type, scale, filterable }) => ({
      name,
      type,
      ...(scale === undefined ? {} : { scale }),
      filterable,
    })),
  };
}

Deno.test("the examples of PROTOCOL.md §17 parse and are what the server builds for their columns", () => {
  const examples = [...doc.matchAll(/<!-- http: schema\.json -->\s*```json\n([\s\S]*?)```/g)];
  equal(examples.length, 2, "one dataset, and several");
  for (const [, text] of examples) {
    const parsed = parseSchemaDocument(text);
    ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
    const { datasets } = parsed.value;
    deepStrictEqual(
      parsed.value,
      schemaDocument(tableOf(parsed.value), datasets?.map((d) => tableOf(d))),
    );
    if (datasets !== undefined) {
      // The document's own columns are the default dataset's, the first.
      equal(parsed.value.timeColumn, datasets[0].timeColumn);
      deepStrictEqual(parsed.value.columns, datasets[0].columns);
    }
  }
});

Deno.test("a built document round-trips through JSON and the parser", () => {
  const built = schemaDocument(DEMO_SCHEMA);
  const parsed = parseSchemaDocument(JSON.stringify(built));
  ok(parsed.ok);
  deepStrictEqual(parsed.value, built);
});

Deno.test("a column that may not be filtered is listed with no operators", () => {
  const built = schemaDocument({
    timeColumn: "ts",
    columns: [{ name: "secret", type: "text", filterable: false }, {
      name: "ts",
      type: "timestamp",
    }],
  });
  deepStrictEqual(built.columns[0], {
    name: "secret",
    type: "text",
    filterable: false,
    operators: [],
  });
  equal(built.columns[1].filterable, true);
});

Deno.test("the parser refuses what the document does not define, with a code and a path", () => {
  const good = schemaDocument(DEMO_SCHEMA);
  const cases: [unknown, string, string][] = [
    [{ ...good, version: 2 }, "INVALID_VALUE", "version"],
    [{ ...good, extra: true }, "UNKNOWN_FIELD", "extra"],
    [{ version: 1, columns: [] }, "MISSING_FIELD", "timeColumn"],
    [{ ...good, datasets: [{ ...good, name: "ab" }] }, "UNKNOWN_FIELD", "datasets[0].version"],
    [
      { ...good, datasets: [{ name: "a b", timeColumn: "ts", columns: [] }] },
      "INVALID_VALUE",
      "datasets[0].name",
    ],
    [
      { ...good, columns: [{ ...good.columns[0], type: "float" }] },
      "INVALID_VALUE",
      "columns[0].type",
    ],
    [
      { ...good, columns: [{ ...good.columns[0], operators: ["like"] }] },
      "INVALID_VALUE",
      "columns[0].operators[0]",
    ],
  ];
  for (const [value, code, path] of cases) {
    const r = parseSchemaDocument(JSON.stringify(value));
    ok(!r.ok, JSON.stringify(value));
    equal(r.error.code, code);
    equal(r.error.details?.path, path);
  }
  const broken = parseSchemaDocument("{");
  ok(!broken.ok);
  equal(broken.error.code, "MALFORMED_JSON");
});
