/**
 * The token half of the server session machine's sign-in (docs/PROTOCOL.md
 * §15.8): a `token` identity answers the challenge with its bearer token
 * sealed to the connection instead of a signature. Once `checkAuthenticate`
 * has passed the nonce, the machine computes the ECDH secret (a session key
 * off the curve is refused here, before anything is opened) and asks the
 * shell to open the seal and verify the token (`openToken`: AES-GCM, then
 * the server's verifier, JWT or hook, all asynchronous); the verdict comes
 * back as `tokenChecked`. A refusal is answered on `auth:result` with its
 * own code and the connection closed, as any failed sign-in; a good token
 * goes on as a signature would, to the session's keys (`openSession`).
 *
 * The session a token opens ends when the token does (its `exp`, plus the
 * verifier's allowed skew) if that comes before the server's session
 * lifetime: the next command after it is refused with `SESSION_EXPIRED`,
 * and the client reconnects and signs in with a fresh token.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { challengeText } from "./auth.ts";
import type { TOKEN_REFUSALS } from "./error_codes.ts";
import { errorResponse } from "./errors.ts";
import type { AuthAuthenticate } from "./messages.ts";
import { refuseSignIn, type SessionChange, sessionShared } from "./session_sign_in.ts";
import type { SessionState } from "./session_state.ts";

/** The codes a token's verification may refuse it with (PROTOCOL.md §11, §15.8). */
export type TokenRefusal = typeof TOKEN_REFUSALS[number];

/** What the shell found of a sealed token: who it names, or why it is refused. */
export type TokenVerdict =
  | {
    readonly ok: true;
    /** Whom the token names (a JWT's `sub`). */
    readonly subject: string;
    /** What it says (a JWT's payload). */
    readonly claims: Readonly<Record<string, unknown>>;
    /** When the token stops being accepted, epoch ms (its `exp` plus the skew); none: never. */
    readonly expiresAt?: number;
  }
  | {
    readonly ok: false;
    /** The refusal. */
    readonly code: TokenRefusal;
    /** For the client's `details.reason`: never the token, never a key. */
    readonly reason?: string;
  };

/** The effect that asks the shell to open a sealed token and check it (`tokenChecked` answers). */
export interface OpenToken {
  /** What it is. */
  readonly type: "openToken";
  /** The connection's ECDH secret (x-coordinate), the token key's input. */
  readonly shared: Uint8Array;
  /** The challenge's nonce, hex: the token key's salt. */
  readonly nonce: string;
  /** The challenge text, the seal's additional data. */
  readonly challenge: string;
  /** The seal, as `auth:authenticate` carried it. */
  readonly sealedToken: string;
}

/**
 * An `auth:authenticate` whose `token` identity passed the nonce checks:
 * refused when the server takes no tokens or the client's session key is
 * off the curve; otherwise the shell is asked to open and verify the seal.
 */
export function acceptToken(
  state: SessionState,
  message: AuthAuthenticate,
  requestId: string,
  now: number,
  end: (state: SessionState) => SessionChange,
): SessionChange {
  const facts = state.challenge!.facts;
  if (state.config.signIn.tokens !== true) {
    return refuseSignIn(state, errorResponse("AUTH_TOKEN_UNSUPPORTED"), requestId, now, end);
  }
  const keyed = sessionShared(state, requestId, now, end);
  if ("refused" in keyed) return keyed.refused;
  const { shared, state: spent } = keyed;
  return {
    state: { ...spent, phase: "opening", waiting: { for: "token", requestId, shared } },
    effects: [{
      type: "openToken",
      shared,
      nonce: facts.nonce,
      challenge: challengeText(facts),
      sealedToken: message.sealedToken!,
    }],
  };
}

/**
 * The shell's verdict on the sealed token: a refusal ends the sign-in with
 * its code; a token that names someone signs in as `{ kind: "token",
 * subject, claims }`, and the session's keys are made next.
 */
export function tokenChecked(
  state: SessionState,
  verdict: TokenVerdict,
  now: number,
  end: (state: SessionState) => SessionChange,
): SessionChange {
  const wait = state.waiting;
  if (wait?.for !== "token") return { state, effects: [] };
  const ready = { ...state, waiting: undefined };
  if (!verdict.ok) {
    const error = errorResponse(
      verdict.code,
      verdict.reason === undefined ? undefined : { reason: verdict.reason.slice(0, 200) },
    );
    return refuseSignIn(ready, error, wait.requestId, now, end);
  }
  const { signIn } = state.config;
  const identity = { kind: "token" as const, subject: verdict.subject, claims: verdict.claims };
  const expiresAt = Math.min(now + signIn.sessionTtlMs, verdict.expiresAt ?? Infinity);
  const commands = { token: bytesToHex(state.entropy.token!), expiresAt, lastTimestamp: -1 };
  return {
    state: {
      ...ready,
      entropy: {},
      waiting: { for: "session", requestId: wait.requestId, identity, commands },
    },
    effects: [{
      type: "openSession",
      shared: wait.shared,
      nonce: state.challenge!.facts.nonce,
      encryption: signIn.encryption,
    }],
  };
}
