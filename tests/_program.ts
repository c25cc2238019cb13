// Programs of this repository run as subprocesses in tests: output read as it comes, waits with
// deadlines, and nothing left running when a test ends.

/** How long a program may take to start listening, or to exit after a signal. */
export const DEADLINE_MS = 10_000;

/** The server program's path. */
export const SERVER: string = new URL("../server.ts", import.meta.url).pathname;

/** Who a {@linkcode serverProgram} lets download. */
export interface Admission {
  /** `--anonymous`: anyone, signed in or not (the default, for tests about exports). */
  readonly anonymous?: boolean;
  /** `--allow KEY` for each: only these may sign in; absent, any key that signs in may. */
  readonly allow?: readonly string[];
  /** `--max-delegation-minutes N`: wallet delegations without `--origin` (the port is not known). */
  readonly maxDelegationMinutes?: number;
}

/**
 * `deno run -A server.ts` over the demo database `db` of `rows` rows, on `port` (0: a free one).
 * Its identity key stays in the file beside `db`, so it is the same after a restart.
 */
export function serverProgram(
  db: string,
  rows: number,
  port = 0,
  { anonymous = true, allow, maxDelegationMinutes }: Admission = {},
): Program {
  const args = ["--port", String(port), "--db", db, "--demo-rows", String(rows)];
  if (anonymous) args.push("--anonymous");
  for (const key of allow ?? []) args.push("--allow", key);
  if (maxDelegationMinutes !== undefined) {
    args.push("--max-delegation-minutes", String(maxDelegationMinutes));
  }
  return new Program(["run", "-A", SERVER, ...args]);
}

/** A program run as a subprocess, its stdout and stderr read as they come. */
export class Program {
  readonly #child: Deno.ChildProcess;
  readonly #pumps: Promise<void>[];
  readonly #wakers = new Set<() => void>();
  #output = { stdout: "", stderr: "" };
  #status: Deno.CommandStatus | undefined;
  readonly status: Promise<Deno.CommandStatus>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args,
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#pumps = [this.#pump("stdout"), this.#pump("stderr")];
    this.status = this.#child.status.then((status) => {
      this.#status = status;
      this.#wake();
      return status;
    });
  }

  /** The process id. */
  get pid(): number {
    return this.#child.pid;
  }

  get stdout(): string {
    return this.#output.stdout;
  }

  get stderr(): string {
    return this.#output.stderr;
  }

  async #pump(name: "stdout" | "stderr"): Promise<void> {
    for await (const text of this.#child[name].pipeThrough(new TextDecoderStream())) {
      this.#output[name] += text;
      this.#wake();
    }
  }

  #wake(): void {
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  /** Waits for `pattern` to appear on `stream`; fails if the program exits or is too slow. */
  async waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<RegExpMatchArray> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const found = this.#output[stream].match(pattern);
      if (found !== null) return found;
      const why = this.#status !== undefined
        ? `exited with code ${this.#status.code}`
        : Date.now() > deadline
        ? `printed nothing matching in ${DEADLINE_MS} ms`
        : undefined;
      if (why !== undefined) {
        throw new Error(
          `${pattern} not found: the program ${why}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#wakers.add(resolve);
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1);
      });
      clearTimeout(timer);
    }
  }

  signal(signal: Deno.Signal): void {
    this.#child.kill(signal);
  }

  /** Kills the program if it still runs, and waits for it and its output to end. */
  async stop(): Promise<Deno.CommandStatus> {
    if (this.#status === undefined) {
      try {
        this.#child.kill("SIGKILL");
      } catch (error) {
        // It exited between the check and the kill.
        if (!(error instanceof TypeError)) throw error;
      }
    }
    const status = await this.status;
    await Promise.all(this.#pumps);
    return status;
  }
}

/** The command-line client's path. */
export const CLIENT: string = new URL("../client.ts", import.meta.url).pathname;

/** Longest a single run of the command-line client may take before it is killed. */
const CLIENT_DEADLINE_MS = 20_000;

/** How a run of the command-line client ended. */
export interface ClientRun {
  readonly code: number;
  readonly stdout: Uint8Array;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs `deno run -A client.ts ARGS…` (with `env` added to its environment) to the end, killing
 * it if it outlives the deadline.
 */
export async function runClient(
  args: string[],
  env: Record<string, string> = {},
): Promise<ClientRun> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), CLIENT_DEADLINE_MS);
  const started = performance.now();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLIENT, ...args],
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: deadline.signal,
    }).output();
    if (deadline.signal.aborted) {
      throw new Error(`client ${args.join(" ")} ran longer than ${CLIENT_DEADLINE_MS} ms`);
    }
    return {
      code: out.code,
      stdout: out.stdout,
      stderr: new TextDecoder().decode(out.stderr),
      ms: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}
