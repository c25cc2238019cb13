// A TCP proxy on loopback that breaks connections on purpose: `cut()` closes every connection
// through it at once (both sides see a reset or an EOF, as when Wi-Fi drops), `cutAfter(n)` does it
// once n more bytes have gone from server to client, and `freeze()` stops forwarding without
// closing anything (a half-open connection). New connections after a cut or freeze work normally.
//
// Built with `{ messages: true }` it also reads the server's WebSocket messages (RFC 6455 framing)
// and forwards each only once it is whole, so that it can act on sluice data frames by content:
// `corruptFrame(sequence)` flips a bit of one frame's payload, `cutAfterFinalFrame()` ends the
// connection right after a FINAL data frame, before anything the server sends after it, and
// `freezeAfter(event)` freezes the connection right after a control message with that event.
import { concatBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { FLAG_FINAL } from "../protocol/frame.ts";

interface Link {
  readonly client: Deno.TcpConn;
  readonly server: Deno.TcpConn;
  readonly messages: MessageSplitter | undefined;
  frozen: boolean;
  /** Cut after a FINAL frame: nothing more goes to the client, which may still read what it got. */
  draining: boolean;
}

/** Options of a {@linkcode CuttingProxy}. */
export interface ProxyOptions {
  /** Read the server's WebSocket messages, for `corruptFrame` and `cutAfterFinalFrame`. */
  readonly messages?: boolean;
}

export class CuttingProxy {
  readonly #listener: Deno.TcpListener;
  readonly #upstreamPort: number;
  readonly #links = new Set<Link>();
  readonly #pumps = new Set<Promise<void>>();
  #cutAt: number | undefined;
  #forwarded = 0;
  readonly #messages: boolean;
  #corrupt: number | undefined;
  #cutAfterFinal = false;
  #freezeAfter: string | undefined;
  /** Data frames altered by `corruptFrame` so far. */
  corrupted = 0;
  /** Connections accepted so far. */
  accepted = 0;
  /** Cuts made so far. */
  cuts = 0;
  readonly #accepting: Promise<void>;

  constructor(upstreamPort: number, options: ProxyOptions = {}) {
    this.#upstreamPort = upstreamPort;
    this.#messages = options.messages === true;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#accepting = this.#accept();
  }

  /** The proxy's port on 127.0.0.1. */
  get port(): number {
    return this.#listener.addr.port;
  }

  /** Bytes forwarded from server to client, in all. */
  get forwarded(): number {
    return this.#forwarded;
  }

  /** Cuts every connection once `bytes` more bytes have gone from server to client. */
  cutAfter(bytes: number): void {
    this.#cutAt = this.#forwarded + Math.max(1, Math.floor(bytes));
  }

  /** Closes every connection through the proxy now. */
  cut(): void {
    this.cuts++;
    for (const link of this.#links) this.#drop(link);
  }

  /** Flips the last payload bit of the next data frame with this sequence (needs `messages`). */
  corruptFrame(sequence: number): void {
    if (!this.#messages) {
      throw new Error("corruptFrame needs new CuttingProxy(port, { messages: true })");
    }
    this.#corrupt = sequence;
  }

  /**
   * Cuts the next connection that carries a FINAL data frame right after that frame (needs
   * `messages`): the client gets the whole frame, then an end of stream, and nothing the server
   * sent after it, such as `download:complete`.
   */
  cutAfterFinalFrame(): void {
    if (!this.#messages) {
      throw new Error("cutAfterFinalFrame needs new CuttingProxy(port, { messages: true })");
    }
    this.#cutAfterFinal = true;
  }

  /** Freezes the next connection that carries a control message with `event`, right after it. */
  freezeAfter(event: string): void {
    if (!this.#messages) {
      throw new Error("freezeAfter needs new CuttingProxy(port, { messages: true })");
    }
    this.#freezeAfter = event;
  }

  /** Stops forwarding on every current connection but closes none. */
  freeze(): void {
    for (const link of this.#links) link.frozen = true;
  }

  async close(): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    for (const link of this.#links) this.#drop(link);
    await Promise.all(this.#pumps);
  }

  async #accept(): Promise<void> {
    for (;;) {
      let client: Deno.TcpConn;
      try {
        client = await this.#listener.accept();
      } catch {
        return; // closed
      }
      this.accepted++;
      let server: Deno.TcpConn;
      try {
        server = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
      } catch {
        client.close();
        continue;
      }
      const messages = this.#messages ? new MessageSplitter() : undefined;
      const link: Link = { client, server, messages, frozen: false, draining: false };
      this.#links.add(link);
      this.#pump(link, server, client, true);
      this.#pump(link, client, server, false);
    }
  }

  #pump(link: Link, from: Deno.TcpConn, to: Deno.TcpConn, downstream: boolean): void {
    const done = (async () => {
      const buffer = new Uint8Array(65_536);
      try {
        for (;;) {
          const n = await from.read(buffer);
          if (n === null) break;
          if (link.frozen || link.draining) continue; // swallowed: the other side hears nothing
          let chunk: Uint8Array = buffer.subarray(0, n);
          let endAfter = false;
          let freezeAfter = false;
          if (downstream && link.messages !== undefined) {
            const judged = this.#judge(link.messages.feed(chunk));
            chunk = judged.bytes;
            endAfter = judged.end;
            freezeAfter = judged.freeze;
          }
          if (downstream && this.#cutAt !== undefined) {
            const room = this.#cutAt - this.#forwarded;
            if (room < chunk.length) chunk = chunk.subarray(0, Math.max(0, room));
          }
          await writeAll(to, chunk);
          if (downstream) this.#forwarded += chunk.length;
          if (freezeAfter) link.frozen = true;
          if (endAfter) {
            // An end of stream after the bytes, not a reset that could discard them unread; the
            // client closes its side once it has read them, which ends the link.
            this.cuts++;
            link.draining = true;
            await to.closeWrite();
            closeQuietly(link.server);
            break;
          }
          if (downstream && this.#cutAt !== undefined && this.#forwarded >= this.#cutAt) {
            this.#cutAt = undefined;
            this.cut();
            break;
          }
        }
      } catch {
        // a cut closed one side under us
      }
      if (!link.frozen && !(link.draining && downstream)) this.#drop(link);
    })();
    this.#pumps.add(done);
    done.finally(() => this.#pumps.delete(done));
  }

  #drop(link: Link): void {
    if (!this.#links.delete(link)) return;
    for (const conn of [link.client, link.server]) closeQuietly(conn);
  }

  /**
   * Applies the armed actions to whole messages: `end` once a FINAL frame is to end the link,
   * `freeze` once a control message is to freeze it; what follows such a message is dropped.
   */
  #judge(units: Uint8Array[]): { bytes: Uint8Array; end: boolean; freeze: boolean } {
    const out: Uint8Array[] = [];
    let end = false;
    let freeze = false;
    for (let unit of units) {
      const event = eventOf(unit);
      if (event !== undefined && event === this.#freezeAfter) {
        this.#freezeAfter = undefined;
        out.push(unit);
        freeze = true;
        break;
      }
      const frame = dataFrameOf(unit);
      if (frame !== undefined) {
        const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
        const payloadLength = view.getUint32(28);
        if (this.#corrupt === view.getUint32(4) && payloadLength > 0) {
          unit = unit.slice();
          unit[unit.length - 1] ^= 0x01; // the last byte of the frame is the payload's
          this.#corrupt = undefined;
          this.corrupted++;
        }
        if (this.#cutAfterFinal && (view.getUint16(2) & FLAG_FINAL) !== 0) {
          this.#cutAfterFinal = false;
          out.push(unit);
          end = true;
          break;
        }
      }
      out.push(unit);
    }
    return { bytes: concatBytes(...out), end, freeze };
  }
}

function closeQuietly(conn: Deno.TcpConn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** The `event` of a whole unmasked text WebSocket frame (a sluice control message), else undefined. */
function eventOf(unit: Uint8Array): string | undefined {
  const TEXT = 0x1, FIN = 0x80;
  if (unit.length < 2 || unit[0] !== (FIN | TEXT) || (unit[1] & 0x80) !== 0) return undefined;
  const length7 = unit[1] & 0x7f;
  const header = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0);
  const message = JSON.parse(new TextDecoder().decode(unit.subarray(header)));
  return typeof message?.event === "string" ? message.event : undefined;
}

/** The payload of a whole unmasked binary WebSocket frame (a sluice data frame), else undefined. */
function dataFrameOf(unit: Uint8Array): Uint8Array | undefined {
  const BINARY = 0x2, FIN = 0x80;
  if (unit.length < 2 || unit[0] !== (FIN | BINARY) || (unit[1] & 0x80) !== 0) return undefined;
  const length7 = unit[1] & 0x7f;
  const header = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0);
  return unit.subarray(header);
}

/**
 * Splits the server-to-client byte stream into whole units: first the HTTP response that upgrades
 * the connection, then one WebSocket frame each (RFC 6455 §5.2). Bytes are held until their unit is
 * complete.
 */
class MessageSplitter {
  #chunks: Uint8Array[] = [];
  #length = 0;
  #upgraded = false;

  feed(chunk: Uint8Array): Uint8Array[] {
    this.#chunks.push(chunk.slice()); // the pump reuses its buffer
    this.#length += chunk.length;
    const units: Uint8Array[] = [];
    for (;;) {
      const need = this.#next();
      if (need === undefined || this.#length < need) return units;
      units.push(this.#take(need));
    }
  }

  /** Bytes of the next unit, or undefined while its header is incomplete. */
  #next(): number | undefined {
    if (this.#length === 0) return undefined;
    if (!this.#upgraded) {
      const head = this.#peek(this.#length);
      for (let i = 3; i < head.length; i++) {
        if (head[i - 3] === 13 && head[i - 2] === 10 && head[i - 1] === 13 && head[i] === 10) {
          this.#upgraded = true;
          return i + 1;
        }
      }
      return undefined;
    }
    if (this.#length < 2) return undefined;
    const start = this.#peek(Math.min(this.#length, 14));
    const length7 = start[1] & 0x7f;
    const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
    const header = 2 + extended + ((start[1] & 0x80) !== 0 ? 4 : 0);
    if (start.length < header) return undefined;
    const view = new DataView(start.buffer, start.byteOffset, start.length);
    const payload = length7 === 126
      ? view.getUint16(2)
      : length7 === 127
      ? Number(view.getBigUint64(2))
      : length7;
    return header + payload;
  }

  /** The first `n` buffered bytes, without taking them. */
  #peek(n: number): Uint8Array {
    if (this.#chunks[0].length < n) this.#chunks = [concatBytes(...this.#chunks)];
    return this.#chunks[0].subarray(0, n);
  }

  #take(n: number): Uint8Array {
    const whole = concatBytes(...this.#chunks);
    this.#chunks = whole.length > n ? [whole.subarray(n)] : [];
    this.#length -= n;
    return whole.subarray(0, n);
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
