/**
 * Regenerates the sections of docs/PROTOCOL.md that are derived from code
 * (event table, error table, state tables), between `<!-- BEGIN name -->`
 * and `<!-- END name -->` markers. `deno task docs` runs it; a test fails
 * when the document and the code disagree.
 *
 * @module
 */

import { closeCodeRows } from "../protocol/close_codes.ts";
import {
  connectionStateDiagram,
  connectionTableMarkdown,
  downloadStateDiagram,
  downloadTableMarkdown,
  exportStateDiagram,
  exportTableMarkdown,
  sessionStateDiagram,
  sessionTableMarkdown,
} from "../protocol/_machine_docs.ts";
import { ERROR_CODES, ERROR_TABLE } from "../protocol/errors.ts";
import { EVENT_TABLE } from "../protocol/events.ts";
import { limitTableMarkdown } from "../protocol/limit_table.ts";

/** The generated sections, by marker name. */
export function generatedSections(): Record<string, string> {
  const events = [
    "| event | sent by | meaning |",
    "| --- | --- | --- |",
    ...Object.entries(EVENT_TABLE).map(([name, info]) =>
      `| \`${name}\` | ${info.direction} | ${info.summary} |`
    ),
  ].join("\n");
  const errors = [
    "| code | scope | fault | recoverable | retryAfter (ms) | message |",
    "| --- | --- | --- | --- | --- | --- |",
    ...ERROR_CODES.map((code) => {
      const e = ERROR_TABLE[code];
      return `| \`${code}\` | ${e.scope} | ${e.fault} | ${e.recoverable} | ${
        e.retryAfter ?? "—"
      } | ${e.message} |`;
    }),
  ].join("\n");
  const closeCodes = [
    "| code | name | leads to | sent by | when |",
    "| --- | --- | --- | --- | --- |",
    ...closeCodeRows().map((row) =>
      `| ${row.code} | \`${row.name}\` | ${row.leadsTo} | ${row.sentBy} | ${row.when} |`
    ),
  ].join("\n");
  const fence = (diagram: string) => "```mermaid\n" + diagram + "\n```";
  return {
    "close-codes": closeCodes,
    events,
    errors,
    "connection-table": connectionTableMarkdown(),
    "connection-diagram": fence(connectionStateDiagram()),
    "download-table": downloadTableMarkdown(),
    "download-diagram": fence(downloadStateDiagram()),
    "session-table": sessionTableMarkdown(),
    "session-diagram": fence(sessionStateDiagram()),
    "export-table": exportTableMarkdown(),
    "export-diagram": fence(exportStateDiagram()),
    limits: limitTableMarkdown(),
  };
}

/** `text` with every generated section replaced by its current content. */
export function regenerate(text: string): string {
  let out = text;
  for (const [name, body] of Object.entries(generatedSections())) {
    const pattern = new RegExp(`(<!-- BEGIN ${name} -->)[\\s\\S]*?(<!-- END ${name} -->)`);
    if (!pattern.test(out)) throw new Error(`docs/PROTOCOL.md lacks the ${name} markers`);
    out = out.replace(pattern, (_, begin, end) => `${begin}\n\n${body}\n\n${end}`);
  }
  return out;
}

if (import.meta.main) {
  const path = new URL("./PROTOCOL.md", import.meta.url);
  const before = await Deno.readTextFile(path);
  const after = regenerate(before);
  if (after !== before) await Deno.writeTextFile(path, after);
  console.log(after === before ? "docs/PROTOCOL.md is up to date" : "docs/PROTOCOL.md regenerated");
}
