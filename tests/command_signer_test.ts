// Command signatures with Web Crypto's HMAC-SHA256, and with the server's node:crypto
// (server/node_ciphers.ts): every field but the signature is covered, and each checks the other's.
// What the signature covers (the canonical signing input) is proven in session_crypto_test.ts.
import assert from "node:assert/strict";
import { NODE_CIPHERS } from "../server/node_ciphers.ts";
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

Deno.test("a signature made with Web Crypto checks with node:crypto, and the other way", async () => {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const web = await CommandSigner.create(secret);
  const node = await CommandSigner.create(secret, NODE_CIPHERS.hmac);
  const command = {
    event: "download:ack",
    data: { sequence: 7 },
    timestamp: 1000,
    requestId: "dl-1",
    auth: { token: "tok", timestamp: 1000 },
  };
  const signature = await web.sign(command);
  assert.equal(await node.sign(command), signature);
  assert.ok(await node.verify(command, signature));
  assert.ok(await web.verify(command, await node.sign(command)));
  const flipped = (signature[0] === "0" ? "1" : "0") + signature.slice(1);
  assert.equal(await node.verify(command, flipped), false);
  assert.equal(await node.verify({ ...command, data: { sequence: 8 } }, signature), false);
  const other = await CommandSigner.create(new Uint8Array(32), NODE_CIPHERS.hmac);
  assert.equal(await other.verify(command, signature), false);
});
