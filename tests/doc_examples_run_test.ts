// The JSDoc examples, run as `deno test --doc` ran them, each a module of its own and a test of
// its own named as that command names it (relative to the checkout, `path#first-last.ts`), but
// all in this one test module's worker.
// `deno test --doc` gave each example a worker of its own, which loads the test harness and the
// modules the example imports afresh: about 0.1 s of CPU an example, 303 examples, a fifth of the
// suite's CPU. Here each module is loaded once for all. What an example sees differs: the modules
// it imports are shared with the examples before it, as a program's are; it must import what it
// uses from the module it documents (`deno test --doc` would import its exports for it); and its
// `import.meta.url` is its data: URL. None of today's examples relies on either.
//
// Each example is imported from a data: URL holding its code, with its relative imports made
// absolute (they are relative to the documented file). They are type-checked where they are
// written, by the test task's `deno check --doc-only` (doc_examples_test.ts holds it to every
// file with examples).
import { exampleFiles, jsdocCodeBlocks, runs } from "./_doc_examples.ts";

const ROOT = new URL("../", import.meta.url);

/** `from "./x.ts"`, `import "../y.ts"`, `import("./z.ts")`: a relative module specifier. */
const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\2/g;

/** The example's code with its relative imports resolved against the documented file. */
function absoluteImports(code: string, documented: URL): string {
  return code.replace(
    RELATIVE_IMPORT,
    (_, before, quote, specifier) => `${before}${quote}${new URL(specifier, documented)}${quote}`,
  );
}

/** The media type of a data: URL that Deno reads as the block's language. */
function mediaType(name: string): string {
  const extension = name.slice(name.lastIndexOf(".") + 1);
  if (extension === "tsx" || extension === "jsx") return `text/${extension}`;
  return ["ts", "mts", "cts"].includes(extension)
    ? "application/typescript"
    : "application/javascript";
}

Deno.test("an example's relative imports resolve against the file it documents", () => {
  const documented = new URL("file:///repo/server/postgres_pages.ts");
  const code = [
    'import { equal } from "node:assert/strict";',
    'import { PageReads } from "./postgres_pages.ts";',
    'import type { ScanQuery } from "../server/data_source.ts";',
    'await import("./formats.ts");',
    'equal("./not/an/import.ts".length, 20);',
  ].join("\n");
  const expected = [
    'import { equal } from "node:assert/strict";',
    'import { PageReads } from "file:///repo/server/postgres_pages.ts";',
    'import type { ScanQuery } from "file:///repo/server/data_source.ts";',
    'await import("file:///repo/server/formats.ts");',
    'equal("./not/an/import.ts".length, 20);',
  ].join("\n");
  if (absoluteImports(code, documented) !== expected) {
    throw new Error(`rewritten as:\n${absoluteImports(code, documented)}`);
  }
});

for (const path of await exampleFiles()) {
  const documented = new URL(path, ROOT);
  const source = await Deno.readTextFile(documented);
  for (const block of jsdocCodeBlocks(path, source).filter(runs)) {
    // Its name last, so that two examples of the same code are two modules, each run.
    const code = `${absoluteImports(block.code, documented)}\n// ${block.name}\n`;
    const url = `data:${mediaType(block.name)},${encodeURIComponent(code)}`;
    Deno.test(block.name, async () => {
      try {
        await import(url);
      } catch (error) {
        throw new Error(`the example at ${block.where} failed`, { cause: error });
      }
    });
  }
}
