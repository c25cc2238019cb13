// The server's entry points as real programs: `deno run server.ts` and `deno serve server.ts`,
// each started as a subprocess, downloaded from over a real socket and checked against the sqlite3
// CLI, then stopped with SIGTERM.
import { doesNotMatch, equal, match } from "node:assert/strict";
import { ClientBuilder } from "../client.ts";
import { demoPath, downloadCsv, RawPeer, requestMessage } from "./_harness.ts";
import { DEADLINE_MS, Program, SERVER, serverProgram } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";

const FROM = Date.parse("2024-01-01T00:00:00Z");
const TO = Date.parse("2030-01-01T00:00:00Z");

/** Resolves with `promise`, or rejects once `ms` have passed. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A download in flight when the server gets SIGTERM: the client hears SERVER_SHUTTING_DOWN and the
 * close (docs/PROTOCOL.md §9.6), the process exits 0.
 */
async function sigtermEndsDownload(url: string, server: Program, rows: number): Promise<void> {
  const peer = await RawPeer.open(url);
  try {
    peer.send(requestMessage("big", {
      searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
    }));
    equal((await peer.message("download:start", "big")).data.totalRows, rows);
    await peer.next((r) => r.kind === "frame" && r.frame.requestId === "big");
    server.signal("SIGTERM");
    // The download itself is not over for the client (it resumes elsewhere), so no
    // download:error and no download:complete name it.
    const error = await within(DEADLINE_MS, "system:error", peer.message("system:error"));
    equal(error.data.code, "SERVER_SHUTTING_DOWN");
    equal(error.data.recoverable, true);
    equal(error.data.retryAfter, 1000);
    const closed = await within(DEADLINE_MS, "the close", peer.closed);
    equal(closed.code, 1001);
    const ended = peer.drain().filter((r) =>
      r.kind === "message" && r.message.requestId === "big" &&
      (r.message.event === "download:complete" || r.message.event === "download:error")
    );
    equal(ended.length, 0, JSON.stringify(ended));
    const status = await within(DEADLINE_MS, "the exit", server.status);
    equal(status.code, 0, server.stderr);
  } finally {
    await peer.close();
  }
}

Deno.test("deno run server.ts serves the demo table and SIGTERM ends a running download with SERVER_SHUTTING_DOWN", async () => {
  // 100,000 rows make a CSV export of about 10 MB: well over the server's 4 MiB flow-control
  // window, so a reader that never acknowledges holds its download open.
  const rows = 100_000;
  const db = demoPath(rows);
  const server = serverProgram(db, rows);
  try {
    const [, url, database] = await server.waitFor(
      "stdout",
      /^sluice listening on (ws:\/\/127\.0\.0\.1:\d+\/) \(database (.*)\)$/m,
    );
    equal(database, db);

    const { bytes, rows: downloaded } = await downloadCsv(new ClientBuilder(url));
    equal(downloaded, rows);
    equal(await sha256Hex(bytes), await sha256Hex(await sqlite3Csv(db, FROM, TO)));

    await sigtermEndsDownload(url, server, rows);
    match(server.stderr, /sluice: SIGTERM, ending downloads/);
    // Deno warns of a main module with a default `{ fetch }` that returns under `deno run`.
    doesNotMatch(server.stderr, /deno serve/);
  } finally {
    await server.stop();
  }
});

Deno.test("deno serve server.ts serves the database named by SLUICE_DB and SIGTERM ends a running download with SERVER_SHUTTING_DOWN", async () => {
  const rows = 100_000;
  const db = demoPath(rows);
  const server = new Program(
    ["serve", "-A", "--host", "127.0.0.1", "--port", "0", SERVER],
    { SLUICE_DB: db, SLUICE_DEMO_ROWS: String(rows), SLUICE_ANONYMOUS: "1" },
  );
  try {
    const [, port] = await server.waitFor(
      "stderr",
      /Listening on http:\/\/127\.0\.0\.1:(\d+)\//,
    );
    const { bytes, rows: downloaded } = await downloadCsv(
      new ClientBuilder(`ws://127.0.0.1:${port}/`),
    );
    equal(downloaded, rows);
    equal(await sha256Hex(bytes), await sha256Hex(await sqlite3Csv(db, FROM, TO)));

    await sigtermEndsDownload(`ws://127.0.0.1:${port}/`, server, rows);
  } finally {
    await server.stop();
  }
});

Deno.test("deno task start's own permissions serve every event, heartbeats included", async () => {
  // `deno task start` narrows permissions; an event whose handler needs one more (the load
  // average of connection:health once needed --allow-sys) must not take the process down.
  const rows = 20_000;
  const task: string[] = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ).tasks.start.split(" ").slice(1).filter((arg: string) => arg !== "server.ts");
  const server = new Program([
    ...task,
    SERVER,
    ...["--port", "0", "--db", demoPath(rows), "--demo-rows", String(rows), "--anonymous"],
  ]);
  try {
    const [, url] = await server.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    const peer = await RawPeer.open(url);
    try {
      for (let i = 0; i < 3; i++) {
        peer.send({
          event: "connection:health",
          data: {},
          timestamp: Date.now(),
          requestId: `p${i}`,
        });
        const health = await within(
          DEADLINE_MS,
          "health",
          peer.message("connection:health", `p${i}`),
        );
        equal(health.data.status, "ok");
      }
      peer.send({ event: "status:check", data: {}, timestamp: Date.now(), requestId: "s" });
      await within(DEADLINE_MS, "status", peer.message("status:update", "s"));
    } finally {
      await peer.close();
    }
    const { bytes, rows: downloaded } = await downloadCsv(new ClientBuilder(url));
    equal(downloaded, rows);
    equal(await sha256Hex(bytes), await sha256Hex(await sqlite3Csv(demoPath(rows), FROM, TO)));
  } finally {
    await server.stop();
  }
});

Deno.test("server.ts counts one allowed identity in the singular, and a burst of SIGTERMs shuts it down once", async () => {
  const rows = 20_000;
  const server = serverProgram(demoPath(rows), rows, 0, {
    anonymous: false,
    allow: [`02${"11".repeat(32)}`],
  });
  try {
    await server.waitFor("stdout", /^sluice listening on /m);
    match(server.stderr, /^sluice: 1 identity may sign in$/m);
    // As `timeout … deno task start` delivers it: to the process group, and forwarded by the task,
    // right after the server said where it listens.
    for (let i = 0; i < 3; i++) {
      try {
        server.signal("SIGTERM");
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        break; // it had exited
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const status = await within(DEADLINE_MS, "the exit", server.status);
    equal(status.code, 0, server.stderr);
  } finally {
    await server.stop();
  }
  equal(server.stderr.match(/^sluice: SIGTERM, ending downloads/gm)?.length, 1, server.stderr);
});
