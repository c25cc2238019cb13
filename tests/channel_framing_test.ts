// The framing rules of a connection, on the pure functions: the form an outgoing control message
// takes, and the order in which a received payload is checked, with the code of each violation.
import { deepEqual, equal } from "node:assert/strict";
import {
  type Inflated,
  readInflated,
  readInner,
  readPayload,
  textForm,
} from "../protocol/channel_framing.ts";
import type { ErrorResponse } from "../protocol/errors.ts";
import type { Result } from "../protocol/result.ts";
import { encodeControlFrame, sealedHeader } from "../protocol/sealed_frame.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const sealedFrame = () => Uint8Array.from([...sealedHeader(0), ...new Array(16).fill(0)]);
const dataFrame = Uint8Array.from([1, 1, 9, 9]);

/** A step's type, or the error's code. */
const outcome = <T extends { type: string }>(r: Result<T, ErrorResponse>) =>
  r.ok ? r.value.type : r.error.code;

Deno.test("control messages over the threshold travel deflated, others as text or plain control frames", () => {
  deepEqual(
    [textForm(0, false), textForm(1024, false), textForm(1025, false), textForm(1025, true)],
    ["text", "text", "deflated", "deflated"],
  );
  equal(textForm(1024, true), "control");
  equal(textForm(11, false, 10), "deflated");
});

Deno.test("a payload's size is checked before anything else, decrypting included", () => {
  const r = readPayload(sealedFrame(), { sealed: true, maxPayloadBytes: 27 });
  equal(outcome(r), "MESSAGE_TOO_LARGE");
  deepEqual(!r.ok && r.error.details, { bytes: 28 });
  equal(
    outcome(readPayload("x".repeat(11), { sealed: false, maxPayloadBytes: 10 })),
    "MESSAGE_TOO_LARGE",
  );
  equal(outcome(readPayload(sealedFrame(), { sealed: true, maxPayloadBytes: 28 })), "open");
});

Deno.test("a sealed session takes only sealed frames; an unsealed one refuses them", () => {
  const sealed = { sealed: true };
  const plain = { sealed: false };
  const cases: [string | Uint8Array, { sealed: boolean }, string][] = [
    ['{"a":1}', plain, "incoming"],
    ['{"a":1}', sealed, "UNSEALED_MESSAGE"],
    [dataFrame, plain, "incoming"],
    [dataFrame, sealed, "UNSEALED_MESSAGE"],
    [encodeControlFrame(utf8("{}"), false), sealed, "UNSEALED_MESSAGE"],
    [sealedFrame(), sealed, "open"],
    [sealedFrame(), plain, "FRAME_TYPE"],
    [new Uint8Array([1, 9]), sealed, "FRAME_TYPE"],
    [new Uint8Array([7, 1]), plain, "FRAME_VERSION"],
    [new Uint8Array([1]), sealed, "FRAME_TRUNCATED"],
  ];
  for (const [payload, options, expected] of cases) {
    equal(outcome(readPayload(payload, options)), expected, `${payload} ${options.sealed}`);
  }
  const r = readPayload(sealedFrame(), plain);
  deepEqual(!r.ok && r.error.details, { reason: "not signed in" });
});

Deno.test("an inner frame is a data frame, a control frame's UTF-8 text, or deflated text to inflate", () => {
  deepEqual(readInner(dataFrame), {
    ok: true,
    value: { type: "incoming", incoming: { type: "data", frame: dataFrame } },
  });
  deepEqual(readInner(encodeControlFrame(utf8('{"é":1}'), false)), {
    ok: true,
    value: { type: "incoming", incoming: { type: "text", text: '{"é":1}' } },
  });
  deepEqual(readInner(encodeControlFrame(new Uint8Array([1, 2]), true)), {
    ok: true,
    value: { type: "inflate", deflated: new Uint8Array([1, 2]) },
  });
  const inner = readInner(sealedFrame());
  equal(outcome(inner), "FRAME_TYPE");
  deepEqual(!inner.ok && inner.error.details, { reason: "sealed inside sealed" });
  equal(
    outcome(readInner(encodeControlFrame(new Uint8Array([0xff, 0xfe]), false))),
    "MALFORMED_JSON",
  );
  equal(outcome(readInner(new Uint8Array([1, 2, 0, 2]))), "FRAME_FLAGS");
  equal(outcome(readInner(new Uint8Array([1, 2, 0]))), "FRAME_TRUNCATED");
});

Deno.test("an inflated message past the limit, not zlib, or not UTF-8 is refused with its code", () => {
  const cases: [Inflated, string, unknown][] = [
    [{ type: "tooLarge" }, "MESSAGE_TOO_LARGE", { reason: "inflated" }],
    [{ type: "malformed" }, "MALFORMED_JSON", { reason: "not zlib data" }],
    [{ type: "inflated", json: new Uint8Array([0xff]) }, "MALFORMED_JSON", { reason: "not UTF-8" }],
  ];
  for (const [inflated, code, details] of cases) {
    const r = readInflated(inflated);
    equal(r.ok ? "ok" : r.error.code, code);
    deepEqual(!r.ok && r.error.details, details);
  }
  deepEqual(readInflated({ type: "inflated", json: utf8("{}") }), {
    ok: true,
    value: { type: "text", text: "{}" },
  });
});
