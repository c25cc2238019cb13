/**
 * A front for `Deno.serve` that bounds what the runtime's HTTP server does
 * not (docs/PROTOCOL.md §19.2): the time a peer takes to send its request
 * head, and the connections still sending one, per remote address and in
 * total. `Deno.serve` reads the head itself, with no timeout, and calls the
 * handler only once it is complete, so a thousand half-sent upgrades stay
 * open for ever in front of it.
 *
 * The guard listens on TCP and reads each connection's head itself. Over
 * the time it answers 408, over a count (per address, an IPv6 /64, and in
 * all) 429 or 503, over the size 431, and closes.
 *
 * A complete head of a WebSocket upgrade goes to the handler in this
 * process, with the peer's address and an `upgrade` of the guard's in
 * place of `Deno.upgradeWebSocket`: a socket that speaks WebSocket on the
 * peer's own connection (websocket_connection.ts). Messages go straight to
 * the peer, rather than through a loopback connection to a `Deno.serve`
 * and back out through the guard, which cost 6–9 % of the server's CPU in
 * an encrypted export from PostgreSQL (bench/RESULTS.md).
 *
 * Any other complete head goes to an inner `Deno.serve` on a loopback
 * port, with a secret of the guard's and the peer's address in headers of
 * their own (request_head.ts); the inner server answers 403 to anything
 * without the secret, so a local process that finds its port is served
 * nothing and cannot claim an address (the guard bounds peers from the
 * network, not the machine's own processes). The guard then copies bytes
 * both ways. (Not a Unix socket: behind one, the server held about 1 MB
 * more for each peer that reads nothing; bench/RESULTS.md.) Each connection
 * carries one request: a request that is not a WebSocket upgrade is passed
 * on with `Connection: close`, so no later head escapes the timeout. A
 * write to the peer that makes no progress for a bounded time cuts the TCP
 * connection: a peer that stopped reading is aborted, which a server
 * `WebSocket` in Deno cannot do.
 *
 * Where the platform fronts the server already (`deno serve`, Deno
 * Deploy), or the server is embedded in an app's own `Deno.serve`, there is
 * no guard: wrap the handler in {@linkcode serveGuarded}, or put a proxy
 * with a header timeout in front.
 *
 * @module
 */

import { sameText } from "../protocol/sign_in.ts";
import { deadline, writeAll } from "./_conn_writes.ts";
import { addressKey } from "./address_key.ts";
import {
  asksForWebSocket,
  GUARD_HEADER,
  headLength,
  passedHead,
  PEER_HEADER,
  readHead,
  type RequestHead,
} from "./request_head.ts";
import type { ConnectionInfo } from "./server_options.ts";
import { WebSocketConnection } from "./websocket_connection.ts";
import { acceptValue, upgradeProblem } from "./websocket_frames.ts";

/** The guard's limits, and where it listens. */
export interface UpgradeGuardOptions {
  /** The interface to listen on, e.g. `127.0.0.1`. */
  readonly hostname: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * Longest time from the TCP connection to the end of its request head.
   *
   * @default {10000}
   */
  readonly headTimeoutMs?: number;
  /**
   * Connections still sending their head, from one remote address (an IPv6 /64).
   *
   * @default {32}
   */
  readonly maxPendingPerAddress?: number;
  /**
   * Connections still sending their head, in all.
   *
   * @default {1024}
   */
  readonly maxPending?: number;
  /**
   * Largest request head, bytes.
   *
   * @default {16384}
   */
  readonly maxHeadBytes?: number;
  /**
   * How long the inner server may take to end its answer once the peer
   * stopped sending, before the connection is cut.
   *
   * @default {10000}
   */
  readonly lingerMs?: number;
  /**
   * Longest time one write to the peer may take: a peer that reads
   * nothing for this long is cut off, whatever the server above does (its
   * own `stallTimeoutMs`, 30 s by default, closes politely first).
   *
   * @default {45000}
   */
  readonly writeStallMs?: number;
  /**
   * Longest message a WebSocket peer may send, bytes: a longer one closes
   * the connection with 1009. (A sluice server refuses a message over its
   * `parseLimits.maxMessageBytes`, 64 KiB, with `MESSAGE_TOO_LARGE` and
   * goes on; this bounds what the guard buffers before it can.)
   *
   * @default {4194304}
   */
  readonly maxMessageBytes?: number;
  /** Called once listening, with the address. */
  readonly onListen?: (addr: Deno.NetAddr) => void;
}

/** A running guard. */
export interface GuardedServer {
  /** Where it listens. */
  readonly addr: Deno.NetAddr;
  /** Connections whose head has not arrived yet. */
  readonly pending: number;
  /** Settles once shut down. */
  readonly finished: Promise<void>;
  /**
   * Stops listening, lets the inner server finish its requests and what it
   * sent reach the peers (`lingerMs` at most), and closes every connection.
   */
  shutdown(): Promise<void>;
}

/**
 * The handler info the inner server gives, with the guarded peer's
 * address; for a WebSocket upgrade, which the guard serves itself, also
 * its `upgrade` (in place of `Deno.upgradeWebSocket`).
 */
export type GuardedHandler = (
  request: Request,
  info: ConnectionInfo & { readonly remoteAddr: { readonly hostname: string } },
) => Response | Promise<Response>;

const ANSWERS = {
  malformed: "400 Bad Request",
  timeout: "408 Request Timeout",
  tooLarge: "431 Request Header Fields Too Large",
  address: "429 Too Many Requests",
  total: "503 Service Unavailable",
} as const;

/**
 * Serves `handler` behind the guard.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { serveGuarded } from "./upgrade_guard.ts";
 * const server = serveGuarded(
 *   { hostname: "127.0.0.1", port: 0 },
 *   (_request, info) => new Response(info.remoteAddr.hostname),
 * );
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * equal(await response.text(), "127.0.0.1");
 * await server.shutdown();
 * ```
 */
export function serveGuarded(
  options: UpgradeGuardOptions,
  handler: GuardedHandler,
): GuardedServer {
  const headTimeoutMs = options.headTimeoutMs ?? 10_000;
  const maxPendingPerAddress = options.maxPendingPerAddress ?? 32;
  const maxPending = options.maxPending ?? 1024;
  const maxHeadBytes = options.maxHeadBytes ?? 16_384;
  const lingerMs = options.lingerMs ?? 10_000;
  const writeStallMs = options.writeStallMs ?? 45_000;
  const socketOptions = {
    maxMessageBytes: options.maxMessageBytes ?? 4 << 20,
    writeStallMs,
    closeWaitMs: lingerMs,
  };
  const secret = [...crypto.getRandomValues(new Uint8Array(32))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const inner = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    innerHandler(secret, handler),
  );
  const innerPort = inner.addr.port;
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const addr = listener.addr;
  const byAddress = new Map<string, number>();
  const open = new Set<Deno.Conn>();
  const relays = new Set<Promise<void>>();
  let pending = 0;

  const serveOne = async (conn: Deno.TcpConn): Promise<void> => {
    open.add(conn);
    try {
      await guardOne(conn);
    } finally {
      // However it ended (a peer that reset its connection mid-head throws), it is not open.
      open.delete(conn);
    }
  };

  const guardOne = async (conn: Deno.TcpConn): Promise<void> => {
    const peer = conn.remoteAddr.hostname;
    // Counted by the address's key (an IPv6 /64), as every per-address bound is.
    const key = addressKey(peer);
    const mine = byAddress.get(key) ?? 0;
    const over = pending >= maxPending ? "total" : mine >= maxPendingPerAddress ? "address" : "";
    if (over !== "") return refuse(conn, ANSWERS[over], open);
    pending++;
    byAddress.set(key, mine + 1);
    let head: { head: Uint8Array; rest: Uint8Array } | keyof typeof ANSWERS;
    try {
      head = await receiveHead(conn, headTimeoutMs, maxHeadBytes);
    } finally {
      pending--;
      const left = (byAddress.get(key) ?? 1) - 1;
      if (left === 0) byAddress.delete(key);
      else byAddress.set(key, left);
    }
    if (typeof head === "string") return refuse(conn, ANSWERS[head], open);
    // What the inner server would read otherwise than the guard does (a bare LF as a line's
    // end, say) never reaches it.
    const request = readHead(textOf(head.head));
    if (request === undefined) return refuse(conn, ANSWERS.malformed, open);
    if (asksWebSocket(request)) {
      const served = serveWebSocket(conn, request, head.rest, peer, handler, socketOptions);
      relays.add(served);
      try {
        await served;
      } finally {
        relays.delete(served);
      }
      return;
    }
    let upstream: Deno.TcpConn;
    try {
      upstream = await Deno.connect({ hostname: "127.0.0.1", port: innerPort });
    } catch {
      return refuse(conn, ANSWERS.total, open);
    }
    const relayed = relay(conn, upstream, head, peer, secret, { writeStallMs, lingerMs });
    relays.add(relayed);
    await relayed;
    relays.delete(relayed);
  };

  const accepting = (async () => {
    for await (const conn of listener) void serveOne(conn).catch(() => close(conn));
  })().catch(() => {});
  options.onListen?.(addr);

  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      listener.close();
      await accepting;
      await inner.shutdown();
      // What the inner server said last (a close frame, its last answer) is still on its way to
      // the peers: each relay ends once it is through, or lingerMs at most.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...relays]),
        new Promise<void>((resolve) => timer = setTimeout(resolve, lingerMs)),
      ]);
      clearTimeout(timer);
      for (const conn of open) close(conn);
    })();
  return {
    addr,
    get pending() {
      return pending;
    },
    finished: inner.finished,
    shutdown,
  };
}

/** Whether a head is a WebSocket upgrade the guard serves itself: `GET`, HTTP/1.1, `Upgrade: websocket`. */
function asksWebSocket({ method, version, headers }: RequestHead): boolean {
  return method === "GET" && version === "HTTP/1.1" && asksForWebSocket(headers);
}

/**
 * The inner server's handler: a request that does not carry the guard's
 * `secret` did not come through the guard (another local process found the
 * port) and is answered 403; one that does reaches `handler` with the
 * peer's address the guard named.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { innerHandler } from "./upgrade_guard.ts";
 * const inner = innerHandler("s3", (_request, info) => new Response(info.remoteAddr.hostname));
 * equal((await inner(new Request("http://x/"))).status, 403);
 * const through = new Request("http://x/", {
 *   headers: { "x-sluice-guard": "s3", "x-sluice-peer": "192.0.2.7" },
 * });
 * equal(await (await inner(through)).text(), "192.0.2.7");
 * ```
 */
export function innerHandler(
  secret: string,
  handler: GuardedHandler,
): (request: Request) => Response | Promise<Response> {
  return (request) => {
    if (!sameText(request.headers.get(GUARD_HEADER) ?? "", secret)) {
      return new Response(null, { status: 403 });
    }
    // The guard serves every WebSocket upgrade it takes itself: one here is one it did not take.
    if (asksForWebSocket(request.headers)) return new Response(null, { status: 400 });
    const hostname = request.headers.get(PEER_HEADER) ?? "";
    return handler(request, { remoteAddr: { hostname } });
  };
}

/**
 * Serves a WebSocket upgrade on the peer's connection itself: `handler`
 * decides, as behind `Deno.serve`, and the socket it takes with `upgrade`
 * speaks on `conn` (websocket_connection.ts); any other answer is written
 * and the connection closed. Resolves once the connection is closed.
 */
async function serveWebSocket(
  conn: Deno.TcpConn,
  head: RequestHead,
  early: Uint8Array,
  peer: string,
  handler: GuardedHandler,
  options: ConstructorParameters<typeof WebSocketConnection>[1],
): Promise<void> {
  // Origin-form only, and a Host that is an authority of its own (no userinfo, path or query):
  // the URL is then the one Deno.serve makes of the same head.
  const host = head.headers.get("host") ?? "";
  let request: Request | undefined;
  if (head.target.startsWith("/") && host !== "" && !/[\s@/\\?#]/.test(host)) {
    try {
      request = new Request(`http://${host}${head.target}`, { headers: head.headers });
    } catch {
      // Not a host and port the URL parser takes.
    }
  }
  if (request === undefined) {
    return answer(conn, new Response(null, { status: 400 }), options.writeStallMs);
  }
  let taken: { socket: WebSocketConnection; switching: Uint8Array } | undefined;
  let settled = false;
  // The answer `upgrade` gives: the handler returns it when it took the socket.
  const accepted = new Response(null);
  const upgrade = (asked: Request) => {
    if (settled) throw new TypeError("upgrade() after the handler answered");
    if (taken !== undefined) {
      throw new TypeError("this request's connection is a WebSocket already");
    }
    const problem = upgradeProblem(asked.method, asked.headers);
    if (problem !== undefined) throw new TypeError(`not a WebSocket upgrade: ${problem}`);
    const key = asked.headers.get("sec-websocket-key")!.trim();
    const switching = bytesOf(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${acceptValue(key)}\r\n\r\n`,
    );
    taken = { socket: new WebSocketConnection(conn, options), switching };
    return { socket: taken.socket, response: accepted };
  };
  let response: Response;
  try {
    response = await handler(request, { remoteAddr: { hostname: peer }, upgrade });
  } catch {
    // The handler's failure is its own to report; the peer hears only that there was one.
    response = new Response(null, { status: 500 });
  }
  settled = true;
  if (taken !== undefined && response === accepted) {
    return taken.socket.start(taken.switching, early);
  }
  await answer(conn, response, options.writeStallMs);
  // A socket made and not handed back never opened: its close event still comes, so that
  // whoever counted it (the server's per-address slots) lets go.
  taken?.socket.abort();
}

/** Longest body the guard writes for a handler's answer to an upgrade (a refusal's text). */
const MAX_ANSWER_BYTES = 65_536;

/**
 * Writes `response` as the connection's one answer, and closes it. Its body
 * must come within `stallMs` and fit {@linkcode MAX_ANSWER_BYTES}, or the
 * answer is an empty 500.
 */
async function answer(conn: Deno.Conn, response: Response, stallMs: number): Promise<void> {
  let body: Uint8Array;
  try {
    body = await bodyOf(response, stallMs);
  } catch {
    [response, body] = [new Response(null, { status: 500 }), new Uint8Array(0)];
  }
  // Response.error() has status 0: not an HTTP status.
  const status = response.status === 0 ? 500 : response.status;
  const lines = [`HTTP/1.1 ${status} ${response.status === 0 ? "" : response.statusText}`];
  for (const [name, value] of response.headers) {
    if (!["connection", "content-length", "transfer-encoding"].includes(name)) {
      lines.push(`${name}: ${value}`);
    }
  }
  // The answer to a GET: no body only for the statuses that never have one.
  const bodiless = status < 200 || status === 204 || status === 304;
  if (!bodiless) lines.push(`content-length: ${body.length}`);
  lines.push("connection: close", "", "");
  const headBytes = bytesOf(lines.join("\r\n"));
  const bytes = new Uint8Array(headBytes.length + (bodiless ? 0 : body.length));
  bytes.set(headBytes);
  if (!bodiless) bytes.set(body, headBytes.length);
  await deadline(writeAll(conn, bytes), stallMs).catch(() => {});
  close(conn);
}

/** A response's body, within `ms` and {@linkcode MAX_ANSWER_BYTES}; throws otherwise. */
async function bodyOf(response: Response, ms: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  const read = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes += value.length;
      if (bytes > MAX_ANSWER_BYTES) throw new RangeError("the answer's body is too long");
      parts.push(value);
    }
  })();
  try {
    await deadline(read, ms);
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
  const body = new Uint8Array(bytes);
  parts.reduce((at, part) => (body.set(part, at), at + part.length), 0);
  return body;
}

/** Reads up to the end of the head: the head and what came after it, or why it failed. */
async function receiveHead(
  conn: Deno.Conn,
  timeoutMs: number,
  maxBytes: number,
): Promise<{ head: Uint8Array; rest: Uint8Array } | "timeout" | "tooLarge"> {
  const buffer = new Uint8Array(maxBytes + 1);
  let filled = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    while (filled < buffer.length) {
      const read = await Promise.race([conn.read(buffer.subarray(filled)), late]);
      if (read === "timeout") return read;
      if (read === null) return "timeout";
      const from = filled;
      filled += read;
      const end = headLength(buffer.subarray(0, filled), from);
      if (end !== -1) {
        return { head: buffer.slice(0, end), rest: buffer.slice(end, filled) };
      }
    }
    return "tooLarge";
  } finally {
    clearTimeout(timer);
  }
}

/** Passes the head on, then copies both ways until either side ends. */
async function relay(
  conn: Deno.TcpConn,
  upstream: Deno.TcpConn,
  { head, rest }: { head: Uint8Array; rest: Uint8Array },
  peer: string,
  secret: string,
  { writeStallMs, lingerMs }: { writeStallMs: number; lingerMs: number },
): Promise<void> {
  const passed = bytesOf(passedHead(textOf(head), peer, secret));
  const inward = (async () => {
    await writeAll(upstream, passed);
    if (rest.length > 0) await writeAll(upstream, rest);
    // Peers send little (commands, acknowledgements): a small buffer for them.
    await copy(conn, upstream, Infinity, 16_384);
    await upstream.closeWrite();
  })().catch(() => {});
  // Ends when the inner server has said all, or when the peer takes nothing for writeStallMs.
  const outward = copy(upstream, conn, writeStallMs, 65_536).catch(() => {});
  const peerDone = await Promise.race([outward.then(() => false), inward.then(() => true)]);
  if (peerDone) {
    // The peer stopped sending: the inner server has lingerMs to finish its answer.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      outward,
      new Promise<void>((resolve) => timer = setTimeout(resolve, lingerMs)),
    ]);
    clearTimeout(timer);
  }
  close(conn);
  close(upstream);
  await Promise.allSettled([inward, outward]);
}

/**
 * Copies `from` into `to`, `bufferBytes` at a time, until `from` ends; a
 * write that does not complete within `stallMs` throws (the reader of `to`
 * stopped).
 */
async function copy(
  from: Deno.Conn,
  to: Deno.Conn,
  stallMs: number,
  bufferBytes: number,
): Promise<void> {
  const buffer = new Uint8Array(bufferBytes);
  for (;;) {
    const n = await from.read(buffer);
    if (n === null) return;
    const written = writeAll(to, buffer.subarray(0, n));
    if (stallMs === Infinity) await written;
    else await deadline(written, stallMs);
  }
}

async function refuse(conn: Deno.Conn, status: string, open: Set<Deno.Conn>): Promise<void> {
  const answer = `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    writeAll(conn, bytesOf(answer)).catch(() => {}),
    new Promise<void>((resolve) => timer = setTimeout(resolve, 1000)),
  ]);
  clearTimeout(timer);
  close(conn);
  open.delete(conn);
}

function close(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Closed already.
  }
}

/** Bytes as ISO-8859-1 text, one character per byte (HTTP/1.1 heads are bytes, not UTF-8). */
function textOf(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
