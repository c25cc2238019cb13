// Generated from protocol/auth_payloads.ts by `deno task bundle`; do not edit.
/**
 * The payloads of sign-in and of signed commands (docs/PROTOCOL.md §15):
 * who a client claims to be, `auth:nonce`, `auth:challenge`,
 * `auth:authenticate` with a wallet's delegation, `auth:result`, and the
 * `auth` field of a signed command. The texts that get signed and their
 * checks are in {@linkcode "./auth.ts"} and {@linkcode "./sign_in.ts"}.
 *
 * This module is browser compatible.
 *
 * @module
 */
import type { ErrorResponse } from "./errors.d.ts";
/** Who a client claims to be. */
export type Identity = {
    /** A raw secp256k1 key. */
    readonly kind: "secp256k1";
    /** The compressed public key, 66 lowercase hex characters. */
    readonly publicKey: string;
} | {
    /** An Ethereum account. */
    readonly kind: "ethereum";
    /** The address, `0x` and 40 hex characters. */
    readonly address: string;
} | {
    /**
     * A bearer token the operator's own login issued (a JWT, an opaque
     * session id), sealed to the session (PROTOCOL.md §15.8). Who it names
     * is known only once the server verified it: {@linkcode TokenIdentity}.
     */
    readonly kind: "token";
};
/**
 * Who signed in with a token, as its verifier found: the server's
 * `authorize` hook and limits see this, never the token itself.
 */
export interface TokenIdentity {
    /** Signed in with a token. */
    readonly kind: "token";
    /** Whom the token names: a JWT's `sub`, or what the `authenticate` hook said. */
    readonly subject: string;
    /** Everything the token says (a JWT's payload), for rules that need more than the subject. */
    readonly claims: Readonly<Record<string, unknown>>;
}
/** Who a signed-in connection is: the identity it signed in as, a token's as verified. */
export type SignedInIdentity = Exclude<Identity, {
    readonly kind: "token";
}> | TokenIdentity;
/** Payload of `auth:nonce` (PROTOCOL.md §15.1). */
export interface AuthNonce {
    /** Who is signing in. */
    readonly identity: Identity;
    /** The client's ephemeral session public key, compressed, 66 lowercase hex. */
    readonly sessionKey: string;
}
/** Payload of `auth:challenge`. */
export interface AuthChallenge {
    /** Single-use random nonce, 64 lowercase hex characters. */
    readonly nonce: string;
    /** When the server issued the challenge, epoch milliseconds (a SIWE message's Issued At). */
    readonly issuedAt: number;
    /** When the nonce stops being accepted, epoch milliseconds. */
    readonly expiresAt: number;
    /** The origin the signature is bound to, e.g. `wss://export.example.com`. */
    readonly origin: string;
    /** The server's ephemeral session public key, compressed, 66 lowercase hex. */
    readonly sessionKey: string;
    /** The server's long-term identity public key, compressed, 66 lowercase hex. */
    readonly serverKey: string;
    /** The identity key's signature over the server proof text, 128 hex. */
    readonly serverSignature: string;
    /** Whether every frame after a successful sign-in is sealed (AES-256-GCM). */
    readonly encryption: boolean;
    /** The EIP-155 chain id a wallet's SIWE message names (docs/PROTOCOL.md §15.7). */
    readonly chainId: number;
    /**
     * How far ahead a wallet's delegation may end, milliseconds; absent when
     * the server takes no delegations (docs/PROTOCOL.md §15.5).
     */
    readonly maxDelegationMs?: number;
}
/** Payload of `auth:authenticate` (PROTOCOL.md §15.1). */
export interface AuthAuthenticate {
    /** The identity of `auth:nonce`. */
    readonly identity: Identity;
    /** The nonce of `auth:challenge`. */
    readonly nonce: string;
    /**
     * The signature over the challenge text, hex: the identity's own, or,
     * with `delegation`, the delegate key's (ECDSA, 128 hex). For an
     * `ethereum` identity any length but 64 or 65 bytes is a contract
     * wallet's, refused with `AUTH_CONTRACT_WALLET_UNSUPPORTED`. Absent, and
     * required absent, for a `token` identity.
     */
    readonly signature?: string;
    /** With an `ethereum` identity only: the delegation whose key made `signature`. */
    readonly delegation?: AuthDelegation;
    /**
     * With a `token` identity only, and required then: the token sealed to
     * this connection's keys and challenge, base64url (PROTOCOL.md §15.8).
     */
    readonly sealedToken?: string;
}
/**
 * The longest a server may let wallet delegations last, milliseconds: a
 * year. `maxDelegationMs` of `auth:challenge` is at most this.
 */
export declare const MAX_DELEGATION_MS: number;
/**
 * An Ethereum account's signed permission for a secp256k1 key to sign in
 * for it at one origin until it expires (docs/PROTOCOL.md §15.5), so that a
 * wallet is asked once rather than on every reconnect.
 */
export interface AuthDelegation {
    /** The delegate's public key, compressed, 66 lowercase hex. */
    readonly key: string;
    /** When the client made it, epoch milliseconds, at most `expiresAt` (its Issued At). */
    readonly issuedAt: number;
    /** When the delegation ends, epoch milliseconds. */
    readonly expiresAt: number;
    /** The account's EIP-191 signature over the delegation text, 130 hex. */
    readonly signature: string;
}
/** Payload of `auth:result`. */
export type AuthResult = {
    /** Signed in. */
    readonly authenticated: true;
    /** The session token commands carry in `auth.token`. */
    readonly token: string;
    /** When the session ends, epoch milliseconds. */
    readonly expiresAt: number;
} | {
    /** Refused. */
    readonly authenticated: false;
    /** Why. */
    readonly error: ErrorResponse;
};
/** Per-message authentication of a signed command (PROTOCOL.md §15.3). */
export interface MessageAuth {
    /** The session token of `auth:result`. */
    readonly token: string;
    /** When the command was signed, epoch milliseconds. */
    readonly timestamp: number;
    /** Signature over the command's canonical encoding, hex. */
    readonly signature: string;
}
