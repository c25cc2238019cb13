// Generated from transport/chain_digest_async.ts by `deno task bundle`; do not edit.
/**
 * The digest chain of docs/PROTOCOL.md §7.1 hashed by Web Crypto. The
 * chain's rule is `protocol/digest_chain.ts`'s, which builds the input and
 * reads the value; only the SHA-256 is Web Crypto's: native, and several
 * times faster than a script hash on large payloads (about 900 against
 * 200 MB/s for `nobleSha256` on 256 KiB payloads on a development machine),
 * which is why the client verifies downloads with it.
 *
 * This module is browser compatible.
 *
 * @module
 */
/**
 * `chainDigest(previous, payload, sha256)` of `protocol/digest_chain.ts`,
 * with Web Crypto's SHA-256: the same value, asynchronously.
 *
 * Rejects with a `RangeError` if `previous` is not 64 lowercase hex
 * characters.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "../protocol/digest_chain.ts";
 * import { chainDigestAsync } from "./chain_digest_async.ts";
 * const payload = new TextEncoder().encode("id,price\n1,10.5\n");
 * equal(
 *   await chainDigestAsync(INITIAL_DIGEST, payload),
 *   chainDigest(INITIAL_DIGEST, payload, nobleSha256),
 * );
 * ```
 */
export declare function chainDigestAsync(previous: string, payload: Uint8Array): Promise<string>;
