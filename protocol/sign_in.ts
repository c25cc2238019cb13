/**
 * The server's rules for a sign-in and for the signed commands after it
 * (docs/PROTOCOL.md §15), as pure checks: the shell holds the secrets, the
 * clock and the randomness, and asks these functions what to answer.
 *
 * Each refusal has its own code, checked in a fixed order so that one
 * input always gives one code: an unknown nonce, then a used one, then a
 * changed identity, then expiry, then a delegation's terms and signature,
 * then the challenge's signature.
 *
 * Contract wallets (EIP-1271) are not supported: checking one takes a call
 * to the chain, which a pure check cannot make and the reference server
 * does not. An externally owned account's `personal_sign` is always 65
 * bytes (64 in EIP-2098's compact form), so a wallet signature of any other
 * length is a contract's and is refused by name,
 * `AUTH_CONTRACT_WALLET_UNSUPPORTED`. A contract wallet that answers with
 * 65 bytes (a one-owner Safe gives its owner's ECDSA signature) cannot be
 * told from a forgery without the chain, and gets `AUTH_BAD_SIGNATURE`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import {
  challengeText,
  identityLabel,
  recoverPersonalSigner,
  type SignInFacts,
  verifyIdentitySignature,
  verifyText,
} from "./auth.ts";
import { type ErrorCode, type ErrorDetails, type ErrorResponse, errorResponse } from "./errors.ts";
import type { AuthAuthenticate, AuthDelegation, Identity, MessageAuth } from "./messages.ts";
import type { Result } from "./result.ts";
import { COMPRESSED_KEY_ANY_CASE, ETHEREUM_ADDRESS } from "./hex_patterns.ts";
import { delegationText } from "./wallet_texts.ts";

/**
 * Whether a wallet's signature (hex) is too long or too short to be an
 * ECDSA signature, 64 or 65 bytes: a contract wallet's (EIP-1271).
 */
function contractShaped(signatureHex: string): boolean {
  return signatureHex.length !== 128 && signatureHex.length !== 130;
}

/** A challenge the server issued on a connection, and whether it was answered. */
export interface IssuedChallenge {
  /** What the challenge text names. */
  readonly facts: SignInFacts;
  /** Whether an `auth:authenticate` already used the nonce (right or wrong). */
  readonly used: boolean;
}

/**
 * Checks an `auth:authenticate` against the challenge issued on the same
 * connection. Gives the identity that signed in, or the refusal.
 * `maxDelegationMs` bounds how far ahead a delegation may end (0 refuses
 * every delegation); it is the server's setting, at most
 * `MAX_DELEGATION_MS` of messages.ts.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkAuthenticate } from "./sign_in.ts";
 * const r = checkAuthenticate(undefined, {
 *   identity: { kind: "ethereum", address: "0x" + "00".repeat(20) },
 *   nonce: "00".repeat(32),
 *   signature: "00".repeat(65),
 * }, 0, 86_400_000);
 * equal(!r.ok && r.error.code, "AUTH_NONCE_UNKNOWN");
 * ```
 */
export function checkAuthenticate(
  issued: IssuedChallenge | undefined,
  message: AuthAuthenticate,
  now: number,
  maxDelegationMs: number,
): Result<Identity, ErrorResponse> {
  const refuse = (code: ErrorCode, details?: ErrorDetails) => ({
    ok: false as const,
    error: errorResponse(code, details),
  });
  if (issued === undefined || message.nonce !== issued.facts.nonce) {
    return refuse("AUTH_NONCE_UNKNOWN");
  }
  if (issued.used) return refuse("AUTH_NONCE_USED");
  if (identityLabel(message.identity) !== identityLabel(issued.facts.identity)) {
    return refuse("AUTH_IDENTITY_MISMATCH");
  }
  if (now > issued.facts.expiresAt) return refuse("AUTH_NONCE_EXPIRED");
  const { delegation, signature } = message;
  // A token is sealed, not signed (PROTOCOL.md §15.8): its seal is opened by the shell.
  const token = message.identity.kind === "token";
  const [proof, other] = token
    ? ["sealedToken", "signature"] as const
    : ["signature", "sealedToken"] as const;
  if (message[proof] === undefined) {
    return refuse("INVALID_VALUE", { path: `data.${proof}`, reason: "required" });
  }
  if (message[other] !== undefined || (token && delegation !== undefined)) {
    const path = message[other] !== undefined ? `data.${other}` : "data.delegation";
    return refuse("INVALID_VALUE", { path, reason: "not with this identity kind" });
  }
  if (token) return { ok: true, value: message.identity };
  if (delegation === undefined) {
    if (message.identity.kind === "ethereum" && contractShaped(signature!)) {
      return refuse("AUTH_CONTRACT_WALLET_UNSUPPORTED");
    }
    if (
      !verifyIdentitySignature(message.identity, challengeText(issued.facts), signature!)
    ) {
      return refuse("AUTH_BAD_SIGNATURE");
    }
  } else {
    const refusal = checkDelegation(issued.facts, delegation, now, maxDelegationMs);
    if (refusal !== undefined) return refuse(...refusal);
    if (!verifyText(delegation.key, challengeText(issued.facts), signature!)) {
      return refuse("AUTH_BAD_SIGNATURE");
    }
  }
  // One spelling per account, so that an allow list or an authorize hook cannot be sidestepped
  // by the case of an address.
  const identity = message.identity;
  return {
    ok: true,
    value: identity.kind === "ethereum"
      ? { kind: "ethereum", address: identity.address.toLowerCase() }
      : identity,
  };
}

/**
 * Why a delegation cannot vouch for a sign-in, or `undefined` when it can:
 * only an `ethereum` identity delegates, to a server that takes
 * delegations (`maxDelegationMs` > 0), for a time not yet over and at most
 * `maxDelegationMs` ahead (checked before the text is built, so a date past
 * what `Date` can print never reaches it), made no later than it ends, and
 * the account must have signed the delegation text for this origin, key
 * and chain, with a signature of an ECDSA signature's length.
 */
function checkDelegation(
  facts: SignInFacts,
  delegation: AuthDelegation,
  now: number,
  maxDelegationMs: number,
): [ErrorCode, ErrorDetails?] | undefined {
  const { identity } = facts;
  if (identity.kind !== "ethereum") {
    return ["INVALID_VALUE", { path: "data.delegation", reason: "only an ethereum identity" }];
  }
  if (maxDelegationMs <= 0) return ["AUTH_DELEGATION_TOO_LONG", { maxMs: 0 }];
  if (now > delegation.expiresAt) return ["AUTH_DELEGATION_EXPIRED"];
  if (!(delegation.expiresAt - now <= maxDelegationMs)) {
    return ["AUTH_DELEGATION_TOO_LONG", { maxMs: maxDelegationMs }];
  }
  if (delegation.issuedAt > delegation.expiresAt) {
    return ["INVALID_VALUE", { path: "data.delegation.issuedAt", reason: "after expiresAt" }];
  }
  if (contractShaped(delegation.signature)) {
    return ["AUTH_CONTRACT_WALLET_UNSUPPORTED", { part: "delegation" }];
  }
  const text = delegationText({
    origin: facts.origin,
    address: identity.address,
    delegateKey: delegation.key,
    issuedAt: delegation.issuedAt,
    expiresAt: delegation.expiresAt,
    chainId: facts.chainId,
  });
  if (recoverPersonalSigner(text, delegation.signature) !== identity.address.toLowerCase()) {
    return ["AUTH_BAD_SIGNATURE", { part: "delegation" }];
  }
  return undefined;
}

/**
 * Reads one allow-list entry: a compressed secp256k1 public key (66 hex) or
 * an Ethereum address (`0x` and 40 hex, any case). Gives the entry in the
 * form {@linkcode identityLabel} produces, so that membership is a set
 * lookup.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, equal } from "node:assert/strict";
 * import { parseAllowEntry } from "./sign_in.ts";
 * deepStrictEqual(parseAllowEntry("0xAB" + "00".repeat(19)), {
 *   ok: true,
 *   value: "0xab" + "00".repeat(19),
 * });
 * equal(parseAllowEntry("alice").ok, false);
 * ```
 */
export function parseAllowEntry(entry: string): Result<string, string> {
  const text = entry.trim();
  if (COMPRESSED_KEY_ANY_CASE.test(text)) return { ok: true, value: text.toLowerCase() };
  if (ETHEREUM_ADDRESS.test(text)) return { ok: true, value: text.toLowerCase() };
  return {
    ok: false,
    error: `"${text.slice(0, 80)}" is neither a compressed public key (66 hex characters) ` +
      "nor an Ethereum address (0x and 40 hex characters)",
  };
}

/** What the server remembers about a signed-in session to check its commands. */
export interface CommandState {
  /** The session token of `auth:result`. */
  readonly token: string;
  /** When the session ends, epoch milliseconds. */
  readonly expiresAt: number;
  /** The `auth.timestamp` of the last accepted command (-1 before the first). */
  readonly lastTimestamp: number;
}

/** Two strings compared without an early exit on the first difference. */
export function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return diff === 0;
}

/**
 * Checks everything about a command's `auth` but its signature, which
 * needs the session's key: presence, token, session expiry, the timestamp
 * window around `now`, and that the timestamp moves forward (so a replayed
 * command is refused without remembering past ones).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { checkCommandAuth } from "./sign_in.ts";
 * const state = { token: "t", expiresAt: 100_000, lastTimestamp: 10 };
 * const auth = { token: "t", timestamp: 10, signature: "" };
 * equal(checkCommandAuth(state, auth, 20, 30_000)?.code, "COMMAND_REPLAYED");
 * ```
 */
export function checkCommandAuth(
  state: CommandState,
  auth: MessageAuth | undefined,
  now: number,
  windowMs: number,
): ErrorResponse | undefined {
  if (auth === undefined) return errorResponse("COMMAND_UNSIGNED");
  if (!sameText(auth.token, state.token)) return errorResponse("TOKEN_INVALID");
  if (now > state.expiresAt) return errorResponse("SESSION_EXPIRED");
  if (Math.abs(now - auth.timestamp) > windowMs) {
    return errorResponse("COMMAND_STALE", { skewMs: now - auth.timestamp, windowMs });
  }
  if (auth.timestamp <= state.lastTimestamp) {
    return errorResponse("COMMAND_REPLAYED", { last: state.lastTimestamp });
  }
  return undefined;
}
