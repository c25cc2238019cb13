// The server half of the pair harness: the session machine on one in-memory link, and the
// shell around it as server/session.ts is (it answers the machine's effects from the in-memory
// table and the pair's hooks, keeps the one timer at the machine's deadline, and holds client
// messages while the machine reads none).
import { base64urlnopad } from "npm:@scure/base@1.2.6";
import { hkdf } from "npm:@noble/hashes@2.4.0/hkdf.js";
import { hmac } from "npm:@noble/hashes@2.4.0/hmac.js";
import { sha256 } from "npm:@noble/hashes@2.4.0/sha2.js";
import { bytesToHex, hexToBytes } from "npm:@noble/hashes@2.4.0/utils.js";
import { errorResponse } from "../protocol/errors.ts";
import type { ServerMessage } from "../protocol/messages.ts";
import { encodeMessage } from "../protocol/messages.ts";
import { commandSigningInput, HKDF_INFO, type SignedCommand } from "../protocol/session_crypto.ts";
import { step as stepSession } from "../protocol/session_machine.ts";
import {
  nextDeadline,
  readsInput,
  type SessionEffect,
  type SessionEvent,
  type SessionState,
} from "../protocol/session_state.ts";
import type { Pair, Timer } from "./_pair.ts";

/** The connection between the client and one server session, in memory. */
export class Link {
  readonly pair: Pair;
  readonly server: ServerEnd;
  open = true;
  frozen = false;
  /** Bytes the server sent that the client has not received. */
  inFlight = 0;
  /** Data frames delivered to the client on this link. */
  framesDelivered = 0;
  /** What a frozen link holds, both ways. */
  readonly #held: (() => void)[] = [];

  constructor(pair: Pair, server: ServerEnd) {
    this.pair = pair;
    this.server = server;
  }

  #carry(deliver: () => void): void {
    if (this.frozen) this.#held.push(deliver);
    else this.pair.task(deliver);
  }

  /** The server sends a payload to the client. */
  toClient(payload: string | Uint8Array): void {
    if (!this.open) return;
    this.inFlight += payload.length;
    this.#carry(() => {
      this.inFlight -= payload.length;
      if (!this.open) return;
      if (typeof payload !== "string") this.framesDelivered++;
      this.pair.client.receive(this, payload);
      this.server.checkDrain();
    });
  }

  /** The client sends a payload to the server. */
  toServer(payload: string): void {
    if (!this.open) return;
    this.#carry(() => this.open && this.server.receive(payload));
  }

  /** The server closes: the client hears of it after everything sent before. */
  closeByServer(code: number, reason: string): void {
    this.#carry(() => {
      if (!this.open) return;
      this.open = false;
      this.pair.client.closed(this, code, reason);
    });
  }

  /** The client closes: the server hears of it (unless the link is frozen: half-open). */
  closeByClient(): void {
    if (!this.open) return;
    this.open = false;
    if (!this.frozen) this.pair.task(() => this.server.step({ type: "peerClosed" }));
  }

  /** The network drops the connection: both sides see it go at once, with what was in flight. */
  cut(): void {
    if (!this.open) return;
    this.open = false;
    this.pair.task(() => this.server.step({ type: "peerClosed" }));
    this.pair.task(() => this.pair.client.closed(this, 1006, ""));
  }

  /** Stops carrying anything, both ways, without either side noticing (a half-open connection). */
  freeze(): void {
    this.frozen = true;
  }

  /** Carries again, first what the frozen link held, in order. */
  thaw(): void {
    this.frozen = false;
    for (const deliver of this.#held.splice(0)) this.pair.task(deliver);
  }
}

/** The server's session machine on one link, and the shell around it. */
export class ServerEnd {
  readonly pair: Pair;
  state: SessionState;
  link!: Link;
  /** Every effect the machine asked for, in order. */
  readonly effects: SessionEffect[] = [];
  readonly #inbox: SessionEvent[] = [];
  #timer: Timer | undefined;
  #commandKey: Uint8Array | undefined;
  #drainAt: number | undefined;

  constructor(pair: Pair, state: SessionState) {
    this.pair = pair;
    this.state = state;
    this.#arm();
  }

  /** Every message the server sent, in order. */
  sent(): ServerMessage[] {
    return this.effects.flatMap((e) => e.type === "send" ? [e.message] : []);
  }

  /** A client payload arrives: heard at once, handled when the machine reads messages. */
  receive(text: string): void {
    this.step({ type: "heard" });
    // As the transport's bound on payloads waiting to be handled.
    if (this.#inbox.length >= 256) {
      const error = errorResponse("TOO_MANY_MESSAGES", { queued: this.#inbox.length });
      return this.step({ type: "undecodable", error, fatal: true });
    }
    this.#inbox.push({ type: "text", text });
    this.#read();
  }

  #read(): void {
    while (this.#inbox.length > 0 && readsInput(this.state)) this.step(this.#inbox.shift()!);
  }

  step(event: SessionEvent): void {
    const r = stepSession(this.state, event, this.pair.now);
    this.state = r.state;
    for (const effect of r.effects) this.#apply(effect);
    this.#arm();
    this.pair.task(() => this.#read());
  }

  #later(event: SessionEvent, ms = 0): void {
    if (ms === 0) this.pair.task(() => this.step(event));
    else this.pair.timer(ms, () => this.step(event));
  }

  #arm(): void {
    const at = nextDeadline(this.state);
    if (this.#timer?.at === at) return;
    if (this.#timer !== undefined) this.#timer.cancelled = true;
    this.#timer = at === undefined ? undefined : this.pair.timerAt(at, () => {
      this.#timer = undefined;
      this.step({ type: "timeout" });
    });
  }

  /** The socket's buffer drained to what the machine waits for. */
  checkDrain(): void {
    if (this.#drainAt === undefined || this.link.inFlight > this.#drainAt) return;
    this.#drainAt = undefined;
    this.#later({ type: "drained", buffered: this.link.inFlight });
  }

  #apply(effect: SessionEffect): void {
    this.effects.push(effect);
    const { pair } = this;
    const delay = pair.options.sourceDelayMs ?? 0;
    switch (effect.type) {
      case "send":
        return this.link.toClient(encodeMessage(effect.message));
      case "sendFrame":
        return this.link.toClient(effect.frame);
      case "close":
        return this.link.closeByServer(effect.code, effect.reason);
      case "openSession":
        this.#commandKey = sessionKey(effect.shared, effect.nonce, HKDF_INFO.commands);
        return this.#later({ type: "sessionOpened" });
      case "openToken": {
        const token = new TextDecoder().decode(base64urlnopad.decode(effect.sealedToken));
        return this.#later({
          type: "tokenChecked",
          verdict: pair.options.tokens!.verify(token, pair.now),
        });
      }
      case "seal":
        return;
      case "verifyCommand":
        return this.#later({
          type: "verified",
          valid: commandSignature(this.#commandKey!, effect.command) === effect.signature,
        });
      case "authorize": {
        let decision: { value: unknown } | { failed: true };
        try {
          decision = { value: pair.options.authorize!(effect.identity, effect.request) };
        } catch (_hookFailed) {
          decision = { failed: true };
        }
        return this.#later(
          { type: "authorized", job: effect.job, decision },
          pair.options.authorizeDelayMs,
        );
      }
      case "admit": {
        const verdict = pair.options.admit?.(effect.identity, pair.now) ?? { ok: true };
        return this.#later({ type: "admitted", job: effect.job, verdict });
      }
      case "release":
        pair.releases++;
        return;
      case "jobEnded":
        return;
      case "askHealth":
        return this.#later({
          type: "health",
          requestId: effect.requestId,
          health: {
            status: "ok",
            serverTime: pair.now,
            uptimeMs: 0,
            connections: 1,
            activeDownloads: this.state.downloads.length,
            load: 0,
          },
        });
      case "estimate": {
        const scan = { ...effect.query, highWaterMark: pair.table.highWaterMark() };
        const answer = pair.table.unavailable
          ? { failed: { kind: "unavailable" as const } }
          : { rows: pair.table.count(scan), sample: pair.table.page(scan, effect.sample) };
        return this.#later({ type: "estimated", job: effect.job, answer }, delay);
      }
      case "readHighWaterMark":
        return this.#later(
          { type: "highWaterMark", job: effect.job, value: pair.table.highWaterMark() },
          delay,
        );
      case "countRows":
        return this.#later(
          { type: "rowCount", job: effect.job, rows: pair.table.count(effect.query) },
          delay,
        );
      case "readPage":
        return this.#later(
          pair.table.unavailable
            ? { type: "sourceFailed", job: effect.job, kind: "unavailable" }
            : { type: "page", job: effect.job, rows: pair.table.page(effect.query, effect.limit) },
          delay,
        );
      case "awaitDrain":
        this.#drainAt = effect.atMost;
        return this.checkDrain();
      case "log":
        pair.logs.push(effect.message);
        return;
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
}

/** One of the three session secrets, as both sides derive it (PROTOCOL.md §15.2). */
export function sessionKey(shared: Uint8Array, nonce: string, info: string): Uint8Array {
  return hkdf(sha256, shared, hexToBytes(nonce), new TextEncoder().encode(info), 32);
}

/** A command's HMAC-SHA256 signature, hex (PROTOCOL.md §15.3). */
export function commandSignature(key: Uint8Array, command: SignedCommand): string {
  return bytesToHex(hmac(sha256, key, new TextEncoder().encode(commandSigningInput(command))));
}
