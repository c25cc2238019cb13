// The client's Web Crypto chain gives the protocol chain's values.
import { equal, rejects } from "node:assert/strict";
import { chainDigest, INITIAL_DIGEST, nobleSha256 } from "../protocol/digest_chain.ts";
import { chainDigestAsync } from "../transport/chain_digest_async.ts";

Deno.test("chainDigestAsync (Web Crypto) gives chainDigest's values", async () => {
  let sync = INITIAL_DIGEST;
  let async = INITIAL_DIGEST;
  for (const size of [0, 1, 55, 56, 64, 1000, 262_144]) {
    const payload = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
    sync = chainDigest(sync, payload, nobleSha256);
    async = await chainDigestAsync(async, payload);
    equal(async, sync, `${size} bytes`);
  }
  await rejects(() => chainDigestAsync("xyz", new Uint8Array(0)), RangeError);
});
