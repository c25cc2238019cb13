// The served client module keeps its types for anyone importing it by URL: its `@ts-self-types`
// names declarations the server serves beside it; and HEAD says how long each file is.
import { equal, ok } from "node:assert/strict";
import { createServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import { createWebApp } from "../server/web_app.ts";
import TYPE_FILES from "../web/types/files.json" with { type: "json" };
import { demoPath } from "./_harness.ts";

const ROWS = 1000;

async function withApp(body: (base: string) => Promise<void>): Promise<void> {
  const source = openDemoSource(demoPath(ROWS), ROWS);
  const sluice = createServer({ source, anonymous: true });
  const app = createWebApp({ sluice, schema: source.schema() });
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await body(`http://127.0.0.1:${http.addr.port}`);
  } finally {
    await sluice.close();
    await http.shutdown();
    await source.close();
  }
}

/** `deno check` of `code` in an empty directory with an empty cache, importing from `host`. */
async function checkScript(code: string, host: string): Promise<{ ok: boolean; stderr: string }> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, code);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--no-config", `--allow-import=${host}`, "main.ts"],
      cwd: dir,
      env: { NO_COLOR: "1", DENO_DIR: `${dir}/cache` },
      stdout: "null",
      stderr: "piped",
    }).output();
    return { ok: out.success, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("HEAD of a served file says the length its GET sends", async () => {
  await withApp(async (base) => {
    for (const path of ["/sluice_client.js", "/", "/types/client/mod.d.ts"]) {
      const get = await fetch(`${base}${path}`, { headers: { "accept-encoding": "identity" } });
      const length = (await get.arrayBuffer()).byteLength;
      const head = await fetch(`${base}${path}`, {
        method: "HEAD",
        headers: { "accept-encoding": "identity" },
      });
      equal(head.status, 200, path);
      equal(head.headers.get("content-length"), String(length), path);
    }
  });
});

Deno.test("every declaration file is served under /types/ to any origin, and nothing else there", async () => {
  await withApp(async (base) => {
    ok(TYPE_FILES.includes("client/mod.d.ts"));
    for (const name of TYPE_FILES) {
      const response = await fetch(`${base}/types/${name}`);
      const text = await response.text();
      equal(response.status, 200, name);
      equal(response.headers.get("content-type"), "application/typescript; charset=utf-8", name);
      equal(response.headers.get("access-control-allow-origin"), "*", name);
      ok(text.length > 0, name);
    }
    for (const path of ["/types/", "/types/files.json", "/types/client/nope.d.ts"]) {
      const response = await fetch(`${base}${path}`);
      await response.body?.cancel();
      equal(response.status, 404, path);
    }
  });
});

Deno.test("a script importing /sluice_client.js by URL is type-checked against its declarations", async () => {
  await withApp(async (base) => {
    const host = new URL(base).host;
    const head = `import { ClientBuilder } from "${base}/sluice_client.js";\n` +
      `const client = new ClientBuilder("ws://127.0.0.1:1/").build();\n`;
    const good = await checkScript(`${head}await client.close();\n`, host);
    ok(good.ok, good.stderr);
    const bad = await checkScript(`${head}client.definitelyNotAMethod();\n`, host);
    equal(bad.ok, false);
    ok(bad.stderr.includes("TS2339"), bad.stderr);
  });
});
