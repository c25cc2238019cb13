// A resume point whose counters leave no room for the rest of the download is refused by the
// parser with INVALID_VALUE (issue 16, finding 6): before, `sequence` 4294967295 or `bytes`
// 2^53 - 1 was accepted and the download then failed with INTERNAL_ERROR and a RangeError stack.
import { equal } from "node:assert/strict";
import { parseClientMessage } from "../protocol/parse.ts";
import { MAX_RESUME_COUNT, MAX_RESUME_SEQUENCE } from "../protocol/resume_bounds.ts";
import { codesOf, Driver, resumeOf } from "./_session_driver.ts";

const RESUME = {
  highWaterMark: "100",
  cursor: "",
  sequence: 0,
  rows: 0,
  bytes: 0,
  digest: "00".repeat(32),
};

function code(resume: typeof RESUME): string {
  const r = parseClientMessage(JSON.stringify(resumeOf("r", resume)));
  return r.ok ? "ok" : r.error.error.code;
}

Deno.test("a resume point's sequence, rows and bytes past their bounds are INVALID_VALUE", () => {
  equal(code({ ...RESUME, sequence: 4_294_967_295 }), "INVALID_VALUE");
  equal(code({ ...RESUME, sequence: MAX_RESUME_SEQUENCE + 1 }), "INVALID_VALUE");
  equal(code({ ...RESUME, bytes: Number.MAX_SAFE_INTEGER }), "INVALID_VALUE");
  equal(code({ ...RESUME, bytes: MAX_RESUME_COUNT + 1 }), "INVALID_VALUE");
  equal(code({ ...RESUME, rows: MAX_RESUME_COUNT + 1 }), "INVALID_VALUE");
  equal(code({ ...RESUME, sequence: MAX_RESUME_SEQUENCE, rows: 5, bytes: MAX_RESUME_COUNT }), "ok");
});

Deno.test("a resume at the top of the counters is refused on download:error, and nothing is logged", () => {
  const top = [{ sequence: 4_294_967_295 }, { bytes: 2 ** 53 - 1 }];
  for (const resume of top.map((t) => ({ ...RESUME, highWaterMark: "1000", ...t }))) {
    // Small frames: the rest of the download takes many, past the top of the counters.
    const d = new Driver({ rows: 1000, tuning: { exports: { frameBytes: 1024 } } });
    d.receive(resumeOf("r", resume));
    const sent = d.sent();
    equal(sent.length, 1, JSON.stringify(sent));
    equal(sent[0].event, "download:error");
    equal(codesOf(d.effects())[0], "INVALID_VALUE");
    equal(d.effects().some((e) => e.type === "log"), false);
  }
});
