/**
 * The state machines' transition tables as docs/PROTOCOL.md shows them: a
 * Markdown table per machine, padded as `deno fmt` pads it, and a mermaid
 * state diagram. Internal: docs/generate.ts renders the document with these,
 * and tests/protocol_doc_test.ts checks the document against them.
 *
 * This module is browser compatible.
 *
 * @module
 */

import {
  CONNECTION_EVENT_KEYS,
  CONNECTION_EVENT_SOURCES,
  CONNECTION_LIVE_PHASES,
  CONNECTION_PHASES,
  CONNECTION_TRANSITIONS,
  type ConnectionEventKey,
} from "./connection_table.ts";
import type { ConnectionPhase } from "./connection_state.ts";
import {
  DOWNLOAD_EVENT_KEYS,
  DOWNLOAD_EVENT_SOURCES,
  DOWNLOAD_PHASES,
  DOWNLOAD_TERMINAL_PHASES,
  DOWNLOAD_TRANSITIONS,
  type DownloadEventKey,
} from "./download_table.ts";
import type { DownloadPhase } from "./messages.ts";
import {
  EXPORT_ANSWERS,
  EXPORT_EVENT_KEYS,
  EXPORT_STAGES,
  EXPORT_TRANSITIONS,
  type ExportEventKey,
  type ExportRow,
  type ExportTarget,
} from "./export_table.ts";
import type { ExportEnd } from "./export_state.ts";
import {
  SESSION_ANSWERS,
  SESSION_CLOSES,
  SESSION_EVENT_KEYS,
  SESSION_EVENT_SOURCES,
  SESSION_PHASES,
  SESSION_TRANSITIONS,
  type SessionEventKey,
} from "./session_table.ts";
import type { SessionPhase } from "./session_state.ts";

/** A Markdown table with every column padded to its widest cell, as `deno fmt` writes it. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * One mermaid `from --> to: events` line per (from, to) pair of a
 * transition table, in table order.
 */
export function diagramArrows<P extends string, K extends string>(
  phases: readonly P[],
  keys: readonly K[],
  transitions: Readonly<Record<P, Partial<Record<K, readonly P[]>>>>,
): string[] {
  const arrows = new Map<string, string[]>();
  for (const from of phases) {
    for (const key of keys) {
      for (const to of transitions[from][key] ?? []) {
        const arrow = `${from} --> ${to}`;
        arrows.set(arrow, [...arrows.get(arrow) ?? [], key]);
      }
    }
  }
  return [...arrows].map(([arrow, events]) => `  ${arrow}: ${events.join(", ")}`);
}

/**
 * {@linkcode CONNECTION_TRANSITIONS} as a Markdown table: a row per phase, a
 * column per event key; a cell lists the phases the event may lead to, or
 * says what happens to an unlisted event (_rejected_, _ignored_, or
 * _violation_: close with `CLIENT_ABORT` and reconnect). Padded as
 * `deno fmt` pads tables, so a document can include it verbatim and stay
 * formatted.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { connectionTableMarkdown } from "./_machine_docs.ts";
 * ok(connectionTableMarkdown().startsWith("| phase"));
 * ```
 */
export function connectionTableMarkdown(): string {
  const cell = (phase: ConnectionPhase, key: ConnectionEventKey): string => {
    const to = CONNECTION_TRANSITIONS[phase][key];
    if (to !== undefined) return to.join(" / ");
    const source = CONNECTION_EVENT_SOURCES[key];
    if (source === "local") return "_rejected_";
    return source === "peer" && CONNECTION_LIVE_PHASES.has(phase) ? "_violation_" : "_ignored_";
  };
  const rows = CONNECTION_PHASES.map((p) => [p, ...CONNECTION_EVENT_KEYS.map((k) => cell(p, k))]);
  return markdownTable(["phase", ...CONNECTION_EVENT_KEYS], rows);
}

/**
 * {@linkcode CONNECTION_TRANSITIONS} as a mermaid `stateDiagram-v2`: one
 * arrow per (from, to) pair, labelled with the events that take it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { connectionStateDiagram } from "./_machine_docs.ts";
 * equal(connectionStateDiagram().split("\n")[0], "stateDiagram-v2");
 * ```
 */
export function connectionStateDiagram(): string {
  const lines = diagramArrows(CONNECTION_PHASES, CONNECTION_EVENT_KEYS, CONNECTION_TRANSITIONS);
  return ["stateDiagram-v2", "  [*] --> idle", ...lines, "  closed --> [*]"].join("\n");
}

/**
 * {@linkcode DOWNLOAD_TRANSITIONS} as a Markdown table: a row per phase, a
 * column per event; a cell lists the phases the event may lead to, or says
 * what happens to an unlisted event: _rejected_ (a local call; nothing
 * changes), _illegal_ (a server message; the download fails with
 * `ILLEGAL_TRANSITION`) or _ignored_ (a late server message after the
 * end). Padded as `deno fmt` pads tables, so a document can include it
 * verbatim and stay formatted.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { downloadTableMarkdown } from "./_machine_docs.ts";
 * ok(downloadTableMarkdown().startsWith("| phase"));
 * ```
 */
export function downloadTableMarkdown(): string {
  const cell = (phase: DownloadPhase, key: DownloadEventKey): string => {
    const to = DOWNLOAD_TRANSITIONS[phase][key];
    if (to !== undefined) return to.join(" / ");
    if (DOWNLOAD_EVENT_SOURCES[key] === "local") return "_rejected_";
    return DOWNLOAD_TERMINAL_PHASES.has(phase) ? "_ignored_" : "_illegal_";
  };
  const rows = DOWNLOAD_PHASES.map((p) => [p, ...DOWNLOAD_EVENT_KEYS.map((k) => cell(p, k))]);
  return markdownTable(["phase", ...DOWNLOAD_EVENT_KEYS], rows);
}

/**
 * {@linkcode DOWNLOAD_TRANSITIONS} as a mermaid `stateDiagram-v2`: one arrow
 * per (from, to) pair, labelled with the events that take it.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { downloadStateDiagram } from "./_machine_docs.ts";
 * equal(downloadStateDiagram().split("\n")[1], "  [*] --> requested");
 * ```
 */
export function downloadStateDiagram(): string {
  const lines = diagramArrows(DOWNLOAD_PHASES, DOWNLOAD_EVENT_KEYS, DOWNLOAD_TRANSITIONS);
  const ends = [...DOWNLOAD_TERMINAL_PHASES].map((phase) => `  ${phase} --> [*]`);
  return ["stateDiagram-v2", "  [*] --> requested", ...lines, ...ends].join("\n");
}

/**
 * The transitions as a Markdown table: a row per event, a column per phase
 * but `closed` (where every event is ignored), then the codes the event may
 * answer and close with. A cell lists the phases the event may lead to;
 * _ignored_ is a late shell answer that changes nothing; _held_ a client
 * message the machine does not read yet. Padded as `deno fmt` pads tables.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sessionTableMarkdown } from "./_machine_docs.ts";
 * equal(sessionTableMarkdown().startsWith("| event"), true);
 * ```
 */
export function sessionTableMarkdown(): string {
  const phases = SESSION_PHASES.filter((p) => p !== "closed");
  const cell = (phase: SessionPhase, key: SessionEventKey): string =>
    SESSION_TRANSITIONS[phase][key]?.join(" / ") ??
      (SESSION_EVENT_SOURCES[key] === "peer" ? "_held_" : "_ignored_");
  const codes = (list: readonly (string | number)[]) =>
    list.map((code) => `\`${code}\``).join(", ") || "—";
  const rows = SESSION_EVENT_KEYS.map((key) => [
    key,
    SESSION_EVENT_SOURCES[key],
    ...phases.map((phase) => cell(phase, key)),
    codes(SESSION_ANSWERS[key]),
    codes(SESSION_CLOSES[key]),
  ]);
  return markdownTable(["event", "from", ...phases, "answers", "closes"], rows);
}

/**
 * The transitions as a mermaid `stateDiagram-v2`: one arrow per (from, to)
 * pair of phases that differ, labelled with the events that take it (every
 * event may keep a live phase as it is).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sessionStateDiagram } from "./_machine_docs.ts";
 * equal(sessionStateDiagram().split("\n")[1], "  [*] --> guest");
 * ```
 */
export function sessionStateDiagram(): string {
  const moves = Object.fromEntries(
    SESSION_PHASES.map((from) => [
      from,
      Object.fromEntries(
        SESSION_EVENT_KEYS.map((key) => [
          key,
          (SESSION_TRANSITIONS[from][key] ?? []).filter((to) => to !== from),
        ]),
      ),
    ]),
  ) as Record<SessionPhase, Record<SessionEventKey, SessionPhase[]>>;
  const lines = diagramArrows(SESSION_PHASES, SESSION_EVENT_KEYS, moves);
  return ["stateDiagram-v2", "  [*] --> guest", ...lines, "  closed --> [*]"].join("\n");
}

/**
 * {@linkcode EXPORT_TRANSITIONS} as a Markdown table: a row per event, a
 * column per stage, and the codes the event may answer with; a cell lists
 * where the event may lead, or _ignored_. Padded as `deno fmt` pads tables.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { exportTableMarkdown } from "./_machine_docs.ts";
 * equal(exportTableMarkdown().startsWith("| event"), true);
 * ```
 */
export function exportTableMarkdown(): string {
  const rows = EXPORT_EVENT_KEYS.map((key) => [
    key,
    ...EXPORT_STAGES.map((stage) => EXPORT_TRANSITIONS[stage][key]?.join(" / ") ?? "_ignored_"),
    EXPORT_ANSWERS[key].map((code) => `\`${code}\``).join(", ") || "—",
  ]);
  return markdownTable(["event", ...EXPORT_STAGES, "download:error"], rows);
}

/**
 * {@linkcode EXPORT_TRANSITIONS} as a mermaid `stateDiagram-v2`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { exportStateDiagram } from "./_machine_docs.ts";
 * equal(exportStateDiagram().split("\n")[1], "  [*] --> pinning");
 * ```
 */
export function exportStateDiagram(): string {
  const arrows = diagramArrows<ExportTarget, ExportEventKey>(
    EXPORT_STAGES,
    EXPORT_EVENT_KEYS,
    EXPORT_TRANSITIONS as Readonly<Record<ExportTarget, ExportRow>>,
  );
  const ends: ExportEnd[] = ["complete", "cancelled", "error", "aborted"];
  return [
    "stateDiagram-v2",
    "  [*] --> pinning",
    ...arrows,
    ...ends.map((end) => `  ${end} --> [*]`),
  ].join("\n");
}
