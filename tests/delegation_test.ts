// A wallet's delegation (PROTOCOL.md §15.5): the server's checks, the client's delegate, and a
// wallet asked once through a download that loses its connection three times.
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import * as secp from "@noble/secp256k1";
import { bytesToHex } from "@noble/hashes/utils.js";
import { privateKeyToAccount } from "viem/accounts";
import {
  challengeText,
  delegationText,
  type SignInFacts,
  signText,
  verifyText,
} from "../protocol/auth.ts";
import type { AuthAuthenticate, AuthDelegation } from "../protocol/messages.ts";
import { parseClientMessage } from "../protocol/parse.ts";
import { checkAuthenticate } from "../protocol/sign_in.ts";
import { WalletDelegate } from "../client/delegation.ts";
import { ClientBuilder } from "../client/client_builder.ts";
import { SluiceError } from "../client/sluice_error.ts";
import { downloadCsv, startServer } from "./_harness.ts";
import { CuttingProxy } from "./_proxy.ts";

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const account = privateKeyToAccount(`0x${"0a".repeat(32)}`);
/** The account as an `EthereumSigner`: viem's `signMessage` takes `{ message }`. */
const accountSigner = {
  address: account.address,
  signMessage: (message: string) => account.signMessage({ message }),
};
const other = privateKeyToAccount(`0x${"0b".repeat(32)}`);
const delegateKey = secp.utils.randomSecretKey();
const DELEGATE = bytesToHex(secp.getPublicKey(delegateKey));

const FACTS: SignInFacts = {
  origin: "wss://export.example.com",
  identity: { kind: "ethereum", address: account.address.toLowerCase() },
  nonce: "5a".repeat(32),
  clientSessionKey: "02" + "11".repeat(32),
  serverSessionKey: "03" + "22".repeat(32),
  expiresAt: NOW + 60_000,
  encryption: true,
};

/** A delegation signed by viem (an independent EIP-191 implementation). */
async function delegation(
  { by = account, origin = FACTS.origin, key = DELEGATE, expiresAt = NOW + HOUR } = {},
): Promise<AuthDelegation> {
  const text = delegationText({ origin, address: account.address, delegateKey: key, expiresAt });
  const signature = (await by.signMessage({ message: text })).slice(2);
  return { key, expiresAt, signature };
}

function check(message: Partial<AuthAuthenticate>, maxDelegationMs = DAY) {
  const full: AuthAuthenticate = {
    identity: FACTS.identity,
    nonce: FACTS.nonce,
    signature: signText(delegateKey, challengeText(FACTS)),
    ...message,
  };
  const r = checkAuthenticate({ facts: FACTS, used: false }, full, NOW, maxDelegationMs);
  return r.ok ? r.value : r.error.code;
}

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
  equal(parse({ ...good, signature: "ab".repeat(64) }), "INVALID_VALUE data.delegation.signature");
  equal(parse({ key: good.key }), "MISSING_FIELD data.delegation.expiresAt");
});

Deno.test("the delegate asks the wallet once, shares the prompt, and asks again only when it must", async () => {
  let asked = 0;
  const wallet = {
    address: account.address,
    signMessage: async (message: string) => {
      asked++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return account.signMessage({ message });
    },
  };
  const delegate = new WalletDelegate(wallet, HOUR);
  // Two sign-ins at once (a connection replaced while the wallet was open): one prompt.
  const [a, b] = await Promise.all([
    delegate.sign(FACTS.origin, "one", NOW),
    delegate.sign(FACTS.origin, "two", NOW),
  ]);
  equal(asked, 1);
  equal(a.delegation, b.delegation);
  equal(a.delegation.expiresAt, NOW + HOUR);
  // The delegation says what the server will check; each challenge gets its own signature.
  const text = delegationText({
    origin: FACTS.origin,
    address: account.address,
    delegateKey: a.delegation.key,
    expiresAt: NOW + HOUR,
  });
  equal(`0x${a.delegation.signature}`, await account.signMessage({ message: text }));
  ok(verifyText(a.delegation.key, "one", a.signature));
  ok(verifyText(b.delegation.key, "two", b.signature));
  // Later in the hour: the same delegation.
  equal((await delegate.sign(FACTS.origin, "three", NOW + 40 * 60_000)).delegation, a.delegation);
  equal(asked, 1);
  // Within a minute of its end, another origin, or discarded: the wallet is asked again.
  const renewed = await delegate.sign(FACTS.origin, "four", NOW + HOUR - 30_000);
  equal(asked, 2);
  ok(renewed.delegation.key !== a.delegation.key, "a new delegation has a new key");
  await delegate.sign("wss://other.example.com", "five", NOW + HOUR);
  equal(asked, 3);
  delegate.discard();
  await delegate.sign("wss://other.example.com", "six", NOW + HOUR);
  equal(asked, 4);
});

Deno.test("a wallet that refuses is asked again next time, not remembered as refused", async () => {
  let refuse = true;
  const wallet = {
    address: account.address,
    signMessage: (message: string) =>
      refuse ? Promise.reject(new Error("User rejected")) : account.signMessage({ message }),
  };
  const delegate = new WalletDelegate(wallet, HOUR);
  await rejects(delegate.sign(FACTS.origin, "one", NOW), /User rejected/);
  refuse = false;
  equal((await delegate.sign(FACTS.origin, "two", NOW)).delegation.expiresAt, NOW + HOUR);
});

Deno.test("a delegating wallet is asked once through three lost connections, and the file is whole", async () => {
  const rows = 200_000;
  const server = startServer(rows, { anonymous: false, allow: [account.address] });
  const proxy = new CuttingProxy(Number(new URL(server.url).port));
  try {
    const { bytes: expected } = await downloadCsv(
      new ClientBuilder(server.url).withSigner(accountSigner),
    );
    let asked = 0;
    const wallet = {
      address: account.address,
      signMessage: (message: string) => {
        asked++;
        return account.signMessage({ message });
      },
    };
    const builder = new ClientBuilder(`ws://127.0.0.1:${proxy.port}/`)
      .withSigner(wallet, { delegateForMs: HOUR })
      .withReconnect({ baseMs: 10, maxMs: 50 });
    const client = builder.build();
    let opened = 0;
    client.on("state", ({ to }) => {
      if (to === "open" && opened++ < 3) proxy.cutAfter(expected.length / 5);
    });
    try {
      await client.connect();
      const download = client.download({
        searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
        outputFormat: "csv",
        compression: false,
      });
      const bytes = new Uint8Array(await new Response(download.readable).arrayBuffer());
      const summary = await download.done;
      equal(summary.rows, rows);
      equal(proxy.cuts, 3);
      deepEqual(bytes, expected);
      equal(asked, 1, "the wallet signed the delegation, and nothing after");
    } finally {
      await client.close();
    }
  } finally {
    await proxy.close();
    await server.close();
  }
});

Deno.test("a server that allows shorter delegations refuses a longer one by its code", async () => {
  const server = startServer(1_000, {
    anonymous: false,
    allow: [account.address],
    maxDelegationMs: HOUR,
  });
  try {
    const client = new ClientBuilder(server.url).withSigner(accountSigner, {
      delegateForMs: 2 * HOUR,
    })
      .build();
    try {
      const error = await client.connect().then(() => undefined, (e) => e);
      ok(error instanceof SluiceError);
      equal(error.code, "AUTH_DELEGATION_TOO_LONG");
      deepEqual(error.details, { maxMs: HOUR });
    } finally {
      await client.close();
    }
  } finally {
    await server.close();
  }
});
