// What a test peer has received and not yet taken, and waits for it: shared by RawPeer (plain
// WebSocket) and SignedPeer (signed-in, sealed) through their base class InboxPeer.
import { type DataFrame, decodeDataFrame } from "../protocol/frame.ts";
import type { ServerMessage } from "../protocol/messages.ts";
import { parseServerMessage } from "../protocol/parse.ts";

/** A control message, a data frame, or (for a sealed peer) a frame its channel refused. */
export type Received =
  | { kind: "message"; message: ServerMessage }
  | { kind: "frame"; frame: DataFrame }
  | { kind: "error"; code: string };

/** The received items of one connection, taken in any order by what they match. */
export class Inbox {
  readonly #items: Received[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #open: () => boolean;
  readonly #settled: () => Promise<void>;

  /**
   * `open` says whether more may still arrive; `settled` resolves once what arrived before a close
   * has been decoded (a sealed peer's channel may still be decrypting it).
   */
  constructor(open: () => boolean, settled: () => Promise<void> = () => Promise.resolve()) {
    this.#open = open;
    this.#settled = settled;
  }

  push(item: Received): void {
    this.#items.push(item);
    this.wake();
  }

  /** Wakes whoever waits, e.g. when the socket closes. */
  wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Removes and returns the first received item that matches, waiting for it. */
  async next<T extends Received>(match: (r: Received) => r is T): Promise<T>;
  async next(match: (r: Received) => boolean): Promise<Received>;
  async next(match: (r: Received) => boolean): Promise<Received> {
    for (;;) {
      const i = this.#items.findIndex(match);
      if (i >= 0) return this.#items.splice(i, 1)[0];
      if (!this.#open()) {
        await this.#settled();
        if (this.#items.some(match)) continue;
        throw new Error("socket closed while waiting");
      }
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  /** The next control message with this event (and requestId, if given). */
  async message<E extends ServerMessage["event"]>(
    event: E,
    requestId?: string,
  ): Promise<Extract<ServerMessage, { event: E }>> {
    const r = await this.next((r) =>
      r.kind === "message" && r.message.event === event &&
      (requestId === undefined || r.message.requestId === requestId)
    );
    if (r.kind !== "message") throw new Error("unreachable");
    return r.message as Extract<ServerMessage, { event: E }>;
  }

  /** Every item received and not yet taken. */
  drain(): Received[] {
    return this.#items.splice(0);
  }
}

/** A test peer on one WebSocket: what it receives is parsed into an {@linkcode Inbox}. */
export class InboxPeer {
  /** Resolves when the socket closes. */
  readonly closed: Promise<CloseEvent>;
  readonly #inbox: Inbox;

  /** `settled` as for {@linkcode Inbox}. */
  protected constructor(socket: WebSocket, settled?: () => Promise<void>) {
    this.#inbox = new Inbox(() => socket.readyState === WebSocket.OPEN, settled);
    socket.binaryType = "arraybuffer";
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        this.#inbox.wake();
        resolve(event);
      })
    );
  }

  /**
   * Takes in a control message's JSON, a data frame's bytes, or the code of a frame the peer's
   * channel refused. The server sending something unparsable is a bug the test must see.
   */
  protected received(item: string | Uint8Array | { readonly refused: string }): void {
    if (typeof item === "string") {
      const parsed = parseServerMessage(item);
      if (!parsed.ok) throw new Error(`server sent an invalid message: ${item}`);
      this.#inbox.push({ kind: "message", message: parsed.value });
    } else if (item instanceof Uint8Array) {
      const decoded = decodeDataFrame(item);
      if (!decoded.ok) throw new Error(`server sent an invalid frame: ${decoded.error.code}`);
      this.#inbox.push({ kind: "frame", frame: decoded.value });
    } else this.#inbox.push({ kind: "error", code: item.refused });
  }

  /** Removes and returns the first received item that matches, waiting for it. */
  next<T extends Received>(match: (r: Received) => r is T): Promise<T>;
  next(match: (r: Received) => boolean): Promise<Received>;
  next(match: (r: Received) => boolean): Promise<Received> {
    return this.#inbox.next(match);
  }

  /** The next control message with this event (and requestId, if given). */
  message<E extends ServerMessage["event"]>(
    event: E,
    requestId?: string,
  ): Promise<Extract<ServerMessage, { event: E }>> {
    return this.#inbox.message(event, requestId);
  }

  /** Every item received and not yet taken. */
  drain(): Received[] {
    return this.#inbox.drain();
  }
}
