// End-to-end: a real server on loopback against peers that break the rules on purpose (issue 16).
// The rules are proven on the machine (tests/session_bounds_test.ts); these prove the wiring.
import { equal } from "node:assert/strict";
import { startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";

const ROWS = 2000;

Deno.test("a sealed session that sends malformed JSON is ended with MALFORMED_JSON and close 4400", async () => {
  const server = startServer(ROWS, { anonymous: false });
  const peer = await SignedPeer.open(server.url);
  try {
    await peer.signIn();
    peer.send('{"event":"status:check",');
    equal((await peer.message("system:error")).data.code, "MALFORMED_JSON");
    equal((await peer.closed).code, 4400);
  } finally {
    await peer.close();
    await server.close();
  }
});
