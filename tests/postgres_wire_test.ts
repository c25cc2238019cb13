// sluice's own PostgreSQL connection (server/postgres_wire.ts): how it reads a URL, then on a
// throwaway cluster that asks for passwords (SCRAM-SHA-256, MD5, cleartext) and TLS, and against
// peers that break the protocol. The pool's snapshots on these connections are checked against
// the driver's, read for read.
import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { DataSourceError, type SourceReader } from "../server/data_source.ts";
import { postgresSchema, readPostgresColumns } from "../server/postgres_catalog.ts";
import { PostgresPool, sourceError } from "../server/postgres_pool.ts";
import { PostgresSource } from "../server/postgres_source.ts";
import {
  dataRowScanner,
  wireCells,
  WireConnection,
  WireError,
  type WireSettings,
  wireSettings,
} from "../server/postgres_wire.ts";
import { RowSpans } from "../server/postgres_records.ts";
import { MAX_SCRAM_ITERATIONS } from "../server/postgres_protocol.ts";
import { Buffer } from "node:buffer";
import { createHash, createHmac } from "node:crypto";
import { type Cluster, makeCertificate, startCluster } from "./_postgres.ts";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

Deno.test("a URL is read as the driver reads it, or left to the driver", () => {
  const s = wireSettings(
    "postgresql://ops%40desk:p%2Fq%20r@[::1]:6432/ledger%2Deu?sslmode=verify-ca",
    { TimeZone: "UTC" },
    {},
    500,
  );
  deepStrictEqual(s, {
    host: "::1",
    port: 6432,
    user: "ops@desk",
    password: "p/q r",
    // The driver takes the path as it is.
    database: "ledger%2Deu",
    ssl: "verify-full",
    parameters: { TimeZone: "UTC" },
    connectTimeoutMs: 500,
    maxResultBytes: 256 << 20,
    queryTimeoutMs: 0,
  });
  // What the URL leaves out comes from the PG… variables, as the driver takes it.
  const env = { PGHOST: "db.internal", PGPORT: "7000", PGUSER: "u", PGPASSWORD: "pw" };
  const d = wireSettings("postgres://", {}, env, 1)!;
  deepStrictEqual([d.host, d.port, d.user, d.password, d.database, d.ssl], [
    "db.internal",
    7000,
    "u",
    "pw",
    "u",
    "disable",
  ]);
  equal(wireSettings("postgres://h/db", {}, { ...env, PGUSERNAME: "first" }, 1)!.user, "first");
  equal(wireSettings("postgres://h/db", {}, { PGDATABASE: "other" }, 1)!.database, "db");
  for (
    const [mode, ssl] of [["disable", "disable"], ["false", "disable"], ["prefer", "prefer"], [
      "require",
      "require",
    ], ["verify-full", "verify-full"]]
  ) {
    equal(wireSettings(`postgres://h/db?sslmode=${mode}`, {}, {}, 1)!.ssl, ssl, mode);
  }
  // Several hosts, a socket directory, other parameters, `allow`, variables that change TLS.
  for (
    const url of [
      "postgres://u@h1,h2/db",
      "postgres://u@h1%2Ch2/db",
      "postgres://u@h/db?sslmode=allow",
      "postgres://u@h/db?application_name=x",
      "postgres://u@h/db?host=/var/run/postgresql",
      "postgres://u@h:99999/db",
      "mysql://u@h/db",
      "not a url",
    ]
  ) {
    equal(wireSettings(url, {}, {}, 1), undefined, url);
  }
  equal(wireSettings("postgres://u@/db", {}, { PGHOST: "/var/run/postgresql" }, 1), undefined);
  for (const k of ["PGSSL", "PGSSLNEGOTIATION", "PGTARGETSESSIONATTRS"]) {
    equal(wireSettings("postgres://u@h/db", {}, { [k]: "x" }, 1), undefined, k);
  }
});

Deno.test("a DataRow is read in place, and one not of its width or cut short is refused", () => {
  // D, length, 3 fields: "ab", NULL, "" (empty, not NULL).
  const row = new Uint8Array([
    ...[0x44, 0, 0, 0, 20, 0, 3],
    ...[0, 0, 0, 2, 0x61, 0x62],
    ...[255, 255, 255, 255],
    ...[0, 0, 0, 0],
  ]);
  deepStrictEqual(wireCells({ bytes: row, count: 1, last: 0 }), [[
    new Uint8Array([0x61, 0x62]),
    null,
    new Uint8Array(0),
  ]]);
  const spans = new RowSpans(3);
  equal(dataRowScanner(3)(row, 0, spans), row.length);
  equal(dataRowScanner(2)(row, 0, new RowSpans(2)), -1, "another width");
  equal(dataRowScanner(3)(row.subarray(0, 18), 0, spans), -1, "cut short");
  const long = row.slice();
  long[10] = 200; // a field longer than its row
  equal(dataRowScanner(3)(long, 0, spans), -1);
  const other = row.slice();
  other[0] = 0x43; // CommandComplete, not a row
  equal(dataRowScanner(3)(other, 0, spans), -1);
});

/** A peer on loopback that runs `serve` for one connection, speaking as a PostgreSQL might. */
function peer(
  serve: (talk: Talk) => Promise<void>,
): { settings: WireSettings; done: Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = listener.accept().then(async (conn) => {
    listener.close();
    try {
      await serve(new Talk(conn));
    } catch {
      // The client hung up first.
    } finally {
      try {
        conn.close();
      } catch {
        // Closed already.
      }
    }
  });
  const settings = wireSettings(
    `postgres://trader:secret@127.0.0.1:${(listener.addr as Deno.NetAddr).port}/db`,
    {},
    {},
    5000,
  )!;
  return { settings, done };
}

/**
 * A fake server that takes every connection, each served by `serve` with its
 * number (0 the first) and held open until `close`, which ends them all.
 */
function peers(serve: (talk: Talk, n: number) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const served: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      // A client that hung up first ends its talk; the test says what it expected.
      served.push(serve(new Talk(conn), conns.push(conn) - 1).catch(() => {}));
    }
  })().catch(() => {
    // The listener closed under the loop.
  });
  return {
    port: (listener.addr as Deno.NetAddr).port,
    accepted: () => conns.length,
    close: async () => {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Closed already.
        }
      }
      await accepting;
      await Promise.all(served);
    },
  };
}

/** The frontend's messages as a peer reads them, and the backend's it writes. */
class Talk {
  #conn: Deno.Conn;
  #have = new Uint8Array(0);

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  async #bytes(n: number): Promise<Uint8Array> {
    while (this.#have.length < n) {
      const chunk = new Uint8Array(4096);
      const got = await this.#conn.read(chunk);
      if (got === null) throw new Error("the client hung up");
      this.#have = new Uint8Array([...this.#have, ...chunk.subarray(0, got)]);
    }
    const out = this.#have.slice(0, n);
    this.#have = this.#have.slice(n);
    return out;
  }

  /** The startup message's body (no type byte). */
  async startup(): Promise<Uint8Array> {
    const head = await this.#bytes(4);
    return await this.#bytes(new DataView(head.buffer).getInt32(0) - 4);
  }

  /** One typed message: its type and body. */
  async message(): Promise<[string, Uint8Array]> {
    const head = await this.#bytes(5);
    const body = await this.#bytes(new DataView(head.buffer).getInt32(1) - 4);
    return [String.fromCharCode(head[0]), body];
  }

  async send(type: string, body: Uint8Array): Promise<void> {
    const out = new Uint8Array(5 + body.length);
    out[0] = type.charCodeAt(0);
    new DataView(out.buffer).setInt32(1, 4 + body.length);
    out.set(body, 5);
    await this.#conn.write(out);
  }

  async raw(bytes: Uint8Array): Promise<void> {
    await this.#conn.write(bytes);
  }
}

function authentication(kind: number, rest: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(4 + rest.length);
  new DataView(body.buffer).setInt32(0, kind);
  body.set(rest, 4);
  return body;
}

async function refusal(settings: WireSettings): Promise<WireError> {
  const error = await WireConnection.open(settings).then(
    () => undefined,
    (e: unknown) => e,
  );
  ok(error instanceof WireError, String(error));
  return error;
}

Deno.test("peers that break the protocol or cannot prove the password are refused", async (t) => {
  await t.step("a server that says nothing: CONNECT_TIMEOUT", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup();
      await talk.message(); // waits until the client gives up
    });
    const error = await refusal({ ...settings, connectTimeoutMs: 300 });
    equal(error.code, "CONNECT_TIMEOUT");
    equal((sourceError(error) as DataSourceError).kind, "unavailable");
    await done;
  });

  await t.step("an authentication method sluice does not speak (GSSAPI)", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup();
      await talk.send("R", authentication(7));
      await talk.message();
    });
    const error = await refusal(settings);
    equal(error.code, "AUTH");
    equal((sourceError(error) as DataSourceError).kind, "failed");
    await done;
  });

  await t.step("a SCRAM server whose signature does not prove it knows the password", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup();
      await talk.send("R", authentication(10, encoder.encode("SCRAM-SHA-256\0\0")));
      const [, first] = await talk.message();
      const nonce = /r=([^,]+)/.exec(decoder.decode(first))![1];
      const salt = btoa("0123456789abcdef");
      await talk.send("R", authentication(11, encoder.encode(`r=${nonce}srv,s=${salt},i=4096`)));
      const [type, final] = await talk.message();
      equal(type, "p");
      ok(decoder.decode(final).startsWith(`c=biws,r=${nonce}srv,p=`));
      // A server that accepts any proof, but cannot sign as one that knows the password.
      await talk.send("R", authentication(12, encoder.encode(`v=${btoa("x".repeat(32))}`)));
      await talk.send("R", authentication(0));
      await talk.send("Z", encoder.encode("I"));
      await talk.message();
    });
    const error = await refusal(settings);
    equal(error.code, "AUTH");
    ok(/signature/.test(error.message));
    await done;
  });

  await t.step("a SCRAM server whose nonce is not the client's", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup();
      await talk.send("R", authentication(10, encoder.encode("SCRAM-SHA-256\0\0")));
      await talk.message();
      await talk.send("R", authentication(11, encoder.encode(`r=someoneelse,s=AAAA,i=4096`)));
      await talk.message();
    });
    equal((await refusal(settings)).code, "AUTH");
    await done;
  });

  await t.step("TLS required of a server that does not offer it", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup(); // the SSLRequest
      await talk.raw(encoder.encode("N"));
      await talk.startup();
    });
    const error = await refusal({ ...settings, ssl: "require" });
    equal(error.code, "CONNECTION_CLOSED");
    ok(/TLS/.test(error.message));
    await done;
  });

  await t.step(
    "a message of negative length after sign-in fails the query, not the process",
    async () => {
      const { settings, done } = peer(async (talk) => {
        await talk.startup();
        await talk.send("R", authentication(0));
        await talk.send("Z", encoder.encode("I"));
        await talk.message(); // the query's Parse
        await talk.raw(new Uint8Array([0x44, 0xff, 0xff, 0xff, 0xf0]));
        await talk.message();
      });
      const connection = await WireConnection.open(settings);
      const error = await connection.query("SELECT 1", []).then(() => undefined, (e) => e);
      ok(error instanceof WireError);
      equal(error.code, "PROTOCOL");
      equal((sourceError(error) as DataSourceError).kind, "unavailable");
      ok(connection.closed);
      await rejects(connection.query("SELECT 1", []), WireError);
      connection.close();
      await done;
    },
  );

  await t.step("a SCRAM server that skips its final message, or asks too much work", async () => {
    const skipping = peer(async (talk) => {
      await talk.startup();
      await talk.send("R", authentication(10, encoder.encode("SCRAM-SHA-256\0\0")));
      const [, first] = await talk.message();
      const nonce = /r=([^,]+)/.exec(decoder.decode(first))![1];
      await talk.send("R", authentication(11, encoder.encode(`r=${nonce}x,s=AAAA,i=4096`)));
      await talk.message();
      // AuthenticationOk without SASLFinal: a server that never proved it knows the password.
      await talk.send("R", authentication(0));
      await talk.send("Z", encoder.encode("I"));
      await talk.message();
    });
    const skipped = await refusal(skipping.settings);
    equal(skipped.code, "AUTH");
    ok(/final/.test(skipped.message), skipped.message);
    await skipping.done;
    const greedy = peer(async (talk) => {
      await talk.startup();
      await talk.send("R", authentication(10, encoder.encode("SCRAM-SHA-256\0\0")));
      const [, first] = await talk.message();
      const nonce = /r=([^,]+)/.exec(decoder.decode(first))![1];
      await talk.send("R", authentication(11, encoder.encode(`r=${nonce}x,s=AAAA,i=2147483647`)));
      await talk.message();
    });
    const started = performance.now();
    equal((await refusal(greedy.settings)).code, "AUTH");
    ok(performance.now() - started < 4000, "refused, not computed");
    await greedy.done;
  });

  await t.step("sslmode=prefer goes on in plain TCP with a server without TLS", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup(); // the SSLRequest
      await talk.raw(encoder.encode("N"));
      await talk.startup();
      await ready(talk);
      await answer(talk, [["7"]]);
      await talk.message();
    });
    const connection = await WireConnection.open({ ...settings, ssl: "prefer" });
    deepStrictEqual(await one(connection, "SELECT 7"), [["7"]]);
    connection.close();
    await done;
  });

  await t.step(
    "a snapshot ended with a read under way stops cancelling after a second, however slow the cancels",
    async () => {
      // A server that answers BEGIN, then neither the read nor the cancel connections (TLS
      // asked of them, as sslmode=prefer does, and never answered).
      const server = peers(async (talk, n) => {
        if (n > 0) return; // a cancel
        await talk.startup(); // the SSLRequest
        await talk.raw(encoder.encode("N"));
        await talk.startup();
        await ready(talk);
        await talk.message(); // BEGIN
        await talk.send("C", encoder.encode("BEGIN\0"));
        await talk.send("Z", encoder.encode("T"));
      });
      // The connect timeout (10 s) bounds each cancel; before, ten of them were asked in turn.
      const pool = new PostgresPool({
        url: `postgres://trader:secret@127.0.0.1:${server.port}/db?sslmode=prefer`,
        maxConnections: 2,
        maxReserved: 1,
      });
      try {
        const snapshot = (await pool.snapshot())!;
        const reading = snapshot.rows!("SELECT pg_sleep(30)", []).then(() => "read", (e) => e);
        await snapshot.end();
        ok((await reading) instanceof Error);
        equal(server.accepted() - 1, 1, "one cancel, given the whole second");
        await rejects(snapshot.query("SELECT 1", []), { name: "DataSourceError" });
      } finally {
        await pool.close();
        await server.close();
      }
    },
  );

  await t.step(
    "a session in another time zone is no snapshot, and the driver's are not tried instead",
    async () => {
      // A pooler, say, that reports another time zone than the one sluice asks for: the
      // driver's sessions, whose settings nothing checks each time, would bind and read
      // timestamps in it.
      const server = peers(async (talk) => {
        await talk.startup();
        await talk.send("R", authentication(0));
        await talk.send("S", encoder.encode("TimeZone\0Europe/Paris\0"));
        await talk.message();
      });
      const pool = new PostgresPool({
        url: `postgres://trader:secret@127.0.0.1:${server.port}/db`,
        maxConnections: 4,
        maxReserved: 2,
      });
      try {
        for (let attempt = 0; attempt < 2; attempt++) {
          await rejects(pool.snapshot(), (e: unknown) => {
            ok(e instanceof DataSourceError, String(e));
            equal(e.kind, "unavailable");
            equal((e.cause as WireError).code, "PROTOCOL");
            return true;
          });
        }
        equal(pool.reservable, 2, "still sluice's own connections, none held");
        equal(server.accepted(), 2, "one connection an attempt, none the driver's");
      } finally {
        await pool.close();
        await server.close();
      }
    },
  );

  await t.step("notices and harmless parameters mid-query are passed over", async () => {
    const { settings, done } = peer(async (talk) => {
      await talk.startup();
      await ready(talk);
      await answer(talk, [["1"], ["2"]], [
        ["N", encoder.encode("SNOTICE\0Mnothing to see\0\0")],
        ["S", encoder.encode("application_name\0other\0")],
        ["A", new Uint8Array([0, 0, 0, 1, 0x63, 0, 0])],
      ]);
      await talk.message();
    });
    const connection = await WireConnection.open(settings);
    deepStrictEqual(await one(connection, "SELECT 1"), [["1"], ["2"]]);
    connection.close();
    await done;
  });

  const misbehaving: [string, (talk: Talk) => Promise<void>, string][] = [
    ["a session whose TimeZone moves", async (talk) => {
      await talk.send("S", encoder.encode("TimeZone\0Europe/Paris\0"));
    }, "PROTOCOL"],
    ["a COPY nobody asked for", async (talk) => {
      await talk.send("G", new Uint8Array([0, 0, 0]));
    }, "PROTOCOL"],
    ["a message of 2 GB announced", async (talk) => {
      await talk.raw(new Uint8Array([0x43, 0x7f, 0xff, 0xff, 0xff]));
    }, "PROTOCOL"],
    ["rows past the result bound", async (talk) => {
      for (let i = 0; i < 40; i++) await talk.send("D", dataRow(["x".repeat(100)]));
    }, "RESULT_TOO_LARGE"],
    ["no answer at all", async (talk) => {
      await talk.message(); // until the client gives up
    }, "QUERY_TIMEOUT"],
  ];
  for (const [what, misbehave, code] of misbehaving) {
    await t.step(`${what} ends the connection: ${code}`, async () => {
      const { settings, done } = peer(async (talk) => {
        await talk.startup();
        await ready(talk);
        await untilSync(talk);
        await misbehave(talk);
        await talk.message();
      });
      const connection = await WireConnection.open({
        ...settings,
        parameters: { TimeZone: "UTC" },
        maxResultBytes: 2000,
        queryTimeoutMs: 300,
      });
      const error = await connection.query("SELECT 1", []).then(() => undefined, (e) => e);
      ok(error instanceof WireError, String(error));
      equal(error.code, code, error.message);
      ok(connection.closed);
      const kind = (sourceError(error) as DataSourceError).kind;
      equal(
        kind,
        code === "RESULT_TOO_LARGE"
          ? "failed"
          : code === "QUERY_TIMEOUT"
          ? "timeout"
          : "unavailable",
      );
      connection.close();
      await done;
    });
  }

  await t.step("a socket's EPIPE is the connection lost, not a SQLSTATE", () => {
    const epipe = new WireError("EPIPE", "", "write EPIPE");
    equal((sourceError(epipe) as DataSourceError).kind, "unavailable");
    const sqlstate = new WireError("42501", "ERROR", "permission denied");
    equal((sourceError(sqlstate) as DataSourceError).kind, "failed");
  });
});

/** Signs the client in (no password) and says the session is ready. */
async function ready(talk: Talk): Promise<void> {
  await talk.send("R", authentication(0));
  await talk.send("K", new Uint8Array(8));
  await talk.send("Z", encoder.encode("I"));
}

/** Reads a query's messages up to its Sync. */
async function untilSync(talk: Talk): Promise<void> {
  while ((await talk.message())[0] !== "S");
}

/** Answers the next query with `rows` of text cells, `extra` messages among them. */
async function answer(
  talk: Talk,
  rows: string[][],
  extra: [string, Uint8Array][] = [],
): Promise<void> {
  await untilSync(talk);
  await talk.send("1", new Uint8Array(0));
  await talk.send("2", new Uint8Array(0));
  for (const [i, row] of rows.entries()) {
    await talk.send("D", dataRow(row));
    if (i === 0) { for (const [type, body] of extra) await talk.send(type, body); }
  }
  await talk.send("C", encoder.encode(`SELECT ${rows.length}\0`));
  await talk.send("Z", encoder.encode("I"));
}

/** A DataRow's body of text cells. */
function dataRow(cells: string[]): Uint8Array {
  const parts = cells.map((c) => encoder.encode(c));
  const body = new Uint8Array(2 + parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(body.buffer);
  view.setInt16(0, cells.length);
  let at = 2;
  for (const p of parts) {
    view.setInt32(at, p.length);
    body.set(p, at + 4);
    at += 4 + p.length;
  }
  return body;
}

const PASSWORDS = {
  scram_user: "scr@m/pass:wörd",
  md5_user: "md5 pass%",
  clear_user: "clear'text\"",
  tls_only: "tls-pass",
};

/** A URL for `user` with `password` (percent-encoded) on the cluster. */
function urlOf(cluster: Cluster, user: string, password: string, sslmode = "disable"): string {
  return `postgres://${user}:${
    encodeURIComponent(password)
  }@127.0.0.1:${cluster.port}/postgres?sslmode=${sslmode}`;
}

async function open(url: string): Promise<WireConnection> {
  return await WireConnection.open(wireSettings(url, {}, {}, 5000)!);
}

async function one(connection: WireConnection, sql: string, params: string[] = []) {
  return wireCells(await connection.query(sql, params)).map((row) =>
    row.map((cell) => cell === null ? null : decoder.decode(cell))
  );
}

/** Reads every row of `reader` as CSV, page by page, and as cells. */
async function readAll(reader: SourceReader, highWaterMark: bigint) {
  const query = { timeFrom: -8.64e15, timeTo: 8.64e15, filters: [], highWaterMark };
  const out: unknown[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await reader.page({ ...query, after }, 7);
    const bytes = await reader.encodedPage!({ ...query, after }, 7, {
      format: "csv",
      neutralizeFormulas: true,
    });
    out.push(page.rows, bytes);
    if (page.lastKey === undefined) return out;
    after = page.lastKey;
  }
}

Deno.test("sluice's own connections on a cluster with passwords and TLS", async (t) => {
  const cluster = await startCluster({
    tls: true,
    hba: [
      "hostnossl all tls_only 127.0.0.1/32 reject",
      "host all tls_only 127.0.0.1/32 scram-sha-256",
      "host all scram_user 127.0.0.1/32 scram-sha-256",
      "host all md5_user 127.0.0.1/32 md5",
      "host all clear_user 127.0.0.1/32 password",
      "host all slow_scram 127.0.0.1/32 scram-sha-256",
    ],
  });
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  try {
    await cluster.psql(`
      CREATE ROLE scram_user LOGIN PASSWORD ${quote(PASSWORDS.scram_user)};
      CREATE ROLE clear_user LOGIN PASSWORD ${quote(PASSWORDS.clear_user)};
      CREATE ROLE tls_only LOGIN PASSWORD ${quote(PASSWORDS.tls_only)};
      SET password_encryption = 'md5';
      CREATE ROLE md5_user LOGIN PASSWORD ${quote(PASSWORDS.md5_user)};
      CREATE TABLE wired (id int8 PRIMARY KEY, ts timestamptz NOT NULL, amount numeric(20,8),
        note text, ok boolean);
      INSERT INTO wired SELECT g, timestamptz '2024-03-01 00:00:00+00' + g * interval '1.5 s',
        CASE WHEN g % 5 = 0 THEN NULL ELSE g * 1000.12345678 END,
        CASE WHEN g % 3 = 0 THEN NULL WHEN g % 3 = 1 THEN '' ELSE 'naïve "𝄞", ' || g END,
        CASE WHEN g % 4 = 0 THEN NULL ELSE g % 2 = 0 END
        FROM generate_series(1, 60) g;
      GRANT SELECT ON wired TO scram_user, md5_user, clear_user, tls_only`);

    await t.step("signs in with each password method, and a wrong password is 28P01", async () => {
      for (const [user, password] of Object.entries(PASSWORDS)) {
        if (user === "tls_only") continue;
        const connection = await open(urlOf(cluster, user, password));
        deepStrictEqual(await one(connection, "SELECT current_user"), [[user]]);
        connection.close();
        const wrong = await refusal(
          wireSettings(urlOf(cluster, user, `${password}x`), {}, {}, 5000)!,
        );
        equal(wrong.code, "28P01", `${user}: ${wrong.code} ${wrong.message}`);
        const refused = sourceError(wrong) as DataSourceError;
        equal(refused.kind, "failed");
        ok(!refused.message.includes(user), "the client's message names no user");
      }
    });

    await t.step(
      "TLS when required or preferred; verify-full refuses a self-signed certificate",
      async () => {
        const ssl = "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
        for (const mode of ["require", "prefer"]) {
          const connection = await open(urlOf(cluster, "tls_only", PASSWORDS.tls_only, mode));
          deepStrictEqual(await one(connection, ssl), [["true"]], mode);
          connection.close();
        }
        // Plain TCP is refused by pg_hba.conf for this user.
        const plain = await refusal(
          wireSettings(urlOf(cluster, "tls_only", PASSWORDS.tls_only), {}, {}, 5000)!,
        );
        equal(plain.code, "28000");
        const unverified = await refusal(
          wireSettings(
            urlOf(cluster, "tls_only", PASSWORDS.tls_only, "verify-full"),
            {},
            {},
            5000,
          )!,
        );
        ok(/SELF_SIGNED|CERT|certificate/i.test(`${unverified.code} ${unverified.message}`));
        equal((sourceError(unverified) as DataSourceError).kind, "failed");
        // The driver's refusal is the same failure, not an error sluice does not know.
        const driver = new PostgresPool({
          url: urlOf(cluster, "tls_only", PASSWORDS.tls_only, "verify-full"),
        });
        try {
          await rejects(driver.query("SELECT 1", []), (e: unknown) => {
            ok(e instanceof DataSourceError, String(e));
            equal(e.kind, "failed");
            return true;
          });
        } finally {
          await driver.close();
        }
      },
    );

    await t.step(
      "verify-full accepts a trusted certificate for the address connected to, and only for it",
      async () => {
        // A second certificate, trusted as well, that names "localhost" and not 127.0.0.1.
        const dir = await Deno.makeTempDir({ prefix: "sluice_verify_" });
        try {
          await makeCertificate(`${dir}/name.key`, `${dir}/name.crt`, "DNS:localhost");
          await Deno.writeTextFile(
            `${dir}/trusted.pem`,
            await Deno.readTextFile(cluster.certificate!) +
              await Deno.readTextFile(`${dir}/name.crt`),
          );
          const run = await new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "--allow-all",
              "--no-check",
              new URL("./_verify_full_run.ts", import.meta.url).pathname,
              `postgres://tls_only:${
                encodeURIComponent(PASSWORDS.tls_only)
              }@127.0.0.1:${cluster.port}/postgres`,
              `${dir}/name.key`,
              `${dir}/name.crt`,
            ],
            env: { DENO_CERT: `${dir}/trusted.pem`, NO_COLOR: "1" },
            stdout: "piped",
            stderr: "piped",
          }).output();
          const said = new TextDecoder().decode(run.stdout);
          ok(run.success, `${said}${new TextDecoder().decode(run.stderr)}`);
          // On sluice's own connection and on the driver's alike, the address is checked as
          // an address: a certificate for "localhost" is not one for 127.0.0.1 (node:tls, not
          // told the host, would check for "localhost").
          deepStrictEqual(JSON.parse(said), {
            cluster: "opened: true",
            nameOnly: "refused: ERR_TLS_CERT_ALTNAME_INVALID",
            driverCluster: "opened: true",
            driverNameOnly: "refused: ERR_TLS_CERT_ALTNAME_INVALID",
            driverNameOnlyParameter: "refused: ERR_TLS_CERT_ALTNAME_INVALID",
          });
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    );

    await t.step(
      "pipelines queries, each answered in order, an error failing only its own",
      async () => {
        const connection = await open(urlOf(cluster, "scram_user", PASSWORDS.scram_user));
        const answers = await Promise.allSettled([
          connection.query("SELECT $1::int8 + 1", ["41"]),
          connection.query("SELECT 1 / $1::int4", ["0"]),
          connection.query("SELECT count(*) FROM wired WHERE id > $1::int8", ["50"]),
          connection.query("SELECT $1::int8 + 1", ["9223372036854775806"]),
        ]);
        deepStrictEqual(answers.map((a) => a.status), [
          "fulfilled",
          "rejected",
          "fulfilled",
          "fulfilled",
        ]);
        const cell = (
          a: PromiseSettledResult<{ bytes: Uint8Array; count: number; last: number }>,
        ) => a.status === "fulfilled" ? decoder.decode(wireCells(a.value)[0][0]!) : a.reason.code;
        deepStrictEqual(answers.map(cell), ["42", "22012", "10", "9223372036854775807"]);
        // More statements than it keeps prepared, pipelined, then each again: the first ones
        // from their prepared statements, the rest parsed each time, every answer its own.
        for (let round = 0; round < 2; round++) {
          const sums = await Promise.all(
            Array.from({ length: 70 }, (_, i) => one(connection, `SELECT $1::int4 + ${i}`, ["1"])),
          );
          deepStrictEqual(sums, Array.from({ length: 70 }, (_, i) => [[String(1 + i)]]));
        }
        // A statement whose Parse failed is parsed again, not bound as if it existed.
        const bad = "SELECT $1::int4 + no_such_column";
        await rejects(connection.query(bad, ["1"]), (e: WireError) => e.code === "42703");
        await rejects(connection.query(bad, ["1"]), (e: WireError) => e.code === "42703");
        ok(connection.idle);
        connection.close();
        ok(connection.closed);
      },
    );

    await t.step(
      "a cancel ends the query under way (57014) and the connection goes on, in TLS too",
      async () => {
        for (
          const url of [
            urlOf(cluster, "md5_user", PASSWORDS.md5_user),
            urlOf(cluster, "tls_only", PASSWORDS.tls_only, "require"),
          ]
        ) {
          const connection = await open(url);
          const sleeping = connection.query("SELECT pg_sleep(30)", []).then(
            () => "slept",
            (e) => e.code,
          );
          ok(connection.busy);
          // The cancel may reach PostgreSQL before the query does: ask until it is cancelled.
          const started = performance.now();
          let answer: string | undefined;
          sleeping.then((a) => answer = a);
          while (answer === undefined && performance.now() - started < 10_000) {
            await connection.cancel();
            await new Promise((r) => setTimeout(r, 50));
          }
          equal(answer, "57014", url);
          deepStrictEqual(await one(connection, "SELECT 7"), [["7"]]);
          connection.close();
        }
      },
    );

    await t.step("a backend terminated under a query fails it as the connection lost", async () => {
      const connection = await open(urlOf(cluster, "clear_user", PASSWORDS.clear_user));
      const [[pid]] = await one(connection, "SELECT pg_backend_pid()");
      const sleeping = connection.query("SELECT pg_sleep(30)", []).then(() => undefined, (e) => e);
      await cluster.psql(`SELECT pg_terminate_backend(${pid})`);
      const error = await sleeping;
      ok(error instanceof WireError);
      equal(error.code, "57P01");
      equal((sourceError(error) as DataSourceError).kind, "unavailable");
      ok(connection.closed);
      connection.close();
    });

    /** psql's count for `sql` once it is `expected` (backends leave a moment after a Terminate). */
    const settle = async (
      expected: number,
      sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice'",
    ) => {
      let n = -1;
      for (let i = 0; i < 100 && n !== expected; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 20));
        n = Number(await cluster.psql(sql));
      }
      return n;
    };

    await t.step(
      "a download over TLS and SCRAM reads what the driver's snapshot reads",
      async () => {
        const url = urlOf(cluster, "scram_user", PASSWORDS.scram_user, "require");
        const own = new PostgresPool({ url, maxConnections: 3, maxReserved: 2 });
        const driver = new PostgresPool({
          url,
          maxConnections: 3,
          maxReserved: 2,
          ownSnapshotConnections: false,
        });
        try {
          const probe = await own.snapshot();
          ok(probe?.rows !== undefined, "the pool's snapshots are on its own connections");
          await probe.end();
          const noRows = await driver.snapshot();
          ok(noRows !== undefined && noRows.rows === undefined);
          await noRows.end();
          const found = await readPostgresColumns(own, "wired");
          const schema = postgresSchema(found ?? [], { table: "wired" });
          if (!schema.ok) throw new Error(schema.error.join("\n"));
          const reads = [];
          for (const pool of [own, driver]) {
            const source = await PostgresSource.open({ pool, schema: schema.value });
            const snapshot = await source.openSnapshot();
            const mark = await snapshot.highWaterMark();
            equal(mark, 60n);
            equal(
              await snapshot.count({
                timeFrom: -8.64e15,
                timeTo: 8.64e15,
                filters: [],
                highWaterMark: mark,
              }),
              60,
            );
            reads.push(await readAll(snapshot, mark));
            await snapshot.release();
            await source.close();
          }
          deepStrictEqual(reads[0], reads[1]);
        } finally {
          await own.close();
          await driver.close();
        }
        equal(await settle(0), 0, "closing the pools closes every connection");
      },
    );

    await t.step(
      "a pool whose own connections cannot sign in takes its snapshots on the driver's",
      async () => {
        // A verifier of more PBKDF2 iterations than sluice computes (PostgreSQL 16 lets an
        // operator set scram_iterations so), which the driver computes.
        const iterations = MAX_SCRAM_ITERATIONS + 1;
        const salt = crypto.getRandomValues(new Uint8Array(16));
        const key = await crypto.subtle.importKey("raw", encoder.encode("slow"), "PBKDF2", false, [
          "deriveBits",
        ]);
        const salted = new Uint8Array(
          await crypto.subtle.deriveBits(
            { name: "PBKDF2", hash: "SHA-256", salt, iterations },
            key,
            256,
          ),
        );
        const hmac = (k: Uint8Array, text: string) => createHmac("sha256", k).update(text).digest();
        const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
        const stored = createHash("sha256").update(hmac(salted, "Client Key")).digest();
        const verifier = `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(stored)}:${
          b64(hmac(salted, "Server Key"))
        }`;
        await cluster.psql(`CREATE ROLE slow_scram LOGIN PASSWORD ${quote(verifier)}`);
        const url = urlOf(cluster, "slow_scram", "slow");
        equal((await refusal(wireSettings(url, {}, {}, 5000)!)).code, "AUTH");
        // The driver has the two connections the snapshots would not take.
        const pool = new PostgresPool({ url, maxConnections: 4, maxReserved: 2 });
        try {
          const snapshot = (await pool.snapshot())!;
          equal(snapshot.rows, undefined, "the driver's");
          deepStrictEqual(
            (await snapshot.query("SELECT current_user", [])).map((r) =>
              r.map((c) => decoder.decode(c!))
            ),
            [["slow_scram"]],
          );
          // On the driver's two, one snapshot at most: the other connection stays for reads.
          equal(await pool.snapshot(), undefined);
          equal(pool.reservable, 0);
          deepStrictEqual(await pool.query("SELECT 1", []), [[1]]);
          await snapshot.end();
          equal(pool.reservable, 1);
        } finally {
          await pool.close();
        }
      },
    );

    await t.step(
      "snapshots share maxConnections with the driver, and reuse idle connections",
      async () => {
        const url = urlOf(cluster, "scram_user", PASSWORDS.scram_user);
        const pool = new PostgresPool({ url, maxConnections: 3, maxReserved: 2 });
        const pid = "SELECT pg_backend_pid()::text";
        try {
          const a = (await pool.snapshot())!;
          const b = (await pool.snapshot())!;
          equal(await pool.snapshot(), undefined, "no more than maxReserved snapshots");
          const [[pidA]] = await a.query(pid, []);
          await b.query(pid, []);
          // The driver's reads meanwhile, several at once, on the one connection left to it.
          await Promise.all(Array.from({ length: 4 }, () => pool.query("SELECT 1", [])));
          equal(await settle(3), 3);
          await a.end();
          const c = (await pool.snapshot())!;
          const [[pidC]] = await c.query(pid, []);
          deepStrictEqual(
            decoder.decode(pidC as Uint8Array),
            decoder.decode(pidA as Uint8Array),
            "reused",
          );
          // A snapshot that ends with a read under way cancels it and closes its connection.
          const reading = c.rows!("SELECT pg_sleep(30)", []).then(() => "read", (e) => e);
          await c.end();
          ok((await reading) instanceof Error);
          const sleeping =
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice'" +
            " AND query LIKE 'SELECT pg_sleep%' AND state = 'active'";
          equal(await settle(0, sleeping), 0, "the read was cancelled");
          await b.end();
        } finally {
          await pool.close();
        }
        equal(await settle(0), 0);
      },
    );
  } finally {
    await cluster.stop();
  }
});
