// A connection whose network stops carrying, on the pair harness's fake clock (issue 16, finding
// 2): the server waits for its socket at its bound, then aborts the connection after the stall
// timeout instead of holding it for ever; a link that carries again before then goes on.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ALL } from "./_session_driver.ts";
import { Pair } from "./_pair.ts";
import type { PairDownload } from "./_pair_client.ts";

const REQUEST = { ...ALL, outputFormat: "csv" as const };

function frozenPair(stallTimeoutMs: number): { pair: Pair; download: PairDownload } {
  const pair = new Pair({
    rows: 5000,
    server: {
      exports: { frameBytes: 4096, socketBufferBytes: 32_768, windowBytes: 1 << 30 },
      bounds: { stallTimeoutMs },
    },
    client: { heartbeatIntervalMs: 3_600_000, heartbeatTimeoutMs: 3_600_000 },
  });
  pair.connect();
  const download = pair.download("dl", REQUEST);
  pair.client.link!.freeze();
  return { pair, download };
}

Deno.test("a socket that stops carrying is aborted after the stall timeout, its download and slot released", () => {
  const { pair } = frozenPair(10_000);
  pair.advance(9_999);
  equal(pair.server.state.phase, "signedIn");
  equal(pair.server.state.downloads[0].stage, "waiting");
  pair.advance(1);
  const server = pair.server;
  equal(server.state.phase, "closed");
  deepStrictEqual(server.state.downloads, []);
  const close = server.effects.find((e) => e.type === "close");
  deepStrictEqual(close, { type: "close", abort: true, code: 4429, reason: "READER_STALLED" });
});

Deno.test("a socket that carries again before the stall timeout keeps its connection, and the download finishes", () => {
  const { pair, download } = frozenPair(10_000);
  pair.advance(9_000);
  pair.client.link!.thaw();
  pair.finish(download);
  ok(download.ended);
  equal(download.error, undefined);
  equal(pair.servers.length, 1);
});
