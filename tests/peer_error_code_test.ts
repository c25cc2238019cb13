// Codes from a newer peer: kept as they came, typed apart from the codes this version knows.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ERROR_CODES, isErrorCode } from "../protocol/errors.ts";
import {
  type PeerErrorCode,
  peerErrorCode,
  type UnknownErrorCode,
} from "../protocol/peer_error_code.ts";
import { parseServerMessage } from "../protocol/parse.ts";

Deno.test("a known code stays an ErrorCode and any other is an UnknownErrorCode, unchanged", () => {
  for (const code of ERROR_CODES) {
    const typed = peerErrorCode(code);
    equal(typed, code);
    ok(isErrorCode(typed));
  }
  for (const text of ["QUOTA_EXHAUSTED", "toString", "__proto__", "CANCELLED_"]) {
    const typed = peerErrorCode(text);
    equal(typed, text);
    equal(isErrorCode(typed), false, text);
  }
});

Deno.test("the parser keeps a newer server's code and message as they came, wherever an error travels", () => {
  const error = {
    code: "QUOTA_EXHAUSTED",
    message: "QUOTA_EXHAUSTED: you: used it all.",
    recoverable: true,
    retryAfter: 5000,
  };
  const envelope = { timestamp: 1, requestId: "dl-1" };
  for (
    const message of [
      { event: "download:error", data: error, ...envelope },
      { event: "system:error", data: error, ...envelope },
      { event: "auth:result", data: { authenticated: false, error }, ...envelope },
    ]
  ) {
    const r = parseServerMessage(JSON.stringify(message));
    ok(r.ok, message.event);
    deepStrictEqual(r.value, message);
    const data = r.value.data as { code?: PeerErrorCode; error?: { code: PeerErrorCode } };
    const code = data.code ?? data.error!.code;
    equal(isErrorCode(code), false);
  }
});

/** Handles two known codes and, in `default`, only what no known code is. */
function advice(code: "CANCELLED" | "RATE_LIMITED" | UnknownErrorCode): string {
  switch (code) {
    case "CANCELLED":
      return "stopped";
    case "RATE_LIMITED":
      return "wait";
    default: {
      const newer: UnknownErrorCode = code;
      return `newer: ${newer}`;
    }
  }
}

/** The same switch with a known code left out: the type checker refuses its default branch. */
function forgetful(code: "CANCELLED" | "RATE_LIMITED" | UnknownErrorCode): string {
  switch (code) {
    case "CANCELLED":
      return "stopped";
    default: {
      // @ts-expect-error: RATE_LIMITED reaches here too, so this is not only newer codes
      const newer: UnknownErrorCode = code;
      return `newer: ${newer}`;
    }
  }
}

Deno.test("a switch over a peer's code is exhaustive: newer codes take the default branch", () => {
  equal(advice("CANCELLED"), "stopped");
  equal(advice(peerErrorCode("TEAPOT") as UnknownErrorCode), "newer: TEAPOT");
  // Type-checked above; at run time the forgotten code falls into the default branch.
  equal(forgetful("RATE_LIMITED"), "newer: RATE_LIMITED");
});
