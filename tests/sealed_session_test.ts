// Sealed frames (issue 5): a tampered, replayed, reordered or unsealed frame ends the session
// with its own code.
import { equal, ok } from "node:assert/strict";
import { startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { ROWS, statusCheck } from "./_security_fixtures.ts";

/** A signed-in, sealed session whose next command is held back so the test can play with it. */
async function heldCommand(url: string): Promise<{ peer: SignedPeer; sealed: Uint8Array[] }> {
  const peer = await SignedPeer.open(url);
  await peer.signIn();
  peer.hold = true;
  const before = peer.sent.length;
  peer.send(await peer.signed(statusCheck("st-1")));
  peer.send(await peer.signed(statusCheck("st-2")));
  await peer.flushed();
  peer.hold = false;
  return { peer, sealed: peer.sent.slice(before) as Uint8Array[] };
}

Deno.test("a tampered, replayed, reordered or unsealed frame ends the session with its code", async () => {
  const server = startServer(ROWS, { anonymous: false });
  try {
    const cases: [string, (peer: SignedPeer, sealed: Uint8Array[]) => void][] = [
      ["DECRYPTION_FAILED", (peer, [first]) => {
        const tampered = first.slice();
        tampered[20] ^= 0x01;
        peer.sendRaw(tampered);
      }],
      ["REPLAYED_FRAME", (peer, [first]) => {
        peer.sendRaw(first);
        peer.sendRaw(first);
      }],
      ["REORDERED_FRAME", (peer, [, second]) => peer.sendRaw(second)],
      ["UNSEALED_MESSAGE", (peer) => peer.sendRaw(JSON.stringify(statusCheck("st-9")))],
    ];
    for (const [code, play] of cases) {
      const { peer, sealed } = await heldCommand(server.url);
      try {
        equal(sealed.length, 2);
        ok(sealed.every((s) => s instanceof Uint8Array && s[1] === 3), "sealed frames");
        play(peer, sealed);
        equal((await peer.message("system:error")).data.code, code);
        equal((await peer.closed).code, 4400);
      } finally {
        await peer.close();
      }
    }
  } finally {
    await server.close();
  }
});
