// Issue 14's token sign-in end to end: tokens minted by independent tools (PyJWT for HS256,
// openssl for ES256: header.payload signed with `openssl dgst -sha256 -sign`, DER made r||s) sign
// in through the command-line client and download what the sqlite3 CLI selects; each bad token is
// refused with its own code and nothing is written; a JWKS key rotation is followed.
import { equal, match, ok } from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { demoPath, startServer } from "./_harness.ts";
import { derToCompact, openssl } from "./_openssl.ts";
import { Program, runClient, SERVER } from "./_program.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import { pythonJson } from "./_python.ts";

const ROWS = 2000;
const FROM = "2024-01-01";
const TO = "2030-01-01";
const RANGE = ["--from", FROM, "--to", TO];
const ISSUER = "https://login.test";
const AUDIENCE = "sluice-e2e";
const SECRET = "a shared secret of more than thirty-two bytes";

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const json64 = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));
const now = () => Math.floor(Date.now() / 1000);

/** HS256 tokens by PyJWT (and the two it will not make: HMAC with a PEM key, by Python's hmac). */
function pyjwtTokens(publicPem: string): Promise<Record<string, string>> {
  const script = `
import hmac, hashlib, base64, json, sys, time, jwt
secret, pem, iss, aud = json.load(sys.stdin)
t = int(time.time())
good = {"sub": "alice", "iss": iss, "aud": aud, "exp": t + 300}
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps(good).encode())
confused = head + "." + body + "." + b64(hmac.new(pem.encode(), (head + "." + body).encode(), hashlib.sha256).digest())
print(json.dumps({
  "good": jwt.encode(good, secret, algorithm="HS256"),
  "expired": jwt.encode({**good, "exp": t - 3600}, secret, algorithm="HS256"),
  "notYetValid": jwt.encode({**good, "nbf": t + 3600}, secret, algorithm="HS256"),
  "wrongIssuer": jwt.encode({**good, "iss": "https://evil.test"}, secret, algorithm="HS256"),
  "wrongAudience": jwt.encode({**good, "aud": "another-service"}, secret, algorithm="HS256"),
  "badSignature": jwt.encode(good, secret + " but another", algorithm="HS256"),
  "none": jwt.encode(good, None, algorithm="none"),
  "confused": confused,
}))
`;
  return pythonJson<Record<string, string>>("/usr/bin/python3", ["-c", script], [
    SECRET,
    publicPem,
    ISSUER,
    AUDIENCE,
  ]);
}

/** A P-256 key made by openssl: its PEM files. */
async function opensslP256(dir: string, name: string): Promise<{ key: string; pub: string }> {
  const key = `${dir}/${name}.pem`;
  const pub = `${dir}/${name}.pub.pem`;
  await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
  await openssl(["ec", "-in", key, "-pubout", "-out", pub]);
  return { key, pub };
}

/** An ES256 JWT signed by openssl: its DER signature turned into JOSE's raw r || s. */
async function opensslEs256(keyFile: string, claims: object, kid?: string): Promise<string> {
  const input = `${json64({ alg: "ES256", typ: "JWT", ...(kid ? { kid } : {}) })}.${
    json64(claims)
  }`;
  const der = await openssl(
    ["dgst", "-sha256", "-sign", keyFile],
    new TextEncoder().encode(input),
  );
  const raw = Uint8Array.from(derToCompact(der).match(/../g)!, (h) => parseInt(h, 16));
  return `${input}.${b64url(raw)}`;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("tokens from PyJWT and openssl sign in through client.ts and download; each bad token is refused with its own code, writing nothing; a JWKS rotation is followed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sluice-token-cli-" });
  const db = demoPath(ROWS);
  const expected = await sha256Hex(await sqlite3Csv(db, Date.parse(FROM), Date.parse(TO)));
  const es = await opensslP256(dir, "es");
  const tokens = await pyjwtTokens(await Deno.readTextFile(es.pub));
  const secretFile = `${dir}/jwt.secret`;
  await Deno.writeTextFile(secretFile, `${SECRET}\n`);
  const good = { sub: "alice", iss: ISSUER, aud: AUDIENCE, exp: now() + 300 };

  /** Runs client.ts with `flags`; the export goes to a file of its own. */
  const download = async (url: string, name: string, flags: string[], env = {}) => {
    const output = `${dir}/${name}.csv`;
    const run = await runClient([url, ...RANGE, ...flags, "--retries", "0", "-o", output], env);
    return { ...run, output };
  };
  const downloads = async (url: string, name: string, flags: string[], env = {}) => {
    const run = await download(url, name, flags, env);
    equal(run.code, 0, `${name}: ${run.stderr}`);
    equal(await sha256Hex(await Deno.readFile(run.output)), expected, name);
  };
  const refused = async (url: string, code: string, token: string) => {
    const run = await download(url, code, ["--token", token]);
    equal(run.code, 1, `${code}: ${run.stderr}`);
    match(run.stderr, new RegExp(`${code}:`), code);
    ok(!await exists(run.output), `${code} wrote ${run.output}`);
  };

  // server.ts with the HS256 secret, an issuer and an audience: its flags, as a program.
  const hs = new Program([
    "run",
    "-A",
    SERVER,
    ...["--port", "0", "--db", db, "--demo-rows", String(ROWS)],
    ...["--jwt-secret-file", secretFile, "--jwt-issuer", ISSUER, "--jwt-audience", AUDIENCE],
    ...["--identity-key-file", `${dir}/server.key`],
  ]);
  const es256 = startServer(ROWS, {
    anonymous: false,
    jwtPublicKey: await Deno.readTextFile(es.pub),
    jwtIssuer: ISSUER,
    jwtAudience: AUDIENCE,
  });
  // A JWKS on loopback whose keys the test rotates, counting its fetches.
  const [a, b] = [await opensslP256(dir, "a"), await opensslP256(dir, "b")];
  const jwk = (pem: string, kid: string) => ({
    ...createPublicKey(pem).export({ format: "jwk" }),
    kid,
    alg: "ES256",
    use: "sig",
  });
  let keys = [jwk(await Deno.readTextFile(a.pub), "a")];
  let fetches = 0;
  const jwks = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    fetches++;
    return Response.json({ keys });
  });
  const rotating = startServer(ROWS, {
    anonymous: false,
    jwksUrl: `http://127.0.0.1:${jwks.addr.port}/jwks.json`,
    // No wait between fetches here, so the rotation is seen at once (the default waits a minute).
    jwksCooldownMs: 0,
  });
  try {
    const [, url] = await hs.waitFor("stdout", /^sluice listening on (ws:\/\/\S+) /m);
    const [, serverKey] = await hs.waitFor("stderr", /server identity key (0[23][0-9a-f]{64})/);
    match(hs.stderr, /JWTs that verify with the HS256 secret sign in/);

    await Promise.all([
      downloads(url, "pyjwt-hs256", ["--token", tokens.good, "--server-key", serverKey]),
      downloads(url, "pyjwt-hs256-env", [], { SLUICE_TOKEN: tokens.good }),
      refused(url, "AUTH_TOKEN_EXPIRED", tokens.expired),
      refused(url, "AUTH_TOKEN_NOT_YET_VALID", tokens.notYetValid),
      refused(url, "AUTH_TOKEN_ISSUER", tokens.wrongIssuer),
      refused(url, "AUTH_TOKEN_AUDIENCE", tokens.wrongAudience),
      refused(url, "AUTH_TOKEN_SIGNATURE", tokens.badSignature),
      refused(url, "AUTH_TOKEN_ALGORITHM", tokens.none),
    ]);

    const tokenFile = `${dir}/es256.jwt`;
    await Deno.writeTextFile(tokenFile, await opensslEs256(es.key, good));
    await Promise.all([
      downloads(es256.url, "openssl-es256", ["--token-file", tokenFile]),
      // An HS256 token whose secret is the server's public key: algorithm confusion.
      refused(es256.url, "AUTH_TOKEN_ALGORITHM", tokens.confused),
    ]);

    await downloads(rotating.url, "jwks-a", ["--token", await opensslEs256(a.key, good, "a")]);
    equal(fetches, 1);
    keys = [jwk(await Deno.readTextFile(b.pub), "b")];
    // A kid the cached set lacks makes the server fetch the set again, and follow the rotation.
    await downloads(rotating.url, "jwks-b", ["--token", await opensslEs256(b.key, good, "b")]);
    equal(fetches, 2);
    // The key rotated out no longer signs anyone in.
    await refused(rotating.url, "AUTH_TOKEN_SIGNATURE", await opensslEs256(a.key, good, "a"));
  } finally {
    await hs.stop();
    await es256.close();
    await rotating.close();
    await jwks.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
