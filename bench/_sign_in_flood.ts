// The flood of bench/sign_in_flood.ts, in its own process (so that its work is not the measured
// client's): `deno run -A bench/_sign_in_flood.ts <port> <kind> <first address> <addresses>
// <loops per address> <attempts a second, all loops together; 0: as fast as the server answers>`.
// Each loop dials the server at 127.0.0.1:<port> from its own loopback
// address (127.0.0.<first>, <first>+1, …: Linux routes all of 127/8 to the loopback device, and
// node:net's `localAddress` binds the source, which `Deno.connect` and WebSocket cannot), speaks
// WebSocket by hand, and over and over:
//   bad-signature: auth:nonce for a fresh identity, then auth:authenticate with a garbage
//                  signature once the challenge comes;
//   nonce-only:    auth:nonce for a fresh identity, and gone once the challenge comes.
// Every 200 ms it prints one JSON line: attempts so far, and the codes and closes seen.
import net from "node:net";
import * as secp from "npm:@noble/secp256k1@3.2.0";
import { bytesToHex } from "npm:@noble/hashes@2.4.0/utils.js";
import { clientFrame, OPCODE, upgradeRequest } from "../tests/_raw_socket.ts";

const [port, kind, first, addresses, loops, perSecond] = [
  Number(Deno.args[0]),
  Deno.args[1] as "bad-signature" | "nonce-only",
  Number(Deno.args[2]),
  Number(Deno.args[3]),
  Number(Deno.args[4]),
  Number(Deno.args[5] ?? 0),
];
/** Each loop starts an attempt at most this often, so that all together make `perSecond`. */
const INTERVAL_MS = perSecond > 0 ? (addresses * loops * 1000) / perSecond : 0;
const decoder = new TextDecoder();
/** Identities drawn once: the attacker's work is sending, not making keys. */
const IDENTITIES = Array.from({ length: 2000 }, () => ({
  kind: "secp256k1",
  publicKey: bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey())),
}));
const SESSION_KEY = bytesToHex(secp.getPublicKey(secp.utils.randomSecretKey()));
let drawn = 0;

const tally = {
  attempts: 0,
  codes: {} as Record<string, number>,
  closes: {} as Record<string, number>,
};
const count = (into: Record<string, number>, key: string) => into[key] = (into[key] ?? 0) + 1;

/** The server's unmasked frames in `buffer` from `at`: each frame, and where the next begins. */
function* frames(
  buffer: Uint8Array,
): Generator<{ opcode: number; payload: Uint8Array; end: number }> {
  let at = 0;
  while (buffer.length - at >= 2) {
    let length = buffer[at + 1] & 0x7f;
    let head = 2;
    if (length === 126) {
      if (buffer.length - at < 4) return;
      length = (buffer[at + 2] << 8) | buffer[at + 3];
      head = 4;
    } else if (length === 127) return; // nothing this large answers a sign-in
    if (buffer.length - at < head + length) return;
    yield {
      opcode: buffer[at] & 0x0f,
      payload: buffer.subarray(at + head, at + head + length),
      end: at + head + length,
    };
    at += head + length;
  }
}

/** One attempt on a new connection from `localAddress`; resolves once the connection is gone. */
function attempt(localAddress: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    const identity = IDENTITIES[drawn++ % IDENTITIES.length];
    let buffer = new Uint8Array(0);
    let upgraded = false;
    const send = (message: object) =>
      socket.write(clientFrame(OPCODE.text, JSON.stringify({ ...message, timestamp: Date.now() })));
    socket.on("connect", () => socket.write(upgradeRequest(port)));
    socket.on("data", (chunk: Uint8Array) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      if (!upgraded) {
        const end = decoder.decode(buffer).indexOf("\r\n\r\n");
        if (end < 0) return;
        upgraded = true;
        const status = decoder.decode(buffer.subarray(0, 12));
        buffer = buffer.subarray(end + 4);
        if (!status.includes("101")) {
          count(tally.closes, `HTTP ${status.slice(9, 12)}`);
          return socket.destroy();
        }
        tally.attempts++;
        send({ event: "auth:nonce", data: { identity, sessionKey: SESSION_KEY }, requestId: "n" });
      }
      let consumed = 0;
      for (const frame of frames(buffer)) {
        consumed = frame.end;
        if (frame.opcode === OPCODE.close) {
          count(tally.closes, String((frame.payload[0] << 8) | frame.payload[1]));
          socket.destroy();
          return;
        }
        if (frame.opcode !== OPCODE.text) continue;
        const message = JSON.parse(decoder.decode(frame.payload));
        if (message.event === "auth:challenge") {
          if (kind === "nonce-only") {
            count(tally.codes, "challenge");
            socket.destroy();
            return;
          }
          const signature = bytesToHex(crypto.getRandomValues(new Uint8Array(64)));
          const data = { identity, nonce: message.data.nonce, signature };
          send({ event: "auth:authenticate", data, requestId: "a" });
        } else if (message.event === "system:error") count(tally.codes, message.data.code);
        else if (message.event === "auth:result" && !message.data.authenticated) {
          count(tally.codes, message.data.error.code);
        }
      }
      buffer = buffer.subarray(consumed);
    });
    socket.on("error", () => count(tally.closes, "error"));
    socket.on("close", () => resolve());
  });
}

async function loop(localAddress: string, offset: number): Promise<void> {
  // Spread over the interval, so that the loops do not start their attempts in step.
  await new Promise((resolve) => setTimeout(resolve, offset));
  for (;;) {
    const next = performance.now() + INTERVAL_MS;
    await attempt(localAddress);
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

for (let a = 0; a < addresses; a++) {
  for (let l = 0; l < loops; l++) {
    void loop(`127.0.0.${first + a}`, (INTERVAL_MS * (a * loops + l)) / (addresses * loops));
  }
}
setInterval(() => console.log(JSON.stringify(tally)), 200);
