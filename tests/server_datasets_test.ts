// createServer's datasets (server/server_datasets.ts): what a server of several sources is made
// of, and the options it refuses before any connection.
import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { openDemoSource } from "../server/demo_data.ts";
import { servedDatasets } from "../server/server_datasets.ts";
import { createServer } from "../server/create_server.ts";

const KEY = "02" + "11".repeat(32);

Deno.test("a server of datasets gives its sessions each one's schema, allow list and limits, the first as default", async () => {
  // A directory of its own: the demo file is in WAL mode, with side files beside it.
  const dir = Deno.makeTempDirSync({ prefix: "sluice_datasets_" });
  const source = openDemoSource(`${dir}/demo.sqlite`, 5);
  try {
    const served = servedDatasets({
      datasets: [
        { name: "trades", source },
        {
          name: "copy",
          source,
          allow: [KEY.toUpperCase()],
          limits: { maxRowsPerRequest: 3, maxFilters: 2 },
        },
      ],
    });
    equal(served.source, source);
    equal(served.schema, served.datasets?.[0].schema);
    deepStrictEqual(served.datasets?.[1].allow, new Set([KEY]));
    deepStrictEqual(served.datasets?.[1].requestLimits, { maxFilters: 2 });
    equal(served.datasets?.[1].maxRows, 3);
    deepStrictEqual([...served.sources!.keys()], ["trades", "copy"]);
    // One unnamed source: no datasets, and so no name a request may give.
    equal(servedDatasets({ source }).datasets, undefined);

    const refused: [string, Parameters<typeof servedDatasets>[0]][] = [
      ["neither", {}],
      ["both", { source, datasets: [{ name: "a", source }] }],
      ["none", { datasets: [] }],
      ["a bad name", { datasets: [{ name: "a b", source }] }],
      ["a name twice", { datasets: [{ name: "a", source }, { name: "a", source }] }],
      ["a bad allow entry", { datasets: [{ name: "a", source, allow: ["alice"] }] }],
    ];
    for (const [what, options] of refused) {
      throws(() => servedDatasets(options), TypeError, what);
      throws(() => createServer(options), TypeError, what);
    }
  } finally {
    await source.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
