// The download machine against its table (docs/PROTOCOL.md §12.2): every phase and event.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { step } from "../protocol/download_machine.ts";
import {
  DOWNLOAD_EVENT_KEYS,
  DOWNLOAD_EVENT_SOURCES,
  DOWNLOAD_PHASES,
  DOWNLOAD_TRANSITIONS,
} from "../protocol/download_table.ts";
import { downloadStateDiagram, downloadTableMarkdown } from "../protocol/_machine_docs.ts";
import { errorResponse } from "../protocol/errors.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { CLOCK, EVENTS, representativeStates, sent } from "./_download_fixtures.ts";

Deno.test("every phase and event does what the transition table says", () => {
  const states = representativeStates();
  deepStrictEqual(new Set(states.map(([, s]) => s.phase)), new Set(DOWNLOAD_PHASES));
  deepStrictEqual(Object.keys(EVENTS).sort(), [...DOWNLOAD_EVENT_KEYS].sort());
  const reached = new Set<string>();
  for (const [label, state] of states) {
    for (const key of DOWNLOAD_EVENT_KEYS) {
      for (const event of EVENTS[key](state)) {
        const where = `${label} + ${key} ${JSON.stringify(event)}`;
        const r = step(state, event, CLOCK);
        const allowed = DOWNLOAD_TRANSITIONS[state.phase][key];
        if (allowed !== undefined) {
          ok(allowed.includes(r.state.phase), `${where} -> ${r.state.phase}`);
          reached.add(`${state.phase} ${key} ${r.state.phase}`);
        } else if (DOWNLOAD_EVENT_SOURCES[key] === "local") {
          equal(r.state, state, where);
          deepStrictEqual(r.effects, [{
            type: "rejected",
            error: errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: key }),
          }]);
        } else if (["complete", "error", "cancelled"].includes(state.phase)) {
          deepStrictEqual(r, { state, effects: [] }, where);
        } else {
          equal(r.state.phase, "error", where);
          equal(r.state.error?.code, "ILLEGAL_TRANSITION", where);
          deepStrictEqual(r.effects.at(-1), { type: "failed", error: r.state.error }, where);
        }
      }
    }
  }
  for (const phase of DOWNLOAD_PHASES) {
    for (const [key, targets] of Object.entries(DOWNLOAD_TRANSITIONS[phase])) {
      for (const to of targets ?? []) {
        ok(reached.has(`${phase} ${key} ${to}`), `${phase} ${key} ${to}`);
      }
    }
  }
});

Deno.test("a seeded random walk never leaves the table and never loses count", () => {
  const seed = 7_340_033;
  const random = mulberry32(seed);
  let state = sent();
  for (let i = 0; i < 5000; i++) {
    const keys = DOWNLOAD_EVENT_KEYS;
    const options = EVENTS[keys[Math.floor(random() * keys.length)]](state);
    const r = step(state, options[Math.floor(random() * options.length)], CLOCK);
    ok(r.state.rows >= state.rows && r.state.bytes >= state.bytes, `seed ${seed} step ${i}`);
    ok(r.state.sequence >= state.sequence, `seed ${seed} step ${i}`);
    state = ["complete", "error", "cancelled"].includes(r.state.phase) ? sent() : r.state;
  }
});

Deno.test("the rendered table and diagram are deterministic and survive deno fmt", async () => {
  const table = downloadTableMarkdown();
  equal(table, downloadTableMarkdown());
  equal(table.split("\n").length, 2 + DOWNLOAD_PHASES.length);
  const diagram = downloadStateDiagram();
  ok(
    diagram.includes("  streaming --> streaming: frame, progress, consumed, disconnected, retry\n"),
  );
  ok(diagram.endsWith("  cancelled --> [*]"));
  const doc = `# T\n\n${table}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(doc));
  await writer.close();
  equal(new TextDecoder().decode((await child.output()).stdout), doc);
});
