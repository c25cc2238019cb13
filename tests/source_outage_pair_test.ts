// The server's database goes away in the middle of an export and comes back: the server ends the
// download with SOURCE_UNAVAILABLE (recoverable, retryAfter), the client waits and resumes from its
// last frame, and the file is the one an uninterrupted export gives. On the pair harness, on a fake
// clock; download_snapshot_test.ts proves the server's half on a real socket and a real source.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DownloadRequest } from "../protocol/messages.ts";
import { Pair } from "./_pair.ts";

const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] },
  outputFormat: "csv",
  compression: false,
};
const SMALL_FRAMES = { exports: { frameBytes: 2048 } };

/** A download under way (`chunks` frames read) when its database goes away. */
function goneAway(maxAttempts: number, chunks: number) {
  const pair = new Pair({ rows: 2000, server: SMALL_FRAMES, client: { backoff: { maxAttempts } } });
  pair.connect();
  const download = pair.download("dl", REQUEST);
  pair.runUntil(() => download.chunks.length >= chunks);
  pair.table.unavailable = true;
  return { pair, download };
}

function uninterrupted(): Uint8Array {
  const pair = new Pair({ rows: 2000, server: SMALL_FRAMES });
  pair.connect();
  return pair.finish(pair.download("dl", REQUEST)).bytes();
}

Deno.test("a database that goes away mid-export is waited for, and the download resumes to the same bytes", () => {
  const { pair, download } = goneAway(3, 3);
  pair.runUntil(() => download.retries.length === 2);
  equal(download.state.phase, "requested");
  pair.table.unavailable = false;
  pair.finish(download);
  equal(download.error, undefined);
  deepStrictEqual(download.retries.map((e) => [e.code, e.recoverable]), [
    ["SOURCE_UNAVAILABLE", true],
    ["SOURCE_UNAVAILABLE", true],
  ]);
  deepStrictEqual(download.bytes(), uninterrupted());
  // The same connection carried it all: it was the download that waited, not the connection.
  equal(pair.servers.length, 1);
  const asked = download.sent.filter((m) => m.event === "download:resume");
  equal(asked.length, 2);
});

Deno.test("each wait is at least the server's retryAfter", () => {
  const { pair, download } = goneAway(3, 1);
  pair.runUntil(() => download.retries.length === 1);
  const refusedAt = pair.now;
  pair.runUntil(() => download.sent.some((m) => m.event === "download:resume"));
  ok(pair.now - refusedAt >= (download.retries[0].retryAfter ?? Infinity));
});

Deno.test("an outage longer than the attempts ends the download with the server's error and the point to continue from", () => {
  const { pair, download } = goneAway(2, 2);
  pair.finish(download);
  equal(download.error?.code, "SOURCE_UNAVAILABLE");
  equal(download.retries.length, 2);
  const point = download.resumePoint();
  equal(point?.rows, download.state.rows);
  // Continuing later from that point, once the database is back, gives the rest of the same file.
  pair.table.unavailable = false;
  const rest = pair.finish(pair.download("dl-2", REQUEST, point));
  const whole = new Uint8Array([...download.bytes(), ...rest.bytes()]);
  deepStrictEqual(whole, uninterrupted());
});
