// The client's half of a token sign-in (client/sign_in.ts, PROTOCOL.md §15.8), against challenges
// made here: the server's proof is checked before the token source is even asked, pinned or not;
// the seal the client makes opens with the server's side of the ECDH secret; the source is asked
// on every sign-in; and a source that fails is a sign-in that fails, with its own code.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, serverProofText, signText } from "../protocol/auth.ts";
import type { AuthChallenge } from "../protocol/messages.ts";
import { sharedSecret } from "../protocol/session_crypto.ts";
import { ConnectionSignIn, type Credentials } from "../client/sign_in.ts";
import { openToken } from "../transport/token_sealing.ts";

const ORIGIN = "ws://127.0.0.1:8080";
const SERVER_IDENTITY = new Uint8Array(32).fill(3);
const SERVER_SESSION = new Uint8Array(32).fill(4);

/** The server's challenge to `signIn`, its proof signed by `identity`. */
function challengeFor(signIn: ConnectionSignIn, identity = SERVER_IDENTITY): AuthChallenge {
  const base = {
    nonce: "5a".repeat(32),
    expiresAt: 1_710_923_460_000,
    origin: ORIGIN,
    sessionKey: bytesToHex(secp.getPublicKey(SERVER_SESSION)),
    serverKey: bytesToHex(secp.getPublicKey(SERVER_IDENTITY)),
    encryption: false,
    issuedAt: 1_710_923_400_000,
    chainId: 1,
  };
  const facts = {
    origin: ORIGIN,
    identity: { kind: "token" } as const,
    nonce: base.nonce,
    clientSessionKey: signIn.nonce().sessionKey,
    serverSessionKey: base.sessionKey,
    issuedAt: base.issuedAt,
    expiresAt: base.expiresAt,
    encryption: base.encryption,
    chainId: base.chainId,
  };
  return { ...base, serverSignature: signText(identity, serverProofText(facts)) };
}

Deno.test("a token client seals its token so that the server's side of the secret opens it", async () => {
  const credentials: Credentials = { kind: "token", token: "the-token" };
  const signIn = new ConnectionSignIn(credentials, `${ORIGIN}/`, undefined);
  deepStrictEqual(signIn.nonce().identity, { kind: "token" });
  const challenge = challengeFor(signIn);
  const signed = await signIn.sign(challenge);
  ok(signed.ok);
  equal(signed.value.signature, undefined);
  const shared = sharedSecret(SERVER_SESSION, signIn.nonce().sessionKey)!;
  const text = challengeText({
    origin: ORIGIN,
    identity: { kind: "token" },
    nonce: challenge.nonce,
    clientSessionKey: signIn.nonce().sessionKey,
    serverSessionKey: challenge.sessionKey,
    issuedAt: challenge.issuedAt,
    chainId: challenge.chainId,
    expiresAt: challenge.expiresAt,
    encryption: challenge.encryption,
  });
  equal(await openToken(shared, challenge.nonce, text, signed.value.sealedToken!), "the-token");
});

Deno.test("an unpinned token client still refuses a challenge whose proof does not verify, without asking for its token", async () => {
  let asked = 0;
  const credentials: Credentials = { kind: "token", token: () => `t-${++asked}` };
  const signIn = new ConnectionSignIn(credentials, `${ORIGIN}/`, undefined);
  const forged = challengeFor(signIn, new Uint8Array(32).fill(9));
  const refused = await signIn.sign(forged);
  equal(!refused.ok && refused.error.code, "SERVER_KEY_MISMATCH");
  equal(asked, 0);
  // A pinned one, to a server proving another key: the same, before anything else.
  const pinned = new ConnectionSignIn(credentials, `${ORIGIN}/`, `02${"11".repeat(32)}`);
  const other = await pinned.sign(challengeFor(pinned));
  equal(!other.ok && other.error.code, "SERVER_KEY_MISMATCH");
  equal(asked, 0);
});

Deno.test("the token source is asked on every sign-in, and one that fails is AUTH_TOKEN_MALFORMED", async () => {
  let asked = 0;
  const source = () => Promise.resolve(`token-${++asked}`);
  for (let i = 1; i <= 3; i++) {
    const signIn = new ConnectionSignIn({ kind: "token", token: source }, `${ORIGIN}/`, undefined);
    ok((await signIn.sign(challengeFor(signIn))).ok);
    equal(asked, i);
  }
  const failing = new ConnectionSignIn(
    { kind: "token", token: () => Promise.reject(new Error("logged out")) },
    `${ORIGIN}/`,
    undefined,
  );
  const result = await failing.sign(challengeFor(failing));
  equal(!result.ok && result.error.code, "AUTH_TOKEN_MALFORMED");
});
