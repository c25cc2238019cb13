import { equal } from "node:assert/strict";
import { formatTimestamp, parseTimestamp } from "../protocol/time.ts";
import { mulberry32 } from "../server/demo_data.ts";

const ms = (text: string) => {
  const r = parseTimestamp(text);
  return r.ok ? r.value : r.error;
};

Deno.test("dates and date-times parse to the same instant as Date.parse", () => {
  for (
    const text of [
      "2024-01-01",
      "2024-02-29T23:59:59.999Z",
      "2024-03-20T09:30Z",
      "2024-03-20T09:30:00+05:30",
      "2024-03-20T09:30:00.1-08:00",
      "1970-01-01T00:00:00.000Z",
      "0001-01-01",
      "9999-12-31T23:59:59.999Z",
    ]
  ) {
    const expected = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    equal(ms(text), expected, text);
  }
});

Deno.test("impossible or malformed timestamps are INVALID_DATE", () => {
  for (
    const text of [
      "2023-02-29",
      "2024-04-31",
      "2024-00-10",
      "2024-01-01T25:00Z",
      "2024-01-01T10:60Z",
      "2024-01-01T10:00:60Z",
      "2024-01-01T10:00:00.1234Z",
      "2024-01-01T10:00:00",
      "2024-01-01T10:00:00+24:00",
      "2024-01-01 10:00:00Z",
      " 2024-01-01",
      "20240101",
      "1710923400123",
    ]
  ) {
    equal(ms(text), "INVALID_DATE", text);
  }
});

Deno.test("format then parse is the identity on epoch milliseconds (seeded)", () => {
  const random = mulberry32(7);
  for (let i = 0; i < 2000; i++) {
    const t = Math.floor(random() * 253_402_300_799_999);
    equal(ms(formatTimestamp(t)), t, `seed 7, case ${i}: ${t}`);
  }
  equal(formatTimestamp(0), "1970-01-01T00:00:00.000Z");
});
