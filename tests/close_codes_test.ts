import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  CLOSE_CODES,
  closeCodeRows,
  closeWith,
  MAX_CLOSE_REASON_BYTES,
} from "../protocol/close_codes.ts";

Deno.test("every close code is distinct, and either RFC 6455's own or in its private range", () => {
  const codes = closeCodeRows().map((row) => row.code);
  equal(new Set(codes).size, codes.length);
  for (const code of codes) ok((code >= 1000 && code <= 1015) || (code >= 4000 && code <= 4999));
});

Deno.test("only the client's own close ends a connection for good; every other close reconnects", () => {
  deepStrictEqual(
    closeCodeRows().map(({ name, code, leadsTo, sentBy }) => [name, code, leadsTo, sentBy]),
    [
      ["NORMAL_CLOSURE", 1000, "end", "client"],
      ["GOING_AWAY", 1001, "reconnect", "server"],
      ["SERVER_ERROR", 1011, "reconnect", "server"],
      ["CLIENT_ABORT", 4000, "reconnect", "client"],
      ["PROTOCOL_VIOLATION", 4400, "reconnect", "server"],
      ["SIGN_IN_FAILED", 4401, "reconnect", "server"],
      ["IDLE_TIMEOUT", 4408, "reconnect", "server"],
      ["SLOW_READER", 4429, "reconnect", "server"],
    ],
  );
});

Deno.test("a close reason is cut to 123 bytes of UTF-8 at a character boundary", () => {
  const utf8 = (text: string) => new TextEncoder().encode(text).length;
  const abort = CLOSE_CODES.reconnect.CLIENT_ABORT;
  equal(closeWith(abort, "INVALID_VALUE").reason, "INVALID_VALUE");
  for (const unit of ["a", "é", "€", "😀"]) {
    for (const count of [0, 1, 30, 61, 62, 123, 124, 500]) {
      const { code, reason } = closeWith(abort, unit.repeat(count));
      equal(code, 4000);
      ok(utf8(reason) <= MAX_CLOSE_REASON_BYTES, `${unit} × ${count}`);
      // As long as fits: one more character would not.
      const whole = Math.min(count, Math.floor(MAX_CLOSE_REASON_BYTES / utf8(unit)));
      equal(reason, unit.repeat(whole), `${unit} × ${count}`);
    }
  }
});

Deno.test("no shell or machine writes a close code as a number: they all come from the table", async () => {
  const codes = closeCodeRows().map((row) => row.code).join("|");
  const literal = new RegExp(`\\b(${codes})\\b`);
  const offenders: string[] = [];
  for (const folder of ["client", "protocol", "server"]) {
    for await (const entry of Deno.readDir(new URL(`../${folder}/`, import.meta.url))) {
      if (!entry.name.endsWith(".ts") || entry.name === "close_codes.ts") continue;
      const path = `${folder}/${entry.name}`;
      const text = await Deno.readTextFile(new URL(`../${path}`, import.meta.url));
      text.split("\n").forEach((line, i) => {
        if (/close/i.test(line) && literal.test(line)) offenders.push(`${path}:${i + 1}: ${line}`);
      });
    }
  }
  deepStrictEqual(offenders, []);
});
