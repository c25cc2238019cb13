// The connection's bounds on the server session machine (issue 16), proven on the machine alone
// with a fake clock: what a hostile or broken peer can make the server hold, and how it ends.
import { deepStrictEqual, equal } from "node:assert/strict";
import { codesOf } from "./_session_driver.ts";
import { sealedText } from "./_bound_scenarios.ts";
import { signedIn } from "./_sign_in_scenarios.ts";

Deno.test("malformed JSON in a sealed session ends it: MALFORMED_JSON, then close 4400", () => {
  const d = sealedText('{"event":"status:check",');
  equal(d.state.phase, "closed");
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["MALFORMED_JSON", 4400]);
});

Deno.test("a sealed message the protocol refuses is answered, and the session goes on", () => {
  const d = sealedText('{"event":"download:steal","data":{},"timestamp":0,"requestId":"r"}');
  equal(d.state.phase, "signedIn");
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["UNKNOWN_EVENT"]);
});

Deno.test("malformed JSON outside a sealed session is answered, and the session goes on", () => {
  const d = signedIn({ tuning: { signIn: { anonymous: false, encryption: false } } });
  d.receive("{not json");
  equal(d.state.phase, "signedIn");
  deepStrictEqual(codesOf(d.log.at(-1)!.effects), ["MALFORMED_JSON"]);
});
