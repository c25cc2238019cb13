// The server's check of bearer tokens (server/token_verifier.ts, PROTOCOL.md §15.8) alone: the
// algorithm a key allows (RSA too, and never an HS256 token made with the public key as its
// secret), the claims it requires, the bounded skew, the JWKS fetched at most once per cooldown
// however many unknown `kid`s come, and the authenticate hook. Keys and tokens come from
// node:crypto and jose's signing half, not from the verifier under test.
import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { createHmac, generateKeyPairSync } from "node:crypto";
import * as jose from "npm:jose@6.2.18";
import type { TokenVerdict } from "../protocol/session_token.ts";
import { tokenCheck } from "../server/token_verifier.ts";

const now = () => Math.floor(Date.now() / 1000);
const CLAIMS = () => ({ sub: "alice", exp: now() + 300 });
const codeOf = (v: TokenVerdict) => v.ok ? "ok" : v.code;
const b64 = (text: string | Uint8Array) => Buffer.from(text).toString("base64url");

Deno.test("an RSA public key takes RS256 and refuses HS256 made with the key as its secret", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const check = tokenCheck({ jwtPublicKey: pem })!;
  const rs = await new jose.SignJWT(CLAIMS()).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
  const verdict = await check(rs);
  ok(verdict.ok);
  equal(verdict.subject, "alice");
  const input = `${b64(JSON.stringify({ alg: "HS256" }))}.${b64(JSON.stringify(CLAIMS()))}`;
  const confused = `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
  equal(codeOf(await check(confused)), "AUTH_TOKEN_ALGORITHM");
  equal(
    codeOf(await check(`${b64(JSON.stringify({ alg: "none" }))}.${input.split(".")[1]}.`)),
    "AUTH_TOKEN_ALGORITHM",
  );
  // An RS256 token whose signature was changed on the way.
  const at = rs.lastIndexOf(".") + 10;
  const forged = rs.slice(0, at) + (rs[at] === "A" ? "B" : "A") + rs.slice(at + 1);
  equal(codeOf(await check(forged)), "AUTH_TOKEN_SIGNATURE");
});

Deno.test("a JWT without sub or exp is malformed, and a session's end is its exp plus the skew", async () => {
  const secret = "s".repeat(32);
  const key = new TextEncoder().encode(secret);
  const check = tokenCheck({ jwtSecret: secret, jwtClockSkewMs: 10_000 })!;
  const sign = (claims: object) =>
    new jose.SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256" }).sign(key);
  equal(codeOf(await check(await sign({ sub: "a" }))), "AUTH_TOKEN_MALFORMED");
  equal(codeOf(await check(await sign({ exp: now() + 60 }))), "AUTH_TOKEN_MALFORMED");
  equal(codeOf(await check("not.a.jwt!")), "AUTH_TOKEN_MALFORMED");
  const exp = now() + 60;
  const verdict = await check(await sign({ sub: "a", exp, acct: 7 }));
  ok(verdict.ok);
  equal(verdict.expiresAt, exp * 1000 + 10_000);
  equal(verdict.claims.acct, 7);
  // Within the skew an expired token still passes; past it, not.
  equal(codeOf(await check(await sign({ sub: "a", exp: now() - 5 }))), "ok");
  equal(codeOf(await check(await sign({ sub: "a", exp: now() - 30 }))), "AUTH_TOKEN_EXPIRED");
  equal(
    codeOf(await check(await sign({ sub: "a", exp, nbf: now() + 30 }))),
    "AUTH_TOKEN_NOT_YET_VALID",
  );
});

Deno.test("token settings that cannot work are refused when the server is made", () => {
  throws(() => tokenCheck({ jwtSecret: "short" }), TypeError);
  throws(
    () => tokenCheck({ jwtSecret: "s".repeat(32), jwksUrl: "https://x.test/jwks" }),
    TypeError,
  );
  throws(() => tokenCheck({ jwtSecret: "s".repeat(32), jwtClockSkewMs: 300_001 }), RangeError);
  throws(() => tokenCheck({ jwtPublicKey: "not a pem" }));
  equal(tokenCheck({}), undefined);
});

Deno.test("unknown kids make the server fetch the JWKS again at most once per cooldown", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  let fetches = 0;
  const jwks = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    fetches++;
    return Response.json({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1" }] });
  });
  try {
    const check = tokenCheck({ jwksUrl: `http://127.0.0.1:${jwks.addr.port}/jwks.json` })!;
    const sign = (kid: string) =>
      new jose.SignJWT(CLAIMS()).setProtectedHeader({ alg: "ES256", kid }).sign(privateKey);
    equal(codeOf(await check(await sign("k1"))), "ok");
    equal(fetches, 1);
    // A flood of made-up kids within the default minute: refused, and no further fetch.
    for (const kid of ["x1", "x2", "x3", "x4"]) {
      equal(codeOf(await check(await sign(kid))), "AUTH_TOKEN_SIGNATURE");
    }
    equal(fetches, 1);
    equal(codeOf(await check(await sign("k1"))), "ok");
    equal(fetches, 1);
  } finally {
    await jwks.shutdown();
  }
});

Deno.test("a JWKS that cannot be fetched is AUTH_TOKEN_KEYS_DOWN, which the client may retry", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const check = tokenCheck({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` })!;
  const token = await new jose.SignJWT(CLAIMS()).setProtectedHeader({ alg: "ES256", kid: "k" })
    .sign(privateKey);
  equal(codeOf(await check(token)), "AUTH_TOKEN_KEYS_DOWN");
});

Deno.test("the authenticate hook names the subject of other tokens, or refuses them", async () => {
  const asked: string[] = [];
  const check = tokenCheck({
    jwtSecret: "s".repeat(32),
    authenticate: (token) => {
      asked.push(token);
      return token === "session-1"
        ? { subject: "bob", claims: { acct: 9 }, expiresAt: 1_900_000_000_000 }
        : undefined;
    },
  })!;
  deepStrictEqual(await check("session-1"), {
    ok: true,
    subject: "bob",
    claims: { acct: 9 },
    expiresAt: 1_900_000_000_000,
  });
  equal(codeOf(await check("session-2")), "AUTH_TOKEN_REFUSED");
  // A JWT goes to the JWT check, not to the hook.
  equal(codeOf(await check("a.b.c")), "AUTH_TOKEN_MALFORMED");
  deepStrictEqual(asked, ["session-1", "session-2"]);
});
