// One attack of bench/hostile.ts, in its own process (so that its work is not the measured
// client's), against the server at `ws://127.0.0.1:<port>/`, until the process is killed:
// `deno run -A bench/_attacker.ts <port> <attack>`. It prints "attacking" once under way.
import { mulberry32 } from "../server/demo_data.ts";
import { FuzzSource } from "../tests/_fuzz_messages.ts";
import { clientFrame, OPCODE, RawSocket } from "../tests/_raw_socket.ts";
import { halfUpgrades, slowReader, stalledDownload } from "../tests/_fuzz_resources.ts";
import { FuzzTally } from "../tests/_fuzz_tally.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One connection that sends `perSecond` payloads a second from `next`, in bursts every 10 ms,
 * reading what comes back or not, until the server ends it.
 */
async function paced(
  port: number,
  perSecond: number,
  next: () => string | Uint8Array,
  read: boolean,
): Promise<void> {
  const raw = await RawSocket.open(port);
  const burst = () => {
    const frames = Array.from({ length: perSecond / 100 }, () => {
      const payload = next();
      return clientFrame(typeof payload === "string" ? OPCODE.text : OPCODE.binary, payload);
    });
    const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    frames.reduce((at, f) => (out.set(f, at), at + f.length), 0);
    return out;
  };
  const reading = read ? raw.readAll(() => false) : Promise.resolve();
  try {
    for (;;) {
      if (!(await raw.write(burst()))) break;
      await sleep(10);
    }
  } finally {
    raw.close();
    await reading;
  }
}

const health = () =>
  JSON.stringify({ event: "connection:health", data: {}, timestamp: Date.now(), requestId: "p" });

/**
 * The attacks, each the work of one process, after the issue's: each runs at a fixed intensity
 * and starts again when the server ends it.
 */
export const ATTACKS = {
  /** 4 connections each sending 4,000 one-byte garbage messages a second, reading the answers. */
  "unsigned garbage, 4 × 4,000/s": (port: number) =>
    Array.from({ length: 4 }, () => forever(() => paced(port, 4000, () => "x", true))),
  /** 2 connections each sending 800 pings a second and reading none of the answers. */
  "pings never read, 2 × 800/s": (port: number) =>
    Array.from({ length: 2 }, () => forever(() => paced(port, 800, health, false))),
  /** 8 connections each sending 500 malformed messages of the fuzz suite's kinds a second. */
  "malformed messages, 8 × 500/s": (port: number) => {
    // Drawn once: the attacker's own work is sending them, not making them.
    const source = new FuzzSource(mulberry32(16));
    const pool = Array.from({ length: 5000 }, () => source.next().payload);
    let i = 0;
    const next = () => pool[i++ % pool.length];
    return Array.from({ length: 8 }, () => forever(() => paced(port, 500, next, true)));
  },
  /** 100 downloads of the whole table that read nothing. */
  "100 never-read downloads": (port: number, tally: FuzzTally) =>
    Array.from({ length: 100 }, () => forever(() => stalledDownload(port, 3_600_000, tally))),
  /** 8 downloads each read 128 KB every 100 ms (1.3 MB/s): slow, not stopped. */
  "8 slow readers": (port: number, tally: FuzzTally) =>
    Array.from(
      { length: 8 },
      () =>
        forever(() =>
          slowReader(port, new Promise(() => {}), tally, { bytes: 131_072, everyMs: 100 })
        ),
    ),

  /** 500 connections that sent half an upgrade request. */
  "500 half-sent upgrades": (port: number, tally: FuzzTally) => [halfUpgrades(port, 500, tally)],
} as const;

/** Runs `attack` again each time it ends. */
async function forever(attack: () => Promise<unknown>): Promise<void> {
  for (;;) {
    await attack().catch(() => {});
    // Ended (closed by the server, or refused): come back, as an attacker would, a little later.
    await sleep(100);
  }
}

if (import.meta.main) {
  const [port, name] = [Number(Deno.args[0]), Deno.args[1] as keyof typeof ATTACKS];
  const attack = ATTACKS[name];
  if (attack === undefined) {
    throw new Error(`no attack ${name}: ${Object.keys(ATTACKS).join(", ")}`);
  }
  const running = attack(port, new FuzzTally());
  console.log("attacking");
  await Promise.all(running);
  // A held attack (half-sent upgrades) waits to be killed; a timer keeps the process alive.
  setInterval(() => {}, 60_000);
}
