// `client.ts --columns a,b,c` as a real program against an in-process server: the file holds
// exactly what sqlite3 selects of those columns in that order; a name the dataset lacks is the
// server's UNKNOWN_COLUMN, said with the flag and the columns it has; a repeat is bad usage.
import { equal, match } from "node:assert/strict";
import { demoPath, startServer } from "./_harness.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import { runClient as client } from "./_program.ts";

const ROWS = 5000;
const FROM = "2024-01-01T00:00:00Z";
const TO = "2024-01-03T00:00:00Z";

Deno.test("--columns writes only those columns, in that order, exactly as sqlite3 selects them", async () => {
  const server = startServer(ROWS);
  const dir = await Deno.makeTempDir({ prefix: "sluice-columns-" });
  try {
    const columns = ["price", "ts", "note", "id"];
    const file = `${dir}/out.csv`;
    const run = await client([
      server.url,
      "--from",
      FROM,
      "--to",
      TO,
      "--filter",
      "side=buy",
      "--columns",
      columns.join(","),
      "-o",
      file,
    ]);
    equal(run.code, 0, run.stderr);
    const expected = await sqlite3Csv(
      demoPath(ROWS),
      Date.parse(FROM),
      Date.parse(TO),
      ` AND side = 'buy'`,
      columns,
    );
    equal(await sha256Hex(await Deno.readFile(file)), await sha256Hex(expected));

    const unknown = await client([
      server.url,
      "--from",
      FROM,
      "--to",
      TO,
      "--columns",
      "ts,colour",
    ]);
    equal(unknown.code, 1);
    match(unknown.stderr, /UNKNOWN_COLUMN: .*--columns ts,colour; column: colour; columns: id, ts/);

    const twice = await client([server.url, "--from", FROM, "--to", TO, "--columns", "ts,id,ts"]);
    equal(twice.code, 2);
    match(twice.stderr, /--columns ts,id,ts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await server.close();
  }
});
