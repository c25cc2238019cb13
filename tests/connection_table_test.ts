// The connection machine against its table (docs/PROTOCOL.md §12.1): every phase and event.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { step } from "../protocol/connection_machine.ts";
import {
  CONNECTION_EVENT_KEYS,
  CONNECTION_EVENT_SOURCES,
  CONNECTION_PHASES,
  CONNECTION_TRANSITIONS,
} from "../protocol/connection_table.ts";
import { connectionStateDiagram, connectionTableMarkdown } from "../protocol/_machine_docs.ts";
import { errorResponse } from "../protocol/errors.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { at, EVENTS, fresh, representativeStates, T0 } from "./_connection_fixtures.ts";

Deno.test("every phase and event key does what the transition table says", () => {
  const states = representativeStates();
  deepStrictEqual(new Set(states.map(([, s]) => s.phase)), new Set(CONNECTION_PHASES));
  deepStrictEqual(Object.keys(EVENTS).sort(), [...CONNECTION_EVENT_KEYS].sort());
  const reached = new Set<string>();
  for (const [label, state] of states) {
    for (const key of CONNECTION_EVENT_KEYS) {
      for (const event of EVENTS[key]) {
        const where = `${label} + ${JSON.stringify(event)}`;
        const r = step(state, event, at(T0 + 5, 0.5));
        const changes = r.effects.filter((e) => e.type === "stateChanged");
        deepStrictEqual(
          changes,
          r.state.phase === state.phase
            ? []
            : [{ type: "stateChanged", from: state.phase, to: r.state.phase }],
          where,
        );
        const allowed = CONNECTION_TRANSITIONS[state.phase][key];
        if (allowed !== undefined) {
          ok(allowed.includes(r.state.phase), `${where} -> ${r.state.phase}`);
          reached.add(`${state.phase} ${key} ${r.state.phase}`);
          continue;
        }
        const source = CONNECTION_EVENT_SOURCES[key];
        const error = errorResponse("ILLEGAL_TRANSITION", { phase: state.phase, event: key });
        if (source === "local") {
          equal(r.state, state, where);
          deepStrictEqual(r.effects, [{ type: "rejected", error }], where);
        } else if (
          source === "peer" && ["connecting", "authenticating", "open"].includes(state.phase)
        ) {
          ok(["reconnecting", "failed"].includes(r.state.phase), where);
          ok(r.effects.some((e) => e.type === "closeSocket" && e.code === 4000), where);
        } else {
          equal(r.state, state, where);
          deepStrictEqual(r.effects, [], where);
        }
      }
    }
  }
  // Every target the table lists is reachable: the table has no dead entries.
  for (const phase of CONNECTION_PHASES) {
    for (const [key, targets] of Object.entries(CONNECTION_TRANSITIONS[phase])) {
      for (const to of targets ?? []) {
        ok(reached.has(`${phase} ${key} ${to}`), `${phase} ${key} ${to}`);
      }
    }
  }
});

Deno.test("a seeded random walk never leaves the table", () => {
  const seed = 20_240_320;
  const random = mulberry32(seed);
  const all = Object.values(EVENTS).flat();
  let state = fresh({ backoff: { maxAttempts: 3 } });
  for (let i = 0; i < 5000; i++) {
    const event = all[Math.floor(random() * all.length)];
    const r = step(state, event, at(T0 + i, random())); // throws if the code leaves the table
    ok(r.state.attempt <= 3, `seed ${seed} step ${i}`);
    ok(r.state.phase !== "open" || r.state.attempt === 0, `seed ${seed} step ${i}`);
    state = r.state.phase === "closed" ? fresh({ backoff: { maxAttempts: 3 } }) : r.state;
  }
});

Deno.test("the rendered table and diagram are deterministic and survive deno fmt", async () => {
  const table = connectionTableMarkdown();
  equal(table, connectionTableMarkdown());
  equal(table.split("\n").length, 2 + CONNECTION_PHASES.length);
  ok(table.includes("| open "));
  const diagram = connectionStateDiagram();
  ok(diagram.includes("  idle --> connecting: connect\n"));
  ok(diagram.includes("  open --> reconnecting: closed, violation, timer.heartbeatTimeout\n"));
  const doc = `# T\n\n${table}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n`;
  equal(await fmt(doc), doc);
});

async function fmt(markdown: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(markdown));
  await writer.close();
  return new TextDecoder().decode((await child.output()).stdout);
}
