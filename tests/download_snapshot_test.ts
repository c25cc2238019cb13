// The server shell gives each download its own snapshot where the source offers one
// (DataSource.openSnapshot), reads the download's mark, count and pages through it, and releases
// it however the download ends: complete, cancelled, failed, its connection gone, or the server
// shutting down. A source's failure reaches the client as the code its kind picks, and the
// database's words reach only the server's logger. A real server on loopback over the real
// SQLite demo table, wrapped in a source that offers snapshots and counts what goes through them.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { createServer, type ServerOptions } from "../server/create_server.ts";
import {
  type DataSource,
  DataSourceError,
  type RowPage,
  type ScanQuery,
  type SourceReader,
  type SourceSchema,
  type SourceSnapshot,
} from "../server/data_source.ts";
import { openDemoSource } from "../server/demo_data.ts";
import type { SqliteSource } from "../server/sqlite_source.ts";
import { demoPath, RawPeer, readDownload, requestMessage } from "./_harness.ts";
import { DEADLINE_MS } from "./_program.ts";

const ROWS = 20_000;
/** What the database "said", which must never reach a client. */
const SECRET = 'relation "secret_table" does not exist';

/** The demo source, offering a snapshot per download and counting what each one reads. */
class SnapshotSource implements DataSource {
  readonly inner: SqliteSource;
  opened = 0;
  released = 0;
  /** Reads that went through a snapshot, and through the source itself. */
  snapshotReads = 0;
  directReads = 0;
  /** The page read (1-based) that fails, and how; and whether opening a snapshot fails. */
  failPage: { at: number; kind: DataSourceError["kind"] } | undefined;
  failOpen = false;
  #pages = 0;

  constructor(inner: SqliteSource) {
    this.inner = inner;
  }

  schema(): SourceSchema {
    return this.inner.schema();
  }

  highWaterMark(): Promise<bigint> {
    this.directReads++;
    return this.inner.highWaterMark();
  }

  count(query: ScanQuery): Promise<number> {
    this.directReads++;
    return this.inner.count(query);
  }

  page(query: ScanQuery, limit: number): Promise<RowPage> {
    this.directReads++;
    return this.inner.page(query, limit);
  }

  openSnapshot(): Promise<SourceSnapshot> {
    if (this.failOpen) {
      return Promise.reject(new DataSourceError("unavailable", new Error(SECRET)));
    }
    this.opened++;
    const reads = (): SourceReader => {
      if (released) throw new TypeError("read after release");
      this.snapshotReads++;
      return this.inner;
    };
    let released = false;
    return Promise.resolve({
      highWaterMark: () => reads().highWaterMark(),
      count: (query) => reads().count(query),
      page: (query, limit) => {
        const reader = reads();
        const failing = this.failPage;
        if (failing !== undefined && ++this.#pages === failing.at) {
          return Promise.reject(new DataSourceError(failing.kind, new Error(SECRET)));
        }
        return reader.page(query, limit);
      },
      release: () => {
        if (!released) this.released++;
        released = true;
        return Promise.resolve();
      },
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Waits for `condition`, which the server reaches in the background. */
async function eventually(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A server over a SnapshotSource; `logged` gathers what it tells its logger. */
async function withServer(
  body: (url: string, source: SnapshotSource, close: () => Promise<void>) => Promise<void>,
  options: Partial<ServerOptions> = {},
  logged: string[] = [],
): Promise<void> {
  const source = new SnapshotSource(openDemoSource(demoPath(ROWS), ROWS));
  const logger = {
    error: (...data: unknown[]) =>
      logged.push(data.map((d) => d instanceof Error ? `${d} ${d.cause}` : String(d)).join(" ")),
  };
  // A small window: a reader that does not acknowledge holds its download open mid-way.
  const sluice = createServer({ source, anonymous: true, windowBytes: 65_536, logger, ...options });
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, sluice.fetch);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await sluice.close();
    await http.shutdown();
  };
  try {
    await body(`ws://127.0.0.1:${http.addr.port}/`, source, close);
  } finally {
    await close();
    await source.close();
  }
}

/** Starts a download and waits for its first frame, which it does not acknowledge. */
async function started(url: string): Promise<RawPeer> {
  const peer = await RawPeer.open(url);
  peer.send(requestMessage("r", {
    searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
  }));
  await peer.message("download:start", "r");
  await peer.next((r) => r.kind === "frame" && r.frame.requestId === "r");
  return peer;
}

Deno.test("a download reads its mark, count and every page in one snapshot, released when it completes", async () => {
  await withServer(async (url, source) => {
    const peer = await RawPeer.open(url);
    try {
      peer.send(requestMessage("r", {
        searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
      }));
      const { complete } = await readDownload(peer, "r");
      equal(complete.rows, ROWS);
      await eventually("the release", () => source.released === 1);
      equal(source.opened, 1);
      equal(source.directReads, 0);
      // The mark, the count, and a page per frame and the empty one that ends the scan at most.
      ok(source.snapshotReads >= 3, `${source.snapshotReads} reads`);
    } finally {
      await peer.close();
    }
  });
});

Deno.test("a download's snapshot is released when it is cancelled, its connection closes, or the server shuts down", async () => {
  const ends: Record<string, (peer: RawPeer, close: () => Promise<void>) => Promise<void>> = {
    cancelled: async (peer) => {
      peer.send({ event: "download:cancel", data: {}, timestamp: Date.now(), requestId: "r" });
      await peer.message("download:cancelled", "r");
    },
    "connection closed": (peer) => peer.close(),
    "server shut down": async (_peer, close) => await close(),
  };
  for (const [end, run] of Object.entries(ends)) {
    await withServer(async (url, source, close) => {
      const peer = await started(url);
      try {
        equal(source.released, 0, end);
        await run(peer, close);
        await eventually(`${end}: the release`, () => source.released === 1);
        equal(source.opened, 1, end);
      } finally {
        await peer.close();
      }
    });
  }
});

Deno.test("a source that fails mid-download ends it with the code of its kind, releases the snapshot, and tells only the logger why", async () => {
  const expected = {
    unavailable: { code: "SOURCE_UNAVAILABLE", recoverable: true },
    timeout: { code: "SOURCE_UNAVAILABLE", recoverable: true },
    failed: { code: "SOURCE_FAILED", recoverable: false },
  } as const;
  for (const [kind, answer] of Object.entries(expected)) {
    const logged: string[] = [];
    await withServer(
      async (url, source) => {
        source.failPage = { at: 2, kind: kind as DataSourceError["kind"] };
        const peer = await RawPeer.open(url);
        try {
          peer.send(requestMessage("r", {
            searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
          }));
          const error = await peer.message("download:error", "r");
          deepStrictEqual(
            { code: error.data.code, recoverable: error.data.recoverable },
            answer,
            kind,
          );
          equal(JSON.stringify(error).includes("secret_table"), false, kind);
          await eventually(`${kind}: the release`, () => source.released === 1);
        } finally {
          await peer.close();
        }
      },
      { windowBytes: 1 << 22 },
      logged,
    );
    ok(logged.some((line) => line.includes(SECRET)), `${kind}: the logger heard the cause`);
  }
});

Deno.test("a snapshot that cannot be opened fails the download as the source's failure", async () => {
  await withServer(async (url, source) => {
    source.failOpen = true;
    const peer = await RawPeer.open(url);
    try {
      peer.send(requestMessage("r"));
      const error = await peer.message("download:error", "r");
      equal(error.data.code, "SOURCE_UNAVAILABLE");
      equal(source.opened, 0);
      equal(source.directReads, 0);
    } finally {
      await peer.close();
    }
  });
});
