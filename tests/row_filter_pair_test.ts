// Row rules on the pair harness (tests/_pair.ts, fake clock, the in-memory table whose user_id is
// 1 + id % 10): every download, resume and count of a dataset with a rule is narrowed to the
// signed-in identity's rows (protocol/row_filter.ts, PROTOCOL.md §6.4). row_filter_cli_test.ts
// proves the wiring with real tokens, a real server and SQLite.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { DownloadRequest, Filter } from "../protocol/messages.ts";
import type { RowFilter } from "../protocol/row_filter.ts";
import type { TokenVerdict } from "../protocol/session_token.ts";
import { Pair, type PairOptions } from "./_pair.ts";
import type { PairDownload } from "./_pair_client.ts";

const ROWS = 400;
const RULE: RowFilter = { column: "user_id", claim: "acct" };

function request(filters: Filter[] = []): DownloadRequest {
  return {
    searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters },
    outputFormat: "csv",
    compression: false,
  };
}

/** A pair whose client signs in with a token carrying these claims. */
function tokenPair(claims: Record<string, unknown>, options: PairOptions = {}): Pair {
  const verify = (): TokenVerdict => ({
    ok: true,
    subject: String(claims.sub ?? "someone"),
    claims,
    expiresAt: Number.MAX_SAFE_INTEGER,
  });
  const pair = new Pair({
    rows: ROWS,
    ...options,
    server: { rowFilter: RULE, ...options.server },
    tokens: { mint: () => "t", verify },
  });
  pair.connect();
  return pair;
}

/** The CSV's rows, header dropped, as [id, user_id]. */
function rowsOf(download: PairDownload): [number, number][] {
  return download.text().split("\r\n").slice(1).filter((line) => line !== "").map((line) => {
    const cells = line.split(",");
    return [Number(cells[0]), Number(cells[5])];
  });
}

/** What a `WHERE user_id = n` selects of the table, as ids. */
function idsOf(pair: Pair, user: number): number[] {
  return pair.table.rows.filter((row) => row[5] === user).map((row) => row[0] as number);
}

Deno.test("two users' tokens download disjoint rows, each exactly the rows of their own user_id", () => {
  const seen: number[][] = [];
  for (const acct of [3, 7]) {
    const pair = tokenPair({ sub: `u${acct}`, acct });
    const download = pair.finish(pair.download("dl", request()));
    ok(download.summary !== undefined, `refused: ${download.error?.code}`);
    const rows = rowsOf(download);
    ok(rows.every(([, user]) => user === acct));
    deepStrictEqual(rows.map(([id]) => id), idsOf(pair, acct));
    equal(download.summary.rows, idsOf(pair, acct).length);
    const start = pair.server.sent().find((m) => m.event === "download:start");
    ok(start?.event === "download:start");
    equal(start.data.totalRows, idsOf(pair, acct).length, "totalRows counts the narrowed rows");
    seen.push(rows.map(([id]) => id));
  }
  equal(seen[0].filter((id) => seen[1].includes(id)).length, 0);
});

Deno.test("a user's own filters are combined with the rule: both hold", () => {
  const pair = tokenPair({ acct: 4 });
  const download = pair.finish(pair.download(
    "dl",
    request([
      { field: "symbol", operator: "eq", value: "ETH-USD" },
    ]),
  ));
  const expected = pair.table.rows.filter((row) => row[5] === 4 && row[2] === "ETH-USD")
    .map((row) => row[0]);
  ok(expected.length > 0);
  deepStrictEqual(rowsOf(download).map(([id]) => id), expected);
});

Deno.test("a filter that asks for another user's rows gets none of them: zero rows", () => {
  for (
    const filter of [
      { field: "user_id", operator: "eq", value: 8 },
      { field: "user_id", operator: "in", value: [8, 9] },
    ] as Filter[]
  ) {
    const pair = tokenPair({ acct: 4 });
    const download = pair.finish(pair.download("dl", request([filter])));
    ok(download.summary !== undefined, `refused: ${download.error?.code}`);
    equal(download.summary.rows, 0);
    deepStrictEqual(rowsOf(download), []);
  }
});

Deno.test("a token without the claim is refused with ROW_FILTER_CLAIM_MISSING, and nothing is read", () => {
  const pair = tokenPair({ sub: "u1" });
  const download = pair.finish(pair.download("dl", request()));
  equal(download.error?.code, "ROW_FILTER_CLAIM_MISSING");
  equal(download.error?.recoverable, false);
  equal(pair.table.pages, 0);
  equal(download.chunks.length, 0);
});

Deno.test("claims that are lists, objects, booleans, null, fractions or text an integer column refuses are ROW_FILTER_CLAIM_MISSING", () => {
  for (const acct of [[4], { id: 4 }, true, null, 4.5, "four", "4x", 2 ** 53]) {
    const pair = tokenPair({ acct });
    const download = pair.finish(pair.download("dl", request()));
    equal(download.error?.code, "ROW_FILTER_CLAIM_MISSING", `acct ${JSON.stringify(acct)}`);
  }
  // Integer text is a value of the integer column, as it is in a filter.
  const pair = tokenPair({ acct: "4" });
  const download = pair.finish(pair.download("dl", request()));
  deepStrictEqual(rowsOf(download).map(([id]) => id), idsOf(pair, 4));
});

Deno.test("a key identity where the rule names a claim, and an anonymous client, are ROW_FILTER_CLAIM_MISSING", () => {
  for (const authenticate of [true, false]) {
    const pair: Pair = new Pair({
      rows: ROWS,
      server: { rowFilter: RULE },
      client: { authenticate },
    });
    pair.connect();
    const download = pair.finish(pair.download("dl", request()));
    equal(download.error?.code, "ROW_FILTER_CLAIM_MISSING", `authenticate ${authenticate}`);
  }
});

Deno.test("the authorize hook's narrowing and the rule both apply", () => {
  const pair = tokenPair({ acct: 5 }, {
    authorize: () => ({ filters: [{ field: "symbol", operator: "eq", value: "SOL-USD" }] }),
  });
  const download = pair.finish(pair.download("dl", request()));
  const expected = pair.table.rows.filter((row) => row[5] === 5 && row[2] === "SOL-USD")
    .map((row) => row[0]);
  ok(expected.length > 0 && expected.length < idsOf(pair, 5).length);
  deepStrictEqual(rowsOf(download).map(([id]) => id), expected);
});

/** A resume point of user `acct` two frames into its download, and that download's clean bytes. */
function pointOf(acct: number) {
  const options = { server: { exports: { frameBytes: 512 } } };
  const clean = tokenPair({ acct }, options);
  const expected = clean.finish(clean.download("dl", request())).bytes();
  const pair = tokenPair({ acct }, options);
  const download = pair.download("dl", request());
  pair.client.pause(download);
  pair.runUntil(() => download.chunks.length >= 2);
  const point = download.resumePoint();
  ok(point !== undefined && !point.final && point.rows > 0);
  return { point, expected, prefix: download.bytes().subarray(0, point.bytes) };
}

Deno.test("a resume by the same user goes on from the point: the file is the clean download's", () => {
  const { point, expected, prefix } = pointOf(6);
  const pair = tokenPair({ acct: 6 }, { server: { exports: { frameBytes: 512 } } });
  const rest = pair.finish(pair.download("dl", request(), point));
  ok(rest.summary !== undefined, `refused: ${rest.error?.code}`);
  deepStrictEqual(new Uint8Array([...prefix, ...rest.bytes()]), expected);
});

Deno.test("a resume point of one user resumed by another is RESUME_MISMATCH: no rows of either are mixed", () => {
  const { point } = pointOf(6);
  const pair = tokenPair({ acct: 2 }, { server: { exports: { frameBytes: 512 } } });
  const rest = pair.finish(pair.download("dl", request(), point));
  equal(rest.error?.code, "RESUME_MISMATCH");
  equal(rest.chunks.length, 0);
  equal(pair.table.pages, 0);
});
