// The benchmarks' child processes: the server program started exactly as `deno task start` starts
// it, over a demo database built once per machine (the tests' cache), and its memory read from
// /proc.
import { openDemoSource } from "../server/demo_data.ts";
import { statFields } from "./_proc.ts";

const ROOT = new URL("..", import.meta.url).pathname;
/** The server runs exactly as `deno task start` runs it (flags included), minus the `deno`. */
const START: string[] = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks.start
  .split(" ").slice(1);

/** A child process that prints a URL on stdout once it listens. */
export class Child {
  readonly url: string;
  readonly #process: Deno.ChildProcess;
  readonly #drained: Promise<void>;

  private constructor(process: Deno.ChildProcess, url: string, drained: Promise<void>) {
    this.#process = process;
    this.url = url;
    this.#drained = drained;
  }

  static async start(args: string[], pattern: RegExp): Promise<Child> {
    const process = new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    for (;;) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`${args.join(" ")} exited before listening: ${seen}`);
      seen += value;
      const match = seen.match(pattern);
      if (match !== null) {
        const drained = (async () => {
          while (!(await lines.read()).done);
        })();
        return new Child(process, match[1], drained);
      }
    }
  }

  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRss(): number {
    return this.#status("VmHWM");
  }

  /** Resident set size now (VmRSS), in bytes. */
  rss(): number {
    return this.#status("VmRSS");
  }

  /**
   * Samples the resident set every `everyMs` until the returned function is
   * called, which gives the median of the samples of the second half of the
   * time: where the server's memory settles during an export, beside its peak
   * (VmHWM), which one collection that comes late can set.
   */
  watchRss(everyMs = 100): () => number {
    const samples: number[] = [];
    const timer = setInterval(() => samples.push(this.rss()), everyMs);
    return () => {
      clearInterval(timer);
      const settled = samples.slice(Math.floor(samples.length / 2)).sort((a, b) => a - b);
      return settled.length === 0 ? this.rss() : settled[Math.floor(settled.length / 2)];
    };
  }

  /** CPU time the process has used so far (user and system), in seconds. */
  cpuSeconds(): number {
    // The 14th and 15th fields, after the parenthesised name, in clock ticks.
    const fields = statFields(this.#process.pid);
    if (fields === undefined) throw new Error(`process ${this.#process.pid} is gone`);
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  #status(field: "VmHWM" | "VmRSS"): number {
    const status = Deno.readTextFileSync(`/proc/${this.#process.pid}/status`);
    const kb = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    if (kb === null) throw new Error(`no ${field} in /proc status`);
    return Number(kb[1]) * 1024;
  }

  async stop(): Promise<void> {
    this.#process.kill("SIGTERM");
    await this.#process.status;
    await this.#drained;
  }
}

export function dbPath(rows: number): string {
  const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/sluice-test-data`;
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/demo-${rows}.sqlite`;
  console.error(`preparing ${path}`);
  openDemoSource(path, rows).close();
  return path;
}

/** The server program as `deno task start` runs it, over `db`, on a free port. */
export function startServer(db: string, rows: number, extra: string[] = []): Promise<Child> {
  return startProgram(["--db", db, "--demo-rows", String(rows), ...extra]);
}

/** The server program as `deno task start` runs it, on a free port, with `args`. */
export function startProgram(args: string[]): Promise<Child> {
  return Child.start([...START, "--port", "0", ...args], /listening on (ws:\/\/\S+)/);
}
