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

import { concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";

async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array | undefined> {
  const writer = stream.writable.getWriter();
  // Failures surface on the readable side, which is awaited below.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

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
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return (await transform(bytes, new CompressionStream("deflate"), Infinity))!;
}

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
export function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array | undefined> {
  return transform(bytes, new DecompressionStream("deflate"), limit);
}
