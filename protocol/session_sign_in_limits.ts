/**
 * The limits on failed sign-ins in the server session machine
 * (docs/PROTOCOL.md §19.5), around the sign-in of session_sign_in.ts. The
 * machine asks the server's counts ({@linkcode SignInLimiter} of
 * sign_in_limits.ts) before any work a refusal would waste:
 *
 * - before a challenge is made (a key pair and the server's signature): an
 *   address or identity over its budget gets `system:error`
 *   `SIGN_IN_RATE_LIMITED` with `retryAfter`, and the connection is closed
 *   (`SIGN_IN_FAILED`);
 * - before a challenged connection's answer is checked (an ECDSA
 *   verification or an Ethereum recovery, two with a delegation): the same
 *   code on `auth:result`, and the same close. Budgets can run out between
 *   the two, while many connections of one address are challenged at once.
 *
 * A challenge made is charged as one failure of the connection's address
 * and of the identity it names, until its answer comes (an unanswered one,
 * a flood of `auth:nonce`, costs a key pair and a signature each); then
 * the charge is taken back, and the answer checked against the budget
 * without it. Every refused `auth:authenticate` is one failure, of the
 * challenge's identity when there was one, else of the identity it names.
 * Only a right answer leaves no failure behind. A token names nobody until
 * it is verified (every token sign-in's identity reads `token`), so token
 * sign-ins are counted by their address only: one budget for all of them
 * would let anyone lock every token user out.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { identityLabel } from "./auth.ts";
import type { Identity } from "./messages.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { AuthAuthenticate, AuthNonce } from "./messages.ts";
import { acceptAnswer, refuseSignIn, type SessionChange } from "./session_sign_in.ts";
import type { SessionState } from "./session_state.ts";

/**
 * An `auth:nonce` that would get the connection's challenge, refused while
 * its address or identity is over its budget; `undefined` to go on.
 * `close` ends the connection with `SIGN_IN_FAILED` after the error (the
 * machine's `end`).
 */
export function limitChallenge(
  state: SessionState,
  message: AuthNonce,
  now: number,
  close: (state: SessionState, error: ErrorResponse) => SessionChange,
): SessionChange | undefined {
  const { limiter } = state.config.signIn;
  // Only the first ask makes a challenge; a second is AUTH_IN_PROGRESS, which costs nothing.
  if (limiter === undefined || state.phase !== "guest") return undefined;
  const identity = limitedIdentity(message.identity);
  const wait = limiter.wait(identity, now);
  if (wait <= 0) {
    limiter.failed(identity, now);
    return undefined;
  }
  const error = errorResponse("SIGN_IN_RATE_LIMITED", undefined, { retryAfter: wait });
  return close(state, error);
}

/**
 * `auth:authenticate` within the limits: refused before its signature is
 * checked while over them, and counted as a failure when refused otherwise.
 * `halt` stops the connection's downloads, as `acceptAnswer` takes it.
 */
export function answerWithinLimits(
  state: SessionState,
  message: AuthAuthenticate,
  requestId: string,
  now: number,
  halt: (state: SessionState) => SessionChange,
): SessionChange {
  const { limiter } = state.config.signIn;
  if (limiter === undefined) return acceptAnswer(state, message, requestId, now, halt);
  // Only a challenged connection's answer reaches a signature check. Its challenge was charged
  // for an answer to come: that charge is taken back now, and made again if it is refused.
  const challenged = state.phase === "challenged";
  const identity = limitedIdentity(
    challenged ? state.challenge!.facts.identity : message.identity,
  );
  if (challenged) limiter.answered(identity, now);
  const wait = challenged ? limiter.wait(identity, now) : 0;
  if (wait > 0) {
    limiter.failed(identity, now);
    const error = errorResponse("SIGN_IN_RATE_LIMITED", undefined, { retryAfter: wait });
    const used = { ...state, challenge: { ...state.challenge!, used: true } };
    return refuseSignIn(used, error, requestId, now, halt);
  }
  const answered = acceptAnswer(state, message, requestId, now, halt);
  // A right answer goes on to open the session; every refusal closes the connection.
  if (answered.state.phase === "closed") limiter.failed(identity, now);
  return answered;
}

/** The identity a failure counts against: none for a token, which names nobody before it is verified. */
function limitedIdentity(identity: Identity): string | undefined {
  return identity.kind === "token" ? undefined : identityLabel(identity);
}
