// A value stored in the table that its column's type cannot carry (here a price with more digits
// than the decimal's scale, as SQLite's affinity lets a REAL in): the download ends with
// UNEXPORTABLE_VALUE naming the column and the row's key, not recoverable, and the client does not
// retry, since every resume would stop at the same row. Frames before the row were whole. On the
// pair harness; own_table_test.ts proves it end to end on SQLite and PostgreSQL.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { UnfitValueError } from "../protocol/export_state.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import { RowEncoder } from "../server/formats.ts";
import { MEMORY_SCHEMA } from "./_memory_source.ts";
import { Pair } from "./_pair.ts";

const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2030-01-01T00:00:00Z", filters: [] },
  outputFormat: "csv",
  compression: false,
};
const PRICE = MEMORY_SCHEMA.columns.findIndex((c) => c.name === "price");

Deno.test("a cell that does not fit its column is an UnfitValueError naming the column and its row", () => {
  const encoder = new RowEncoder({ format: "json", columns: MEMORY_SCHEMA.columns });
  const row = [1, 0, "BTC-USD", 150, 1, 1, null];
  throws(
    () =>
      encoder.encodeRows(
        [row, [2, 0, "ETH-USD", 150, 0, 1, null], [3, 0, "x", 1.5, 0, 1, null]],
        true,
      ),
    (e: unknown) => e instanceof UnfitValueError && e.column === "price" && e.row === 2,
  );
});

Deno.test("a stored value that does not fit ends the download with UNEXPORTABLE_VALUE, column and key, and no retry", () => {
  const pair = new Pair({ rows: 2000, server: { exports: { frameBytes: 2048 } } });
  // A price that is not an integer of scale 8: no exact decimal text of it can be written.
  // Not the first row of its page: the key named is the bad row's own, not its page's.
  const bad = pair.table.rows[1503].map((cell, i) => i === PRICE ? 1.5 : cell);
  pair.table.rows[1503] = bad;
  pair.connect();
  const download = pair.download("dl", REQUEST);
  pair.finish(download);
  equal(download.error?.code, "UNEXPORTABLE_VALUE");
  equal(download.error?.recoverable, false);
  deepStrictEqual(download.error?.details, { column: "price", key: String(bad[0]) });
  deepStrictEqual(download.retries, []);
  equal(download.sent.filter((m) => m.event === "download:resume").length, 0);
  // What arrived is whole rows, all before the bad one, each as an export of the good rows has it.
  const text = new TextDecoder().decode(download.bytes());
  const lines = text.split("\r\n").filter((l) => l !== "");
  const keys = lines.slice(1).map((l) => Number(l.split(",")[0]));
  ok(keys.length > 0 && keys.length <= 1503, `${keys.length} rows arrived`);
  deepStrictEqual(keys, keys.map((_, i) => i + 1));
  ok(keys.at(-1)! < Number(bad[0]), `the last row written, ${keys.at(-1)}, is before the bad row`);
});
