// The server program and the demo database's file: a file that is there already is never rebuilt
// or changed without being asked, and two servers starting on one missing file both serve it.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { createHash } from "node:crypto";
import { demoPath } from "./_harness.ts";
import { Program, SERVER, serverProgram } from "./_program.ts";

async function sha256(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

Deno.test("a start with another --demo-rows on an existing file refuses in one line and changes no byte of it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_demo_file_" });
  try {
    const path = `${dir}/demo.sqlite`;
    await Deno.copyFile(demoPath(1_000), path);
    const before = await sha256(path);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SERVER, "--port", "0", "--db", path, "--demo-rows", "5000"],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    equal(out.code, 2, stderr);
    equal(await sha256(path), before);
    // One line that says what the file holds and what to do.
    const lines = stderr.trim().split("\n");
    equal(lines.length, 1, stderr);
    match(lines[0], new RegExp(`^sluice: ${path} has 1000 demo rows, not 5000: .*--db`));
    // Nothing was built beside it either.
    ok([...Deno.readDirSync(dir)].every((e) => !e.name.includes(".building-")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two servers starting at once on one missing file both serve it, and neither replaces the other's", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice_demo_race_" });
  const path = `${dir}/demo.sqlite`;
  const servers = [serverProgram(path, 20_000), serverProgram(path, 20_000)];
  try {
    for (const server of servers) {
      await server.waitFor("stdout", /^sluice listening on /m);
      equal(server.stderr.includes("locked"), false, server.stderr);
    }
    // One file, built by one of them, and no build of the other left beside it.
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
      !/-(wal|shm)$/.test(n)
    ).sort();
    deepStrictEqual(names, ["demo.sqlite", "server-identity.key"]);
    // Each process reads the file that is there, not one unlinked under it by the other.
    for (const server of servers) {
      const open = [...Deno.readDirSync(`/proc/${server.pid}/fd`)].flatMap((fd) => {
        try {
          return [Deno.readLinkSync(`/proc/${server.pid}/fd/${fd.name}`)];
        } catch (error) {
          if (error instanceof Deno.errors.NotFound) return []; // closed meanwhile
          throw error;
        }
      });
      ok(open.includes(path), open.join("\n"));
      ok(!open.some((f) => f.startsWith(path) && f.endsWith("(deleted)")), open.join("\n"));
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("server.ts --help prints its usage and exits 0", async () => {
  const help = new Program(["run", "-A", SERVER, "--help"]);
  const status = await help.status;
  await help.stop();
  equal(status.code, 0);
  match(help.stdout, /^usage: server\.ts /);
  match(help.stdout, /--table NAME/);
});
