// Generated from client/sign_in.ts by `deno task bundle`; do not edit.
/**
 * The client's half of sign-in (docs/PROTOCOL.md §15): who it is, the
 * ephemeral session key of each connection, the checks of the server's
 * challenge (origin, and the server's identity key when pinned), the
 * signature, and, once signed in, the keys that seal frames and sign
 * commands.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type ErrorResponse } from "../protocol/errors.d.ts";
import type { AuthChallenge, AuthDelegation, AuthNonce, ClientMessage, Identity } from "../protocol/messages.d.ts";
import type { Result } from "../protocol/result.d.ts";
import { FrameOpener, FrameSealer } from "../transport/frame_sealing.d.ts";
import { type WalletDelegate } from "./delegation.d.ts";
/**
 * An Ethereum account that signs EIP-191 `personal_sign` messages. An
 * ethers `Wallet` fits as it is; a viem account (whose `signMessage` takes
 * `{ message }`) or a browser wallet (`personal_sign` through
 * `window.ethereum.request`) through a two-line wrapper.
 *
 * @example A viem account
 * ```ts
 * import { equal } from "node:assert/strict";
 * import type { EthereumSigner } from "./sign_in.ts";
 * import { recoverPersonalSigner } from "../protocol/auth.ts";
 * import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
 * const account = privateKeyToAccount(`0x${"01".repeat(32)}`);
 * const signer: EthereumSigner = {
 *   address: account.address,
 *   signMessage: (message) => account.signMessage({ message }),
 * };
 * const signature = await signer.signMessage("hello"); // "0x" and 130 hex
 * equal(recoverPersonalSigner("hello", signature.slice(2)), account.address.toLowerCase());
 * ```
 */
export interface EthereumSigner {
    /** The account's address, `0x` and 40 hex characters. */
    readonly address: string;
    /** Signs the UTF-8 text as `personal_sign` does; gives the 65-byte signature as hex. */
    signMessage(message: string): Promise<string>;
}
/**
 * Where a token comes from: the token itself, or a function asked for one
 * before every sign-in (so a reconnect an hour later gets a fresh one).
 */
export type TokenSource = string | (() => string | Promise<string>);
/**
 * How a client proves who it is: a secret key, an Ethereum signer that
 * signs each challenge itself or, with a `delegate`, once per delegation,
 * or a bearer token of the operator's own login (PROTOCOL.md §15.8).
 */
export type Credentials = {
    readonly kind: "keypair";
    readonly secretKey: Uint8Array;
} | {
    readonly kind: "signer";
    readonly signer: EthereumSigner;
    readonly delegate?: WalletDelegate;
} | {
    readonly kind: "token";
    readonly token: TokenSource;
};
/** A signed challenge, as `auth:authenticate` carries it. */
export interface SignedChallenge {
    /** Who signs in. */
    readonly identity: Identity;
    /** The signature over the challenge text; absent for a token. */
    readonly signature?: string;
    /** A token's seal to this connection, instead of a signature. */
    readonly sealedToken?: string;
    /** The delegation whose key made `signature`, when a delegate signed. */
    readonly delegation?: AuthDelegation;
}
/**
 * A new secp256k1 secret key, 32 bytes from the platform's secure random
 * source: a lasting identity to keep (in a file, a browser's storage) and
 * sign in with through `withKeypair`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { generateSecretKey, publicKeyOf } from "./sign_in.ts";
 * const secretKey = generateSecretKey();
 * equal(secretKey.length, 32);
 * equal(publicKeyOf(secretKey).length, 66);
 * ```
 */
export declare function generateSecretKey(): Uint8Array;
/**
 * The identity a secret key signs in as: its compressed public key, 66 hex
 * characters, the form `server.ts --allow` takes. Throws for anything but a
 * valid secret key (32 bytes, or 64 hex characters).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { publicKeyOf } from "./sign_in.ts";
 * equal(
 *   publicKeyOf("01".repeat(32)),
 *   "031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f",
 * );
 * ```
 */
export declare function publicKeyOf(secretKey: Uint8Array | string): string;
/** Reads a secret key given as 32 bytes or 64 hex characters (an optional `0x` allowed). */
export declare function secretKeyFrom(key: Uint8Array | string): Uint8Array;
/** The origin of a `ws:`/`wss:` URL as challenges name it, e.g. `wss://host:8443`. */
export declare function dialledOrigin(url: string): string;
/** What a signed-in connection uses from then on. */
export interface Established {
    /** Seals what the client sends and opens what it receives; absent when not encrypted. */
    readonly seal?: {
        readonly sealer: FrameSealer;
        readonly opener: FrameOpener;
    };
    /** Adds `auth` to each command. */
    readonly authorize: (message: ClientMessage) => Promise<ClientMessage>;
}
/** The sign-in of one connection: made on `beginAuth`, dropped with the socket. */
export declare class ConnectionSignIn {
    #private;
    constructor(credentials: Credentials, url: string, serverKey: string | undefined);
    /** The payload of `auth:nonce`. */
    nonce(): AuthNonce;
    /**
     * Checks the challenge (the origin the client dialled; the server's
     * identity key and its proof when the client pins one) and signs it.
     */
    sign(challenge: AuthChallenge): Promise<Result<SignedChallenge, ErrorResponse>>;
    /** Learns why the server refused the sign-in: a delegation it refused is told so. */
    refused(error: ErrorResponse): void;
    /**
     * The keys of the signed-in session, from the challenge that was signed
     * and the server's `auth:result` token.
     */
    establish(token: string): Promise<Result<Established, ErrorResponse>>;
}
