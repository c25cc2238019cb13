// The server's `authorize` hook (issue 5): it refuses with FORBIDDEN, narrows a download to an
// identity's rows, sees addresses in lowercase, and a broken or late answer does no harm.
import { deepEqual, equal, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { privateKeyToAccount } from "npm:viem@2.57.20/accounts";
import { ClientBuilder } from "../client/client_builder.ts";
import { SluiceError } from "../client/sluice_error.ts";
import { demoPath, downloadCsv, requestMessage, startServer } from "./_harness.ts";
import { SignedPeer } from "./_signed_peer.ts";
import { sha256Hex, sqlite3Csv } from "./_sqlite3.ts";
import { FROM, ROWS, SEARCH, TO, USER_7 } from "./_security_fixtures.ts";

Deno.test("authorize refuses with FORBIDDEN and narrows a download to the identity's rows", async () => {
  const key = secp.utils.randomSecretKey();
  const publicKey = bytesToHex(secp.getPublicKey(key));
  const server = startServer(ROWS, {
    anonymous: false,
    authorize: (identity, request) => {
      if (identity?.kind !== "secp256k1" || identity.publicKey !== publicKey) return false;
      if (request.outputFormat === "json") return false;
      return { filters: [USER_7] };
    },
  });
  try {
    const expected = await sqlite3Csv(
      demoPath(ROWS),
      Date.parse(FROM),
      Date.parse(TO),
      " AND user_id = 7",
    );
    const { bytes: mine } = await downloadCsv(new ClientBuilder(server.url).withKeypair(key));
    equal(await sha256Hex(mine), await sha256Hex(expected));
    ok(mine.length > 200, "user 7 has rows");

    for (
      const [builder, format] of [[new ClientBuilder(server.url), "csv"], [
        new ClientBuilder(server.url).withKeypair(key),
        "json",
      ]] as const
    ) {
      const client = builder.build();
      try {
        await client.connect();
        const download = client.download({
          searchParams: SEARCH,
          outputFormat: format,
          compression: false,
        });
        const error = await download.done.then(() => undefined, (e) => e);
        ok(error instanceof SluiceError);
        equal(error.code, "FORBIDDEN");
      } finally {
        await client.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("authorize sees addresses in lowercase, and a hook that answers nonsense refuses", async () => {
  const seen: string[] = [];
  const logged: string[] = [];
  const account = privateKeyToAccount(`0x${bytesToHex(secp.utils.randomSecretKey())}`);
  const server = startServer(ROWS, {
    anonymous: false,
    // The hook's bug is reported to the server's logger, never to the client.
    logger: { error: (message) => void logged.push(message) },
    authorize: (identity, request) => {
      if (identity?.kind === "ethereum") seen.push(identity.address);
      // A bug in the hook: neither a boolean nor { filters }.
      return (request.outputFormat === "json" ? undefined : true) as unknown as boolean;
    },
  });
  try {
    // viem's address is checksummed (mixed case); the client sends it as it is.
    const signer = {
      address: account.address,
      signMessage: (m: string) => account.signMessage({ message: m }),
    };
    // INTERNAL_ERROR is recoverable with a retryAfter: the client asks again once, here.
    const client = new ClientBuilder(server.url).withSigner(signer)
      .withReconnect({ maxAttempts: 1, baseMs: 10 }).build();
    try {
      await client.connect();
      const bad = client.download({
        searchParams: SEARCH,
        outputFormat: "json",
        compression: false,
      });
      const error = await bad.done.then(() => undefined, (e) => e);
      equal(error?.code, "INTERNAL_ERROR");
      const good = client.download({
        searchParams: SEARCH,
        outputFormat: "csv",
        compression: false,
      });
      await new Response(good.readable).arrayBuffer();
      await good.done;
    } finally {
      await client.close();
    }
    // The bad download and its one retry, then the good one.
    deepEqual(seen, Array(3).fill(account.address.toLowerCase()));
    ok(account.address !== account.address.toLowerCase());
    equal(logged.length, 2);
    ok(logged[0].startsWith("sluice: "), logged[0]);
  } finally {
    await server.close();
  }
});

Deno.test("a download still awaiting authorize when its connection closes never starts", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let asked = 0;
  const server = startServer(ROWS, {
    anonymous: false,
    authorize: async () => {
      asked++;
      await held;
      return true;
    },
  });
  try {
    const peer = await SignedPeer.open(server.url);
    await peer.signIn();
    peer.send(await peer.signed(requestMessage("late")));
    while (asked === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await peer.close();
    release();
    const watcher = await SignedPeer.open(server.url);
    try {
      await watcher.signIn();
      watcher.send(
        await watcher.signed({
          event: "connection:health",
          data: {},
          timestamp: Date.now(),
          requestId: "h",
        }),
      );
      equal((await watcher.message("connection:health", "h")).data.activeDownloads, 0);
    } finally {
      await watcher.close();
    }
  } finally {
    await server.close();
  }
});
