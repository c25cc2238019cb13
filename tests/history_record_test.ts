// What the page's download history keeps: newest first, bounded, each download once, with how it
// ended; and what it reads back from IndexedDB.
import { deepStrictEqual, equal } from "node:assert/strict";
import {
  ended,
  HISTORY_LENGTH,
  type HistoryRecord,
  outcomeText,
  readRecord,
  remember,
} from "../web/history_record.ts";

const request = {
  searchParams: { timeFrom: "2024-01-01T00:00:00Z", timeTo: "2024-01-02T00:00:00Z", filters: [] },
  outputFormat: "csv" as const,
  compression: false,
};
const record = (id: string, startedAt: number): HistoryRecord => ({
  id,
  request,
  name: `${id}.csv`,
  startedAt,
  outcome: "running",
});

Deno.test("the history keeps the newest downloads first, each once, up to its length", () => {
  let records: HistoryRecord[] = [];
  for (let i = 0; i < HISTORY_LENGTH + 5; i++) records = remember(records, record(`d${i}`, i));
  equal(records.length, HISTORY_LENGTH);
  equal(records[0].id, `d${HISTORY_LENGTH + 4}`);
  equal(records.at(-1)?.id, "d5");
  const done = ended(records[3], 99, { outcome: "done", rows: 10, bytes: 2048, sha256: "ab" });
  records = remember(records, done);
  equal(records.length, HISTORY_LENGTH);
  deepStrictEqual(records[3], { ...done, endedAt: 99 });
});

Deno.test("a record says how its download ended, and a cut-off one reads as interrupted", () => {
  const start = record("a", 1);
  equal(outcomeText(start, true), "Downloading");
  equal(outcomeText(start, false), "Interrupted: the page was closed");
  const done = ended(start, 2, { outcome: "done", rows: 1234, bytes: 1536, sha256: "ab" });
  equal(outcomeText(done, false), "Done: 1,234 rows, 1.50 KiB");
  equal(done.sha256, "ab");
  const refused = ended(start, 2, { outcome: "failed", code: "INVALID_RANGE" });
  equal(outcomeText(refused, false), "Failed (INVALID_RANGE)");
  equal(outcomeText(ended(start, 2, { outcome: "failed" }), false), "Failed");
  equal(
    outcomeText(ended(start, 2, { outcome: "cancelled", code: "CANCELLED" }), false),
    "Cancelled",
  );
});

Deno.test("what IndexedDB gives back is taken only when it is a record the page wrote", () => {
  const good = ended(record("a", 1), 2, { outcome: "done", rows: 1, bytes: 1 });
  deepStrictEqual(readRecord(structuredClone(good)), good);
  for (
    const bad of [
      null,
      "x",
      { ...good, id: 1 },
      { ...good, outcome: "exploded" },
      { ...good, request: { ...request, outputFormat: "xml" } },
      { ...good, request: { ...request, searchParams: { timeFrom: "x" } } },
    ]
  ) equal(readRecord(bad), undefined, JSON.stringify(bad));
});
