import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ERROR_CODES, ERROR_TABLE, errorResponse, isErrorCode } from "../protocol/errors.ts";

Deno.test("every code in the table is a stable SCREAMING_SNAKE string with a message", () => {
  ok(ERROR_CODES.length > 30);
  for (const code of ERROR_CODES) {
    ok(/^[A-Z][A-Z0-9_]{1,63}$/.test(code), code);
    ok(ERROR_TABLE[code].message.length > 10, code);
    ok(isErrorCode(code));
  }
  equal(isErrorCode("toString"), false);
  equal(isErrorCode("__proto__"), false);
});

Deno.test("errorResponse copies the table row and lets the caller add details and a wait", () => {
  for (const code of ERROR_CODES) {
    const e = errorResponse(code);
    equal(e.code, code);
    equal(e.recoverable, ERROR_TABLE[code].recoverable);
    equal(e.retryAfter, ERROR_TABLE[code].retryAfter);
    equal("details" in e, false);
  }
  deepStrictEqual(errorResponse("TOO_MANY_DOWNLOADS", { limit: 4 }, { retryAfter: 250 }), {
    code: "TOO_MANY_DOWNLOADS",
    message: ERROR_TABLE.TOO_MANY_DOWNLOADS.message,
    details: { limit: 4 },
    recoverable: true,
    retryAfter: 250,
  });
});

Deno.test("recoverable errors that ask for a wait have one, and only those", () => {
  for (const code of ERROR_CODES) {
    const { retryAfter, recoverable } = ERROR_TABLE[code];
    if (retryAfter !== undefined) ok(recoverable && retryAfter > 0, code);
  }
});
