// Per-identity limits (issue 5): each refuses with its own code and a retryAfter.
import { deepEqual, equal, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { requestMessage, startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { FROM, ROWS, SEARCH, USER_7 } from "./_security_fixtures.ts";

Deno.test("every per-identity limit refuses with its code and a retryAfter", async () => {
  const server = startServer(ROWS, {
    anonymous: false,
    windowBytes: 65_536,
    limits: { maxConcurrentDownloads: 1, requestsPerMinute: 3, maxRowsPerRequest: 9_000 },
  });
  const key = secp.utils.randomSecretKey();
  const peers = [await SignedPeer.open(server.url, key), await SignedPeer.open(server.url, key)];
  try {
    for (const peer of peers) await peer.signIn();
    const [a, b] = peers;
    const small = {
      searchParams: { ...SEARCH, filters: [USER_7] },
    };
    // One download runs (held by its window: nothing is acknowledged); the same identity on
    // another connection may not start a second.
    a.send(
      await a.signed(
        requestMessage("held", {
          searchParams: { timeFrom: FROM, timeTo: "2024-01-03", filters: [] },
        }),
      ),
    );
    await a.message("download:start", "held");
    b.send(await b.signed(requestMessage("second", small)));
    const busy = (await b.message("download:error", "second")).data;
    deepEqual([busy.code, busy.retryAfter! > 0], ["TOO_MANY_DOWNLOADS", true]);
    a.send(
      await a.signed({
        event: "download:cancel",
        data: {},
        timestamp: Date.now(),
        requestId: "held",
      }),
    );
    await a.message("download:cancelled", "held");
    // Too many rows.
    b.send(await b.signed(requestMessage("all")));
    const big = (await b.message("download:error", "all")).data;
    equal(big.code, "ROW_LIMIT_EXCEEDED");
    deepEqual(b.drain(), []);
    // The third download in this minute runs (it is small: no acknowledgement needed) …
    b.send(await b.signed(requestMessage("third", small)));
    await b.message("download:complete", "third");
    // … and the fourth must wait.
    b.send(await b.signed(requestMessage("fourth", small)));
    const rate = (await b.message("download:error", "fourth")).data;
    equal(rate.code, "RATE_LIMITED");
    ok(rate.retryAfter! > 0 && rate.retryAfter! <= 60_000, `retryAfter ${rate.retryAfter}`);
  } finally {
    for (const peer of peers) await peer.close();
    await server.close();
  }
});
