// A peer that sends too much (issue 5): an oversized sealed payload or a flood of messages ends its
// own connection, before any decryption, and the server goes on serving others.
import { equal } from "node:assert/strict";
import { requestMessage, startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { ROWS, statusCheck } from "./_security_fixtures.ts";

Deno.test("a sealed payload over the size limit ends the session before it is decrypted", async () => {
  const server = startServer(ROWS, { anonymous: false, parseLimits: { maxMessageBytes: 4096 } });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    peer.sendRaw(new Uint8Array(64 * 1024).fill(1));
    equal((await peer.message("system:error")).data.code, "MESSAGE_TOO_LARGE");
    equal((await peer.closed).code, 4400);
  } finally {
    await peer.close();
    await server.close();
  }
});

Deno.test("a flood of messages while a handler waits ends that connection, not the server", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const server = startServer(ROWS, { authorize: () => held.then(() => true) });
  try {
    const peer = await SignedPeer.open(server.url);
    try {
      peer.send(requestMessage("slow"));
      for (let i = 0; i < 2000; i++) peer.send(statusCheck(`st-${i}`));
      equal((await peer.message("system:error", "client")).data.code, "TOO_MANY_MESSAGES");
      // Closed by the server (4400, or abnormally when its close meets the flood still arriving).
      await peer.closed;
    } finally {
      release();
      await peer.close();
    }
    // The server goes on serving others.
    const other = await SignedPeer.open(server.url);
    try {
      other.send(statusCheck("after"));
      await other.message("status:update", "after");
    } finally {
      await other.close();
    }
  } finally {
    await server.close();
  }
});
