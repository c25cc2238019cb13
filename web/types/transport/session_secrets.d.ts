// Generated from transport/session_secrets.ts by `deno task bundle`; do not edit.
/**
 * The session's secrets from its ECDH shared secret (docs/PROTOCOL.md
 * §15.2), with Web Crypto's HKDF-SHA256. The parameters are the
 * protocol's: the sign-in nonce as salt and the `info` strings of
 * `HKDF_INFO` in `protocol/session_crypto.ts`.
 *
 * This module is browser compatible.
 *
 * @module
 */
import { type SessionSecrets } from "../protocol/session_crypto.d.ts";
import { CommandSigner } from "./command_signer.d.ts";
import { FrameOpener, FrameSealer } from "./frame_sealing.d.ts";
/**
 * Expands an ECDH shared secret into the session's secrets with
 * HKDF-SHA256, salted with the sign-in nonce (64 hex characters).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deriveSessionSecrets } from "./session_secrets.ts";
 * const s = await deriveSessionSecrets(new Uint8Array(32), "00".repeat(32));
 * equal(s.clientToServer.length, 32);
 * ```
 */
export declare function deriveSessionSecrets(shared: Uint8Array, nonceHex: string): Promise<SessionSecrets>;
/** The Web Crypto keys of one side of a session: its command signer and, sealed, its frames'. */
export interface SessionKeys {
    /** Signs and verifies commands (HMAC-SHA256). */
    readonly signer: CommandSigner;
    /** Seals what this side sends; absent without encryption. */
    readonly sealer?: FrameSealer;
    /** Opens what the other side sends; absent without encryption. */
    readonly opener?: FrameOpener;
}
/**
 * The server's keys of a session from its ECDH secret and nonce: the
 * commands key, and with encryption the server-to-client sealer and the
 * client-to-server opener.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { openSessionKeys } from "./session_secrets.ts";
 * const keys = await openSessionKeys({ shared: new Uint8Array(32), nonce: "00".repeat(32), encryption: false });
 * equal(keys.sealer, undefined);
 * ```
 */
export declare function openSessionKeys(session: {
    readonly shared: Uint8Array;
    readonly nonce: string;
    readonly encryption: boolean;
}): Promise<SessionKeys>;
