/**
 * What an Ethereum account signs: its sign-in and its delegation, both
 * Sign-In with Ethereum (EIP-4361) messages (docs/PROTOCOL.md §15.7), so
 * that a wallet shows its sign-in screen, names the site the signature is
 * for, and warns when the page asking is another.
 *
 * Everything sluice's own challenge text binds is bound here too: the
 * origin (the domain is its host; the URI is the whole origin, scheme
 * included), the account, the nonce, the nonce's expiry (Expiration Time),
 * and, in one resource URI, both ephemeral session keys and whether the
 * session is sealed.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { SignInFacts } from "./auth.ts";
import { siweMessage } from "./siwe_message.ts";

/** The statement of a sign-in message: what the signature lets happen. */
export const SIGN_IN_STATEMENT: string =
  "Sign in to export data as this account, on one connection only: the one whose session keys " +
  "and encryption setting are in the resource below.";

/** The statement of a delegation message. */
export const DELEGATION_STATEMENT: string =
  "Let the delegate key in the resource below sign in to this site as this account until the " +
  "expiration time, without asking this wallet again.";

/** The host and port of an origin (`ws://host:port` gives `host:port`): the message's domain. */
function domainOf(origin: string): string {
  const at = origin.indexOf("//");
  return at < 0 ? origin : origin.slice(at + 2);
}

/**
 * The resource URI that binds a sign-in to one connection:
 * `urn:sluice:session:<client key>:<server key>:encryption-on` (or `-off`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { sessionResource } from "./wallet_texts.ts";
 * equal(sessionResource("02aa", "03bb", true), "urn:sluice:session:02aa:03bb:encryption-on");
 * ```
 */
export function sessionResource(
  clientSessionKey: string,
  serverSessionKey: string,
  encryption: boolean,
): string {
  const sealed = encryption ? "on" : "off";
  return `urn:sluice:session:${clientSessionKey}:${serverSessionKey}:encryption-${sealed}`;
}

/**
 * The text an `ethereum` identity's sign-in signs (the wallet itself, or
 * its delegate key): the EIP-4361 message of the challenge's facts.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { walletSignInText } from "./wallet_texts.ts";
 * const text = walletSignInText({
 *   origin: "ws://127.0.0.1:8080",
 *   identity: { kind: "ethereum", address: "0x0000000000000000000000000000000000000001" },
 *   nonce: "00".repeat(32),
 *   clientSessionKey: "02" + "11".repeat(32),
 *   serverSessionKey: "03" + "22".repeat(32),
 *   issuedAt: 0,
 *   expiresAt: 60_000,
 *   encryption: true,
 *   chainId: 1,
 * });
 * equal(text.split("\n")[0], "127.0.0.1:8080 wants you to sign in with your Ethereum account:");
 * ```
 */
export function walletSignInText(facts: SignInFacts): string {
  const { identity } = facts;
  if (identity.kind !== "ethereum") throw new TypeError("only an Ethereum account signs SIWE");
  return siweMessage({
    domain: domainOf(facts.origin),
    address: identity.address,
    statement: SIGN_IN_STATEMENT,
    uri: facts.origin,
    chainId: facts.chainId,
    nonce: facts.nonce,
    issuedAt: facts.issuedAt,
    expirationTime: facts.expiresAt,
    resources: [
      sessionResource(facts.clientSessionKey, facts.serverSessionKey, facts.encryption),
    ],
  });
}

/** What an Ethereum account signs to let a key sign in for it; see {@linkcode delegationText}. */
export interface DelegationFacts {
  /** The server's origin as the client dialled it. */
  readonly origin: string;
  /** The account, `0x` and 40 hex. */
  readonly address: string;
  /** The delegate's secp256k1 public key, compressed, 66 lowercase hex. */
  readonly delegateKey: string;
  /** When the client made the delegation, epoch milliseconds. */
  readonly issuedAt: number;
  /** When the delegation ends, epoch milliseconds. */
  readonly expiresAt: number;
  /** The EIP-155 chain id of the server's challenge. */
  readonly chainId: number;
}

/**
 * The text an Ethereum account signs (EIP-191) once, so that a key of the
 * client's own signs in for it at one origin until `expiresAt` and the
 * wallet is not asked again on every reconnect (docs/PROTOCOL.md §15.5):
 * an EIP-4361 message whose nonce and one resource,
 * `urn:sluice:delegate:<key>`, name the delegate key.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { delegationText } from "./wallet_texts.ts";
 * const text = delegationText({
 *   origin: "ws://127.0.0.1:8080",
 *   address: "0x0000000000000000000000000000000000000001",
 *   delegateKey: "02" + "11".repeat(32),
 *   issuedAt: 0,
 *   expiresAt: 3_600_000,
 *   chainId: 1,
 * });
 * equal(text.split("\n").at(-1), "- urn:sluice:delegate:02" + "11".repeat(32));
 * ```
 */
export function delegationText(facts: DelegationFacts): string {
  return siweMessage({
    domain: domainOf(facts.origin),
    address: facts.address,
    statement: DELEGATION_STATEMENT,
    uri: facts.origin,
    chainId: facts.chainId,
    // A fresh key per delegation: as unique as a random nonce, and the server has no other.
    nonce: facts.delegateKey,
    issuedAt: facts.issuedAt,
    expirationTime: facts.expiresAt,
    resources: [`urn:sluice:delegate:${facts.delegateKey}`],
  });
}
