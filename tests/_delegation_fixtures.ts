// What the delegation tests share (PROTOCOL.md §15.5): a fixed clock, a wallet account (viem's,
// an independent EIP-191 signer), a delegate key, the facts of one sign-in, delegations signed by
// the account, the server's check of an answer, and a wallet that counts its prompts.
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
import { challengeText, type SignInFacts, signText } from "../protocol/auth.ts";
import { delegationText } from "../protocol/wallet_texts.ts";
import type { AuthAuthenticate, AuthDelegation } from "../protocol/messages.ts";
import { checkAuthenticate } from "../protocol/sign_in.ts";

export const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const account = privateKeyToAccount(`0x${"0a".repeat(32)}`);

/** The account as an `EthereumSigner`: viem's `signMessage` takes `{ message }`. */
export const accountSigner = {
  address: account.address,
  signMessage: (message: string) => account.signMessage({ message }),
};

export const other = privateKeyToAccount(`0x${"0b".repeat(32)}`);
export const delegateKey = secp.utils.randomSecretKey();
export const DELEGATE = bytesToHex(secp.getPublicKey(delegateKey));

export const FACTS: SignInFacts = {
  origin: "wss://export.example.com",
  identity: { kind: "ethereum", address: account.address.toLowerCase() },
  nonce: "5a".repeat(32),
  clientSessionKey: "02" + "11".repeat(32),
  serverSessionKey: "03" + "22".repeat(32),
  issuedAt: NOW,
  expiresAt: NOW + 60_000,
  encryption: true,
  chainId: 1,
};

/** A delegation signed by viem (an independent EIP-191 implementation). */
export async function delegation(
  {
    by = account,
    origin = FACTS.origin,
    key = DELEGATE,
    issuedAt = NOW,
    expiresAt = NOW + HOUR,
    chainId = FACTS.chainId,
  } = {},
): Promise<AuthDelegation> {
  const text = delegationText({
    origin,
    address: account.address,
    delegateKey: key,
    issuedAt,
    expiresAt,
    chainId,
  });
  const signature = (await by.signMessage({ message: text })).slice(2);
  return { key, issuedAt, expiresAt, signature };
}

/**
 * The server's check of an `auth:authenticate` for {@linkcode FACTS}, by default the delegate's
 * signature of its challenge: the identity signed in, or the refusal's code.
 */
export function check(message: Partial<AuthAuthenticate>, maxDelegationMs = DAY) {
  const full: AuthAuthenticate = {
    identity: FACTS.identity,
    nonce: FACTS.nonce,
    signature: signText(delegateKey, challengeText(FACTS)),
    ...message,
  };
  const r = checkAuthenticate({ facts: FACTS, used: false }, full, NOW, maxDelegationMs);
  return r.ok ? r.value : r.error.code;
}

/** A wallet that counts its prompts, and can be told to refuse or to wait for a release. */
export function countingWallet() {
  const state = { asked: 0, refuse: false, gate: Promise.resolve() };
  const wallet = {
    address: account.address,
    signMessage: async (message: string) => {
      state.asked++;
      await state.gate;
      if (state.refuse) throw new Error("User rejected");
      return account.signMessage({ message });
    },
  };
  return { state, wallet };
}
