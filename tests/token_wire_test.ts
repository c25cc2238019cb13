// What a party on the wire gets of a token sign-in (PROTOCOL.md §15.8, docs/SECURITY.md): a relay
// that records every message the client sends never sees the token, with encryption off too; the
// sealed token it recorded, replayed on a connection of its own, does not open; and a client that
// pins another server key sends nothing of its token at all.
import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { ClientBuilder } from "../client/client_builder.ts";
import { SluiceError } from "../client/sluice_error.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { downloadCsv, RawPeer, startServer } from "./_harness.ts";

const ROWS = 500;
const TOKEN = "opaque-session-7f3a9c1e5b2d4680aa11";
/** secp256k1's generator, compressed: a session key whose secret the relay does not hold. */
const GENERATOR = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

/**
 * A TCP relay on loopback (so the server sees the Host the client dialled) that records what the
 * client sends: the WebSocket messages of RFC 6455 framing, unmasked, text and binary alike.
 */
class RecordingRelay {
  readonly #listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly #conns: Deno.Conn[] = [];
  readonly #pumps: Promise<void>[] = [];
  readonly #accepting: Promise<void>;
  /** Each client message's payload, as Latin-1 text (any byte sequence can be searched). */
  readonly messages: string[] = [];

  constructor(upstreamPort: number) {
    this.#accepting = (async () => {
      for await (const client of this.#listener) {
        const server = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
        this.#conns.push(client, server);
        this.#pumps.push(this.#pump(client, server, true), this.#pump(server, client, false));
      }
    })();
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#listener.addr.port}/`;
  }

  async #pump(from: Deno.Conn, to: Deno.Conn, record: boolean): Promise<void> {
    const buffer = new Uint8Array(65_536);
    let pending: Uint8Array = new Uint8Array(0);
    let upgraded = false;
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        if (record) {
          pending = Uint8Array.from([...pending, ...buffer.subarray(0, n)]);
          if (!upgraded) {
            const head = new TextDecoder().decode(pending).indexOf("\r\n\r\n");
            if (head >= 0) {
              upgraded = true;
              pending = pending.slice(head + 4);
            }
          }
          if (upgraded) pending = this.#frames(pending);
        }
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

  /** Takes the whole frames off `bytes` (a client's are always masked); gives what is left. */
  #frames(bytes: Uint8Array): Uint8Array {
    let at = 0;
    for (;;) {
      if (bytes.length - at < 2) break;
      let length = bytes[at + 1] & 0x7f;
      let header = 2;
      if (length === 126) {
        length = (bytes[at + 2] << 8) | bytes[at + 3];
        header = 4;
      } else if (length === 127) {
        length = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0));
        header = 10;
      }
      if (bytes.length - at < header + 4 + length) break;
      const mask = bytes.subarray(at + header, at + header + 4);
      const payload = bytes.slice(at + header + 4, at + header + 4 + length)
        .map((b, i) => b ^ mask[i % 4]);
      this.messages.push(String.fromCharCode(...payload));
      at += header + 4 + length;
    }
    return bytes.slice(at);
  }

  /** The payload of the recorded `auth:authenticate`, if any. */
  answer(): Extract<ClientMessage, { event: "auth:authenticate" }>["data"] | undefined {
    for (const text of this.messages) {
      if (!text.startsWith("{")) continue;
      const message = JSON.parse(text) as ClientMessage;
      if (message.event === "auth:authenticate") return message.data;
    }
    return undefined;
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

Deno.test("a token never crosses the wire in clear, with encryption off too, and its recorded seal opens on no other connection", async () => {
  const seen: string[] = [];
  const server = startServer(ROWS, {
    anonymous: false,
    encryption: false,
    authenticate: (token) => {
      seen.push(token);
      return token === TOKEN ? { subject: "alice" } : null;
    },
  });
  const relay = new RecordingRelay(Number(new URL(server.url).port));
  try {
    const { bytes } = await downloadCsv(new ClientBuilder(relay.url).withToken(() => TOKEN));
    ok(bytes.length > 0);
    deepStrictEqual(seen, [TOKEN]);
    ok(relay.messages.some((m) => m.includes('"auth:nonce"')), "the relay reads what is sent");
    ok(relay.messages.every((text) => !text.includes(TOKEN)), "the token in clear on the wire");
    const answer = relay.answer();
    ok(answer?.sealedToken !== undefined && answer.signature === undefined);
    deepStrictEqual(answer.identity, { kind: "token" });

    // The recorded seal, offered on a connection of the relay's own: it does not open there.
    const peer = await RawPeer.open(server.url);
    try {
      peer.send({
        event: "auth:nonce",
        data: { identity: { kind: "token" }, sessionKey: GENERATOR },
        timestamp: Date.now(),
        requestId: "n",
      });
      const challenge = await peer.message("auth:challenge");
      peer.send({
        event: "auth:authenticate",
        data: {
          identity: { kind: "token" },
          nonce: challenge.data.nonce,
          sealedToken: answer.sealedToken,
        },
        timestamp: Date.now(),
        requestId: "a",
      });
      const result = await peer.message("auth:result");
      ok(!result.data.authenticated);
      equal(result.data.error.code, "AUTH_TOKEN_SEAL");
      equal((await peer.closed).code, 4401);
    } finally {
      await peer.close();
    }
    deepStrictEqual(seen, [TOKEN], "the replayed seal reached no token check");
  } finally {
    await relay.close();
    await server.close();
  }
});

Deno.test("a client that pins another server key sends nothing of its token", async () => {
  let asked = 0;
  const server = startServer(ROWS, {
    anonymous: false,
    authenticate: () => ({ subject: "alice" }),
  });
  const relay = new RecordingRelay(Number(new URL(server.url).port));
  const client = new ClientBuilder(relay.url)
    .withToken(() => {
      asked++;
      return TOKEN;
    })
    .withServerKey("02" + "11".repeat(32))
    .withReconnect({ maxAttempts: 0 })
    .build();
  try {
    await rejects(
      () => client.connect(),
      (error) => error instanceof SluiceError && error.code === "SERVER_KEY_MISMATCH",
    );
    equal(asked, 0, "the token source was not even asked");
    equal(relay.answer(), undefined);
  } finally {
    await client.close();
    await relay.close();
    await server.close();
  }
});
