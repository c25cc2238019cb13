// docs/PROTOCOL.md as the doc tests read it: its text, and the fenced blocks after its markers.
import { pythonJson } from "./_python.ts";

/** The text of docs/PROTOCOL.md. */
export const doc: string = await Deno.readTextFile(
  new URL("../docs/PROTOCOL.md", import.meta.url),
);

/** The fenced blocks that follow a `<!-- kind: tag -->` marker. */
export function marked(kind: string): { tag: string; body: string }[] {
  const pattern = new RegExp(`<!-- ${kind}: ([\\w-]+) -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``, "g");
  return [...doc.matchAll(pattern)].map((m) => ({ tag: m[1], body: m[2] }));
}

/** The parsed JSON of every `<!-- vector: tag -->` block. */
export function vectors(tag: string): unknown[] {
  return marked("vector").filter((v) => v.tag === tag).map((v) => JSON.parse(v.body));
}

/** The output of `python3 tests/_canonical_json.py mode`, given `input` as JSON. */
export function python(mode: string, input: unknown): Promise<unknown> {
  const program = new URL("./_canonical_json.py", import.meta.url).pathname;
  return pythonJson("python3", [program, mode], input);
}

/** Whether this machine's Python has pyca/cryptography with RFC 6979 signing. */
export async function pythonSignsRfc6979(): Promise<boolean> {
  try {
    const out = await new Deno.Command("python3", {
      args: [new URL("./_canonical_json.py", import.meta.url).pathname, "probe"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.code === 0;
  } catch (_noPython) {
    return false;
  }
}
