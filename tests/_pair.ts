// The pair harness (in the manner of quinn-proto's `Pair`): the client's connection and download
// machines and the server's session machine, wired together in memory on a fake clock, over an
// in-memory table. Every step is deterministic: a test drives it to a moment (`runUntil`), cuts,
// freezes or refuses the connection, pauses a reader, and looks at what each side did. No socket,
// no sleep: a test of a timeout advances the clock instead of waiting.
//
// What the harness does not do: seal frames (the link is private; sealing is proven by the
// transport's tests and the end-to-end ones) or compress control messages.
import type { TokenVerdict } from "../protocol/session_token.ts";
import type { ConnectionConfig } from "../protocol/connection_state.ts";
import type { ClientResumePoint } from "../protocol/download_state.ts";
import type { DownloadRequest, Identity } from "../protocol/messages.ts";
import { type AdmitVerdict, initialSessionState } from "../protocol/session_state.ts";
import { mulberry32 } from "../server/demo_data.ts";
import { memoryRows, MemoryTable, serverConfig, type ServerTuning } from "./_memory_source.ts";
import { PairClient, type PairDownload } from "./_pair_client.ts";
import { Link, ServerEnd } from "./_pair_server.ts";

export { Link, ServerEnd } from "./_pair_server.ts";

/** A task or timer of the simulation. */
export interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/** How a new connection attempt fares. */
export type ServerMode = "up" | "refusing" | "silent";

/** What a pair test sets. */
export interface PairOptions {
  /** Rows of the in-memory table (default 1000), or the table itself. */
  readonly rows?: number | MemoryTable;
  /** The server's configuration. */
  readonly server?: ServerTuning;
  /** The server's `authorize` hook (synchronous; its answer arrives `authorizeDelayMs` later). */
  readonly authorize?: (identity: Identity | undefined, request: DownloadRequest) => unknown;
  readonly authorizeDelayMs?: number;
  /** The server's identity limiter; every download is admitted without one. */
  readonly admit?: (identity: string, now: number) => AdmitVerdict;
  /** How long each answer of the data source takes, fake milliseconds (default 0). */
  readonly sourceDelayMs?: number;
  /** The client's connection machine settings (it signs in unless told otherwise). */
  readonly client?: Partial<ConnectionConfig> & {
    /** How long the wallet takes to sign a challenge, fake milliseconds. */
    readonly signDelayMs?: number;
  };
  /** The seed of every random draw (keys, nonces, jitter). */
  readonly seed?: number;
  /**
   * Sign in with tokens (PROTOCOL.md §15.8): the client mints one before
   * each sign-in, the server's shell verifies it. The pair seals nothing (the
   * seal's crypto is proven in token_sealing_test.ts): the token travels as
   * base64url of itself.
   */
  readonly tokens?: {
    readonly mint: (now: number) => string;
    readonly verify: (token: string, now: number) => TokenVerdict;
  };
}

/** A client and a server, wired together in memory on a fake clock. */
export class Pair {
  readonly options: PairOptions;
  readonly table: MemoryTable;
  readonly client: PairClient;
  /** Every server session, one per connection the client opened, oldest first. */
  readonly servers: ServerEnd[] = [];
  /** What the next connection attempt meets. */
  serverMode: ServerMode = "up";
  /** Identity slots released by the server. */
  releases = 0;
  /** What the server logged. */
  readonly logs: string[] = [];
  now = 1_710_000_000_000;
  /** Draws of the simulation, all from the seed. */
  readonly random: () => number;
  #seq = 0;
  readonly #tasks: (() => void)[] = [];
  readonly #timers: Timer[] = [];

  constructor(options: PairOptions = {}) {
    this.options = options;
    const rows = options.rows ?? 1000;
    this.table = typeof rows === "number" ? new MemoryTable(memoryRows(rows)) : rows;
    this.random = mulberry32(options.seed ?? 1);
    this.client = new PairClient(this, options.client ?? {});
  }

  /** The server session of the latest connection. */
  get server(): ServerEnd {
    return this.servers.at(-1)!;
  }

  /** A connect attempt of the client: a new server session, or what `serverMode` says. */
  dial(): Link | undefined {
    if (this.serverMode !== "up") return undefined;
    const tuning = {
      ...this.options.server,
      signIn: { tokens: this.options.tokens !== undefined, ...this.options.server?.signIn },
      authorize: this.options.authorize !== undefined,
    };
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => this.random() * 256);
    const state = initialSessionState(serverConfig(tuning), this.now, {
      sessionKeySeed: bytes(48),
      nonce: bytes(32),
      token: bytes(16),
    });
    const server = new ServerEnd(this, state);
    const link = server.link = new Link(this, server);
    this.servers.push(server);
    return link;
  }

  /** Runs `fn` after everything queued now. */
  task(fn: () => void): void {
    this.#tasks.push(fn);
  }

  timer(ms: number, fire: () => void): Timer {
    return this.timerAt(this.now + ms, fire);
  }

  timerAt(at: number, fire: () => void): Timer {
    const timer = { at: Math.max(at, this.now), seq: this.#seq++, fire, cancelled: false };
    this.#timers.push(timer);
    return timer;
  }

  /**
   * Runs every queued task, and those they queue, without moving the clock; or only until
   * `until` holds, checked before each task.
   */
  drive(until?: () => boolean): void {
    for (let n = 0; this.#tasks.length > 0; n++) {
      if (until?.()) return;
      if (n > 10_000_000) throw new Error("the pair does not settle");
      this.#tasks.shift()!();
    }
  }

  #nextTimer(): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.#timers) {
      if (t.cancelled) continue;
      if (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
    }
    return next;
  }

  #fire(timer: Timer, until?: () => boolean): void {
    this.#timers.splice(this.#timers.indexOf(timer), 1);
    this.now = timer.at;
    timer.fire();
    this.drive(until);
  }

  /**
   * Drives the pair until `done` holds (checked between any two tasks, so a test can act at
   * any point: after a given frame, say), moving the clock to each timer in turn.
   */
  runUntil(done: () => boolean, maxMs = 3_600_000): void {
    const limit = this.now + maxMs;
    this.drive(done);
    while (!done()) {
      const timer = this.#nextTimer();
      if (timer === undefined || timer.at > limit) {
        throw new Error(`the pair stopped before the condition held (at +${maxMs} ms at most)`);
      }
      this.#fire(timer, done);
    }
  }

  /** Moves the clock `ms` forward, firing every timer due on the way. */
  advance(ms: number): void {
    const target = this.now + ms;
    this.drive();
    for (let timer = this.#nextTimer(); timer !== undefined && timer.at <= target;) {
      this.#fire(timer);
      timer = this.#nextTimer();
    }
    this.now = target;
    this.drive();
  }

  /** Connects the client and drives until it is open. */
  connect(): void {
    this.client.connect();
    this.runUntil(() => this.client.state.phase === "open");
  }

  /** Starts a download on the client. */
  download(requestId: string, request: DownloadRequest, resume?: ClientResumePoint): PairDownload {
    return this.client.download(requestId, request, resume);
  }

  /** Drives until a download has ended. */
  finish(download: PairDownload, maxMs?: number): PairDownload {
    this.runUntil(() => download.ended, maxMs);
    return download;
  }
}
