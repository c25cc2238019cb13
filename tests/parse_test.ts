import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { EVENT_TABLE, type EventName } from "../protocol/events.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { parseClientMessage, parseServerMessage } from "../protocol/parse.ts";
import { CLIENT_MESSAGES, REQUEST, SERVER_MESSAGES } from "./_messages.ts";
import { mulberry32 } from "../server/demo_data.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Parses `text` as a client message and returns the error code, or "ok". */
function clientCode(text: string | Uint8Array): string {
  const r = parseClientMessage(text);
  return r.ok ? "ok" : r.error.error.code;
}

function serverCode(text: string): string {
  const r = parseServerMessage(text);
  return r.ok ? "ok" : r.error.error.code;
}

/** A valid download:request with `edit` applied to its parsed JSON. */
// deno-lint-ignore no-explicit-any -- the tests reach into parsed JSON at any depth to break it
function request(edit: (m: Record<string, any>) => void): string {
  const m = JSON.parse(encodeMessage(CLIENT_MESSAGES[0]));
  edit(m);
  return JSON.stringify(m);
}

Deno.test("every client message round-trips through encode and parse, as text and bytes", () => {
  for (const message of CLIENT_MESSAGES) {
    const text = encodeMessage(message);
    const fromText = parseClientMessage(text);
    const fromBytes = parseClientMessage(bytes(text));
    ok(fromText.ok, `${message.event}: ${JSON.stringify(!fromText.ok && fromText.error)}`);
    deepStrictEqual(fromText.value, message);
    ok(fromBytes.ok);
    deepStrictEqual(fromBytes.value, message);
  }
});

Deno.test("every server message round-trips through encode and parse", () => {
  for (const message of SERVER_MESSAGES) {
    const r = parseServerMessage(encodeMessage(message));
    ok(r.ok, `${message.event}: ${JSON.stringify(!r.ok && r.error)}`);
    deepStrictEqual(r.value, message);
  }
});

Deno.test("the examples cover every event in the table, in each direction it travels", () => {
  const fromClient = new Set<EventName>(CLIENT_MESSAGES.map((m) => m.event));
  const fromServer = new Set<EventName>(SERVER_MESSAGES.map((m) => m.event));
  for (const [name, info] of Object.entries(EVENT_TABLE) as [EventName, { direction: string }][]) {
    if (info.direction !== "server") ok(fromClient.has(name), `no client example of ${name}`);
    if (info.direction !== "client") ok(fromServer.has(name), `no server example of ${name}`);
  }
});

Deno.test("an event sent by the wrong side is UNEXPECTED_EVENT", () => {
  equal(clientCode(encodeMessage(SERVER_MESSAGES[0])), "UNEXPECTED_EVENT");
  equal(serverCode(encodeMessage(CLIENT_MESSAGES[0])), "UNEXPECTED_EVENT");
});

Deno.test("text that is not JSON, or bytes that are not UTF-8, is MALFORMED_JSON", () => {
  equal(clientCode('{"event":'), "MALFORMED_JSON");
  equal(clientCode(""), "MALFORMED_JSON");
  equal(clientCode(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), "MALFORMED_JSON");
});

Deno.test("a message over the size limit is MESSAGE_TOO_LARGE, counted in UTF-8 bytes", () => {
  const big = request((m) => m.data.searchParams.filters[0].value = ["x".repeat(4000)]);
  equal(parseClientMessage(big, { maxMessageBytes: 1000 }).ok, false);
  equal(clientCode(bytes("x".repeat(70_000))), "MESSAGE_TOO_LARGE");
  // 30,000 three-byte characters are 90,000 bytes although the string is 30,000 long.
  const wide = request((m) => m.data.searchParams.filters[0].value = ["€".repeat(3000)]);
  const r = parseClientMessage(wide, { maxMessageBytes: 9000 });
  equal(!r.ok && r.error.error.code, "MESSAGE_TOO_LARGE");
  ok(parseClientMessage(wide, { maxMessageBytes: 12_000 }).ok);
});

Deno.test("nesting deeper than the limit is NESTING_TOO_DEEP, before JSON.parse runs", () => {
  equal(clientCode("[".repeat(60_000)), "NESTING_TOO_DEEP");
  const deep = request((m) => m.data.extra = { a: { b: { c: { d: { e: { f: {} } } } } } });
  equal(clientCode(deep), "NESTING_TOO_DEEP");
  // Brackets inside strings do not count.
  equal(clientCode(request((m) => m.data.searchParams.filters[0].value = ["[[[[[[[[[[[[["])), "ok");
});

Deno.test("__proto__, constructor and prototype keys are FORBIDDEN_KEY and pollute nothing", () => {
  const text = encodeMessage(CLIENT_MESSAGES[0]).replace(
    '"compression":true',
    '"compression":true,"__proto__":{"polluted":true}',
  );
  equal(clientCode(text), "FORBIDDEN_KEY");
  equal(({} as Record<string, unknown>).polluted, undefined);
  equal(clientCode(request((m) => m.data.searchParams.constructor = 1)), "FORBIDDEN_KEY");
  equal(clientCode(request((m) => m.prototype = 1)), "FORBIDDEN_KEY");
});

Deno.test("an unknown event is UNKNOWN_EVENT and the failure still names the request", () => {
  const r = parseClientMessage(request((m) => m.event = "download:explode"));
  ok(!r.ok);
  equal(r.error.error.code, "UNKNOWN_EVENT");
  equal(r.error.requestId, "dl-1");
  equal(r.error.event, undefined);
});

Deno.test("missing fields are MISSING_FIELD, with the path of the field", () => {
  for (const key of ["event", "data", "timestamp", "requestId"]) {
    equal(clientCode(request((m) => delete m[key])), "MISSING_FIELD", key);
  }
  const r = parseClientMessage(request((m) => delete m.data.searchParams.timeTo));
  ok(!r.ok);
  equal(r.error.error.code, "MISSING_FIELD");
  equal(r.error.error.details?.path, "data.searchParams.timeTo");
  equal(r.error.event, "download:request");
});

Deno.test("fields the protocol does not define are UNKNOWN_FIELD, at any level", () => {
  equal(clientCode(request((m) => m.extra = 1)), "UNKNOWN_FIELD");
  equal(clientCode(request((m) => m.data.searchParams.filters[1].note = "x")), "UNKNOWN_FIELD");
  // Servers do not send `auth`; a client refuses it there.
  const withAuth = { ...SERVER_MESSAGES[0], auth: { token: "t", timestamp: 1, signature: "ab" } };
  equal(serverCode(JSON.stringify(withAuth)), "UNKNOWN_FIELD");
});

Deno.test("mistyped fields are INVALID_TYPE", () => {
  equal(clientCode("[]"), "INVALID_TYPE");
  equal(clientCode("42"), "INVALID_TYPE");
  equal(clientCode(request((m) => m.event = 7)), "INVALID_TYPE");
  equal(clientCode(request((m) => m.timestamp = "now")), "INVALID_TYPE");
  equal(clientCode(request((m) => m.data.compression = "yes")), "INVALID_TYPE");
  equal(clientCode(request((m) => m.data.searchParams.filters = {})), "INVALID_TYPE");
  equal(clientCode(request((m) => m.data.searchParams.filters[0].value = null)), "INVALID_TYPE");
  equal(clientCode(request((m) => m.data.searchParams.filters[0].value = [{}])), "INVALID_TYPE");
});

Deno.test("values outside what a field allows are INVALID_VALUE", () => {
  equal(clientCode(request((m) => m.requestId = "has space")), "INVALID_VALUE");
  equal(clientCode(request((m) => m.requestId = "")), "INVALID_VALUE");
  equal(clientCode(request((m) => m.requestId = "x".repeat(65))), "STRING_TOO_LONG");
  equal(clientCode(request((m) => m.timestamp = -1)), "INVALID_VALUE");
  equal(clientCode(request((m) => m.timestamp = 1.5)), "INVALID_VALUE");
  const ack = JSON.parse(encodeMessage(CLIENT_MESSAGES[3]));
  ack.data.sequence = 2 ** 32;
  equal(clientCode(JSON.stringify(ack)), "INVALID_VALUE");
  const nonce = JSON.parse(encodeMessage(CLIENT_MESSAGES[8]));
  nonce.data.identity.kind = "rsa";
  equal(clientCode(JSON.stringify(nonce)), "INVALID_VALUE");
  nonce.data.identity = { kind: "secp256k1", publicKey: "04" + "a".repeat(64) };
  equal(clientCode(JSON.stringify(nonce)), "INVALID_VALUE");
});

Deno.test("a resume point's digest and complete's digest are 64 lowercase hex characters", () => {
  const resume = CLIENT_MESSAGES.find((m) => m.event === "download:resume")!;
  const complete = SERVER_MESSAGES.find((m) => m.event === "download:complete")!;
  // deno-lint-ignore no-explicit-any -- edits of parsed JSON
  const edit = (message: unknown, change: (m: any) => void) => {
    const m = JSON.parse(encodeMessage(message as never));
    change(m);
    return JSON.stringify(m);
  };
  equal(clientCode(edit(resume, (m) => delete m.data.resume.digest)), "MISSING_FIELD");
  equal(serverCode(edit(complete, (m) => delete m.data.digest)), "MISSING_FIELD");
  equal(serverCode(edit(complete, (m) => m.data.sha256 = m.data.digest)), "UNKNOWN_FIELD");
  for (const bad of ["AB".repeat(32), "ab".repeat(31), "ab".repeat(33), "zz".repeat(32)]) {
    const code = bad.length > 64 ? "STRING_TOO_LONG" : "INVALID_VALUE";
    equal(clientCode(edit(resume, (m) => m.data.resume.digest = bad)), code, bad);
    equal(serverCode(edit(complete, (m) => m.data.digest = bad)), code, bad);
  }
  equal(clientCode(edit(resume, (m) => m.data.resume.digest = 0)), "INVALID_TYPE");
});

Deno.test("numbers that overflow to infinity are NON_FINITE_NUMBER", () => {
  const text = encodeMessage(CLIENT_MESSAGES[0]).replace(
    '"timestamp":1710923400123',
    '"timestamp":1e999',
  );
  equal(clientCode(text), "NON_FINITE_NUMBER");
  const inFilter = encodeMessage(CLIENT_MESSAGES[0]).replace('"value":true', '"value":-1e400');
  equal(clientCode(inFilter), "NON_FINITE_NUMBER");
});

Deno.test("oversized strings and arrays are STRING_TOO_LONG and ARRAY_TOO_LONG", () => {
  equal(
    clientCode(request((m) => m.data.searchParams.filters[0].field = "f".repeat(129))),
    "STRING_TOO_LONG",
  );
  equal(clientCode(request((m) => m.data.note = "n".repeat(5000))), "STRING_TOO_LONG");
  const many = Array.from({ length: 1001 }, (_, i) => `S${i}`);
  equal(clientCode(request((m) => m.data.searchParams.filters[0].value = many)), "ARRAY_TOO_LONG");
});

Deno.test("dates that are not ISO 8601 or do not exist are INVALID_DATE", () => {
  for (
    const bad of ["yesterday", "2024-02-30", "2024-13-01", "2024-01-01T24:00:00Z", "2024-1-1", ""]
  ) {
    equal(clientCode(request((m) => m.data.searchParams.timeFrom = bad)), "INVALID_DATE", bad);
  }
});

Deno.test("an unknown output format is UNSUPPORTED_FORMAT and an unknown operator INVALID_OPERATOR", () => {
  equal(clientCode(request((m) => m.data.outputFormat = "xml")), "UNSUPPORTED_FORMAT");
  equal(
    clientCode(request((m) => m.data.searchParams.filters[0].operator = "like")),
    "INVALID_OPERATOR",
  );
});

Deno.test("parse never throws on mutated messages (seeded fuzz)", () => {
  const seed = 0x5eed;
  const random = mulberry32(seed);
  const samples = [...CLIENT_MESSAGES, ...SERVER_MESSAGES].map((m) => encodeMessage(m));
  for (let i = 0; i < 5000; i++) {
    const text = samples[Math.floor(random() * samples.length)];
    const at = Math.floor(random() * text.length);
    const mutated = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) +
      text.slice(at + (random() < 0.5 ? 1 : 0));
    try {
      parseClientMessage(mutated);
      parseServerMessage(mutated);
    } catch (e) {
      throw new Error(`seed ${seed}, case ${i}: ${JSON.stringify(mutated)} threw ${e}`);
    }
  }
});

Deno.test("the example request keeps its filters exactly", () => {
  const r = parseClientMessage(encodeMessage(CLIENT_MESSAGES[0]));
  ok(r.ok && r.value.event === "download:request");
  deepStrictEqual(r.value.data, REQUEST);
});
