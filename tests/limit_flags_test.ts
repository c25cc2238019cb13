// The server program's flags for its limits (server/limit_flags.ts): one per row of the limits
// table that has an option, each setting that option of createServer, from the flag or from its
// environment variable.
import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { LIMIT_TABLE } from "../protocol/limit_table.ts";
import { programConfig } from "../server/program_config.ts";
import { limitEnvName } from "../server/limit_flags.ts";
import { createServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { demoPath } from "./_harness.ts";

const FLAGGED = LIMIT_TABLE.filter((row) => row.flag !== undefined);

/** The value an option path reaches in an options object. */
function at(options: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (o, key) => (o as Record<string, unknown>)?.[key],
    options,
  );
}

Deno.test("every limit with a flag sets its createServer or guard option, from the flag or the environment", async () => {
  const args = FLAGGED.flatMap((row, i) => [row.flag!, String(10_000_000 + i)]);
  const flagged = programConfig(args, {});
  const fromFlags = flagged.limits as Record<string, unknown>;
  const env = Object.fromEntries(FLAGGED.map((row, i) => [limitEnvName(row.flag!), String(7 + i)]));
  const fromEnv = programConfig([], env);
  // The upgrade guard's rows set the guard the program serves through, the others createServer.
  const set = (config: typeof flagged, option: string) =>
    option.startsWith("serveGuarded.")
      ? at(config.guard, option.slice("serveGuarded.".length))
      : at(config.limits as Record<string, unknown>, option);
  FLAGGED.forEach((row, i) => {
    equal(set(flagged, row.option!), 10_000_000 + i, row.flag);
    equal(set(fromEnv, row.option!), 7 + i, row.flag);
  });
  // Flags win over the environment.
  equal(
    programConfig(["--max-connections", "5"], { SLUICE_MAX_CONNECTIONS: "6" }).limits
      .maxConnections,
    5,
  );
  // And createServer takes them all.
  const source = openDemoSource(demoPath(1000), 1000);
  try {
    createServer({ source, ...fromFlags });
  } finally {
    await source.close();
  }
});

Deno.test("a limit flag that is not a whole number of at least 1 is refused, naming the flag", () => {
  for (const bad of ["0", "-1", "1.5", "lots", ""]) {
    throws(() => programConfig(["--max-queued-bytes", bad], {}), /--max-queued-bytes/);
  }
});

Deno.test("--allowed-origins takes a list, from the flags and from SLUICE_ALLOWED_ORIGINS", () => {
  deepStrictEqual(
    programConfig([
      "--allowed-origins",
      "https://a.example",
      "--allowed-origins",
      "https://b.example",
    ], {})
      .limits.allowedOrigins,
    ["https://a.example", "https://b.example"],
  );
  deepStrictEqual(
    programConfig([], { SLUICE_ALLOWED_ORIGINS: "https://a.example, https://b.example" }).limits
      .allowedOrigins,
    ["https://a.example", "https://b.example"],
  );
  equal(programConfig([], {}).limits.allowedOrigins, undefined);
});
