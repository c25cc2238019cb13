// A download of chosen columns, cut and resumed on the pair harness (tests/_pair.ts): the resumed
// request carries the same `searchParams.columns`, so the frames fall where they fell and the
// bytes and digest are those of the uninterrupted export.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DownloadRequest } from "../protocol/messages.ts";
import { Pair } from "./_pair.ts";

const FAST_RECONNECT = { maxAttempts: 5, baseMs: 10, maxMs: 200 };
const FRAME_BYTES = 1024;
const REQUEST: DownloadRequest = {
  searchParams: {
    timeFrom: "2024-01-01T00:00:00Z",
    timeTo: "2030-01-01T00:00:00Z",
    filters: [],
    columns: ["note", "symbol", "id"],
  },
  outputFormat: "csv",
  compression: false,
};

Deno.test("a download of chosen columns cut at several frames resumes to the same bytes and digest", () => {
  const clean = new Pair({ rows: 400, server: { exports: { frameBytes: FRAME_BYTES } } });
  clean.connect();
  const expected = clean.finish(clean.download("dl", REQUEST));
  const text = new TextDecoder().decode(expected.bytes());
  equal(text.split("\r\n")[0], "note,symbol,id");
  const frames = expected.state.sequence;
  ok(frames > 6, `${frames} frames`);
  for (const cutAfter of [0, 1, Math.floor(frames / 2), frames - 1]) {
    const pair = new Pair({
      rows: 400,
      server: { exports: { frameBytes: FRAME_BYTES } },
      client: { backoff: FAST_RECONNECT },
    });
    pair.connect();
    const download = pair.download("dl", REQUEST);
    pair.runUntil(() =>
      download.started > 0 && download.state.sequence >= cutAfter || download.ended
    );
    pair.client.link?.cut();
    pair.runUntil(() => download.ended && pair.client.state.phase === "open");
    equal(download.started, 2, `resumed after frame ${cutAfter}`);
    deepStrictEqual(download.bytes(), expected.bytes(), `cut after frame ${cutAfter}`);
    deepStrictEqual(download.summary?.digest, expected.summary?.digest);
  }
});
