// The committed bundles are what `deno task bundle` makes from today's sources, and the client's
// bundle reaches nothing outside the web platform.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { bundle, BUNDLES, committedTypeFiles, typeFiles } from "../web/build.ts";

const read = (path: string) => Deno.readTextFile(new URL(`../${path}`, import.meta.url));

Deno.test("every committed bundle equals a fresh build: run `deno task bundle` when this fails", async () => {
  for (const target of BUNDLES) {
    const fresh = await bundle(target);
    const committed = await read(target.output);
    equal(committed === fresh, true, `${target.output} is stale: run deno task bundle`);
  }
});

Deno.test("the committed declarations under web/types equal a fresh build: run `deno task bundle` when this fails", async () => {
  const fresh = typeFiles();
  const committed = await committedTypeFiles();
  deepStrictEqual([...committed.keys()].sort(), [...fresh.keys()].sort());
  for (const [path, text] of fresh) equal(committed.get(path) === text, true, `${path} is stale`);
});

Deno.test("the client bundle names its declarations, and they name no npm module", async () => {
  const code = await read("web/sluice_client.js");
  ok(code.startsWith(`// @ts-self-types="./types/client/mod.d.ts"\n`));
  for (const [path, text] of await committedTypeFiles()) {
    ok(!/^[^*\n]*["']npm:/m.test(text), `${path} imports an npm module`);
  }
});

Deno.test("the committed bundles name no path of the machine that built them", async () => {
  for (const target of BUNDLES) {
    const code = await read(target.output);
    // esbuild's `// ../../root/.cache/deno/npm/...` heads depend on the checkout's depth and DENO_DIR.
    ok(!/^\/\/ \.\.\//m.test(code), `${target.output} names a path outside the repository`);
    ok(!code.includes("registry.npmjs.org"), `${target.output} names the npm cache`);
  }
});

Deno.test("the client bundle uses no Deno API and imports nothing", async () => {
  const code = await read("web/sluice_client.js");
  // Comments may name Deno (`Deno.stdout` in an example); code may not.
  const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  ok(!/\bDeno\./.test(withoutComments), "the client bundle calls a Deno API");
  ok(!/^\s*import\b/m.test(withoutComments), "the client bundle imports a module");
  ok(!/["']node:/.test(withoutComments), "the client bundle names a node: module");
});

Deno.test("the page's bundle loads the client from the served module, not a copy of its own", async () => {
  const app = await read("web/app.js");
  const imports = [...app.matchAll(/^import\s[^;]*?from\s+"([^"]+)";/gm)].map((m) => m[1]);
  // One import statement per page module that uses the client: all of the one served module.
  deepStrictEqual([...new Set(imports)], ["./sluice_client.js"]);
  ok(!app.includes("class SluiceClient"), "app.js carries its own copy of the client");
  // The page makes and reads keys through the client's exports, not a second copy of noble
  // (whose bundle names secp256k1's group order).
  const order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
  ok((await read("web/sluice_client.js")).includes(order), "the check looks for the wrong text");
  ok(!app.includes(order), "app.js carries its own copy of @noble/secp256k1");
});

Deno.test("client/mod.ts exports everything client.ts exports", async () => {
  const cli = Object.keys(await import("../client.ts")).sort();
  const web = new Set(Object.keys(await import("../client/mod.ts")));
  deepStrictEqual(cli.filter((name) => !web.has(name)), []);
});
