// The names each entry point of deno.json exports, for tests/exports_test.ts. They come from
// `deno doc --json`, which sees types as well as values (JSR publishes both), run once for every
// entry point and the server program.
import { ok } from "node:assert/strict";

/** The checkout's root. */
export const ROOT: URL = new URL("../", import.meta.url);

/** deno.json's entry points: each export path and the file it names. */
export const ENTRIES: Readonly<Record<string, string>> = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", ROOT)),
).exports;

/** The program file beside the entry points: the server library again, plus `deno serve`'s default. */
export const SERVER_PROGRAM = "./server.ts";

let documented: Promise<ReadonlyMap<string, readonly string[]>> | undefined;

/** The names each file exports, sorted, from one `deno doc --json` over all of them. */
export function exportedNames(): Promise<ReadonlyMap<string, readonly string[]>> {
  documented ??= (async () => {
    const files = [...Object.values(ENTRIES), SERVER_PROGRAM];
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["doc", "--json", ...files],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    ok(out.success, new TextDecoder().decode(out.stderr));
    const doc: { nodes: Record<string, { symbols?: { name: string }[] }> } = JSON.parse(
      new TextDecoder().decode(out.stdout),
    );
    const names = new Map<string, string[]>();
    for (const file of files) {
      const node = doc.nodes[new URL(file, ROOT).href];
      ok(node !== undefined, `deno doc --json said nothing about ${file}`);
      names.set(file, (node.symbols ?? []).map((s) => s.name).sort());
    }
    return names;
  })();
  return documented;
}

/** What `names` adds to `pinned` and what it lacks, both empty when they agree. */
export function difference(names: readonly string[], pinned: readonly string[]) {
  return {
    added: names.filter((n) => !pinned.includes(n)),
    removed: pinned.filter((n) => !names.includes(n)),
  };
}
