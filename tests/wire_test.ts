// What an attacker on the wire sees and can do: a capture of every byte of an encrypted export
// holds no row in plain text, and a man in the middle that runs its own handshakes with both sides
// is caught by a client that pins the server's key and by the server's check of the signature.
import { equal, ok } from "node:assert/strict";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { ClientBuilder } from "../client/client_builder.ts";
import { SluiceError } from "../client/sluice_error.ts";
import type { AuthChallenge, ClientMessage, ServerMessage } from "../protocol/messages.ts";
import { demoPath, downloadCsv, startServer } from "./_harness.ts";
import { sqlite3Csv } from "./_sqlite3.ts";

const ROWS = 10_000;

/** A TCP relay on 127.0.0.1 that records every byte the server sends towards the client. */
class CapturingRelay {
  readonly #listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly #pumps: Promise<void>[] = [];
  readonly #conns: Deno.Conn[] = [];
  readonly fromServer: Uint8Array[] = [];
  readonly #accepting: Promise<void>;

  constructor(upstreamPort: number) {
    this.#accepting = (async () => {
      for await (const client of this.#listener) {
        const server = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
        this.#conns.push(client, server);
        this.#pumps.push(this.#pump(client, server, false), this.#pump(server, client, true));
      }
    })();
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  async #pump(from: Deno.Conn, to: Deno.Conn, record: boolean): Promise<void> {
    const buffer = new Uint8Array(65_536);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        if (record) this.fromServer.push(buffer.slice(0, n));
        await to.write(buffer.subarray(0, n));
      }
    } catch (_closed) {
      // The other side went away; the relay ends with it.
    }
    try {
      await to.closeWrite();
    } catch (_alreadyClosed) {
      // Closed by the other pump.
    }
  }

  /** Everything the server sent, as one Latin-1 string (so any byte sequence can be searched). */
  captured(): string {
    return this.fromServer.map((chunk) => String.fromCharCode(...chunk)).join("");
  }

  async close(): Promise<void> {
    this.#listener.close();
    await this.#accepting.catch(() => {});
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch (_alreadyClosed) {
        // Closed when its peer ended.
      }
    }
    await Promise.all(this.#pumps);
  }
}

Deno.test("with encryption on, no row appears in plain text among the bytes on the wire", async () => {
  const expected = await sqlite3Csv(
    demoPath(ROWS),
    Date.parse("2024-01-01"),
    Date.parse("2030-01-01"),
  );
  const lines = new TextDecoder().decode(expected).split("\r\n").filter((l) => l !== "");
  // Every 500th row, and every distinct order id of the first rows: whole lines and single cells.
  const probes = [
    ...lines.filter((_, i) => i > 0 && i % 500 === 0),
    ...lines.slice(1, 50).map((l) => l.split(",")[9]).filter((cell) => cell.length >= 8),
  ];
  ok(probes.length > 30);
  for (const encryption of [true, false]) {
    const server = startServer(ROWS, { encryption });
    const relay = new CapturingRelay(Number(new URL(server.url).port));
    try {
      const { bytes } = await downloadCsv(new ClientBuilder(`ws://127.0.0.1:${relay.port}/`));
      equal(bytes.length, expected.length);
      const wire = relay.captured();
      ok(wire.length > expected.length, "the whole export crossed the relay");
      const seen = probes.filter((probe) => wire.includes(probe));
      // Without encryption the same capture shows the rows: the probe can see them when they are there.
      if (encryption) equal(seen.length, 0, `plain text on the wire: ${seen.slice(0, 3)}`);
      else equal(seen.length, probes.length);
    } finally {
      await relay.close();
      await server.close();
    }
  }
});

/**
 * A man in the middle at the WebSocket level: it accepts the client, opens its own connection to
 * the server, and runs its own handshake with each side (its own ephemeral keys), so that it could
 * read and forge everything if either side accepted. It relays the client's signature upstream.
 */
class ManInTheMiddle {
  readonly #http: Deno.HttpServer<Deno.NetAddr>;
  /** What the real server answered to the relayed signature. */
  upstreamResult: ServerMessage | undefined;
  /** Data frames that reached the man in the middle from the server. */
  dataFrames = 0;
  readonly #sockets = new Set<WebSocket>();
  readonly #done: Promise<void>[] = [];

  constructor(serverUrl: string, { forgeServerKey }: { forgeServerKey: boolean }) {
    const fakeIdentity = secp.utils.randomSecretKey();
    this.#http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
      const { socket: victim, response } = Deno.upgradeWebSocket(request);
      const upstream = new WebSocket(serverUrl);
      upstream.binaryType = "arraybuffer";
      for (const s of [victim, upstream]) {
        this.#sockets.add(s);
        this.#done.push(new Promise((resolve) => s.addEventListener("close", () => resolve())));
      }
      const opened = new Promise((resolve) => upstream.addEventListener("open", resolve));
      const myOrigin = `ws://${new URL(request.url).host}`;
      upstream.addEventListener("message", (event) => {
        if (typeof event.data !== "string") return void this.dataFrames++;
        const message = JSON.parse(event.data) as ServerMessage;
        if (message.event === "auth:challenge") {
          // Offer the victim its own session key, under the victim's origin; keep the server's
          // identity key and proof (a pinned client checks them), or forge its own.
          const forged: AuthChallenge = {
            ...message.data,
            origin: myOrigin,
            sessionKey: bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey())),
            ...(forgeServerKey ? { serverKey: bytesToHex(secp.getPublicKey(fakeIdentity)) } : {}),
          };
          victim.send(JSON.stringify({ ...message, data: forged }));
        } else if (message.event === "auth:result") {
          this.upstreamResult = message;
          victim.send(event.data);
        }
      });
      victim.addEventListener("message", async (event) => {
        const message = JSON.parse(String(event.data)) as ClientMessage;
        await opened;
        if (message.event === "auth:nonce") {
          // Its own session key towards the server, with the victim's identity.
          const mine = bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey()));
          upstream.send(
            JSON.stringify({ ...message, data: { ...message.data, sessionKey: mine } }),
          );
        } else if (message.event === "auth:authenticate") {
          upstream.send(JSON.stringify(message));
        }
      });
      return response;
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#http.addr.port}/`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) if (s.readyState === WebSocket.OPEN) s.close();
    await Promise.all(this.#done);
    await this.#http.shutdown();
  }
}

async function connectError(builder: ClientBuilder): Promise<SluiceError> {
  const client = builder.withReconnect({ maxAttempts: 0 }).build();
  try {
    return await client.connect().then(
      () => {
        throw new Error("connected through a man in the middle");
      },
      (error) => error,
    );
  } finally {
    await client.close();
  }
}

Deno.test("a man in the middle is refused by a client that pins the server key", async () => {
  const server = startServer(ROWS, { anonymous: false });
  try {
    for (const forgeServerKey of [false, true]) {
      const mitm = new ManInTheMiddle(server.url, { forgeServerKey });
      try {
        const error = await connectError(
          new ClientBuilder(mitm.url).withServerKey(server.sluice.serverKey),
        );
        ok(error instanceof SluiceError, String(error));
        equal(error.code, "SERVER_KEY_MISMATCH");
        equal(mitm.upstreamResult, undefined, "the client signed nothing");
        equal(mitm.dataFrames, 0);
      } finally {
        await mitm.close();
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("the signature a man in the middle relays from an unpinned client is refused by the server", async () => {
  const server = startServer(ROWS, { anonymous: false });
  const mitm = new ManInTheMiddle(server.url, { forgeServerKey: true });
  try {
    const error = await connectError(new ClientBuilder(mitm.url));
    ok(error instanceof SluiceError, String(error));
    equal(error.code, "AUTH_BAD_SIGNATURE");
    const result = mitm.upstreamResult;
    ok(result?.event === "auth:result" && !result.data.authenticated);
    equal(result.data.error.code, "AUTH_BAD_SIGNATURE");
    equal(mitm.dataFrames, 0);
  } finally {
    await mitm.close();
    await server.close();
  }
});
