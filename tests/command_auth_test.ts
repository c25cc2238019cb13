// Per-message authentication of a signed session's commands (issue 5): each bad `auth` is refused
// with its own code, and the session goes on.
import { equal } from "node:assert/strict";
import type { ClientMessage } from "../protocol/messages.ts";
import { startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { ROWS, statusCheck } from "./_security_fixtures.ts";

Deno.test("each bad command auth is refused with its own code and the session goes on", async () => {
  const server = startServer(ROWS, { anonymous: false, commandWindowMs: 30_000 });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    const good = await peer.signed(statusCheck("st-0"));
    const cases: [string, ClientMessage][] = [
      ["COMMAND_UNSIGNED", statusCheck("st-1")],
      ["TOKEN_INVALID", {
        ...good,
        requestId: "st-2",
        auth: { ...good.auth!, token: "f".repeat(32) },
      }],
      ["COMMAND_STALE", await peer.signed(statusCheck("st-3"), { timestamp: Date.now() - 60_000 })],
      ["COMMAND_STALE", await peer.signed(statusCheck("st-4"), { timestamp: Date.now() + 60_000 })],
      ["COMMAND_SIGNATURE_INVALID", { ...good, requestId: "st-5" }],
    ];
    for (const [code, message] of cases) {
      peer.send(message);
      equal(
        (await peer.message("system:error", message.requestId)).data.code,
        code,
        message.requestId,
      );
    }
    peer.send(good);
    await peer.message("status:update", "st-0");
    peer.send(good);
    equal((await peer.message("system:error", "st-0")).data.code, "COMMAND_REPLAYED");
    // A signed request whose signature is valid runs, after all that.
    peer.send(await peer.signed(statusCheck("st-6")));
    await peer.message("status:update", "st-6");
  } finally {
    await peer.close();
    await server.close();
  }
});
