// A TCP proxy on loopback that breaks connections on purpose: `cut()` closes every connection
// through it at once (both sides see a reset or an EOF, as when Wi-Fi drops), `cutAfter(n)` does it
// once n more bytes have gone from server to client, and `freeze()` stops forwarding without
// closing anything (a half-open connection). New connections after a cut or freeze work normally.

interface Link {
  readonly client: Deno.TcpConn;
  readonly server: Deno.TcpConn;
  frozen: boolean;
}

export class CuttingProxy {
  readonly #listener: Deno.TcpListener;
  readonly #upstreamPort: number;
  readonly #links = new Set<Link>();
  readonly #pumps = new Set<Promise<void>>();
  #cutAt: number | undefined;
  #forwarded = 0;
  /** Connections accepted so far. */
  accepted = 0;
  /** Cuts made so far. */
  cuts = 0;
  readonly #accepting: Promise<void>;

  constructor(upstreamPort: number) {
    this.#upstreamPort = upstreamPort;
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
      const link: Link = { client, server, frozen: false };
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
          if (link.frozen) continue; // swallowed: the other side hears nothing, and no close
          let chunk = buffer.subarray(0, n);
          if (downstream && this.#cutAt !== undefined) {
            const room = this.#cutAt - this.#forwarded;
            if (room < chunk.length) chunk = chunk.subarray(0, Math.max(0, room));
          }
          await writeAll(to, chunk);
          if (downstream) this.#forwarded += chunk.length;
          if (downstream && this.#cutAt !== undefined && this.#forwarded >= this.#cutAt) {
            this.#cutAt = undefined;
            this.cut();
            break;
          }
        }
      } catch {
        // a cut closed one side under us
      }
      if (!link.frozen) this.#drop(link);
    })();
    this.#pumps.add(done);
    done.finally(() => this.#pumps.delete(done));
  }

  #drop(link: Link): void {
    if (!this.#links.delete(link)) return;
    for (const conn of [link.client, link.server]) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
