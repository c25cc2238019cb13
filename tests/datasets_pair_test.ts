// A server of several datasets, on the pair harness (tests/_pair.ts): a request names its dataset
// in searchParams.dataset, one the server does not have is refused with UNKNOWN_DATASET, and a
// resumed download reads the dataset it first named. datasets_program_test.ts proves the same on
// a real server over SQLite and PostgreSQL.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DownloadRequest } from "../protocol/messages.ts";
import type { SessionDataset } from "../protocol/session_datasets.ts";
import { MEMORY_SCHEMA } from "./_memory_source.ts";
import { Pair } from "./_pair.ts";

/** The memory table twice: as it is, and with its columns renamed (the pair has one table). */
const TICKS = {
  columns: MEMORY_SCHEMA.columns.map((c) => ({ ...c, name: `tick_${c.name}` })),
  keyColumn: "tick_id",
};
const DATASETS: readonly SessionDataset[] = [
  { name: "trades", schema: MEMORY_SCHEMA },
  { name: "ticks", schema: TICKS },
];

function request(dataset?: string): DownloadRequest {
  return {
    searchParams: {
      timeFrom: "2024-01-01T00:00:00Z",
      timeTo: "2030-01-01T00:00:00Z",
      filters: [],
      ...(dataset === undefined ? {} : { dataset }),
    },
    outputFormat: "csv",
    compression: false,
  };
}

function headerOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).split("\r\n")[0];
}

Deno.test("a request naming a dataset the server does not have is refused with UNKNOWN_DATASET", () => {
  const pair = new Pair({ rows: 50, server: { datasets: DATASETS } });
  pair.connect();
  const download = pair.finish(pair.download("dl", request("orders")));
  equal(download.error?.code, "UNKNOWN_DATASET");
  equal(download.error?.details?.path, "data.searchParams.dataset");
  equal(download.error?.details?.datasets, "trades, ticks");
  equal(download.chunks.length, 0);
  // The connection goes on: the next request, naming one it has, is served.
  equal(pair.finish(pair.download("dl2", request("ticks"))).summary?.rows, 50);
});

Deno.test("a server of one dataset refuses any dataset name with UNKNOWN_DATASET", () => {
  const pair = new Pair({ rows: 5 });
  pair.connect();
  equal(pair.finish(pair.download("dl", request("trades"))).error?.code, "UNKNOWN_DATASET");
});

Deno.test("a request names its dataset, and one naming none reads the first", () => {
  const pair = new Pair({ rows: 20, server: { datasets: DATASETS } });
  pair.connect();
  const ticks = pair.finish(pair.download("a", request("ticks")));
  const plain = pair.finish(pair.download("b", request()));
  equal(headerOf(ticks.bytes()), TICKS.columns.map((c) => c.name).join(","));
  equal(headerOf(plain.bytes()), MEMORY_SCHEMA.columns.map((c) => c.name).join(","));
  const reads = pair.server.effects.filter((e) => e.type === "readHighWaterMark");
  deepStrictEqual(reads.map((e) => "dataset" in e && e.dataset), ["ticks", "trades"]);
});

Deno.test("a download of one dataset cut mid-way resumes on the same dataset, byte-identical", () => {
  const clean = new Pair({
    rows: 600,
    server: { datasets: DATASETS, exports: { frameBytes: 2048 } },
  });
  clean.connect();
  const expected = clean.finish(clean.download("dl", request("ticks")));
  const pair = new Pair({
    rows: 600,
    server: { datasets: DATASETS, exports: { frameBytes: 2048 } },
    client: { backoff: { maxAttempts: 5, baseMs: 10, maxMs: 200 } },
  });
  pair.connect();
  const download = pair.download("dl", request("ticks"));
  pair.runUntil(() => download.state.sequence >= 3);
  ok(!download.ended);
  pair.client.link?.cut();
  pair.runUntil(() => download.ended && pair.client.state.phase === "open");
  equal(pair.servers.length, 2);
  const resume = download.sent.find((m) => m.event === "download:resume");
  ok(resume !== undefined && resume.event === "download:resume");
  equal(resume.data.request.searchParams.dataset, "ticks");
  const reads = pair.servers[1].effects.filter((e) => e.type === "readHighWaterMark");
  deepStrictEqual(reads.map((e) => "dataset" in e && e.dataset), ["ticks"]);
  deepStrictEqual(download.bytes(), expected.bytes());
  equal(download.summary?.digest, expected.summary?.digest);
});

Deno.test("a dataset's own row and filter limits apply to its requests, not the other's", () => {
  const datasets: readonly SessionDataset[] = [
    { name: "trades", schema: MEMORY_SCHEMA },
    { name: "ticks", schema: TICKS, maxRows: 10, requestLimits: { maxFilters: 1 } },
  ];
  const pair = new Pair({ rows: 50, server: { datasets } });
  pair.connect();
  const over = pair.finish(pair.download("a", request("ticks")));
  equal(over.error?.code, "ROW_LIMIT_EXCEEDED");
  equal(over.error?.details?.limit, 10);
  const twoFilters = (dataset: string): DownloadRequest => {
    const base = request(dataset);
    const field = dataset === "ticks" ? "tick_user_id" : "user_id";
    const filter = { field, operator: "in", value: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } as const;
    return { ...base, searchParams: { ...base.searchParams, filters: [filter, filter] } };
  };
  equal(pair.finish(pair.download("b", twoFilters("ticks"))).error?.code, "TOO_MANY_FILTERS");
  equal(pair.finish(pair.download("c", twoFilters("trades"))).summary?.rows, 50);
});

Deno.test("a dataset with an allow list refuses other identities with FORBIDDEN", () => {
  const allow = new Set(["02" + "11".repeat(32)]);
  const datasets = [{ name: "trades", schema: MEMORY_SCHEMA }, {
    name: "ticks",
    schema: TICKS,
    allow,
  }];
  const pair = new Pair({ rows: 5, server: { datasets } });
  pair.connect();
  const refused = pair.finish(pair.download("a", request("ticks")));
  equal(refused.error?.code, "FORBIDDEN");
  equal(refused.error?.details?.dataset, "ticks");
  equal(pair.finish(pair.download("b", request("trades"))).summary?.rows, 5);
});
