// Generated from transport/compression.ts by `deno task bundle`; do not edit.
/**
 * zlib deflate and inflate (RFC 1950) of whole control messages with
 * `CompressionStream` and `DecompressionStream`, the compression of
 * docs/PROTOCOL.md §16. Inflating stops at a size limit, so a deflate bomb
 * costs no more than the limit.
 *
 * This module is browser compatible.
 *
 * @module
 */
/**
 * zlib-deflates bytes (RFC 1950, as `CompressionStream("deflate")` does).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deflate, inflate } from "./compression.ts";
 * const packed = await deflate(new Uint8Array(1000));
 * equal((await inflate(packed, 1000))?.length, 1000);
 * ```
 */
export declare function deflate(bytes: Uint8Array): Promise<Uint8Array>;
/**
 * Inflates zlib bytes, giving `undefined` when they would grow past `limit`
 * bytes (a deflate bomb stops there). Rejects on malformed input.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { deflate, inflate } from "./compression.ts";
 * equal(await inflate(await deflate(new Uint8Array(100)), 10), undefined);
 * ```
 */
export declare function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array | undefined>;
