/**
 * The sign-in half of the server session machine (PROTOCOL.md §15): the
 * challenge a connection asks for, the answer that signs it in, and the
 * gate every command passes after. Pure functions from a state and a
 * message to the next state and its effects; session_machine.ts calls them.
 *
 * - `auth:nonce` is answered once per connection: the ephemeral key comes
 *   from the connection's entropy, the server's identity key signs the
 *   proof text, and a second ask is `AUTH_IN_PROGRESS`.
 * - `auth:authenticate` is checked by `checkAuthenticate` of sign_in.ts,
 *   then against the allow list; its nonce is used from the first answer on,
 *   right or wrong. A wrong answer is refused on `auth:result` and the
 *   connection closed (`SIGN_IN_FAILED`). A right one makes the shell derive the
 *   session's keys from the ECDH secret (`openSession`: HKDF, AES and HMAC
 *   keys are Web Crypto's, asynchronous); once they are ready
 *   (`sessionOpened`), `auth:result` goes out in plain and, with
 *   encryption, everything after it sealed (`seal`).
 * - A command of a signed-in session is checked by `checkCommandAuth`
 *   (token, expiry, window, replay), then its signature by the shell
 *   (`verifyCommand`, HMAC); the machine reads nothing else meanwhile, so
 *   the replay check sees commands in order.
 *
 * This module is browser compatible.
 *
 * @module
 */

import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { identityLabel, serverProofText, type SignInFacts, signText } from "./auth.ts";
import { CLOSE_CODES, closeWith } from "./close_codes.ts";
import { type ErrorResponse, errorResponse } from "./errors.ts";
import type { AuthAuthenticate, AuthNonce, ClientMessage, ServerMessage } from "./messages.ts";
import { sharedSecret } from "./session_crypto.ts";
import { checkAuthenticate, checkCommandAuth } from "./sign_in.ts";
import { acceptToken } from "./session_token.ts";
import type { SessionEffect, SessionState } from "./session_state.ts";

/** A state and what the shell must do, in order. */
export interface SessionChange {
  /** The next state. */
  readonly state: SessionState;
  /** The effects, in order. */
  readonly effects: readonly SessionEffect[];
}

function send(message: ServerMessage): SessionEffect {
  return { type: "send", message };
}

/** Answers `auth:nonce` with the connection's one challenge. */
export function issueChallenge(
  state: SessionState,
  message: AuthNonce,
  requestId: string,
  now: number,
): SessionChange {
  const { signIn } = state.config;
  const { sessionKeySeed, nonce } = state.entropy;
  // One challenge per connection: each costs a key and a signature, so a client may not ask
  // again and again (a failed sign-in closes the connection anyway).
  if (state.challenge !== undefined || sessionKeySeed === undefined || nonce === undefined) {
    const error = errorResponse("AUTH_IN_PROGRESS");
    return {
      state,
      effects: [send({ event: "system:error", data: error, timestamp: now, requestId })],
    };
  }
  const sessionSecret = secp.utils.randomSecretKey(sessionKeySeed);
  const facts: SignInFacts = {
    origin: signIn.origin,
    identity: message.identity,
    nonce: bytesToHex(nonce),
    clientSessionKey: message.sessionKey,
    serverSessionKey: bytesToHex(secp.getPublicKey(sessionSecret)),
    issuedAt: now,
    expiresAt: now + signIn.nonceTtlMs,
    encryption: signIn.encryption,
    chainId: signIn.chainId,
  };
  const { token } = state.entropy;
  return {
    state: {
      ...state,
      phase: "challenged",
      entropy: token === undefined ? {} : { token },
      challenge: { facts, used: false },
      sessionSecret,
    },
    effects: [send({
      event: "auth:challenge",
      data: {
        nonce: facts.nonce,
        issuedAt: facts.issuedAt,
        expiresAt: facts.expiresAt,
        origin: facts.origin,
        sessionKey: facts.serverSessionKey,
        serverKey: signIn.serverKey,
        serverSignature: signText(signIn.identityKey, serverProofText(facts)),
        encryption: signIn.encryption,
        chainId: signIn.chainId,
        // Only an Ethereum account delegates; no other client needs to understand the field.
        ...(signIn.maxDelegationMs > 0 && message.identity.kind === "ethereum"
          ? { maxDelegationMs: signIn.maxDelegationMs }
          : {}),
      },
      timestamp: now,
      requestId,
    })],
  };
}

/** Refuses a sign-in on `auth:result` and closes the connection (`SIGN_IN_FAILED`). */
export function refuseSignIn(
  state: SessionState,
  error: ErrorResponse,
  requestId: string,
  now: number,
  end: (state: SessionState) => SessionChange,
): SessionChange {
  const refused = send({
    event: "auth:result",
    data: { authenticated: false, error },
    timestamp: now,
    requestId,
  });
  const ended = end(state);
  return {
    state: ended.state,
    effects: [
      refused,
      ...ended.effects,
      { type: "close", ...closeWith(CLOSE_CODES.reconnect.SIGN_IN_FAILED, error.code) },
    ],
  };
}

/**
 * Checks `auth:authenticate`. `end` stops the connection's downloads (the
 * machine's own ending, without a close: this adds its own).
 */
export function acceptAnswer(
  state: SessionState,
  message: AuthAuthenticate,
  requestId: string,
  now: number,
  end: (state: SessionState) => SessionChange,
): SessionChange {
  const issued = state.challenge;
  const { signIn } = state.config;
  // Used from the first answer on, whatever the checks below make of it.
  const used = issued !== undefined && message.nonce === issued.facts.nonce
    ? { ...state, challenge: { ...issued, used: true } }
    : state;
  const checked = checkAuthenticate(issued, message, now, signIn.maxDelegationMs);
  if (!checked.ok) return refuseSignIn(used, checked.error, requestId, now, end);
  const identity = checked.value;
  // A token's verifier is its allow list: the shell opens and checks it (session_token.ts).
  if (identity.kind === "token") return acceptToken(used, message, requestId, now, end);
  if (signIn.allow !== undefined && !signIn.allow.has(identityLabel(identity))) {
    return refuseSignIn(used, errorResponse("AUTH_UNKNOWN_IDENTITY"), requestId, now, end);
  }
  const facts = issued!.facts;
  const keyed = sessionShared(used, requestId, now, end);
  if ("refused" in keyed) return keyed.refused;
  const { shared, state: spent } = keyed;
  const token = bytesToHex(state.entropy.token!);
  // A delegation bounds when its key may sign in, not how long a session it opened lasts: that
  // is every session's own life, as for a wallet that signed the challenge itself.
  const commands = { token, expiresAt: now + signIn.sessionTtlMs, lastTimestamp: -1 };
  return {
    state: {
      ...spent,
      phase: "opening",
      entropy: {},
      waiting: { for: "session", requestId, identity, commands },
    },
    effects: [{
      type: "openSession",
      shared,
      nonce: facts.nonce,
      encryption: signIn.encryption,
    }],
  };
}

/**
 * The secret of the sign-in's key exchange (the server's session key with
 * the client's, PROTOCOL.md §15.2), and the state without the server's half,
 * which is used once; a client session key off the curve refuses the
 * sign-in (`INVALID_VALUE`) instead. For a challenged connection.
 */
export function sessionShared(
  state: SessionState,
  requestId: string,
  now: number,
  end: (state: SessionState) => SessionChange,
): { readonly shared: Uint8Array; readonly state: SessionState } | {
  readonly refused: SessionChange;
} {
  const shared = sharedSecret(state.sessionSecret!, state.challenge!.facts.clientSessionKey);
  const spent = { ...state, sessionSecret: undefined };
  if (shared !== undefined) return { shared, state: spent };
  const error = errorResponse("INVALID_VALUE", {
    path: "data.sessionKey",
    reason: "not a curve point",
  });
  return { refused: refuseSignIn(spent, error, requestId, now, end) };
}

/**
 * The session's keys could not be made (a broken Web Crypto): the sign-in
 * is refused with `INTERNAL_ERROR`, which is recoverable, so the client
 * signs in again on a new connection instead of waiting for keys that never
 * come.
 */
export function sessionFailed(
  state: SessionState,
  reason: string,
  now: number,
  end: (state: SessionState) => SessionChange,
): SessionChange {
  const wait = state.waiting;
  if (wait?.for !== "session" && wait?.for !== "token") return { state, effects: [] };
  const ready = { ...state, waiting: undefined };
  return refuseSignIn(ready, errorResponse("INTERNAL_ERROR", { reason }), wait.requestId, now, end);
}

/** The session's keys are ready: signed in, and sealed from here on when encryption is on. */
export function sessionOpened(state: SessionState, now: number): SessionChange {
  const wait = state.waiting;
  if (wait?.for !== "session") return { state, effects: [] };
  const { requestId, identity, commands } = wait;
  const result = send({
    event: "auth:result",
    data: { authenticated: true, token: commands.token, expiresAt: commands.expiresAt },
    timestamp: now,
    requestId,
  });
  return {
    state: {
      ...state,
      phase: "signedIn",
      waiting: undefined,
      signInDeadline: undefined,
      identity,
      commands,
    },
    effects: state.config.signIn.encryption ? [result, { type: "seal" }] : [result],
  };
}

/** What the gate says about a command. */
export type Gate =
  | { readonly pass: true }
  | { readonly pass: false; readonly error: ErrorResponse }
  | { readonly pass: "verify"; readonly effect: SessionEffect; readonly timestamp: number };

/**
 * Whether a command may run: heartbeats need no sign-in; once signed in,
 * every command is signed, heartbeats too.
 */
export function gateCommand(state: SessionState, message: ClientMessage, now: number): Gate {
  const commands = state.commands;
  if (commands === undefined) {
    const signedOut = state.identity === undefined && !state.config.signIn.anonymous;
    return signedOut && message.event !== "connection:health"
      ? { pass: false, error: errorResponse("AUTH_REQUIRED") }
      : { pass: true };
  }
  const refused = checkCommandAuth(
    commands,
    message.auth,
    now,
    state.config.signIn.commandWindowMs,
  );
  if (refused !== undefined) return { pass: false, error: refused };
  const auth = message.auth!;
  return {
    pass: "verify",
    timestamp: auth.timestamp,
    effect: {
      type: "verifyCommand",
      command: {
        event: message.event,
        data: message.data,
        timestamp: message.timestamp,
        requestId: message.requestId,
        auth: { token: auth.token, timestamp: auth.timestamp },
      },
      signature: auth.signature,
    },
  };
}
