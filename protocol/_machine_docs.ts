/**
 * The pieces both state machines use to describe their transition tables in
 * docs/PROTOCOL.md: a Markdown table padded as `deno fmt` pads it, and the
 * arrows of a mermaid state diagram.
 *
 * This module is browser compatible.
 *
 * @module
 */

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
