// A session that a token opened, on the pair harness (tests/_pair.ts, fake clock): it ends when
// the token does, and what the client does then, decided in PROTOCOL.md §15.8. token_cli_test.ts
// proves the wiring with real tokens on real sockets.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DownloadRequest } from "../protocol/messages.ts";
import type { TokenVerdict } from "../protocol/session_token.ts";
import { Pair } from "./_pair.ts";

const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] },
  outputFormat: "csv",
  compression: false,
};
const TOKEN_LIFE_MS = 1000;
const SLOW_SOURCE = { rows: 3000, sourceDelayMs: 20, server: { exports: { frameBytes: 2048 } } };

/** Tokens `t@<minted at>` that name alice and expire TOKEN_LIFE_MS after they were minted. */
function verify(token: string, now: number): TokenVerdict {
  const expiresAt = Number(token.split("@")[1]) + TOKEN_LIFE_MS;
  if (now > expiresAt) return { ok: false, code: "AUTH_TOKEN_EXPIRED" };
  return { ok: true, subject: "alice", claims: { sub: "alice" }, expiresAt };
}

Deno.test("a token that expires during a long download: the client signs in again with a fresh one and the bytes are the same", () => {
  const clean = new Pair({ ...SLOW_SOURCE });
  clean.connect();
  const expected = clean.finish(clean.download("dl", REQUEST));

  const minted: number[] = [];
  const pair = new Pair({
    ...SLOW_SOURCE,
    client: { backoff: { maxAttempts: 5, baseMs: 10, maxMs: 100 } },
    tokens: {
      mint: (now) => {
        minted.push(now);
        return `t@${now}`;
      },
      verify,
    },
  });
  pair.connect();
  const download = pair.finish(pair.download("dl", REQUEST));
  ok(download.summary !== undefined, `the download failed: ${download.error?.code}`);
  ok(pair.now - minted[0] > TOKEN_LIFE_MS, "the download outlived its first token");
  ok(minted.length >= 2, "a fresh token for each sign-in");
  ok(pair.servers.length >= 2, "the session ended with its token, and another began");
  deepStrictEqual(pair.client.lastClose, { code: 4401, reason: "SESSION_EXPIRED" });
  deepStrictEqual(download.bytes(), expected.bytes());
  equal(download.summary?.rows, 3000);
});

Deno.test("a fixed token that expires during a download fails it with AUTH_TOKEN_EXPIRED, not silently", () => {
  let mintedAt: number | undefined;
  const pair = new Pair({
    ...SLOW_SOURCE,
    client: { backoff: { maxAttempts: 5, baseMs: 10, maxMs: 100 } },
    tokens: { mint: (now) => `t@${mintedAt ??= now}`, verify },
  });
  pair.connect();
  const download = pair.download("dl", REQUEST);
  pair.runUntil(() => download.ended);
  equal(download.summary, undefined);
  equal(download.error?.code, "AUTH_TOKEN_EXPIRED");
  equal(pair.client.failed?.code, "AUTH_TOKEN_EXPIRED");
  equal(pair.servers.length, 2, "one sign-in refused, no retries of the same token");
});
