/**
 * Sign-in on the server: issues challenges, checks the answers with the
 * pure rules of `protocol/sign_in.ts`, derives the session's keys, and
 * checks every signed command after it. One {@linkcode AuthGate} per
 * connection, over one {@linkcode AuthConfig} per server.
 *
 * @module
 */

import * as secp from "@noble/secp256k1";
import { bytesToHex } from "@noble/hashes/utils.js";
import { identityLabel, serverProofText, type SignInFacts, signText } from "../protocol/auth.ts";
import { type ErrorResponse, errorResponse } from "../protocol/errors.ts";
import type { Result } from "../protocol/result.ts";
import type {
  AuthAuthenticate,
  AuthChallenge,
  AuthNonce,
  AuthResult,
  ClientMessage,
  Identity,
} from "../protocol/messages.ts";
import {
  checkAuthenticate,
  checkCommandAuth,
  type CommandState,
  type IssuedChallenge,
} from "../protocol/sign_in.ts";
import { sharedSecret } from "../protocol/session_crypto.ts";
import { CommandSigner } from "../transport/command_signer.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.ts";
import { deriveSessionSecrets } from "../transport/session_secrets.ts";

/** The server-wide sign-in settings; `createServer` builds them from its options. */
export interface AuthConfig {
  /** The server's long-term identity key (32 bytes). Never logged. */
  readonly identityKey: Uint8Array;
  /** Its compressed public key, hex. */
  readonly serverKey: string;
  /** Allowed identities as {@linkcode identityLabel}s; `undefined`: any key that signs. */
  readonly allow: ReadonlySet<string> | undefined;
  /** Whether clients may download without signing in. */
  readonly anonymous: boolean;
  /** Whether signed-in sessions are sealed. */
  readonly encryption: boolean;
  /** The origins clients dial; `undefined`: each upgrade request's own. */
  readonly origins: readonly string[] | undefined;
  /** How long a nonce is good for. */
  readonly nonceTtlMs: number;
  /** How long a connection may stay without signing in, when anonymous access is off. */
  readonly signInTimeoutMs: number;
  /** How far ahead a wallet's delegation may end; 0 refuses delegations. */
  readonly maxDelegationMs: number;
  /** How long a signed-in session is good for. */
  readonly sessionTtlMs: number;
  /** How far a command's timestamp may be from the server's clock. */
  readonly commandWindowMs: number;
}

/** What a successful sign-in switches the connection to. */
export interface SignedIn {
  /** The answer to send, in plain, before sealing. */
  readonly result: AuthResult;
  /** The sealer and opener of the session, when it is encrypted. */
  readonly seal?: { readonly sealer: FrameSealer; readonly opener: FrameOpener };
}

/**
 * Reads a configured origin: `ws:` or `wss:`, `//`, a host and maybe a port,
 * nothing else (a final `/` is allowed). Throws a `TypeError` otherwise.
 *
 * @example
 * ```ts ignore
 * parseOrigin("wss://export.example.com/"); // "wss://export.example.com"
 * ```
 */
export function parseOrigin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch (_notAUrl) {
    // Reported below with the rest.
  }
  const bare = url && `${url.protocol}//${url.host}`;
  if (
    url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:") ||
    text.replace(/\/$/, "") !== bare
  ) {
    throw new TypeError(`origin must be ws:// or wss:// and a host (and port), got "${text}"`);
  }
  return bare!;
}

/**
 * The origin to name in the challenges of an upgrade request: the
 * configured origin whose host is the request's, or without configured
 * origins the request's own scheme and host; `undefined` when origins are
 * configured and none is for this host.
 */
export function challengeOrigin(
  origins: readonly string[] | undefined,
  request: Request,
): string | undefined {
  const url = new URL(request.url);
  if (origins === undefined) return `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return origins.find((origin) => new URL(origin).host === url.host);
}

/** The sign-in state of one connection. */
export class AuthGate {
  readonly #config: AuthConfig;
  readonly #origin: string;
  #issued: IssuedChallenge | undefined;
  #sessionSecret: Uint8Array | undefined;
  #identity: Identity | undefined;
  #commands: CommandState | undefined;
  #signer: CommandSigner | undefined;

  constructor(config: AuthConfig, origin: string) {
    this.#config = config;
    this.#origin = origin;
  }

  /** Who signed in on this connection, if anyone. */
  get identity(): Identity | undefined {
    return this.#identity;
  }

  /** Whether commands may run: signed in, or anonymous access is on. */
  get admitted(): boolean {
    return this.#identity !== undefined || this.#config.anonymous;
  }

  /** Answers `auth:nonce` with a fresh challenge, or refuses a second sign-in. */
  challenge(message: AuthNonce, now: number): Result<AuthChallenge, ErrorResponse> {
    // One challenge per connection: each costs a key and a signature, so a client may not
    // ask again and again (a failed sign-in closes the connection anyway).
    if (this.#issued !== undefined) return refuse("AUTH_IN_PROGRESS");
    const secret = secp.utils.randomSecretKey();
    const facts: SignInFacts = {
      origin: this.#origin,
      identity: message.identity,
      nonce: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
      clientSessionKey: message.sessionKey,
      serverSessionKey: bytesToHex(secp.getPublicKey(secret)),
      expiresAt: now + this.#config.nonceTtlMs,
      encryption: this.#config.encryption,
    };
    this.#issued = { facts, used: false };
    this.#sessionSecret = secret;
    return {
      ok: true,
      value: {
        nonce: facts.nonce,
        expiresAt: facts.expiresAt,
        origin: facts.origin,
        sessionKey: facts.serverSessionKey,
        serverKey: this.#config.serverKey,
        serverSignature: signText(this.#config.identityKey, serverProofText(facts)),
        encryption: this.#config.encryption,
        // Only an Ethereum account delegates; no other client needs to understand the field.
        ...(this.#config.maxDelegationMs > 0 && message.identity.kind === "ethereum"
          ? { maxDelegationMs: this.#config.maxDelegationMs }
          : {}),
      },
    };
  }

  /** Checks `auth:authenticate`; on success the connection is signed in. */
  async authenticate(
    message: AuthAuthenticate,
    now: number,
  ): Promise<Result<SignedIn, ErrorResponse>> {
    const issued = this.#issued;
    // Used from the first answer on, whatever the checks below make of it.
    if (issued !== undefined && message.nonce === issued.facts.nonce) {
      this.#issued = { ...issued, used: true };
    }
    const checked = checkAuthenticate(issued, message, now, this.#config.maxDelegationMs);
    if (!checked.ok) return checked;
    const identity = checked.value;
    if (this.#config.allow !== undefined && !this.#config.allow.has(identityLabel(identity))) {
      return refuse("AUTH_UNKNOWN_IDENTITY");
    }
    const facts = issued!.facts;
    const shared = sharedSecret(this.#sessionSecret!, facts.clientSessionKey);
    this.#sessionSecret = undefined;
    if (shared === undefined) {
      return refuse("INVALID_VALUE", { path: "data.sessionKey", reason: "not a curve point" });
    }
    const secrets = await deriveSessionSecrets(shared, facts.nonce);
    const token = bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
    // A delegation bounds when its key may sign in, not how long a session it opened lasts: that
    // is every session's own life, as for a wallet that signed the challenge itself.
    const expiresAt = now + this.#config.sessionTtlMs;
    this.#identity = identity;
    this.#commands = { token, expiresAt, lastTimestamp: -1 };
    this.#signer = await CommandSigner.create(secrets.commands);
    const seal = this.#config.encryption
      ? {
        sealer: await FrameSealer.create(secrets.serverToClient),
        opener: await FrameOpener.create(secrets.clientToServer),
      }
      : undefined;
    return { ok: true, value: { result: { authenticated: true, token, expiresAt }, seal } };
  }

  /**
   * Checks a command's `auth` on a signed-in connection (nothing to check
   * otherwise); `undefined` when it may run.
   */
  async checkCommand(message: ClientMessage, now: number): Promise<ErrorResponse | undefined> {
    const state = this.#commands;
    if (state === undefined || this.#signer === undefined) return undefined;
    const refused = checkCommandAuth(state, message.auth, now, this.#config.commandWindowMs);
    if (refused !== undefined) return refused;
    const auth = message.auth!;
    const command = {
      event: message.event,
      data: message.data,
      timestamp: message.timestamp,
      requestId: message.requestId,
      auth: { token: auth.token, timestamp: auth.timestamp },
    };
    if (!await this.#signer.verify(command, auth.signature)) {
      return errorResponse("COMMAND_SIGNATURE_INVALID");
    }
    this.#commands = { ...state, lastTimestamp: auth.timestamp };
    return undefined;
  }
}

function refuse(
  code: Parameters<typeof errorResponse>[0],
  details?: Record<string, string>,
): { ok: false; error: ErrorResponse } {
  return { ok: false, error: errorResponse(code, details) };
}
