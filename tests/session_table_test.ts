// Every error code and close code the server can send is produced by its session machine, and
// listed in its table for the event that produces it (the machine checks that on every step);
// here a walk of the table reaches each one. Also: the table's shape, and its rendering.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { ERROR_CODES } from "../protocol/errors.ts";
import {
  SESSION_ANSWERS,
  SESSION_CLOSES,
  SESSION_EVENT_KEYS,
  SESSION_EVENT_SOURCES,
  SESSION_PHASES,
  SESSION_TRANSITIONS,
  type SessionEventKey,
} from "../protocol/session_table.ts";
import { sessionStateDiagram, sessionTableMarkdown } from "../protocol/_machine_docs.ts";
import { EXPORT_EVENT_KEYS, EXPORT_STAGES, EXPORT_TRANSITIONS } from "../protocol/export_table.ts";
import { codesOf, type Driver } from "./_session_driver.ts";
import { CLOSE_SCENARIOS, SCENARIOS } from "./_session_scenarios.ts";

/** Whether a step of `key` in the driver's log sent `code`. */
function reached(d: Driver, key: SessionEventKey, code: string | number): boolean {
  return d.log.some((l) => l.key === key && codesOf(l.effects).includes(code));
}

Deno.test("a walk of the session table reaches every error code it lists, from the event it lists it for", async (t) => {
  for (const key of SESSION_EVENT_KEYS) {
    const scenarios = SCENARIOS[key] ?? {};
    deepStrictEqual(
      Object.keys(scenarios).sort(),
      [...SESSION_ANSWERS[key]].sort(),
      `${key}: a scenario for each listed code, and none for others`,
    );
    if (SESSION_ANSWERS[key].length === 0) continue;
    await t.step(key, () => {
      for (const code of SESSION_ANSWERS[key]) {
        ok(reached(scenarios[code](), key, code), `${key} never sent ${code}`);
      }
    });
  }
});

Deno.test("a walk of the session table reaches every close code it lists", () => {
  for (const key of SESSION_EVENT_KEYS) {
    const scenarios = CLOSE_SCENARIOS[key] ?? {};
    deepStrictEqual(
      Object.keys(scenarios).map(Number).sort(),
      [...SESSION_CLOSES[key]].sort(),
      key,
    );
    for (const code of SESSION_CLOSES[key]) {
      ok(reached(scenarios[code](), key, code), `${key} never closed with ${code}`);
    }
  }
});

Deno.test("every code the server sends is a code of the error table", () => {
  for (const key of SESSION_EVENT_KEYS) {
    for (const code of SESSION_ANSWERS[key]) ok(ERROR_CODES.includes(code), `${key}: ${code}`);
  }
});

Deno.test("every live phase lists every shell event that ends a connection", () => {
  for (const phase of SESSION_PHASES.filter((p) => p !== "closed")) {
    for (const key of ["peerClosed", "shutdown"] as const) {
      deepStrictEqual(SESSION_TRANSITIONS[phase][key], ["closed"], `${phase} ${key}`);
    }
    ok(SESSION_TRANSITIONS[phase].timeout?.includes("closed"), phase);
  }
  deepStrictEqual(SESSION_TRANSITIONS.closed, {});
  // In `opening` the machine reads no client message: none is listed there.
  for (const key of SESSION_EVENT_KEYS) {
    if (SESSION_EVENT_SOURCES[key] === "peer" && key !== "undecodable") {
      equal(SESSION_TRANSITIONS.opening[key], undefined, key);
    }
  }
});

Deno.test("a running download's stages each take a cancel and the connection's end", () => {
  for (const stage of EXPORT_STAGES) {
    deepStrictEqual(EXPORT_TRANSITIONS[stage]["download:cancel"], ["cancelled"]);
    deepStrictEqual(EXPORT_TRANSITIONS[stage].abort, ["aborted"]);
  }
  equal(EXPORT_EVENT_KEYS.length, 8);
});

Deno.test("the session table renders one row per event and a diagram that starts in guest", () => {
  const lines = sessionTableMarkdown().split("\n");
  equal(lines.length, SESSION_EVENT_KEYS.length + 2);
  ok(lines[0].includes("signedIn"));
  ok(!lines[0].includes("closed |"));
  const diagram = sessionStateDiagram();
  ok(diagram.includes("guest --> challenged: auth:nonce"));
  ok(diagram.includes("opening --> signedIn: sessionOpened"));
});
