// A WebSocket client written on a bare TCP connection (RFC 6455 by hand), for peers that break the
// rules below the WebSocket API: never read, read slowly, send half an upgrade, send frames that
// are truncated, unmasked, bit-flipped or not UTF-8. What it reads back is parsed into messages
// and the close frame, so a test can see what the server answered once it chooses to read.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The opcodes of RFC 6455 §5.2 that the tests send or read. */
export const OPCODE = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** One frame as a client sends it: masked (RFC 6455 §5.3), with the mask given or zero. */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string,
  { fin = true, mask = new Uint8Array(4) }: { fin?: boolean; mask?: Uint8Array } = {},
): Uint8Array {
  const body = typeof payload === "string" ? encoder.encode(payload) : payload;
  const n = body.length;
  const header = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = new Uint8Array(header + 4 + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65_536) {
    out[1] = 0x80 | 126;
    new DataView(out.buffer).setUint16(2, n);
  } else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(mask, header);
  for (let i = 0; i < n; i++) out[header + 4 + i] = body[i] ^ mask[i & 3];
  return out;
}

/** The upgrade request, whole. */
export function upgradeRequest(port: number, headers: Record<string, string> = {}): string {
  const lines = [
    "GET / HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${btoa("sluice-raw-key!!")}`,
    "Sec-WebSocket-Version: 13",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join("\r\n") + "\r\n\r\n";
}

/** What a server sent on a raw socket, parsed: text messages, binary payload sizes, the close. */
export interface ServerFrames {
  readonly texts: string[];
  readonly binaryBytes: number;
  readonly close?: { readonly code: number; readonly reason: string };
}

/** A TCP connection that speaks WebSocket by hand. */
export class RawSocket {
  readonly conn: Deno.TcpConn;
  /** Bytes read and not yet parsed. */
  #buffer = new Uint8Array(0);
  /** The server ended the connection (a read saw its end). */
  #ended = false;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.conn = conn;
  }

  /** Connects and, unless told not to, completes the upgrade (reading the 101 and nothing more). */
  static async open(
    port: number,
    { upgrade = true, headers = {} }: { upgrade?: boolean; headers?: Record<string, string> } = {},
  ): Promise<RawSocket> {
    const raw = new RawSocket(await Deno.connect({ hostname: "127.0.0.1", port }));
    if (upgrade) {
      await raw.write(upgradeRequest(port, headers));
      const status = await raw.readHead();
      if (!status.startsWith("HTTP/1.1 101")) {
        raw.close();
        throw new Error(`upgrade refused: ${status}`);
      }
    }
    return raw;
  }

  /** Writes bytes or text as they are; false once the connection is gone. */
  async write(data: Uint8Array | string): Promise<boolean> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    try {
      for (let off = 0; off < bytes.length;) off += await this.conn.write(bytes.subarray(off));
      return true;
    } catch (_gone) {
      return false;
    }
  }

  /** Sends one masked frame. */
  send(opcode: number, payload: Uint8Array | string): Promise<boolean> {
    return this.write(clientFrame(opcode, payload));
  }

  /** Reads up to the end of the HTTP response head and returns its status line. */
  async readHead(): Promise<string> {
    for (;;) {
      const text = decoder.decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        this.#buffer = this.#buffer.subarray(encoder.encode(text.slice(0, end + 4)).length);
        return text.slice(0, text.indexOf("\r\n"));
      }
      if (!(await this.#fill())) return "";
    }
  }

  /** Reads at most `max` bytes, whatever they are; 0 once the connection ended. */
  async readSome(max = 65_536): Promise<number> {
    const before = this.#buffer.length;
    if (!(await this.#fill(max))) return 0;
    return this.#buffer.length - before;
  }

  async #fill(max = 262_144): Promise<boolean> {
    if (this.#ended || this.#closed) return false;
    const chunk = new Uint8Array(max);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch (_reset) {
      n = null;
    }
    if (n === null) {
      this.#ended = true;
      return false;
    }
    const joined = new Uint8Array(this.#buffer.length + n);
    joined.set(this.#buffer);
    joined.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = joined;
    return true;
  }

  /**
   * Reads and parses the server's frames until its close frame or the end of the connection;
   * `keep` says which texts to keep (all by default).
   */
  async readAll(keep: (text: string) => boolean = () => true): Promise<ServerFrames> {
    const texts: string[] = [];
    let binaryBytes = 0;
    for (;;) {
      const frame = this.#nextFrame();
      if (frame === undefined) {
        if (await this.#fill()) continue;
        return { texts, binaryBytes };
      }
      if (frame.opcode === OPCODE.text) {
        const text = decoder.decode(frame.payload);
        if (keep(text)) texts.push(text);
      } else if (frame.opcode === OPCODE.binary) binaryBytes += frame.payload.length;
      else if (frame.opcode === OPCODE.close) {
        const view = new DataView(frame.payload.buffer, frame.payload.byteOffset);
        const code = frame.payload.length >= 2 ? view.getUint16(0) : 1005;
        return {
          texts,
          binaryBytes,
          close: { code, reason: decoder.decode(frame.payload.subarray(2)) },
        };
      }
    }
  }

  /** What whole frames the bytes read so far hold, taken out of the buffer; no waiting. */
  parsed(): ServerFrames {
    const texts: string[] = [];
    let binaryBytes = 0;
    for (let frame = this.#nextFrame(); frame !== undefined; frame = this.#nextFrame()) {
      if (frame.opcode === OPCODE.text) texts.push(decoder.decode(frame.payload));
      else if (frame.opcode === OPCODE.binary) binaryBytes += frame.payload.length;
      else if (frame.opcode === OPCODE.close) {
        const code = frame.payload.length >= 2 ? (frame.payload[0] << 8) | frame.payload[1] : 1005;
        return {
          texts,
          binaryBytes,
          close: { code, reason: decoder.decode(frame.payload.subarray(2)) },
        };
      }
    }
    return { texts, binaryBytes };
  }

  /** Reads until the server's next text message; undefined if the connection ends first. */
  async nextText(): Promise<string | undefined> {
    for (;;) {
      const frame = this.#nextFrame();
      if (frame?.opcode === OPCODE.text) return decoder.decode(frame.payload);
      if (frame === undefined && !(await this.#fill())) return undefined;
    }
  }

  /** The next whole server frame in the buffer (servers do not mask), or undefined. */
  #nextFrame(): { opcode: number; payload: Uint8Array } | undefined {
    const b = this.#buffer;
    if (b.length < 2) return undefined;
    let length = b[1] & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = (b[2] << 8) | b[3];
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(2));
      at = 10;
    }
    if (b.length < at + length) return undefined;
    const payload = b.slice(at, at + length);
    this.#buffer = b.subarray(at + length);
    const opcode = b[0] & 0x0f;
    // A reader answers pings, as every WebSocket client does (the server's runtime closes a
    // connection whose pings go unanswered); one that reads nothing never sees them.
    if (opcode === OPCODE.ping && !this.#closed) void this.write(clientFrame(OPCODE.pong, payload));
    return { opcode, payload };
  }

  /** Closes the TCP connection (no close frame). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.conn.close();
  }
}

/** Waits until `done` holds, looking every 20 ms, for at most `ms`; false if it never did. */
export async function eventually(done: () => boolean, ms = 20_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
