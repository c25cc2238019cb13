/**
 * The server's check of bearer tokens (docs/PROTOCOL.md §15.8): built-in
 * JWT verification with `jose` (an HS256 secret, a PEM public key, or a
 * JWKS URL), and an `authenticate` hook for any other kind of token (an
 * opaque session id looked up in the operator's store). It gives the
 * session machine a {@linkcode TokenVerdict}: who the token names, or the
 * one code that says why not.
 *
 * The algorithms a token may use are fixed by the key, never by the
 * token: `HS256` with a secret; the public key's own (`RS256` for RSA,
 * `ES256` / `ES384` for P-256 / P-384, `EdDSA` for Ed25519); the
 * asymmetric ones with a JWKS. So `alg: none` and an HS256 token made with
 * a public key as its secret (algorithm confusion) are both refused with
 * `AUTH_TOKEN_ALGORITHM`, before any signature is checked.
 *
 * @module
 */

import { createPublicKey, type KeyObject } from "node:crypto";
import * as jose from "npm:jose@6.2.18";
import type { TokenRefusal, TokenVerdict } from "../protocol/session_token.ts";
import { openToken } from "../transport/token_sealing.ts";

/** Who a token names, as the {@linkcode Authenticate} hook says. */
export interface TokenAuthentication {
  /** Whom the token names; limits count by it, `authorize` sees it. */
  readonly subject: string;
  /** Anything else to hand `authorize` (`identity.claims`). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** When the token stops being good, epoch ms: the session ends then, at the latest. */
  readonly expiresAt?: number;
}

/**
 * Checks a token the JWT settings do not (any token without them, and one
 * that is not a JWT with them): who it names, or a falsy value to refuse it
 * (`AUTH_TOKEN_REFUSED`). A hook that throws fails the sign-in with
 * `INTERNAL_ERROR`, which the client may retry.
 */
export type Authenticate = (
  token: string,
) =>
  | TokenAuthentication
  | undefined
  | null
  | false
  | Promise<
    TokenAuthentication | undefined | null | false
  >;

/** The options of `createServer` that set how tokens are checked. */
export interface TokenOptions {
  /** The HS256 secret shared with the login that mints tokens (`--jwt-secret-file`). */
  readonly jwtSecret?: Uint8Array | string;
  /** A public key in PEM (SPKI): RSA, P-256, P-384 or Ed25519 (`--jwt-public-key`). */
  readonly jwtPublicKey?: string;
  /**
   * A JWKS URL (`--jwks-url`): fetched when first needed, cached, and
   * fetched again for a `kid` it lacks, at most once per `jwksCooldownMs`.
   */
  readonly jwksUrl?: string | URL;
  /**
   * The shortest time between two fetches of the JWKS.
   *
   * @default {60000}
   */
  readonly jwksCooldownMs?: number;
  /** The `iss` a token must have (one of them); unset: any. */
  readonly jwtIssuer?: string | readonly string[];
  /** The `aud` a token must have (one of them); unset: any. */
  readonly jwtAudience?: string | readonly string[];
  /**
   * How far the token's `exp` and `nbf` may be off the server's clock, in
   * milliseconds, at most 300000.
   *
   * @default {30000}
   */
  readonly jwtClockSkewMs?: number;
  /** Checks other tokens: see {@linkcode Authenticate}. */
  readonly authenticate?: Authenticate;
}

/** Checks one token (already opened from its seal). */
export type TokenCheck = (token: string) => Promise<TokenVerdict>;

/** The longest `jwtClockSkewMs` a server takes: five minutes. */
const MAX_SKEW_MS = 300_000;

const refuse = (code: TokenRefusal, reason?: string): TokenVerdict => ({ ok: false, code, reason });

/** The one algorithm a PEM public key verifies with. */
function publicKeyAlgorithm(key: KeyObject): string {
  if (key.asymmetricKeyType === "rsa") return "RS256";
  if (key.asymmetricKeyType === "ed25519") return "EdDSA";
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === "ec" && curve === "prime256v1") return "ES256";
  if (key.asymmetricKeyType === "ec" && curve === "secp384r1") return "ES384";
  throw new TypeError(
    `jwtPublicKey: an RSA, P-256, P-384 or Ed25519 key, not ${curve ?? key.asymmetricKeyType}`,
  );
}

/** What a JWT is verified with: a key (or key set) and the algorithms it allows. */
interface JwtKey {
  readonly key: Uint8Array | KeyObject | ReturnType<typeof jose.createRemoteJWKSet>;
  readonly algorithms: readonly string[];
}

function jwtKey(options: TokenOptions): JwtKey | undefined {
  const given = [options.jwtSecret, options.jwtPublicKey, options.jwksUrl].filter((o) =>
    o !== undefined
  );
  if (given.length > 1) {
    throw new TypeError("name one of jwtSecret, jwtPublicKey and jwksUrl");
  }
  if (options.jwtSecret !== undefined) {
    const secret = typeof options.jwtSecret === "string"
      ? new TextEncoder().encode(options.jwtSecret)
      : options.jwtSecret;
    // RFC 7518 §3.2: an HS256 key is at least as long as the hash.
    if (secret.length < 32) throw new TypeError("jwtSecret: at least 32 bytes");
    return { key: secret, algorithms: ["HS256"] };
  }
  if (options.jwtPublicKey !== undefined) {
    const key = createPublicKey(options.jwtPublicKey);
    return { key, algorithms: [publicKeyAlgorithm(key)] };
  }
  if (options.jwksUrl !== undefined) {
    const url = new URL(options.jwksUrl);
    const cooldownDuration = options.jwksCooldownMs ?? 60_000;
    if (!Number.isSafeInteger(cooldownDuration) || cooldownDuration < 0) {
      throw new RangeError("jwksCooldownMs: a whole number of milliseconds, 0 or more");
    }
    const set = jose.createRemoteJWKSet(url, { cooldownDuration });
    return { key: set, algorithms: ["RS256", "PS256", "ES256", "ES384", "EdDSA"] };
  }
  return undefined;
}

/** A JWT's form: three base64url parts, the last possibly empty (as `alg: none` has it). */
const JWT_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The code of a `jose` failure. Anything else came from fetching the JWKS
 * (`remote`), or is a failure of the server's own, rethrown: the sign-in is
 * then `INTERNAL_ERROR`, which the client may retry.
 */
function joseRefusal(error: unknown, remote: boolean): TokenVerdict {
  const { errors } = jose;
  if (error instanceof errors.JWTExpired) return refuse("AUTH_TOKEN_EXPIRED");
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A missing iss or aud is refused as a wrong one; a missing sub or exp as a malformed token.
    if (error.claim === "iss") return refuse("AUTH_TOKEN_ISSUER", error.reason);
    if (error.claim === "aud") return refuse("AUTH_TOKEN_AUDIENCE", error.reason);
    if (error.claim === "nbf" && error.reason !== "missing") {
      return refuse("AUTH_TOKEN_NOT_YET_VALID");
    }
    return refuse("AUTH_TOKEN_MALFORMED", `${error.claim} ${error.reason}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return refuse("AUTH_TOKEN_ALGORITHM");
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return refuse("AUTH_TOKEN_SIGNATURE");
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return refuse("AUTH_TOKEN_KEYS_DOWN");
  }
  if (error instanceof errors.JOSEError) return refuse("AUTH_TOKEN_MALFORMED");
  if (remote) return refuse("AUTH_TOKEN_KEYS_DOWN");
  throw error;
}

/**
 * The server's token check from its options, or `undefined` when it takes
 * no tokens (then a token sign-in is `AUTH_TOKEN_UNSUPPORTED`).
 *
 * @throws {TypeError} for settings that cannot work (two kinds of key, a
 * short secret, a PEM that is no public key of a supported kind).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { tokenCheck } from "./token_verifier.ts";
 * const check = tokenCheck({
 *   authenticate: (token) => token === "s-1" ? { subject: "alice" } : null,
 * })!;
 * equal((await check("s-1")).ok, true);
 * const refused = await check("s-2");
 * equal(!refused.ok && refused.code, "AUTH_TOKEN_REFUSED");
 * ```
 */
export function tokenCheck(options: TokenOptions): TokenCheck | undefined {
  const jwt = jwtKey(options);
  const hook = options.authenticate;
  if (jwt === undefined && hook === undefined) return undefined;
  const skewMs = options.jwtClockSkewMs ?? 30_000;
  if (!Number.isSafeInteger(skewMs) || skewMs < 0 || skewMs > MAX_SKEW_MS) {
    throw new RangeError(`jwtClockSkewMs: a whole number from 0 to ${MAX_SKEW_MS}`);
  }
  const list = (v: string | readonly string[] | undefined) =>
    v === undefined ? undefined : typeof v === "string" ? v : [...v];
  const verifyOptions: jose.JWTVerifyOptions = {
    algorithms: jwt === undefined ? [] : [...jwt.algorithms],
    issuer: list(options.jwtIssuer),
    audience: list(options.jwtAudience),
    clockTolerance: skewMs / 1000,
    requiredClaims: ["sub", "exp"],
  };
  return async (token) => {
    if (jwt === undefined || !JWT_FORM.test(token)) {
      if (hook === undefined) return refuse("AUTH_TOKEN_MALFORMED", "not a JWT");
      const found = await hook(token);
      if (!found) return refuse("AUTH_TOKEN_REFUSED");
      if (typeof found.subject !== "string" || found.subject === "") {
        throw new TypeError("the authenticate hook gave no subject");
      }
      return { ok: true, subject: found.subject, claims: found.claims ?? {}, ...expiry(found) };
    }
    let header: jose.ProtectedHeaderParameters;
    try {
      header = jose.decodeProtectedHeader(token);
    } catch (_notAHeader) {
      return refuse("AUTH_TOKEN_MALFORMED", "bad header");
    }
    if (typeof header.alg !== "string" || !jwt.algorithms.includes(header.alg)) {
      return refuse("AUTH_TOKEN_ALGORITHM", `alg ${String(header.alg).slice(0, 16)}`);
    }
    try {
      const { key } = jwt;
      const { payload } = typeof key === "function"
        ? await jose.jwtVerify(token, key, verifyOptions)
        : await jose.jwtVerify(token, key, verifyOptions);
      return {
        ok: true,
        subject: payload.sub!,
        claims: payload,
        expiresAt: payload.exp! * 1000 + skewMs,
      };
    } catch (error) {
      return joseRefusal(error, typeof jwt.key === "function");
    }
  };
}

function expiry(found: TokenAuthentication): { expiresAt?: number } {
  return found.expiresAt === undefined ? {} : { expiresAt: found.expiresAt };
}

/**
 * Opens a sealed token with the connection's secret and challenge, then
 * checks it: a seal that does not open is `AUTH_TOKEN_SEAL`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openAndCheck, tokenCheck } from "./token_verifier.ts";
 * const check = tokenCheck({ authenticate: () => ({ subject: "a" }) })!;
 * const shared = new Uint8Array(32);
 * const v = await openAndCheck(check, { shared, nonce: "00".repeat(32), challenge: "c", sealedToken: "AAAA" });
 * equal(!v.ok && v.code, "AUTH_TOKEN_SEAL");
 * ```
 */
export async function openAndCheck(
  check: TokenCheck,
  sealed: {
    readonly shared: Uint8Array;
    readonly nonce: string;
    readonly challenge: string;
    readonly sealedToken: string;
  },
): Promise<TokenVerdict> {
  const token = await openToken(sealed.shared, sealed.nonce, sealed.challenge, sealed.sealedToken);
  return token === undefined ? refuse("AUTH_TOKEN_SEAL") : check(token);
}
