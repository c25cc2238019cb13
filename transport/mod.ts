/**
 * The asynchronous layer under both sides of a sluice connection: what
 * the pure rules of `protocol/` leave to a runtime. Compression with
 * `CompressionStream`, sealing, key derivation and command signatures with
 * Web Crypto, the digest chain hashed by Web Crypto, and the
 * {@linkcode SessionChannel} that queues a connection's payloads through
 * them in order. It uses Web APIs only (no `Deno.*`, no `node:*`), so the
 * server, the client and the browser bundle share it unchanged.
 *
 * It is not an entry point of the package: the server and the client
 * import it, their users do not.
 *
 * This module is browser compatible.
 *
 * @example Two channels back to back
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { SessionChannel } from "./mod.ts";
 * const received: string[] = [];
 * const b = new SessionChannel({
 *   send: () => {},
 *   deliver: (r) => void received.push(r.ok && r.value.type === "text" ? r.value.text : "?"),
 * });
 * const a = new SessionChannel({ send: (p) => b.receive(p), deliver: () => {} });
 * a.sendText(JSON.stringify({ event: "status:update", pad: "x".repeat(5000) })); // deflated
 * await a.flushed();
 * await b.drained();
 * deepEqual(received.map((t) => JSON.parse(t).event), ["status:update"]);
 * ```
 *
 * @module
 */

export { chainDigestAsync } from "./chain_digest_async.ts";
export { CommandSigner } from "./command_signer.ts";
export { deflate, inflate } from "./compression.ts";
export { FrameOpener, FrameSealer } from "./frame_sealing.ts";
export { type ChannelOptions, SessionChannel } from "./session_channel.ts";
export { deriveSessionSecrets } from "./session_secrets.ts";
export type { SessionSecrets } from "../protocol/session_crypto.ts";
