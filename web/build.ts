/**
 * Builds the two ES modules the server serves, with `deno bundle`:
 *
 * | output                 | from             | what                                              |
 * | ---------------------- | ---------------- | ------------------------------------------------- |
 * | `web/sluice_client.js` | `client/mod.ts`  | the client, for any page or Node 22+              |
 * | `web/app.js`           | `web/app.ts`     | the demo page; imports `./sluice_client.js`       |
 * | `web/types/**.d.ts`    | `client/mod.ts`  | the client's declarations, served beside it       |
 *
 * Both are committed. The server only reads them, so it needs neither a
 * build step nor esbuild (which `deno bundle` fetches from npm) at start,
 * runs with read-only permissions and on Deno Deploy, and serves exactly
 * the bytes a reviewer saw in the diff. `tests/web_bundle_test.ts` rebuilds
 * them and fails when a committed one differs: run `deno task bundle`.
 *
 * @example
 * ```sh
 * deno task bundle
 * ```
 *
 * @module
 */

import { declarations, TYPES_DIR, TYPES_INDEX } from "./declarations.ts";

/** One bundle: its entry, its output, and the imports it leaves to the browser. */
export interface BundleTarget {
  /** Entry module, relative to the repository root. */
  readonly entry: string;
  /** The committed output, relative to the repository root. */
  readonly output: string;
  /** Imports kept as they are (resolved by the browser next to the output). */
  readonly external: readonly string[];
  /** Lines put before the bundle. */
  readonly banner: readonly string[];
}

const ROOT = new URL("../", import.meta.url);

const generated = (entry: string) =>
  `// Generated from ${entry} by \`deno task bundle\`; do not edit (tests/web_bundle_test.ts checks it).`;

/** The bundles the server serves. */
export const BUNDLES: readonly BundleTarget[] = [
  {
    entry: "client/mod.ts",
    output: "web/sluice_client.js",
    external: [],
    // Deno and editors type a `.js` import of this file, by path or by URL, with the declarations
    // served beside it (web/declarations.ts).
    banner: [`// @ts-self-types="./types/client/mod.d.ts"`, generated("client/mod.ts")],
  },
  {
    entry: "web/app.ts",
    output: "web/app.js",
    // One copy of the client: the page loads the same module any other page would.
    external: ["./sluice_client.js"],
    banner: [generated("web/app.ts")],
  },
];

/** Bundles `target` and returns the text its output file must hold. */
export async function bundle(target: BundleTarget): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-bundle-" });
  try {
    const out = `${dir}/out.js`;
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--format",
        "esm",
        ...target.external.flatMap((name) => ["--external", name]),
        "--output",
        out,
        target.entry,
      ],
      // The bundle names its source files relative to the working directory: keep it fixed.
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(`deno bundle ${target.entry} failed:\n${new TextDecoder().decode(stderr)}`);
    }
    const text = stableSourceNames(await Deno.readTextFile(out));
    return `${target.banner.join("\n")}\n${text}`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * esbuild heads each npm module with its path relative to the working
 * directory, e.g. `// ../../root/.cache/deno/npm/registry.npmjs.org/@noble/hashes/2.4.0/sha2.js`,
 * which changes with the checkout's depth and with DENO_DIR. Such a line
 * becomes `// npm:@noble/hashes/2.4.0/sha2.js`, the same on every machine.
 */
export function stableSourceNames(code: string): string {
  return code.replace(/^\/\/ [^\n]*\/registry\.npmjs\.org\/([^\n]+)$/gm, "// npm:$1");
}

/**
 * Every file under {@linkcode TYPES_DIR} as it must be: the client's
 * declarations and {@linkcode TYPES_INDEX}, the list the server serves.
 */
export function typeFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const declared = declarations("client/mod.ts");
  for (const [name, text] of declared) files.set(TYPES_DIR + name, text);
  files.set(TYPES_INDEX, JSON.stringify([...declared.keys()], null, 2) + "\n");
  return files;
}

/** The files under {@linkcode TYPES_DIR} now, relative to the repository root. */
export async function committedTypeFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    const entries = [];
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) entries.push(entry);
    for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else files.set(path, await Deno.readTextFile(new URL(path, ROOT)));
    }
  };
  await walk(TYPES_DIR).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  return files;
}

/** Rebuilds every bundle into the repository; returns the outputs that changed. */
export async function buildAll(): Promise<string[]> {
  const changed: string[] = [];
  const fresh = typeFiles();
  const committed = await committedTypeFiles();
  for (const path of committed.keys()) {
    if (!fresh.has(path)) {
      await Deno.remove(new URL(path, ROOT));
      changed.push(path);
    }
  }
  for (const [path, text] of fresh) {
    if (committed.get(path) === text) continue;
    await Deno.mkdir(new URL(path.slice(0, path.lastIndexOf("/") + 1), ROOT), { recursive: true });
    await Deno.writeTextFile(new URL(path, ROOT), text);
    changed.push(path);
  }
  for (const target of BUNDLES) {
    const text = await bundle(target);
    const path = new URL(target.output, ROOT);
    const before = await Deno.readTextFile(path).catch((error) => {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    });
    if (before === text) continue;
    await Deno.writeTextFile(path, text);
    changed.push(target.output);
  }
  return changed;
}

if (import.meta.main) {
  const changed = await buildAll();
  console.log(changed.length === 0 ? "bundles up to date" : `wrote ${changed.join(", ")}`);
}
