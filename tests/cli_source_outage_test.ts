// The database behind a running server goes away and comes back: the command-line client, turned
// away with SOURCE_UNAVAILABLE, says so, waits as the server asks, asks again by itself, and writes
// the whole export once PostgreSQL is back, without being run again. A real server program and a
// real PostgreSQL cluster (halted with pg_ctl); source_outage_pair_test.ts proves the same rules,
// mid-export, on a fake clock.
import { equal, match } from "node:assert/strict";
import { CLIENT, Program, SERVER } from "./_program.ts";
import { startCluster } from "./_postgres.ts";

Deno.test("the CLI waits out a PostgreSQL outage and completes the export when the database is back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_outage_" });
  const cluster = await startCluster();
  let server: Program | undefined;
  let client: Program | undefined;
  try {
    // The table first: the server reads its catalog as it starts.
    await cluster.psql(`CREATE TABLE payments (id bigint PRIMARY KEY, at timestamptz NOT NULL,
        amount numeric(12,2) NOT NULL);
      INSERT INTO payments SELECT g, timestamptz '2024-01-01' + g * interval '1 minute',
        g * 1.25 FROM generate_series(1, 500) g`);
    server = new Program([
      ...["run", "-A", SERVER, "--port", "0", "--anonymous"],
      ...["--database-url", cluster.url, "--table", "payments"],
      ...["--identity-key-file", `${dir}/server-identity.key`],
    ]);
    const [, url] = await server.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    await cluster.halt();
    client = new Program([
      ...["run", "-A", CLIENT, url, "--from", "2024-01-01", "--to", "2025-01-01"],
      ...["-o", `${dir}/payments.csv`],
    ]);
    await client.waitFor("stderr", /SOURCE_UNAVAILABLE: asking again \(attempt 1 of \d+, in/);
    await cluster.start();
    const status = await client.status;
    equal(status.code, 0, client.stderr);
    const lines = (await Deno.readTextFile(`${dir}/payments.csv`)).trimEnd().split(/\r?\n/);
    equal(lines.length, 501);
    equal(lines[0], "id,at,amount");
    equal(lines[500], "500,2024-01-01T08:20:00.000Z,625.00");
    // The same rows psql selects, in the same order.
    const ids = await cluster.psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM payments");
    equal(lines.slice(1).map((l) => l.split(",")[0]).join(","), ids.trim());
    // Turned away before its first row: it went on from row 0.
    match(client.stderr, /^resumed at row 0$/m);
  } finally {
    await client?.stop();
    await server?.stop();
    await cluster.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
