// The HTTP side of the server (server/web_app.ts) on a real socket: the page and its files, the
// schema document, what it refuses, and the WebSocket endpoint beside them.
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { createServer } from "../server/create_server.ts";
import { DEMO_SCHEMA, openDemoSource } from "../server/demo_data.ts";
import { createWebApp, type WebAppOptions } from "../server/web_app.ts";
import { parseSchemaDocument, schemaDocument } from "../protocol/schema_document.ts";
import { demoPath, RawPeer, readDownload, requestMessage } from "./_harness.ts";

const ROWS = 1000;

async function withApp(
  options: Partial<WebAppOptions>,
  body: (base: string) => Promise<void>,
): Promise<void> {
  const source = openDemoSource(demoPath(ROWS), ROWS);
  const sluice = createServer({ source, anonymous: true });
  const app = createWebApp({ sluice, schema: source.schema(), ...options });
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await body(`http://127.0.0.1:${http.addr.port}`);
  } finally {
    await sluice.close();
    await http.shutdown();
    await source.close();
  }
}

const file = (name: string) => Deno.readFile(new URL(`../web/${name}`, import.meta.url));

Deno.test("the page, its script and style, and the client module are served as they are in web/", async () => {
  await withApp({}, async (base) => {
    const files = [
      ["/", "index.html", "text/html; charset=utf-8"],
      ["/app.js", "app.js", "text/javascript; charset=utf-8"],
      ["/sluice_client.js", "sluice_client.js", "text/javascript; charset=utf-8"],
      ["/style.css", "style.css", "text/css; charset=utf-8"],
      ["/favicon.svg", "favicon.svg", "image/svg+xml"],
    ];
    for (const [path, name, type] of files) {
      const response = await fetch(`${base}${path}`, {
        headers: { "accept-encoding": "identity" },
      });
      equal(response.status, 200, path);
      equal(response.headers.get("content-type"), type, path);
      equal(response.headers.get("x-content-type-options"), "nosniff");
      deepStrictEqual(new Uint8Array(await response.arrayBuffer()), await file(name), path);
    }
  });
});

Deno.test("the page may load nothing from other origins and may not be framed", async () => {
  await withApp({}, async (base) => {
    const response = await fetch(`${base}/`);
    await response.body?.cancel();
    const policy = response.headers.get("content-security-policy") ?? "";
    match(policy, /default-src 'self'/);
    match(policy, /frame-ancestors 'none'/);
  });
});

Deno.test("the page may connect to its own origin's socket only, not to any ws: or wss: host", async () => {
  await withApp({}, async (base) => {
    const host = new URL(base).host;
    const response = await fetch(`${base}/`);
    await response.body?.cancel();
    const policy = response.headers.get("content-security-policy") ?? "";
    const connect = policy.split(";").map((d) => d.trim()).find((d) => d.startsWith("connect-src"));
    equal(connect, `connect-src 'self' ws://${host} wss://${host}`);
    // No bare scheme: a `ws:` or `wss:` source would allow every host.
    equal(/\s(ws|wss):(\s|$)/.test(connect ?? ""), false);
  });
});

Deno.test("any origin may import the client module; the page's own files stay same-origin", async () => {
  await withApp({}, async (base) => {
    for (const [path, allowed] of [["/sluice_client.js", "*"], ["/app.js", null], ["/", null]]) {
      const response = await fetch(`${base}${path}`);
      await response.body?.cancel();
      equal(response.headers.get("access-control-allow-origin"), allowed, String(path));
    }
  });
});

Deno.test("a file the browser already has is answered 304 by its ETag", async () => {
  await withApp({}, async (base) => {
    const first = await fetch(`${base}/app.js`);
    await first.body?.cancel();
    const etag = first.headers.get("etag");
    ok(etag !== null);
    const again = await fetch(`${base}/app.js`, { headers: { "if-none-match": etag } });
    await again.body?.cancel();
    equal(again.status, 304);
  });
});

Deno.test("/schema.json is the source's schema document and parses back to it", async () => {
  await withApp({}, async (base) => {
    const response = await fetch(`${base}/schema.json`);
    equal(response.headers.get("content-type"), "application/json");
    const text = await response.text();
    const parsed = parseSchemaDocument(text);
    ok(parsed.ok);
    deepStrictEqual(parsed.value, schemaDocument(DEMO_SCHEMA));
  });
});

Deno.test("unknown paths are 404 and other methods 405; the page can be left out", async () => {
  await withApp({}, async (base) => {
    const missing = await fetch(`${base}/secret.txt`);
    await missing.body?.cancel();
    equal(missing.status, 404);
    const escape = await fetch(`${base}/..%2fdeno.json`);
    await escape.body?.cancel();
    equal(escape.status, 404);
    const post = await fetch(`${base}/`, { method: "POST", body: "x" });
    await post.body?.cancel();
    equal(post.status, 405);
    equal(post.headers.get("allow"), "GET, HEAD");
  });
  await withApp({ page: false }, async (base) => {
    for (const [path, status] of [["/", 404], ["/sluice_client.js", 200], ["/schema.json", 200]]) {
      const response = await fetch(`${base}${path}`);
      await response.body?.cancel();
      equal(response.status, status, String(path));
    }
  });
});

Deno.test("WebSocket upgrades on the page's origin reach the sluice server", async () => {
  await withApp({}, async (base) => {
    const peer = await RawPeer.open(base.replace("http:", "ws:") + "/");
    try {
      peer.send(requestMessage("web-1"));
      const { complete } = await readDownload(peer, "web-1");
      equal(complete.rows, ROWS);
    } finally {
      await peer.close();
    }
  });
});
