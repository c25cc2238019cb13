// Real servers on loopback for the integration tests, and a raw WebSocket peer that speaks the
// protocol byte for byte, so that server behaviour is checked without our own client in between.
import { concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { DataFrame } from "../protocol/frame.ts";
import type { ClientMessage, ServerMessage } from "../protocol/messages.ts";
import type { ClientBuilder } from "../client/client_builder.ts";
import type { SluiceClient } from "../client/sluice_client.ts";
import { serveGuarded } from "../server/upgrade_guard.ts";
import { createServer, type ServerOptions, type SluiceServer } from "../server/create_server.ts";
import { openDemoSource } from "../server/demo_data.ts";
import type { SqliteSource } from "../server/sqlite_source.ts";
import { InboxPeer } from "./_inbox.ts";

const CACHE = `${Deno.env.get("TMPDIR") ?? "/tmp"}/sluice-test-data`;

/** A lock left this long is a dead test run's: building the largest demo takes a second. */
const STALE_LOCK_MS = 60_000;

/**
 * The demo database with `rows` trades, built once per machine and reused (it is deterministic).
 * `deno test --parallel` runs test files side by side, so one builder at a time holds a lock file
 * and the others wait, then find the file built: a second builder would replace the database
 * files under a reader that already has it open.
 */
export function demoPath(rows: number): string {
  Deno.mkdirSync(CACHE, { recursive: true });
  const path = `${CACHE}/demo-${rows}.sqlite`;
  const lock = `${path}.lock`;
  for (;;) {
    try {
      Deno.openSync(lock, { write: true, createNew: true }).close();
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      let age: number;
      try {
        age = Date.now() - (Deno.statSync(lock).mtime?.getTime() ?? 0);
      } catch (released) {
        // Its holder removed it between our open and this stat: try to take it again.
        if (released instanceof Deno.errors.NotFound) continue;
        throw released;
      }
      if (age > STALE_LOCK_MS) Deno.removeSync(lock);
      // A blocking wait keeps this synchronous for the many module-level callers.
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    openDemoSource(path, rows).close();
  } finally {
    Deno.removeSync(lock);
  }
  return path;
}

/** A server started by {@linkcode startServer}. */
export interface TestServer {
  readonly url: string;
  readonly sluice: SluiceServer;
  readonly source: SqliteSource;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1, port 0, over the demo table (the cached one unless `dbPath` names
 * another). Anonymous downloads are on unless the options say otherwise, so that tests about
 * exports need no sign-in; the sign-in tests turn it off. It listens as the server program does,
 * behind the upgrade guard, whose own WebSocket carries the sessions; with `denoServe`, on
 * `Deno.serve` alone, as a server embedded in an app's own `Deno.serve` does, whose sockets are
 * the runtime's.
 */
export function startServer(
  rows: number,
  { dbPath, denoServe = false, ...options }: Partial<ServerOptions> & {
    dbPath?: string;
    denoServe?: boolean;
  } = {},
): TestServer {
  const source = openDemoSource(dbPath ?? demoPath(rows), rows);
  const sluice = createServer({ source, anonymous: true, ...options });
  const where = { hostname: "127.0.0.1", port: 0, onListen() {} };
  const http = denoServe ? Deno.serve(where, sluice.fetch) : serveGuarded(where, sluice.fetch);
  return {
    url: `ws://127.0.0.1:${http.addr.port}/`,
    sluice,
    source,
    async close() {
      await sluice.close();
      await http.shutdown();
      await source.close();
    },
  };
}

/** A protocol peer on a plain WebSocket: send JSON, wait for what comes back. */
export class RawPeer extends InboxPeer {
  readonly #socket: WebSocket;

  private constructor(socket: WebSocket) {
    super(socket);
    this.#socket = socket;
    socket.addEventListener("message", (event) => {
      const data = event.data;
      this.received(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
    });
  }

  static async open(url: string): Promise<RawPeer> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", reject);
    });
    return new RawPeer(socket);
  }

  /** Sends a message, or raw text as it is. */
  send(message: ClientMessage | string): void {
    this.#socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  sendBinary(bytes: Uint8Array): void {
    this.#socket.send(bytes);
  }

  async close(): Promise<void> {
    this.#socket.close();
    await this.closed;
  }
}

/** A download:request envelope. */
/** A `connection:health` check under `requestId`, unsigned. */
export function healthMessage(requestId: string): ClientMessage {
  return { event: "connection:health", data: {}, timestamp: Date.now(), requestId };
}

export function requestMessage(
  requestId: string,
  data: Partial<Extract<ClientMessage, { event: "download:request" }>["data"]> = {},
): ClientMessage {
  return {
    event: "download:request",
    data: {
      searchParams: { timeFrom: "2024-01-01", timeTo: "2025-01-01", filters: [] },
      outputFormat: "csv",
      compression: false,
      ...data,
    },
    timestamp: Date.now(),
    requestId,
  };
}

/** Reads a whole download on a raw peer, acknowledging every frame; returns its payload. */
export async function readDownload(peer: RawPeer, requestId: string): Promise<{
  payload: Uint8Array;
  frames: DataFrame[];
  complete: Extract<ServerMessage, { event: "download:complete" }>["data"];
}> {
  const frames: DataFrame[] = [];
  for (;;) {
    const r = await peer.next((r) =>
      (r.kind === "frame" && r.frame.requestId === requestId) ||
      (r.kind === "message" && r.message.requestId === requestId &&
        (r.message.event === "download:complete" || r.message.event === "download:error"))
    );
    if (r.kind === "frame") {
      frames.push({ ...r.frame, payload: r.frame.payload.slice() });
      peer.send({
        event: "download:ack",
        data: { sequence: r.frame.sequence },
        timestamp: Date.now(),
        requestId,
      });
    } else if (r.kind === "message" && r.message.event === "download:complete") {
      const payload = concatBytes(...frames.map((f) => f.payload));
      return { payload, frames, complete: r.message.data };
    } else if (r.kind === "message") {
      throw new Error(`download failed: ${JSON.stringify(r.message.data)}`);
    }
  }
}

/**
 * The digest chain value after `payloads` (PROTOCOL.md §7.1), computed with node:crypto rather
 * than the protocol's own code; `from` is the value before them (hex, 32 zero bytes by default).
 */
export function digestChain(payloads: readonly Uint8Array[], from = "00".repeat(32)): string {
  let digest: Uint8Array = Buffer.from(from, "hex");
  for (const payload of payloads) {
    digest = createHash("sha256").update(digest).update(payload).digest();
  }
  return Buffer.from(digest).toString("hex");
}

/**
 * Every row of 2024–2029 as CSV, through a client built by `builder` (closed after), with the
 * rows `download:complete` counted; its byte count must match what was read. `built` sees the
 * client before it connects (to listen to its events).
 */
export async function downloadCsv(
  builder: ClientBuilder,
  built: (client: SluiceClient) => void = () => {},
): Promise<{ bytes: Uint8Array; rows: number }> {
  const client = builder.build();
  built(client);
  try {
    await client.connect();
    const download = client.download({
      searchParams: { timeFrom: "2024-01-01", timeTo: "2030-01-01", filters: [] },
      outputFormat: "csv",
      compression: false,
    });
    const bytes = new Uint8Array(await new Response(download.readable).arrayBuffer());
    const summary = await download.done;
    if (summary.bytes !== bytes.length) {
      throw new Error(`read ${bytes.length} bytes, download:complete says ${summary.bytes}`);
    }
    return { bytes, rows: summary.rows };
  } finally {
    await client.close();
  }
}
