// The pool's own bounds, checked before any connection is made (no cluster needed).
import { equal, throws } from "node:assert/strict";
import { PostgresPool } from "../server/postgres_pool.ts";

const URL = "postgres://nobody@127.0.0.1:1/none";

Deno.test("snapshots may never hold every connection of the pool", async () => {
  throws(() => new PostgresPool({ url: URL, maxConnections: 2, maxReserved: 2 }), RangeError);
  throws(() => new PostgresPool({ url: URL, maxConnections: 4, maxReserved: -1 }), RangeError);
  throws(() => new PostgresPool({ url: URL, maxConnections: 4, maxReserved: 1.5 }), RangeError);
  // A pool of one keeps its one connection for reads without a snapshot.
  const one = new PostgresPool({ url: URL, maxConnections: 1 });
  equal(await one.snapshot(), undefined, "no snapshot: it would take the only connection");
  throws(() => new PostgresPool({ url: URL, maxConnections: 1, maxReserved: 1 }), RangeError);
  await one.close();
});
