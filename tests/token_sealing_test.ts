// A token's seal (PROTOCOL.md §15.8, transport/token_sealing.ts): the vector of §15.8 recomputed
// by our code and opened by an independent implementation (pyca/cryptography's HKDF and AES-GCM,
// with PyJWT for the JWT it holds), and the bindings that make a sealed token useless anywhere
// but on the connection it was made for.
import { equal, ok, rejects } from "node:assert/strict";
import { hkdf } from "npm:@noble/hashes@2.4.0/hkdf.js";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText } from "../protocol/auth.ts";
import {
  MAX_SEALED_TOKEN_LENGTH,
  MAX_TOKEN_BYTES,
  SEALED_TOKEN,
  TOKEN_SEAL_INFO,
} from "../protocol/token_seal.ts";
import { openToken, sealToken } from "../transport/token_sealing.ts";
import { vectors } from "./_protocol_doc.ts";
import { pythonJson } from "./_python.ts";

interface SealVector {
  challengeText: string;
  tokenKey: string;
  token: string;
  sealedToken: string;
  jwtSecret: string;
}

const [vector] = vectors("token-seal") as SealVector[];
const [session] = vectors("session") as { shared: string }[];
const NONCE = "5a".repeat(32);
const FACTS = {
  origin: "ws://127.0.0.1:8080",
  identity: { kind: "token" } as const,
  nonce: NONCE,
  clientSessionKey: "024d4b6cd1361032ca9bd2aeb9d900aa4d45d9ead80ac9423374c451a7254d0766",
  serverSessionKey: "03462779ad4aad39514614751a71085f2f10e1c7a593e4e030efb5b8721ce55b0b",
  issuedAt: 1710923400002,
  expiresAt: 1710923460000,
  encryption: true,
  chainId: 1,
};

Deno.test("the token-seal vector of PROTOCOL.md §15.8 recomputes exactly", async () => {
  ok(vector && session);
  equal(vector.challengeText, challengeText(FACTS));
  const shared = hexToBytes(session.shared);
  const key = hkdf(
    sha256,
    shared,
    hexToBytes(NONCE),
    new TextEncoder().encode(TOKEN_SEAL_INFO),
    32,
  );
  equal(bytesToHex(key), vector.tokenKey);
  equal(await sealToken(shared, NONCE, vector.challengeText, vector.token), vector.sealedToken);
  equal(await openToken(shared, NONCE, vector.challengeText, vector.sealedToken), vector.token);
});

const PYTHON = `
import base64, json, sys, jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
v = json.load(sys.stdin)
key = HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes.fromhex(v["nonce"]),
           info=b"sluice v1 token").derive(bytes.fromhex(v["shared"]))
sealed = base64.urlsafe_b64decode(v["sealedToken"] + "=" * (-len(v["sealedToken"]) % 4))
token = AESGCM(key).decrypt(bytes(12), sealed, v["challengeText"].encode()).decode()
claims = jwt.decode(token, v["jwtSecret"], algorithms=["HS256"], audience="sluice",
                    options={"verify_exp": False})
print(json.dumps({"key": key.hex(), "token": token, "claims": claims}))
`;

Deno.test("pyca/cryptography opens the vector's seal, and PyJWT reads the JWT inside", async () => {
  const python = await pythonJson<
    { key: string; token: string; claims: { sub: string; exp: number } }
  >("/usr/bin/python3", ["-c", PYTHON], {
    ...vector,
    shared: session.shared,
    nonce: NONCE,
  });
  equal(python.key, vector.tokenKey);
  equal(python.token, vector.token);
  equal(python.claims.sub, "alice");
  equal(python.claims.exp, 1710927000);
});

Deno.test("a sealed token opens only with its connection's secret, nonce and every line of its challenge", async () => {
  const shared = hexToBytes(session.shared);
  const sealed = vector.sealedToken;
  const other = new Uint8Array(shared);
  other[0] ^= 1;
  equal(await openToken(other, NONCE, vector.challengeText, sealed), undefined);
  equal(await openToken(shared, "5b".repeat(32), vector.challengeText, sealed), undefined);
  for (const change of [{ origin: "ws://evil.test" }, { encryption: false }, { expiresAt: 0 }]) {
    const text = challengeText({ ...FACTS, ...change });
    equal(await openToken(shared, NONCE, text, sealed), undefined, JSON.stringify(change));
  }
  const flipped = (sealed[0] === "A" ? "B" : "A") + sealed.slice(1);
  equal(await openToken(shared, NONCE, vector.challengeText, flipped), undefined);
  equal(await openToken(shared, NONCE, vector.challengeText, "not base64url!"), undefined);
});

Deno.test("the longest token seals within the parser's string bound; a longer or empty one is refused", async () => {
  const shared = new Uint8Array(32).fill(9);
  const sealed = await sealToken(shared, NONCE, "c", "x".repeat(MAX_TOKEN_BYTES));
  equal(sealed.length, MAX_SEALED_TOKEN_LENGTH);
  ok(SEALED_TOKEN.test(sealed));
  ok(MAX_SEALED_TOKEN_LENGTH <= 4096);
  await rejects(() => sealToken(shared, NONCE, "c", "x".repeat(MAX_TOKEN_BYTES + 1)), RangeError);
  await rejects(() => sealToken(shared, NONCE, "c", ""), RangeError);
});
