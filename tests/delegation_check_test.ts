// A wallet's delegation as the server checks it (PROTOCOL.md §15.5): a good one signs in as the
// account, each bad one has its own code, and the parser refuses a malformed one field by field.
import { deepEqual, equal } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText, signText } from "../protocol/auth.ts";
import { parseClientMessage } from "../protocol/parse.ts";
import { checkAuthenticate } from "../protocol/sign_in.ts";
import {
  account,
  check,
  DAY,
  DELEGATE,
  delegateKey,
  delegation,
  FACTS,
  NOW,
  other,
} from "./_delegation_fixtures.ts";

Deno.test("a challenge signed by a key the account delegated to signs in as the account", async () => {
  deepEqual(check({ delegation: await delegation() }), FACTS.identity);
  // The address as the identity gives it, in any case, is the same account.
  const mixed = { kind: "ethereum" as const, address: account.address };
  deepEqual(check({ identity: mixed, delegation: await delegation() }), FACTS.identity);
});

Deno.test("each bad delegation is refused with its own code", async () => {
  equal(check({ delegation: await delegation({ expiresAt: NOW - 1 }) }), "AUTH_DELEGATION_EXPIRED");
  equal(
    check({ delegation: await delegation({ expiresAt: NOW + DAY + 1 }) }),
    "AUTH_DELEGATION_TOO_LONG",
  );
  // A server that takes no delegations at all.
  equal(check({ delegation: await delegation() }, 0), "AUTH_DELEGATION_TOO_LONG");
  // Past what a Date can print: refused before any text is built.
  const far = { ...(await delegation()), expiresAt: Number.MAX_SAFE_INTEGER };
  equal(check({ delegation: far }), "AUTH_DELEGATION_TOO_LONG");
  // Signed by another account, for another origin, or for another key.
  equal(check({ delegation: await delegation({ by: other }) }), "AUTH_BAD_SIGNATURE");
  equal(
    check({ delegation: await delegation({ origin: "wss://evil.example" }) }),
    "AUTH_BAD_SIGNATURE",
  );
  const stranger = bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey()));
  equal(check({ delegation: await delegation({ key: stranger }) }), "AUTH_BAD_SIGNATURE");
  // Signed for another chain, or for another moment than the one it says it was made.
  equal(check({ delegation: await delegation({ chainId: 10 }) }), "AUTH_BAD_SIGNATURE");
  const later = { ...(await delegation()), issuedAt: NOW + 1 };
  equal(check({ delegation: later }), "AUTH_BAD_SIGNATURE");
  // Made after it ends: refused before any text is built.
  const backwards = await delegation({ issuedAt: NOW + 2 * 3_600_000 });
  equal(check({ delegation: backwards }), "INVALID_VALUE");
  // The length of an ECDSA signature but not the account's, or a contract wallet's length.
  const compact = { ...(await delegation()), signature: "ab".repeat(64) };
  equal(check({ delegation: compact }), "AUTH_BAD_SIGNATURE");
  for (const bytes of [1, 63, 66, 130, 2048]) {
    const contract = { ...(await delegation()), signature: "ab".repeat(bytes) };
    equal(check({ delegation: contract }), "AUTH_CONTRACT_WALLET_UNSUPPORTED", `${bytes} bytes`);
  }
  // A good delegation, but the challenge signed by some other key.
  const wrongSigner = signText(secp.utils.randomSecretKey(), challengeText(FACTS));
  equal(check({ delegation: await delegation(), signature: wrongSigner }), "AUTH_BAD_SIGNATURE");
  // A good delegation, but the challenge of another nonce.
  const otherNonce = signText(delegateKey, challengeText({ ...FACTS, nonce: "00".repeat(32) }));
  equal(check({ delegation: await delegation(), signature: otherNonce }), "AUTH_BAD_SIGNATURE");
  // Only an Ethereum account delegates: a raw key signs for itself.
  const keyIdentity = { kind: "secp256k1" as const, publicKey: DELEGATE };
  const asKey = checkAuthenticate(
    { facts: { ...FACTS, identity: keyIdentity }, used: false },
    {
      identity: keyIdentity,
      nonce: FACTS.nonce,
      signature: signText(delegateKey, challengeText({ ...FACTS, identity: keyIdentity })),
      delegation: await delegation(),
    },
    NOW,
    DAY,
  );
  equal(asKey.ok ? "ok" : asKey.error.code, "INVALID_VALUE");
});

Deno.test("a malformed delegation is refused by the parser, field by field", async () => {
  const good = await delegation();
  const parse = (delegation: unknown) => {
    const r = parseClientMessage(JSON.stringify({
      event: "auth:authenticate",
      data: {
        identity: FACTS.identity,
        nonce: FACTS.nonce,
        signature: "ab".repeat(64),
        delegation,
      },
      timestamp: NOW,
      requestId: "auth-1",
    }));
    return r.ok ? "ok" : `${r.error.error.code} ${r.error.error.details?.path}`;
  };
  equal(parse(good), "ok");
  equal(parse({ ...good, extra: 1 }), "UNKNOWN_FIELD data.delegation.extra");
  equal(parse({ ...good, key: "04" + "11".repeat(32) }), "INVALID_VALUE data.delegation.key");
  equal(parse({ ...good, expiresAt: -1 }), "INVALID_VALUE data.delegation.expiresAt");
  equal(parse({ ...good, expiresAt: "soon" }), "INVALID_TYPE data.delegation.expiresAt");
  // Any whole bytes of lowercase hex reach the checks (a contract wallet's signature is refused
  // there by name, PROTOCOL.md §15.7); anything else is the parser's.
  equal(parse({ ...good, signature: "ab".repeat(64) }), "ok");
  equal(parse({ ...good, signature: "ab".repeat(200) }), "ok");
  equal(parse({ ...good, signature: "abc" }), "INVALID_VALUE data.delegation.signature");
  equal(parse({ ...good, signature: "AB".repeat(65) }), "INVALID_VALUE data.delegation.signature");
  equal(parse({ ...good, signature: "" }), "INVALID_VALUE data.delegation.signature");
  equal(
    parse({ ...good, signature: "ab".repeat(2049) }),
    "STRING_TOO_LONG data.delegation.signature",
  );
  equal(parse({ ...good, issuedAt: -1 }), "INVALID_VALUE data.delegation.issuedAt");
  equal(parse({ ...good, issuedAt: 8.64e15 + 1 }), "INVALID_VALUE data.delegation.issuedAt");
  equal(parse({ key: good.key }), "MISSING_FIELD data.delegation.issuedAt");
  equal(
    parse({ key: good.key, issuedAt: good.issuedAt }),
    "MISSING_FIELD data.delegation.expiresAt",
  );
});
