/**
 * The HTTP side of the server program: the demo page and its assets, the
 * client as an ES module, and the schema document, beside the WebSocket
 * endpoint of {@linkcode createServer} (every upgrade request goes there).
 *
 * | path                | what                                                       |
 * | ------------------- | ---------------------------------------------------------- |
 * | `/`                 | the demo page, `web/index.html`                            |
 * | `/style.css`        | its style sheet                                            |
 * | `/app.js`           | its script, bundled from `web/app.ts`                      |
 * | `/sluice_client.js` | the client, bundled from `client/mod.ts`, for any page     |
 * | `/types/….d.ts`     | its declarations (`web/types/`), named by its self-types   |
 * | `/favicon.svg`      | the icon                                                   |
 * | `/schema.json`      | the {@linkcode SchemaDocument} of the source (PROTOCOL §17) |
 *
 * The files are read from `web/` beside this module on first request (by
 * `fetch`, so a copy imported from a registry works too) and kept in memory;
 * they are a few hundred kilobytes. Nothing is built here: the bundles are
 * committed (see `web/build.ts`).
 *
 * @module
 */

import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { type SchemaDocument, schemaDocument } from "../protocol/schema_document.ts";
import type { Logger } from "../protocol/logger.ts";
import type { ConnectionInfo, SluiceServer } from "./create_server.ts";
import { asksForWebSocket } from "./request_head.ts";
import type { SourceSchema } from "./data_source.ts";
// The declarations beside /sluice_client.js (web/declarations.ts writes them and this list).
import TYPE_FILES from "../web/types/files.json" with { type: "json" };

/** Options of {@linkcode createWebApp}. */
export interface WebAppOptions {
  /** Handles the WebSocket upgrades: the sluice sessions. */
  readonly sluice: SluiceServer;
  /** The exported table, published at `/schema.json`: the default dataset's. */
  readonly schema: SourceSchema;
  /**
   * A server of several datasets: every one, the default first, listed in
   * `/schema.json` (PROTOCOL.md §17).
   */
  readonly datasets?: readonly { readonly name: string; readonly schema: SourceSchema }[];
  /**
   * Whether to serve the demo page and its assets; the client module and
   * the schema are served either way.
   *
   * @default {true}
   */
  readonly page?: boolean;
  /**
   * Where a page file that cannot be read is reported (the browser gets a
   * 500).
   *
   * @default {console}
   */
  readonly logger?: Logger;
}

/** A web-standard handler for the whole server: page, assets, schema, WebSocket. */
export interface WebApp {
  /** Handles one request; `info` (as `Deno.serve` passes it) reaches the sluice server. */
  fetch(request: Request, info?: ConnectionInfo): Response | Promise<Response>;
}

interface Asset {
  readonly file: string;
  readonly type: string;
  /** Part of the demo page, rather than of the client's public surface. */
  readonly page: boolean;
  /** Other origins' pages may import it (module scripts need CORS to load across origins). */
  readonly shared?: boolean;
}

const ASSETS: Readonly<Record<string, Asset>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8", page: true },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8", page: true },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8", page: true },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml", page: true },
  "/sluice_client.js": {
    file: "sluice_client.js",
    type: "text/javascript; charset=utf-8",
    page: false,
    // Public code: any page may import it (its socket reaches the server regardless of CORS).
    shared: true,
  },
  // Its types: the bundle's `@ts-self-types` names ./types/client/mod.d.ts, which imports the rest.
  ...Object.fromEntries(TYPE_FILES.map((name) => [`/types/${name}`, {
    file: `types/${name}`,
    type: "application/typescript; charset=utf-8",
    page: false,
    shared: true,
  }])),
};

/**
 * The page may talk only to its own origin: scripts, styles and the socket
 * all come from the server (no CDN), and nothing may frame it. The socket's
 * origin is named as well as `'self'`, for browsers whose `'self'` does not
 * cover `ws:` and `wss:`; both schemes, since behind a proxy that ends TLS
 * the request the server sees is plain while the page is `https:`.
 */
function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://${host} wss://${host}`,
    "img-src 'self' data: blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const COMMON_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // Browsers revalidate on every load (cheap with the ETag), so a new server version shows at once.
  "cache-control": "no-cache",
};

interface Loaded {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

/**
 * The server program's handler: the demo page, the client module and the
 * schema over HTTP, and the sluice WebSocket endpoint on any path.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { createServer, createWebApp, openDemoSource } from "./mod.ts";
 * const dir = Deno.makeTempDirSync();
 * const path = `${dir}/data.sqlite`;
 * const source = openDemoSource(path, 1000);
 * const sluice = createServer({ source });
 * const app = createWebApp({ sluice, schema: source.schema() });
 * const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
 * const response = await fetch(`http://127.0.0.1:${http.addr.port}/schema.json`);
 * equal((await response.json()).timeColumn, "ts");
 * await sluice.close();
 * await http.shutdown();
 * await source.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function createWebApp(options: WebAppOptions): WebApp {
  const servePage = options.page !== false;
  const datasets = options.datasets?.map((d) => ({ ...d.schema, name: d.name }));
  const schemaBody = JSON.stringify(
    schemaDocument(options.schema, datasets, {
      tokens: options.sluice.tokens,
    }) satisfies SchemaDocument,
  );
  const cache = new Map<string, Promise<Loaded>>();

  const load = (file: string): Promise<Loaded> => {
    let loaded = cache.get(file);
    if (loaded === undefined) {
      loaded = readAsset(file);
      cache.set(file, loaded);
      // A failed read is not remembered: the next request tries again.
      loaded.catch(() => cache.delete(file));
    }
    return loaded;
  };

  const serveAsset = async (request: Request, asset: Asset): Promise<Response> => {
    let loaded: Loaded;
    try {
      loaded = await load(asset.file);
    } catch (error) {
      (options.logger ?? console).error(`sluice: cannot read web/${asset.file}:`, error);
      return text(500, "sluice: this file of the page is missing on the server\n");
    }
    const headers: Record<string, string> = {
      ...COMMON_HEADERS,
      "content-type": asset.type,
      etag: loaded.etag,
      ...(asset.type.startsWith("text/html")
        ? { "content-security-policy": contentSecurityPolicy(new URL(request.url).host) }
        : {}),
      ...(asset.shared === true ? { "access-control-allow-origin": "*" } : {}),
    };
    if (request.headers.get("if-none-match") === loaded.etag) {
      return new Response(null, { status: 304, headers });
    }
    // A HEAD answer without a body still says how long the GET's would be.
    if (request.method === "HEAD") headers["content-length"] = String(loaded.body.length);
    return new Response(request.method === "HEAD" ? null : loaded.body, { headers });
  };

  return {
    fetch(request: Request, info?: ConnectionInfo): Response | Promise<Response> {
      if (asksForWebSocket(request.headers)) {
        return options.sluice.fetch(request, info);
      }
      const path = new URL(request.url).pathname;
      const asset = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined;
      const known = path === "/schema.json" || (asset !== undefined && (servePage || !asset.page));
      if (!known) return text(404, "sluice: not found\n");
      if (request.method !== "GET" && request.method !== "HEAD") {
        return new Response("sluice: method not allowed\n", {
          status: 405,
          headers: { ...COMMON_HEADERS, allow: "GET, HEAD", "content-type": "text/plain" },
        });
      }
      if (asset !== undefined) return serveAsset(request, asset);
      return new Response(request.method === "HEAD" ? null : schemaBody, {
        headers: { ...COMMON_HEADERS, "content-type": "application/json" },
      });
    },
  };
}

async function readAsset(file: string): Promise<Loaded> {
  const response = await fetch(new URL(`../web/${file}`, import.meta.url));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return { body, etag: `"${bytesToHex(digest.subarray(0, 12))}"` };
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { ...COMMON_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}
