// Sign-In with Ethereum messages (PROTOCOL.md §15.7), checked by an independent implementation:
// viem writes the same bytes, parses back the facts they bind, and verifies the vectors' wallet
// signatures.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { keccak_256 } from "npm:@noble/hashes@2.4.0/sha3.js";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { getAddress, verifyMessage } from "npm:viem@2.57.20";
import { createSiweMessage, parseSiweMessage, validateSiweMessage } from "npm:viem@2.57.20/siwe";
import { challengeText, ethereumAddress, type SignInFacts } from "../protocol/auth.ts";
import { checksumAddress, siweMessage } from "../protocol/siwe_message.ts";
import {
  DELEGATION_STATEMENT,
  delegationText,
  sessionResource,
  SIGN_IN_STATEMENT,
} from "../protocol/wallet_texts.ts";
import { checkAuthenticate } from "../protocol/sign_in.ts";
import type { Identity } from "../protocol/messages.ts";
import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
import { doc, vectors } from "./_protocol_doc.ts";

/** A vector's fields: hex and texts, and the two times and the chain id as numbers. */
type Vector = Record<string, string> & { issuedAt: number; expiresAt: number; chainId: number };
const [signIn] = vectors("sign-in") as Vector[];
const [delegation] = vectors("delegation") as Vector[];
const key = (byte: number) => new Uint8Array(32).fill(byte);
const ORIGIN = "ws://127.0.0.1:8080";

/** The facts of §15.4's vector, for the account of secret key 01. */
const FACTS: SignInFacts = {
  origin: ORIGIN,
  identity: { kind: "ethereum", address: signIn.ethereumAddress },
  nonce: "5a".repeat(32),
  clientSessionKey: signIn.clientSessionKey,
  serverSessionKey: signIn.serverSessionKey,
  issuedAt: signIn.issuedAt,
  expiresAt: 1_710_923_460_000,
  encryption: true,
  chainId: signIn.chainId,
};

Deno.test("viem writes the sign-in and delegation messages byte for byte as sluice does", () => {
  const address = getAddress(signIn.ethereumAddress);
  const common = {
    address,
    chainId: 1,
    domain: "127.0.0.1:8080",
    uri: ORIGIN,
    version: "1" as const,
  };
  const theirs = createSiweMessage({
    ...common,
    statement: SIGN_IN_STATEMENT,
    nonce: FACTS.nonce,
    issuedAt: new Date(FACTS.issuedAt),
    expirationTime: new Date(FACTS.expiresAt),
    resources: [sessionResource(FACTS.clientSessionKey, FACTS.serverSessionKey, true)],
  });
  equal(challengeText(FACTS), theirs);
  equal(signIn.ethereumChallengeText, theirs);
  const theirDelegation = createSiweMessage({
    ...common,
    statement: DELEGATION_STATEMENT,
    nonce: delegation.delegateKey,
    issuedAt: new Date(delegation.issuedAt),
    expirationTime: new Date(delegation.expiresAt),
    resources: [`urn:sluice:delegate:${delegation.delegateKey}`],
  });
  const ours = delegationText({
    origin: ORIGIN,
    address: signIn.ethereumAddress,
    delegateKey: delegation.delegateKey,
    issuedAt: delegation.issuedAt,
    expiresAt: delegation.expiresAt,
    chainId: 1,
  });
  equal(ours, theirDelegation);
  equal(delegation.delegationText, theirDelegation);
});

Deno.test("viem parses the vector's sign-in message back into every fact it binds", () => {
  const parsed = parseSiweMessage(signIn.ethereumChallengeText);
  deepEqual(parsed, {
    domain: "127.0.0.1:8080",
    address: getAddress(signIn.ethereumAddress),
    statement: SIGN_IN_STATEMENT,
    uri: ORIGIN,
    version: "1",
    chainId: 1,
    nonce: "5a".repeat(32),
    issuedAt: new Date("2024-03-20T08:30:00.000Z"),
    expirationTime: new Date("2024-03-20T08:31:00.000Z"),
    resources: [
      `urn:sluice:session:${signIn.clientSessionKey}:${signIn.serverSessionKey}:encryption-on`,
    ],
  });
  // As a relying party checks it: the page's host, the nonce, the account, the time.
  const checks = {
    message: parsed,
    domain: "127.0.0.1:8080",
    nonce: FACTS.nonce,
    address: getAddress(signIn.ethereumAddress),
  };
  ok(validateSiweMessage({ ...checks, time: new Date(FACTS.issuedAt + 1_000) }));
  equal(validateSiweMessage({ ...checks, time: new Date(FACTS.expiresAt) }), false);
  equal(validateSiweMessage({ ...checks, domain: "evil.example" }), false);
  // A sealed session and a plain one are different resources, so different messages.
  equal(
    parseSiweMessage(challengeText({ ...FACTS, encryption: false })).resources?.[0]
      ?.endsWith(":encryption-off"),
    true,
  );
  // The domain is the origin's host and port; the URI keeps the scheme.
  const wss = parseSiweMessage(challengeText({ ...FACTS, origin: "wss://export.example.com" }));
  equal(wss.domain, "export.example.com");
  equal(wss.uri, "wss://export.example.com");
});

Deno.test("viem verifies the vectors' wallet signatures over the SIWE messages", async () => {
  const address = getAddress(signIn.ethereumAddress);
  equal(address.toLowerCase(), ethereumAddress(secp.getPublicKey(key(1))));
  for (
    const [message, signature] of [
      [signIn.ethereumChallengeText, signIn.ethereumSignature],
      [delegation.delegationText, delegation.delegationSignature],
    ]
  ) {
    ok(await verifyMessage({ address, message, signature: `0x${signature}` }));
    equal(
      await verifyMessage({ address, message: `${message} `, signature: `0x${signature}` }),
      false,
    );
  }
});

Deno.test("checksumAddress() writes the EIP-55 case viem's getAddress() writes", () => {
  // Addresses from a fixed seed: Keccak-256 chained from "sluice".
  let seed = keccak_256(new TextEncoder().encode("sluice"));
  for (let i = 0; i < 200; i++) {
    seed = keccak_256(seed);
    const lower = `0x${bytesToHex(seed.subarray(12))}`;
    equal(checksumAddress(lower), getAddress(lower), `seed step ${i}`);
    equal(checksumAddress(lower.toUpperCase().replace("0X", "0x")), getAddress(lower));
  }
  throws(() => checksumAddress("0x1234"), TypeError);
});

Deno.test("siweMessage() refuses fields that would break the format", () => {
  const fields = {
    domain: "example.com",
    address: signIn.ethereumAddress,
    statement: "Sign in.",
    uri: "wss://example.com",
    chainId: 1,
    nonce: "abcd1234",
    issuedAt: 0,
    expirationTime: 1,
    resources: [],
  };
  equal(siweMessage(fields).includes("Resources"), false);
  for (
    const bad of [
      { statement: "two\nlines" },
      { statement: "" },
      { domain: "example.com\nURI: x" },
      { resources: ["urn:a\n- urn:b"] },
      { nonce: "short" },
      { nonce: "not-alnum-at-all" },
      { chainId: 0 },
      { chainId: 1.5 },
    ]
  ) {
    throws(() => siweMessage({ ...fields, ...bad }), TypeError, JSON.stringify(bad));
  }
});

Deno.test("PROTOCOL.md §15.7 states both statements exactly as the code writes them", () => {
  const lines = doc.split("\n");
  ok(lines.includes(SIGN_IN_STATEMENT));
  ok(lines.includes(DELEGATION_STATEMENT));
});

Deno.test("a wallet's answer of a contract wallet's length is refused by name, a wrong ECDSA one as bad", async () => {
  const account = privateKeyToAccount(`0x${"01".repeat(32)}`);
  const check = (signature: string, identity: Identity = FACTS.identity) => {
    const r = checkAuthenticate(
      { facts: { ...FACTS, identity }, used: false },
      { identity, nonce: FACTS.nonce, signature },
      FACTS.issuedAt,
      0,
    );
    return r.ok ? "ok" : r.error.code;
  };
  // viem's signature of the message signs in; as EIP-2098's 64 bytes it is only a bad signature.
  const good = (await account.signMessage({ message: challengeText(FACTS) })).slice(2);
  equal(good, signIn.ethereumSignature);
  equal(check(good), "ok");
  equal(check(good.slice(0, 128)), "AUTH_BAD_SIGNATURE");
  // 65 bytes that recover to someone else: without the chain, no different from a forgery.
  const stranger = privateKeyToAccount(`0x${"09".repeat(32)}`);
  const elsewhere = (await stranger.signMessage({ message: challengeText(FACTS) })).slice(2);
  equal(check(elsewhere), "AUTH_BAD_SIGNATURE");
  // Two owners' signatures one after another (a Safe), an ERC-6492 wrapper, a stray byte.
  const erc6492 = "ab".repeat(96) + "6492".repeat(16);
  for (const signature of [good + elsewhere, erc6492, good + "00", "00"]) {
    equal(check(signature), "AUTH_CONTRACT_WALLET_UNSUPPORTED", `${signature.length / 2} bytes`);
  }
  // A raw key's signature of another length is simply not its signature.
  const keyIdentity = { kind: "secp256k1" as const, publicKey: signIn.clientIdentityKey };
  equal(check(erc6492, keyIdentity), "AUTH_BAD_SIGNATURE");
});
