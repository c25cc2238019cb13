// The fuzz run (tests/fuzz_test.ts with 20,000 messages, `deno task soak` with 1,000,000): a live
// server on 127.0.0.1 port 0, in this process, with a logger that keeps what it is told; a good
// client downloading beside the attackers; every attacker of tests/_fuzz_attacks.ts at once; and
// the figures a test asserts on and the soak prints: messages by kind, codes and closes seen, what
// was not as predicted, what the server logged, the good client's bytes, and the process's RSS.
import { ClientBuilder } from "../client.ts";
import { createServer } from "../server/create_server.ts";
import { serveGuarded } from "../server/upgrade_guard.ts";
import { mulberry32, openDemoSource } from "../server/demo_data.ts";
import { demoPath } from "./_harness.ts";
import { FuzzSource } from "./_fuzz_messages.ts";
import {
  brokenWebSocketFrame,
  malformedStream,
  sealedAttack,
  sqlStream,
  truncatedWebSocketFrame,
} from "./_fuzz_attacks.ts";
import {
  halfUpgrades,
  neverReadFlood,
  slowReader,
  stalledDownload,
  unsignedFlood,
} from "./_fuzz_resources.ts";
import { FuzzTally } from "./_fuzz_tally.ts";

/** What a run is asked to do. */
export interface FuzzOptions {
  /** The seed of every draw; a failure prints it, and the same seed replays the same run. */
  readonly seed: number;
  /** Malformed messages to send, over all the streams (at least). */
  readonly messages: number;
  /** Rows of the demo table (the good client downloads them all). */
  readonly rows?: number;
  /** Told of progress, for the soak. */
  readonly progress?: (line: string) => void;
}

/** What a run saw. */
export interface FuzzReport {
  readonly seed: number;
  readonly tally: FuzzTally;
  /** What the server logged: nothing, or a failure it could not hand a client. */
  readonly logged: unknown[][];
  /** The good client's download under attack is byte-identical to the one before it. */
  readonly identical: boolean;
  readonly goodBytes: number;
  /** The server answered a health check at the end. */
  readonly alive: boolean;
  /** Resident set size: before the attack, the highest seen during it, and after it ended. */
  readonly rss: { readonly before: number; readonly peak: number; readonly after: number };
  /** The JavaScript heap in use before the attack and after it ended. */
  readonly heap: { readonly before: number; readonly after: number };
  readonly ms: number;
}

/**
 * Messages per malformed stream: under the message rate's burst for refused messages (100 at
 * the default rate, session_overload.ts), so that each gets its answer.
 */
const PER_STREAM = 90;
/** Streams at once. */
const PARALLEL = 12;
/**
 * The fuzz server's stall timeout: short, so that a never-read download ends within the run,
 * and long enough that a slow reader in this busy process shows progress within it.
 */
const STALL_MS = 2000;

async function goodDownload(url: string): Promise<Uint8Array> {
  const client = new ClientBuilder(url).build();
  try {
    await client.connect();
    const download = client.download({
      // A third of the table: enough to run through the whole attack, quick before it.
      searchParams: {
        timeFrom: "2000-01-01",
        timeTo: "2100-01-01",
        filters: [{ field: "id", operator: "lte", value: 30_000 }],
      },
      outputFormat: "csv",
      compression: false,
    });
    const bytes = new Uint8Array(await new Response(download.readable).arrayBuffer());
    await download.done;
    return bytes;
  } finally {
    await client.close();
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Runs the malformed streams, `PARALLEL` at a time, until `total` messages have been sent. */
async function streams(url: string, source: FuzzSource, total: number, tally: FuzzTally) {
  let left = total;
  const worker = async () => {
    while (left > 0) {
      const n = Math.min(PER_STREAM, left);
      left -= n;
      const batch = Array.from({ length: n }, () => source.next());
      // Now and then an oversize message, up to 16 times the limit.
      if (n === PER_STREAM) batch[Math.floor(n / 2)] = source.oversize();
      await malformedStream(url, batch, tally);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** One fuzz run; see {@linkcode FuzzOptions}. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const rows = options.rows ?? 100_000;
  const logged: unknown[][] = [];
  const source = openDemoSource(demoPath(rows), rows);
  const sluice = createServer({
    source,
    anonymous: true,
    stallTimeoutMs: STALL_MS,
    // Every attacker here comes from 127.0.0.1: the per-address bound is limits_test.ts's.
    maxConnectionsPerAddress: 10_000,
    // A download that reads nothing fills its socket rather than stopping at the reader's window,
    // and a peer that never reads meets its queue's bound within the run.
    windowBytes: 1 << 30,
    maxQueuedBytes: 2_097_152,
    // Past the loopback's socket buffers (some 10 MB) within a second or so.
    maxMessagesPerSecond: 5000,
    logger: { error: (...args: unknown[]) => logged.push(args) },
  });
  // Behind the guard, as the server program listens: its WebSocket meets the broken frames.
  // Its many peers come from one address: the bound on half-sent heads per address is the total.
  const http = serveGuarded(
    { hostname: "127.0.0.1", port: 0, maxPendingPerAddress: 1024 },
    sluice.fetch,
  );
  const port = http.addr.port;
  const url = `ws://127.0.0.1:${port}/`;
  const tally = new FuzzTally();
  const random = mulberry32(options.seed);
  const fuzz = new FuzzSource(random);
  let peak = 0;
  const sample = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 50);
  try {
    const baseline = await goodDownload(url);
    const before = Deno.memoryUsage().rss;
    const heapBefore = Deno.memoryUsage().heapUsed;
    // Scale the side attacks with the run, within what a few seconds hold.
    const scale = Math.max(1, Math.round(options.messages / 20_000));
    const release = await halfUpgrades(port, 200, tally);
    let stopSlow!: () => void;
    const slowStop = new Promise<void>((resolve) => stopSlow = resolve);
    const slow = [slowReader(port, slowStop, tally), slowReader(port, slowStop, tally)];
    const attacks = Promise.all([
      streams(url, fuzz, options.messages, tally),
      sqlStream(url, 100 * scale, tally),
      ...Array.from({ length: 10 * Math.min(scale, 5) }, (_, i) => sealedAttack(url, i, tally)),
      ...Array.from(
        { length: 80 * Math.min(scale, 5) },
        (_, i) => brokenWebSocketFrame(port, i, tally),
      ),
      ...Array.from({ length: 20 }, () => truncatedWebSocketFrame(port, tally)),
      // It reads after three stall timeouts: filling the socket takes a while on a busy machine.
      stalledDownload(port, STALL_MS * 3, tally),
      neverReadFlood(port, 2000, STALL_MS, tally),
      // More at once than the rate bucket holds and refills while the server answers them (it
      // answers some 20,000 a second here, reading no faster than it answers).
      ...Array.from({ length: 4 }, () => unsignedFlood(port, 12_000, tally)),
    ]);
    let done = 0;
    const progress = options.progress === undefined ? undefined : setInterval(() => {
      const now = tally.messages;
      options.progress!(
        `${now} messages, ${now - done}/s, rss ${Math.round(Deno.memoryUsage().rss / 1e6)} MB`,
      );
      done = now;
    }, 1000);
    // In the thick of it: once every attacker is under way.
    const good = new Promise((resolve) => setTimeout(resolve, 1000)).then(() => goodDownload(url));
    const [underAttack] = await Promise.all([good, attacks]);
    clearInterval(progress);
    stopSlow();
    await Promise.all(slow);
    release();
    // Alive: a new connection is answered.
    const alive = await health(url);
    // The attackers are gone; what they cost must be given back.
    for (let i = 0; i < 50 && sluice.connections > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    // Where the runtime lets it (`--v8-flags=--expose-gc`, as the soak runs), collect first.
    (globalThis as { gc?: () => void }).gc?.();
    const after = Deno.memoryUsage().rss;
    const heapAfter = Deno.memoryUsage().heapUsed;
    return {
      seed: options.seed,
      tally,
      logged,
      identical: same(baseline, underAttack),
      goodBytes: underAttack.length,
      alive,
      rss: { before, peak: Math.max(peak, after), after },
      heap: { before: heapBefore, after: heapAfter },
      ms: Date.now() - started,
    };
  } finally {
    clearInterval(sample);
    await sluice.close();
    await http.shutdown();
    await source.close();
  }
}

async function health(url: string): Promise<boolean> {
  const socket = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const answer = new Promise<boolean>((resolve) => {
      socket.onmessage = (e) => resolve(JSON.parse(String(e.data)).event === "connection:health");
      socket.onclose = () => resolve(false);
    });
    socket.send(JSON.stringify({
      event: "connection:health",
      data: {},
      timestamp: Date.now(),
      requestId: "alive",
    }));
    return await answer;
  } finally {
    socket.close();
  }
}
