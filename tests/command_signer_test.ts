// Command signatures (HMAC-SHA256): every field but the signature is covered, and each is Web
// Crypto's HMAC of the signing input. What the signature covers (the canonical signing input) is
// proven in session_crypto_test.ts.
import assert from "node:assert/strict";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { commandSigningInput } from "../protocol/session_crypto.ts";
import { CommandSigner } from "../transport/command_signer.ts";

Deno.test("a command signature covers every field but itself", async () => {
  const signer = await CommandSigner.create(crypto.getRandomValues(new Uint8Array(32)));
  const command = {
    event: "download:cancel",
    data: { reason: "user" },
    timestamp: 1000,
    requestId: "dl-1",
    auth: { token: "tok", timestamp: 1000 },
  };
  const signature = await signer.sign(command);
  assert.match(signature, /^[0-9a-f]{64}$/);
  assert.ok(await signer.verify(command, signature));
  assert.ok(await signer.verify({ ...command, data: { reason: "user" } }, signature));
  for (
    const changed of [
      { ...command, event: "download:ack" },
      { ...command, data: { reason: "other" } },
      { ...command, timestamp: 1001 },
      { ...command, requestId: "dl-2" },
      { ...command, auth: { token: "tok", timestamp: 1001 } },
      { ...command, auth: { token: "tak", timestamp: 1000 } },
    ]
  ) {
    assert.equal(await signer.verify(changed, signature), false, JSON.stringify(changed));
  }
  assert.equal(await signer.verify(command, signature.toUpperCase()), false);
  const other = await CommandSigner.create(new Uint8Array(32));
  assert.equal(await other.verify(command, signature), false);
});

Deno.test("a signature is Web Crypto's HMAC-SHA256 of the signing input, and a secret is 32 bytes", async () => {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const signer = await CommandSigner.create(secret);
  const key = await crypto.subtle.importKey(
    "raw",
    secret,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  for (const reason of ["user", "ünïcödé 🚀", "x".repeat(5000)]) {
    const command = {
      event: "download:cancel",
      data: { reason },
      timestamp: 7,
      requestId: "dl-9",
      auth: { token: "tok", timestamp: 7 },
    };
    const input = new TextEncoder().encode(commandSigningInput(command));
    const expected = bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, input)));
    assert.equal(await signer.sign(command), expected);
  }
  await assert.rejects(() => CommandSigner.create(new Uint8Array(16)), RangeError);
});
