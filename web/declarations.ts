/**
 * The type declarations served beside `/sluice_client.js`: `tsc
 * --emitDeclarationOnly` of `client/mod.ts` and every module it reaches,
 * with the TypeScript compiler from npm, one `.d.ts` per source module under
 * `web/types/` and their relative imports pointing at each other. The bundle's
 * `// @ts-self-types="./types/client/mod.d.ts"` then resolves both in the
 * checkout and for anyone importing the served module by URL, so its types
 * are not silently lost. `deno task bundle` writes them with the bundles;
 * `tests/web_bundle_test.ts` checks they are fresh.
 *
 * @example
 * ```ts ignore
 * import { declarations } from "./declarations.ts";
 * const files = declarations("client/mod.ts");
 * console.log([...files.keys()]); // ["client/client_builder.d.ts", …]
 * ```
 *
 * @module
 */

import ts from "npm:typescript@6.0.3";

/** Where the declarations go, relative to the repository root. */
export const TYPES_DIR = "web/types/";

/** The list of declaration files, for the server (which serves only those). */
export const TYPES_INDEX = "web/types/files.json";

const ROOT = new URL("../", import.meta.url).pathname;
const OUT = "/sluice-declarations/";

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.esnext.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts", "lib.dom.asynciterable.d.ts"],
  types: [],
  strict: true,
  declaration: true,
  emitDeclarationOnly: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  noCheck: true,
  rootDir: ROOT,
  outDir: OUT,
  newLine: ts.NewLineKind.LineFeed,
};

/** Code and comment lines of a declaration file: only code has imports to rewrite. */
const COMMENT = /^\s*(\*|\/\/|\/\*)/;

/**
 * Declarations of `entry` (relative to the repository root) and of every
 * module it reaches, keyed by path relative to {@linkcode TYPES_DIR}, in
 * sorted order. Throws on a syntax error, or when a public type names an
 * npm module (the compiler here resolves none: the served types must not
 * need them).
 */
export function declarations(entry: string): Map<string, string> {
  const emitted = new Map<string, string>();
  const host = ts.createCompilerHost(OPTIONS);
  host.writeFile = (name, text) => emitted.set(name.slice(OUT.length), text);
  const program = ts.createProgram([ROOT + entry], OPTIONS, host);
  // `deno check` type-checks the sources with Deno's libraries; here only syntax must hold.
  const errors = program.getSyntacticDiagnostics();
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnostics(errors, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => "\n",
    }));
  }
  program.emit();
  const files = new Map<string, string>();
  for (const name of [...emitted.keys()].sort()) {
    const source = name.replace(/\.d\.ts$/, ".ts");
    const lines = emitted.get(name)!.split("\n").map((line) =>
      COMMENT.test(line) ? line : line.replace(/(["'])(\.{1,2}\/[^"']*)\.ts\1/g, "$1$2.d.ts$1")
    );
    files.set(
      name,
      `// Generated from ${source} by \`deno task bundle\`; do not edit.\n${lines.join("\n")}`,
    );
  }
  for (const npm of [...files.values()].flatMap((text) => text.match(/^[^*\n]*"npm:/gm) ?? [])) {
    throw new Error(`a public type names an npm module: ${npm}`);
  }
  return files;
}
