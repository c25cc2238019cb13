// The message attackers of the fuzz suite (tests/_fuzz.ts), each against a live server: streams
// of malformed messages whose every answer is checked against its predicted code, SQL in filter
// values, sealed sessions that replay, reorder and tamper, and frames the WebSocket layer refuses.
// The resource attacks are tests/_fuzz_resources.ts's.
import { ERROR_CODES } from "../protocol/errors.ts";
import type { ClientMessage } from "../protocol/messages.ts";
import { parseServerMessage } from "../protocol/parse.ts";
import { clientFrame, OPCODE, RawSocket } from "./_raw_socket.ts";
import { SignedPeer } from "./_signed_peer.ts";
import type { FuzzMessage } from "./_fuzz_messages.ts";
import { SQL_VALUES } from "./_fuzz_messages.ts";
import type { FuzzTally } from "./_fuzz_tally.ts";

export { FuzzTally } from "./_fuzz_tally.ts";

const DOCUMENTED = new Set<string>(ERROR_CODES);
/** Answers a stream waits for at most at once: a client waits for answers (§10). */
const WINDOW = 32;
/** Every row of the demo table. */
export const EVERYTHING = { timeFrom: "2000-01-01", timeTo: "2100-01-01", filters: [] };

function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(socket), { once: true });
    socket.addEventListener("error", () => reject(new Error("could not connect")), { once: true });
  });
}

/**
 * Sends `messages` on one connection, at most {@linkcode WINDOW} unanswered at once, and checks
 * that each is answered, in order, with its predicted code; the connection must stay open.
 */
export async function malformedStream(
  url: string,
  messages: readonly FuzzMessage[],
  tally: FuzzTally,
): Promise<void> {
  const socket = await openSocket(url);
  let next = 0;
  let answered = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < messages.length && next - answered < WINDOW) {
        const m = messages[next++];
        tally.count(m.kind);
        socket.send(m.payload as string | Uint8Array<ArrayBuffer>);
      }
      if (answered === messages.length) resolve();
    };
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return tally.wrong("a data frame answered garbage");
      const parsed = parseServerMessage(event.data);
      const m = messages[answered++];
      if (!parsed.ok) return tally.wrong(`an answer that does not parse: ${event.data}`);
      const reply = parsed.value;
      if (reply.event !== "system:error" && reply.event !== "download:error") {
        tally.wrong(`${m.kind} answered with ${reply.event}`);
      } else {
        tally.code(reply.data.code);
        const fits = m.expected === "any"
          ? DOCUMENTED.has(reply.data.code)
          : reply.data.code === m.expected;
        if (!fits) tally.wrong(`${m.kind}: expected ${m.expected}, got ${reply.data.code}`);
      }
      pump();
    });
    socket.addEventListener("close", (event) => {
      if (answered < messages.length) {
        tally.wrong(`closed (${event.code}) after ${answered} of ${messages.length} answers`);
        tally.close(event.code);
      }
      resolve();
    });
    pump();
  });
  socket.close();
}

/** Downloads filtered by SQL text: each must run as a comparison and match no row. */
export async function sqlStream(url: string, count: number, tally: FuzzTally): Promise<void> {
  const socket = await openSocket(url);
  const ops = ["eq", "neq", "prefix", "in", "lt"] as const;
  try {
    for (let i = 0; i < count; i++) {
      const value = SQL_VALUES[i % SQL_VALUES.length];
      const operator = ops[i % ops.length];
      const request: ClientMessage = {
        event: "download:request",
        data: {
          searchParams: {
            ...EVERYTHING,
            // A symbol that is SQL matches nothing; with neq and lt, a second filter keeps it small.
            filters: [
              { field: "symbol", operator, value: operator === "in" ? [value, value] : value },
              { field: "id", operator: "lt", value: 3 },
            ],
          },
          outputFormat: "csv",
          compression: false,
        },
        timestamp: Date.now(),
        requestId: `sql-${i}`,
      };
      tally.count("SQL in filter values");
      socket.send(JSON.stringify(request));
      const done = await nextOf(socket, `sql-${i}`, ["download:complete", "download:error"]);
      if (done?.event !== "download:complete") {
        tally.wrong(`SQL filter ${JSON.stringify(value)} ${operator}: ${JSON.stringify(done)}`);
      } else if (done.data.rows > 2) tally.wrong(`SQL filter matched ${done.data.rows} rows`);
    }
  } finally {
    socket.close();
  }
}

/** The next message on `socket` of one of `events` for `requestId`, or undefined at its close. */
function nextOf(
  socket: WebSocket,
  requestId: string,
  events: readonly string[],
): Promise<{ event: string; data: { rows: number } } | undefined> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (typeof event.data !== "string") return;
      const m = JSON.parse(event.data);
      if (m.requestId !== requestId || !events.includes(m.event)) return;
      socket.removeEventListener("message", onMessage);
      resolve(m);
    };
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", () => resolve(undefined), { once: true });
  });
}

const SEALED_ATTACKS = [
  "replayed command",
  "replayed frame",
  "reordered frame",
  "tampered frame",
  "sealed malformed JSON",
] as const;

/** What each sealed attack must get: its code, and whether the session ends (4400). */
const SEALED_EXPECTED: Record<(typeof SEALED_ATTACKS)[number], [string, boolean]> = {
  "replayed command": ["COMMAND_REPLAYED", false],
  "replayed frame": ["REPLAYED_FRAME", true],
  "reordered frame": ["REORDERED_FRAME", true],
  "tampered frame": ["DECRYPTION_FAILED", true],
  "sealed malformed JSON": ["MALFORMED_JSON", true],
};

export function statusCheck(requestId: string): ClientMessage {
  return { event: "status:check", data: {}, timestamp: Date.now(), requestId };
}

/** A signed-in, sealed session that breaks its seal or its commands: attack `i` of the list. */
export async function sealedAttack(url: string, i: number, tally: FuzzTally): Promise<void> {
  const attack = SEALED_ATTACKS[i % SEALED_ATTACKS.length];
  const peer = await SignedPeer.open(url);
  try {
    await peer.signIn();
    tally.count(attack);
    const [code, ends] = SEALED_EXPECTED[attack];
    if (attack === "replayed command") {
      const command = await peer.signed(statusCheck("once"));
      peer.send(command);
      await peer.message("status:update", "once");
      peer.send(command);
    } else if (attack === "sealed malformed JSON") {
      peer.send('{"event":"status:check",');
    } else {
      peer.hold = true;
      const before = peer.sent.length;
      peer.send(await peer.signed(statusCheck("a")));
      peer.send(await peer.signed(statusCheck("b")));
      await peer.flushed();
      peer.hold = false;
      const [first, second] = peer.sent.slice(before) as Uint8Array[];
      if (attack === "replayed frame") {
        peer.sendRaw(first);
        peer.sendRaw(first);
      } else if (attack === "reordered frame") peer.sendRaw(second);
      else {
        const tampered = first.slice();
        tampered[20] ^= 0x01;
        peer.sendRaw(tampered);
      }
    }
    const error = await peer.next((r) =>
      r.kind === "message" &&
      (r.message.event === "system:error" || r.message.event === "download:error")
    );
    const got = error.kind === "message" && "code" in error.message.data
      ? String(error.message.data.code)
      : "?";
    tally.code(got);
    if (got !== code) tally.wrong(`${attack}: expected ${code}, got ${got}`);
    if (ends) {
      const closed = (await peer.closed).code;
      tally.close(closed);
      if (closed !== 4400) tally.wrong(`${attack}: closed with ${closed}, not 4400`);
    }
  } finally {
    await peer.close();
  }
}

/**
 * WebSocket frames the guard's WebSocket refuses before the server sees them: each ends its
 * connection, with 1007 (not UTF-8) or 1002 (RFC 6455's protocol error).
 */
export async function brokenWebSocketFrame(
  port: number,
  i: number,
  tally: FuzzTally,
): Promise<void> {
  const raw = await RawSocket.open(port);
  const kinds = ["invalid UTF-8 text", "unmasked frame", "reserved bits", "unknown opcode"];
  const kind = kinds[i % kinds.length];
  tally.count(kind);
  const bad = new Uint8Array([0x7b, 0xc3, 0x28, 0xff, 0x7d]);
  let frame: Uint8Array;
  if (kind === "invalid UTF-8 text") frame = clientFrame(OPCODE.text, bad);
  else if (kind === "unmasked frame") frame = new Uint8Array([0x81, 2, 0x7b, 0x7d]);
  else if (kind === "reserved bits") {
    frame = clientFrame(OPCODE.text, "{}");
    frame[0] |= 0x40;
  } else frame = clientFrame(3, "{}");
  await raw.write(frame);
  const seen = await raw.readAll();
  raw.close();
  // Nothing the server said: the WebSocket layer ended it (§19.3).
  if (seen.texts.length > 0) tally.wrong(`${kind} was answered: ${seen.texts[0]}`);
  const expected = kind === "invalid UTF-8 text" ? 1007 : 1002;
  const closed = seen.close?.code ?? 1006;
  tally.close(closed);
  if (closed !== expected) tally.wrong(`${kind} closed with ${closed}, not ${expected}`);
}

/** A WebSocket frame cut short: its header promises more than ever comes, then the peer goes. */
export async function truncatedWebSocketFrame(port: number, tally: FuzzTally): Promise<void> {
  const raw = await RawSocket.open(port);
  tally.count("truncated WebSocket frame");
  await raw.write(clientFrame(OPCODE.text, "x".repeat(1000)).subarray(0, 40));
  raw.close();
}
