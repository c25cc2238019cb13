/**
 * An app with its own login that lets its users export their own trades
 * through sluice, signing them in with a token it mints (docs/PROTOCOL.md
 * §15.8): no keys, no allow list. One process serves
 *
 * - `/app`: the app's page, a login form, or once logged in a greeting and
 *   an "Export my trades" button;
 * - `/app/export`: mints a five-minute HS256 JWT naming the user and sends
 *   the browser to sluice's page with it in the address's fragment
 *   (`/#token=…`), where the page signs in with it (its "Token" way);
 * - `/app/token`: the same token as text, for a script of the app's own;
 * - everything else: sluice (its page, `/schema.json`, the WebSocket), whose
 *   row rule narrows every download to the user's `user_id`.
 *
 * ```sh
 * deno run -A examples/token_app.ts          # then open http://127.0.0.1:8090/app
 * ```
 *
 * A real app keeps its sessions in its own store and its secret in a file
 * (`server.ts --jwt-secret-file` when sluice runs on its own); this one
 * keeps both in memory, so a restart logs everyone out.
 *
 * @module
 */

import * as jose from "npm:jose@6.2.18";
import { createServer, createWebApp, openDemoSource } from "../server/mod.ts";

/** The app's users: a name and the `user_id` of the demo table's rows that are theirs. */
const USERS: Readonly<Record<string, number>> = { alice: 1, bob: 2 };
/** How long a token minted for an export is good for: minutes, not the session's day. */
const TOKEN_LIFE = "5m";
const AUDIENCE = "sluice-export";

const port = Number(Deno.env.get("PORT") ?? 8090);
const dbPath = Deno.env.get("SLUICE_DB") ?? "data/demo.sqlite";
const source = openDemoSource(dbPath, Number(Deno.env.get("SLUICE_DEMO_ROWS") ?? 1_000_000));
const secret = crypto.getRandomValues(new Uint8Array(32));
const issuer = `http://127.0.0.1:${port}/app`;
const sessions = new Map<string, string>();

const sluice = createServer({
  source,
  jwtSecret: secret,
  jwtIssuer: issuer,
  jwtAudience: AUDIENCE,
  // The token's `uid` claim says whose rows these are: every download is narrowed to the rows of
  // that user_id; a sign-in without it (a key, a token of another app) gets none of them.
  rowFilter: { column: "user_id", claim: "uid" },
});
const sluiceApp = createWebApp({ sluice, schema: source.schema() });

/** The logged-in user of a request, from its session cookie. */
function userOf(request: Request): string | undefined {
  const cookie = request.headers.get("cookie") ?? "";
  const id = /(?:^|;\s*)session=([0-9a-f]{32})/.exec(cookie)?.[1];
  return id === undefined ? undefined : sessions.get(id);
}

/** A token for `user`'s export: five minutes, this app as issuer, sluice as audience. */
function mint(user: string): Promise<string> {
  return new jose.SignJWT({ uid: USERS[user] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user)
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(TOKEN_LIFE)
    .sign(secret);
}

const html = (body: string, status = 200) =>
  new Response(
    `<!doctype html><meta charset="utf-8"><title>Example app</title>` +
      `<body style="font-family: system-ui; max-width: 32rem; margin: 3rem auto">${body}`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );

async function app(request: Request, path: string): Promise<Response> {
  const user = userOf(request);
  if (path === "/app/login" && request.method === "POST") {
    const name = String((await request.formData()).get("user") ?? "");
    if (!Object.hasOwn(USERS, name)) return html("<p>No such user. <a href=/app>Back</a>", 403);
    const id = [...crypto.getRandomValues(new Uint8Array(16))]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    sessions.set(id, name);
    return new Response(null, {
      status: 303,
      headers: {
        location: "/app",
        "set-cookie": `session=${id}; Path=/app; HttpOnly; SameSite=Strict`,
      },
    });
  }
  if ((path === "/app/export" || path === "/app/token") && request.method === "POST") {
    if (user === undefined) return html("<p>Log in first. <a href=/app>Back</a>", 401);
    const token = await mint(user);
    if (path === "/app/token") {
      return new Response(token, { headers: { "content-type": "text/plain" } });
    }
    // The fragment never reaches a server; sluice's page reads it once and removes it.
    return new Response(null, { status: 303, headers: { location: `/#token=${token}` } });
  }
  if (path !== "/app") return html("<p>Not found.", 404);
  if (user === undefined) {
    return html(
      `<h1>Example app</h1><form method=post action=/app/login>` +
        `<label>User <select name=user>${
          Object.keys(USERS).map((u) => `<option>${u}</option>`).join("")
        }</select></label> <button>Log in</button></form>`,
    );
  }
  return html(
    `<h1>Hello, ${user}</h1><p>Your trades are yours to export, and only yours.</p>` +
      `<form method=post action=/app/export><button>Export my trades</button></form>`,
  );
}

const http = Deno.serve({ hostname: "127.0.0.1", port }, (request, info) => {
  const path = new URL(request.url).pathname;
  return path === "/app" || path.startsWith("/app/")
    ? app(request, path)
    : sluiceApp.fetch(request, info);
});
console.log(`example app on http://127.0.0.1:${http.addr.port}/app`);
