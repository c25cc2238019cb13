import { deepStrictEqual, equal } from "node:assert/strict";
import { errorResponse } from "../protocol/errors.ts";
import { peerErrorCode } from "../protocol/peer_error_code.ts";
import { SluiceError } from "../client/sluice_error.ts";

Deno.test("a SluiceError keeps the server's message as it came, and gives back the same response", () => {
  for (
    const response of [
      errorResponse("UNKNOWN_COLUMN", { path: "data.searchParams.filters[0].field" }),
      errorResponse("RATE_LIMITED", { limit: 2 }, { retryAfter: 750 }),
      // A message that begins like the Error's own text, and a code newer than this client.
      { code: peerErrorCode("QUOTA_EXHAUSTED"), message: "QUOTA: x: y", recoverable: false },
      { code: peerErrorCode("CANCELLED"), message: "", recoverable: false },
    ]
  ) {
    const error = new SluiceError(response);
    equal(error.code, response.code);
    equal(error.message, `${response.code}: ${response.message}`);
    equal(error.response, response);
    equal(error.response.message, response.message);
    deepStrictEqual(error.toJSON(), response);
    deepStrictEqual(JSON.parse(JSON.stringify(error)), response);
  }
});
