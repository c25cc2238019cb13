// Generated from protocol/sign_in.ts by `deno task bundle`; do not edit.
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
import { type SignInFacts } from "./auth.d.ts";
import { type ErrorResponse } from "./errors.d.ts";
import type { AuthAuthenticate, Identity, MessageAuth } from "./messages.d.ts";
import type { Result } from "./result.d.ts";
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
export declare function checkAuthenticate(issued: IssuedChallenge | undefined, message: AuthAuthenticate, now: number, maxDelegationMs: number): Result<Identity, ErrorResponse>;
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
export declare function parseAllowEntry(entry: string): Result<string, string>;
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
export declare function sameText(a: string, b: string): boolean;
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
export declare function checkCommandAuth(state: CommandState, auth: MessageAuth | undefined, now: number, windowMs: number): ErrorResponse | undefined;
