// Rules of `download:estimate` and of a request's choice of columns, on the server session
// machine alone (tests/_session_driver.ts): the source's answers come from the in-memory table.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { decodeDataFrame } from "../protocol/frame.ts";
import type { DownloadEstimate, DownloadRequest, ServerMessage } from "../protocol/messages.ts";
import { readsInput } from "../protocol/session_state.ts";
import { ALL, codesOf, Driver, estimateOf, requestOf } from "./_session_driver.ts";
import { MEMORY_SCHEMA } from "./_memory_source.ts";

function estimate(d: Driver, request: DownloadRequest = ALL): DownloadEstimate {
  const from = d.log.length;
  d.receive(estimateOf("e", request));
  const answer = d.sent(from).find((m) => m.event === "download:estimate");
  if (answer?.event !== "download:estimate") {
    throw new Error(`no estimate: ${JSON.stringify(codesOf(d.effects(from)))}`);
  }
  equal(answer.requestId, "e");
  return answer.data;
}

const withParams = (params: Partial<DownloadRequest["searchParams"]>): DownloadRequest => ({
  ...ALL,
  searchParams: { ...ALL.searchParams, ...params },
});

/** The text a download of `request` writes, from the frames the machine sent. */
function download(d: Driver, request: DownloadRequest): { text: string; sent: ServerMessage[] } {
  const from = d.log.length;
  d.receive(requestOf("r", request));
  const decoder = new TextDecoder();
  let text = "";
  for (const effect of d.effects(from)) {
    if (effect.type !== "sendFrame") continue;
    const frame = decodeDataFrame(effect.frame);
    if (!frame.ok) throw new Error("a frame that does not decode");
    text += decoder.decode(frame.value.payload);
    d.receive({
      event: "download:ack",
      data: { sequence: frame.value.sequence },
      timestamp: 0,
      requestId: "r",
    });
  }
  return { text, sent: d.sent(from) };
}

Deno.test("an estimate counts the rows, sizes the export from a sample and starts no download", () => {
  const d = new Driver({ rows: 250 });
  const answer = estimate(d);
  equal(answer.rows, 250);
  equal(answer.exact, true);
  equal(answer.preview.length, 20);
  equal(answer.preview[0].id, 1);
  equal(d.state.downloads.length, 0);
  equal(d.state.waiting, undefined);
  // The mean of 100 sampled rows, against the real size: within a tenth.
  const real = download(d, ALL).text.length;
  ok(Math.abs(answer.bytes - real) < real / 10, `${answer.bytes} against ${real}`);
});

Deno.test("an estimate of every row has the export's exact size", () => {
  const d = new Driver({ rows: 40 });
  const answer = estimate(d, { ...ALL, outputFormat: "json" });
  const real = new TextEncoder().encode(download(d, { ...ALL, outputFormat: "json" }).text);
  equal(answer.bytes, real.length);
});

Deno.test("an estimate's preview is the JSON format's rows of the chosen columns, in their order", () => {
  const d = new Driver({ rows: 5 });
  const answer = estimate(d, withParams({ columns: ["price", "id", "ts"] }));
  deepStrictEqual(Object.keys(answer.preview[0]), ["price", "id", "ts"]);
  equal(typeof answer.preview[0].price, "string");
  ok(String(answer.preview[0].ts).endsWith("Z"));
});

Deno.test("an estimate offers the values of text columns that have few, from its sample", () => {
  const d = new Driver({ rows: 100 });
  const answer = estimate(d);
  deepStrictEqual(answer.values.symbol, ["BTC-USD", "ETH-USD", "SOL-USD"]);
  // Only text columns, and only the values rows of the request have.
  equal(answer.values.id, undefined);
  const one = estimate(
    d,
    withParams({ filters: [{ field: "symbol", operator: "eq", value: "ETH-USD" }] }),
  );
  deepStrictEqual(one.values.symbol, ["ETH-USD"]);
});

Deno.test("an estimate is narrowed by the authorize hook as its download would be", () => {
  const d = new Driver({
    rows: 90,
    authorize: () => ({
      value: { filters: [{ field: "symbol", operator: "eq", value: "BTC-USD" }] },
    }),
  });
  const answer = estimate(d);
  equal(answer.rows, 30);
  ok(answer.preview.every((row) => row.symbol === "BTC-USD"));
});

Deno.test("an estimate the hook refuses, or of a dataset outside its allow list, tells nothing", () => {
  const refused = new Driver({ authorize: () => ({ value: false }) });
  refused.receive(estimateOf("e"));
  deepStrictEqual(codesOf(refused.effects()), ["FORBIDDEN"]);
  equal(refused.sent().some((m) => m.event === "download:estimate"), false);
  const allow = new Set(["02" + "11".repeat(32)]);
  const d = new Driver({
    tuning: { datasets: [{ name: "trades", schema: MEMORY_SCHEMA, allow }] },
  });
  d.receive(estimateOf("e"));
  deepStrictEqual(codesOf(d.effects()), ["FORBIDDEN"]);
});

Deno.test("an estimate says the dataset's row limit, past which a download is refused", () => {
  const d = new Driver({ rows: 50, tuning: { exports: { maxRows: 10 } } });
  const answer = estimate(d);
  equal(answer.rows, 50);
  equal(answer.maxRows, 10);
});

Deno.test("a download writes only the chosen columns, in the order asked, in every format", () => {
  const columns = ["symbol", "id"];
  const csv = download(new Driver({ rows: 3 }), withParams({ columns }));
  deepStrictEqual(csv.text.split("\r\n").slice(0, 2), ["symbol,id", "ETH-USD,1"]);
  const start = csv.sent.find((m) => m.event === "download:start");
  deepStrictEqual(
    start?.event === "download:start" && start.data.columns.map((c) => c.name),
    columns,
  );
  const json = download(new Driver({ rows: 3 }), {
    ...withParams({ columns }),
    outputFormat: "json",
  });
  deepStrictEqual(Object.keys(JSON.parse(json.text)[0]), columns);
  const ndjson = download(new Driver({ rows: 3 }), {
    ...withParams({ columns }),
    outputFormat: "ndjson",
  });
  deepStrictEqual(Object.keys(JSON.parse(ndjson.text.split("\n")[0])), columns);
});

Deno.test("a column the dataset does not have is UNKNOWN_COLUMN, and one given twice or none INVALID_VALUE", () => {
  for (
    const [columns, code] of [
      [["id", "colour"], "UNKNOWN_COLUMN"],
      [["id", "symbol", "id"], "INVALID_VALUE"],
      [[], "INVALID_VALUE"],
    ] as const
  ) {
    const d = new Driver();
    d.receive(requestOf("r", withParams({ columns })));
    deepStrictEqual(codesOf(d.effects()), [code]);
    const error = d.sent().find((m) => m.event === "download:error");
    ok(error?.event === "download:error" && String(error.data.details?.path).includes("columns"));
    const e = new Driver();
    e.receive(estimateOf("e", withParams({ columns })));
    deepStrictEqual(codesOf(e.effects()), [code]);
  }
  const d = new Driver();
  d.receive(requestOf("r", withParams({ columns: ["colour"] })));
  const error = d.sent().find((m) => m.event === "download:error");
  equal(error?.event === "download:error" && error.data.details?.column, "colour");
  ok(error?.event === "download:error" && String(error.data.details?.columns).startsWith("id, ts"));
});

Deno.test("while an estimate waits for the source, the connection reads nothing more and its downloads go on", () => {
  const d = new Driver({ source: false, tuning: { exports: { frameBytes: 2048 } } });
  d.receive(requestOf("r"));
  const job = d.state.downloads[0].job;
  d.answerSource(job, "highWaterMark");
  d.answerSource(job, "rowCount");
  const asked = d.effects().findLast((e) => e.type === "readPage");
  if (asked?.type !== "readPage") throw new Error("no page asked for");
  d.receive(estimateOf("e"));
  equal(d.state.waiting?.for, "estimate");
  equal(readsInput(d.state), false);
  // A whole page of the running download is taken meanwhile, and sent.
  const from = d.log.length;
  d.answerSource(job, "page", d.table.rows.slice(0, asked.limit));
  ok(d.effects(from).some((e) => e.type === "sendFrame"));
  const wait = d.state.waiting;
  if (wait?.for !== "estimate") throw new Error("the estimate no longer waits");
  // An answer for another job is not this estimate's.
  d.step({ type: "estimated", job: wait.job + 100, answer: { rows: 1, sample: [] } });
  equal(d.state.waiting?.for, "estimate");
  d.step({
    type: "estimated",
    job: wait.job,
    answer: { rows: 100, sample: d.table.rows.slice(0, 3) },
  });
  equal(readsInput(d.state), true);
  const answer = d.sent().find((m) => m.event === "download:estimate");
  equal(answer?.event === "download:estimate" && answer.data.rows, 100);
  equal(d.state.downloads.length, 1, "the download still runs");
});
