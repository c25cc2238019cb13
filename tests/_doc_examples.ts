// The JSDoc examples of the checkout as `deno test --doc` finds them: blocks fenced by three
// backticks in `/** … */` comments, in a language it runs (spelled in lower case) and not marked
// `ignore`. Read by doc_examples_test.ts (every example asserts, and the test task's
// `deno check --doc-only` covers its file) and run by doc_examples_run_test.ts.

const ROOT = new URL("../", import.meta.url);

/** Languages `deno test --doc` type-checks and runs; "" is the documented file's own. */
const RUN_LANGUAGES = new Set([
  "",
  "js",
  "javascript",
  "mjs",
  "cjs",
  "jsx",
  "ts",
  "typescript",
  "mts",
  "cts",
  "tsx",
]);

/** A fenced code block of a JSDoc comment. */
export interface Example {
  /** `path:line` of the opening fence, for the failure message. */
  where: string;
  /**
   * The name `deno test --doc` gives it: `path#first-last.ext`, from the opening fence's line
   * to the line after the closing fence, in the language's extension.
   */
  name: string;
  info: string;
  code: string;
}

/** The fenced code blocks of every JSDoc comment in `source`. */
export function jsdocCodeBlocks(path: string, source: string): Example[] {
  const blocks: Example[] = [];
  for (const comment of source.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const startLine = source.slice(0, comment.index).split("\n").length;
    const lines = comment[1].split("\n").map((line) => line.replace(/^\s*\* ?/, ""));
    let open: { info: string; line: number; body: string[] } | undefined;
    lines.forEach((line, i) => {
      if (open === undefined) {
        // Three backticks only: `deno test --doc` neither runs nor checks ~~~ or ```` fences.
        const m = /^\s*```(?!`)\s*(.*)$/.exec(line);
        if (m) open = { info: m[1].trim(), line: startLine + i, body: [] };
      } else if (line.trim().startsWith("```") && line.trim().replace(/[`~]/g, "") === "") {
        const name = `${path}#${open.line}-${startLine + i + 1}.${extension(path, open.info)}`;
        blocks.push({
          where: `${path}:${open.line}`,
          name,
          info: open.info,
          code: open.body.join("\n"),
        });
        open = undefined;
      } else {
        open.body.push(line);
      }
    });
  }
  return blocks;
}

/** The extension of a block's module: its language's, or the documented file's. */
function extension(path: string, info: string): string {
  const language = info.split(/\s+/)[0];
  if (language === "") return path.slice(path.lastIndexOf(".") + 1);
  return language === "typescript" ? "ts" : language === "javascript" ? "js" : language;
}

/** Whether `deno test --doc` runs the block. */
export function runs(block: Example): boolean {
  const [language = "", ...attributes] = block.info.split(/\s+/);
  return RUN_LANGUAGES.has(language) && !attributes.includes("ignore");
}

/** Every source file of the checkout under `folder` ("" for the root), as a relative path. */
async function sourceFiles(folder = ""): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(new URL(folder || "./", ROOT))) {
    const path = `${folder}${entry.name}`;
    if (entry.isDirectory && !entry.name.startsWith(".") && entry.name !== "node_modules") {
      paths.push(...await sourceFiles(`${path}/`));
    } else if (entry.isFile && /\.(ts|tsx|js|mjs)$/.test(entry.name)) paths.push(path);
  }
  return paths.sort();
}

/**
 * The files whose examples the test task runs (doc_examples_run_test.ts), as `deno test --doc`
 * ran them before: every source file but the declarations of web/types/ and the test files.
 */
export async function exampleFiles(): Promise<string[]> {
  return (await sourceFiles()).filter((path) =>
    !path.startsWith("web/types/") && !/^tests\/[^/]*_test\.ts$/.test(path)
  );
}
