// What a reader of the package page on JSR sees must work where they see it: the README's pictures
// are published with it (excluded files are broken images there), and the examples of each entry
// point's module documentation import the package by name, not by a path inside the checkout.
import { deepStrictEqual, ok } from "node:assert/strict";
import { ENTRIES, ROOT } from "./_entry_point_names.ts";

const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));

/** Whether deno.json's publish.exclude leaves `path` out: a folder prefix or a `*` pattern. */
function excluded(path: string): boolean {
  return (config.publish.exclude as string[]).some((pattern) => {
    if (pattern.endsWith("/")) return path.startsWith(pattern);
    const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*");
    return new RegExp(`^${source}$`).test(path);
  });
}

Deno.test("every picture the README shows is published with the package", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const pictures = [
    ...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g),
    ...readme.matchAll(/<img [^>]*src="([^"]+)"/g),
  ].map((m) => m[1]).filter((src) => !/^[a-z]+:/.test(src));
  ok(pictures.length >= 2, "the README shows its screenshots");
  for (const picture of pictures) {
    ok(!excluded(picture), `${picture} is excluded from publishing`);
    await Deno.stat(new URL(picture, ROOT));
  }
  ok(excluded("tests/exports_test.ts") && excluded("docs/screenshot.ts"), "the matcher works");
});

Deno.test("each entry point's module examples import the package by its name", async () => {
  const names = Object.keys(ENTRIES).map((path) => `@sluice/sluice${path.slice(1)}`);
  for (const file of Object.values(ENTRIES)) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    const moduleDoc = text.slice(0, text.indexOf("@module"));
    const specifiers = [...moduleDoc.matchAll(/^ \* import .* from "([^"]+)";$/gm)].map((m) =>
      m[1]
    );
    ok(specifiers.length > 0, `${file} has an example`);
    const foreign = specifiers.filter((s) =>
      !names.includes(s) && !s.startsWith("node:") && !s.startsWith("npm:")
    );
    deepStrictEqual(foreign, [], file);
  }
});

Deno.test("every symbol on the package page has its documentation (deno doc --lint)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...Object.values(ENTRIES)],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  ok(out.success, text);
});
