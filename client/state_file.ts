/**
 * The command-line client's state file, `FILE.sluice`: what `--continue`
 * needs to finish an interrupted download into FILE. JSON with a format
 * version, the server URL, the request, the download's resume point and the
 * length of FILE that point corresponds to.
 *
 * It is replaced atomically (a temporary file, then a rename) and only ever
 * describes bytes already written to FILE and synced to disk, so that
 * whatever stops the process or the machine, FILE truncated to `fileBytes`
 * followed by a resume from `resumePoint` is the export. The first state is
 * written as soon as the server has accepted the download, at byte 0, so
 * even a run killed before the first frame can be continued.
 *
 * @module
 */

import type { ClientResumePoint } from "../protocol/download_state.ts";
import type { DownloadRequest } from "../protocol/messages.ts";
import type { Download } from "./download.ts";
import { canonicalJson } from "../protocol/canonical_json.ts";
import { HEX_32_BYTES } from "../protocol/hex_patterns.ts";

/** The state file's format version: 2 since resume points carry the digest chain value and `final`. */
export const STATE_VERSION = 2;
/** Least time between two writes of the state file: a write is cheap, but not free. */
const STATE_INTERVAL_MS = 250;

/** What `FILE.sluice` holds. */
export interface SavedState {
  /** {@linkcode STATE_VERSION}. */
  readonly version: number;
  /** The server the download ran against (informational: --continue may use another). */
  readonly url: string;
  /** The request as sent. */
  readonly request: DownloadRequest;
  /**
   * Where to resume: after the first `fileBytes` bytes of FILE. With
   * `final: true` the FINAL frame was in, and FILE's first `fileBytes` bytes
   * are the whole export.
   */
  readonly resumePoint: ClientResumePoint;
  /** The length of FILE that `resumePoint` describes (equal to its `bytes`). */
  readonly fileBytes: number;
}

/**
 * The state file of the output `output`.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { statePath } from "./state_file.ts";
 * equal(statePath("trades.csv"), "trades.csv.sluice");
 * ```
 */
export function statePath(output: string): string {
  return `${output}.sluice`;
}

/** Why the state file cannot be written (the CLI exits 1 with the message). */
export class StateWriteError extends Error {}

/** Why `--continue` cannot go on (the CLI exits 2 with the message). */
export class ContinueError extends Error {}

/** What a {@linkcode StateKeeper} needs of FILE: a way to make its written bytes durable. */
export interface SyncableFile {
  /** Flushes FILE's data to the disk (`Deno.FsFile.syncData`). */
  syncData(): Promise<void>;
}

/**
 * Keeps `FILE.sluice` up to date. A download's `resumePoint()` may run ahead
 * of the bytes written (frames delivered but not yet read), so each point
 * seen is held until the bytes written reach exactly its `bytes`; only then
 * does it describe FILE, and only then may it be saved.
 *
 * Create it as soon as the download is, so that it sees the point at
 * `download:start`; `attach` FILE once it is open, which saves that point.
 *
 * @example
 * ```ts ignore
 * const keeper = new StateKeeper("out.csv", url, request, download);
 * await download.started;
 * await keeper.attach(await Deno.create("out.csv")); // the state at byte 0
 * keeper.observe(); // before each chunk is written
 * await keeper.wrote(chunk.length); // after
 * await keeper.finished(); // once the download completed
 * ```
 */
export class StateKeeper {
  /** The output file the state describes. */
  readonly path: string;
  /** Whether a state file was written by this run (or the one it continues). */
  saved = false;
  readonly #url: string;
  readonly #request: DownloadRequest;
  readonly #download: Pick<Download, "resumePoint" | "started">;
  /** FILE, once open: synced before every state write. */
  #file: SyncableFile | undefined;
  /** Resume points seen ahead of the bytes written, by their `bytes`. */
  readonly #ahead = new Map<number, ClientResumePoint>();
  #written: number;
  /** The latest point that matches the bytes written so far. */
  #exact: ClientResumePoint | undefined;
  #savedBytes = -1;
  #savedFinal = false;
  #savedAt = -Infinity;

  /** Keeps the state of `download` into `path`; `from` is the state a `--continue` started from. */
  constructor(
    path: string,
    url: string,
    request: DownloadRequest,
    download: Pick<Download, "resumePoint" | "started">,
    from?: SavedState,
  ) {
    this.path = path;
    this.#url = url;
    this.#request = request;
    this.#download = download;
    this.#written = from?.fileBytes ?? 0;
    if (from !== undefined) {
      this.#exact = from.resumePoint;
      this.#savedBytes = from.fileBytes;
      this.#savedFinal = from.resumePoint.final === true;
      this.saved = true;
    }
    this.observe();
    // Right after download:start, before any frame: the point at byte 0 of a new run. (The
    // reaction runs before the client handles its next message.)
    download.started.then(() => this.observe());
  }

  /** FILE is open, at the length the state describes: saves the point it stands at. */
  async attach(file: SyncableFile): Promise<void> {
    this.#file = file;
    await this.flush();
  }

  /** Notes where the download stands now. */
  observe(): void {
    const point = this.#download.resumePoint();
    if (point === undefined) return;
    if (point.bytes === this.#written) this.#exact = point;
    else if (point.bytes > this.#written) this.#ahead.set(point.bytes, point);
  }

  /** Counts `n` more bytes written to FILE; saves the state if it is time. */
  async wrote(n: number): Promise<void> {
    this.#written += n;
    for (const [bytes, point] of this.#ahead) {
      if (bytes === this.#written) this.#exact = point;
      if (bytes <= this.#written) this.#ahead.delete(bytes);
    }
    if (performance.now() - this.#savedAt >= STATE_INTERVAL_MS) await this.flush();
  }

  /** Saves the latest exact point, if not saved yet and FILE is attached. */
  async flush(): Promise<void> {
    const point = this.#exact;
    const file = this.#file;
    if (point === undefined || file === undefined) return;
    // An empty FINAL frame (CSV ending on a page boundary) adds no byte but still ends the export.
    const final = point.final === true;
    if (point.bytes === this.#savedBytes && final === this.#savedFinal) return;
    // FILE's bytes reach the disk before a state that claims them: a crash can leave a state
    // behind FILE (more bytes to drop on --continue), never ahead of it.
    try {
      await file.syncData();
    } catch (error) {
      throw new StateWriteError(`cannot sync ${this.path}: ${(error as Error).message}`);
    }
    await writeState(this.path, {
      version: STATE_VERSION,
      url: this.#url,
      request: this.#request,
      resumePoint: point,
      fileBytes: point.bytes,
    });
    this.#savedBytes = point.bytes;
    this.#savedFinal = final;
    this.#savedAt = performance.now();
    this.saved = true;
  }

  /** The download completed: the state file has done its job. */
  async finished(): Promise<void> {
    await removeState(this.path);
  }
}

/**
 * Replaces the state file of `output` atomically: a temporary file, synced,
 * then renamed over it, so the name holds the old state or the new one,
 * whole, whatever happens.
 */
async function writeState(output: string, state: SavedState): Promise<void> {
  const target = statePath(output);
  const temporary = `${target}.tmp`;
  try {
    const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
    try {
      const bytes = new TextEncoder().encode(JSON.stringify(state, null, 2) + "\n");
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, target);
  } catch (error) {
    throw new StateWriteError(`cannot write ${target}: ${(error as Error).message}`);
  }
}

/**
 * Removes the state file of `output` and any temporary one; absent ones are fine.
 *
 * @example
 * ```ts
 * import { throws } from "node:assert/strict";
 * import { removeState, statePath } from "./state_file.ts";
 * const dir = Deno.makeTempDirSync();
 * const output = `${dir}/out.csv`;
 * Deno.writeTextFileSync(statePath(output), "{}");
 * await removeState(output); // out.csv.sluice and out.csv.sluice.tmp are gone
 * throws(() => Deno.statSync(statePath(output)), Deno.errors.NotFound);
 * await removeState(output); // and removing them again is fine
 * Deno.removeSync(dir);
 * ```
 */
export async function removeState(output: string): Promise<void> {
  for (const path of [statePath(output), `${statePath(output)}.tmp`]) {
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

/**
 * Reads `FILE.sluice` and checks it against the request on the command line.
 *
 * @throws {ContinueError} when it is missing, unreadable, malformed, of
 * another format version, or for another request.
 *
 * @example
 * ```ts
 * import { equal, rejects } from "node:assert/strict";
 * import { ContinueError, loadState, STATE_VERSION, statePath } from "./state_file.ts";
 * const dir = Deno.makeTempDirSync();
 * const output = `${dir}/out.csv`;
 * const request = {
 *   searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
 *   outputFormat: "csv" as const,
 *   compression: false,
 * };
 * await rejects(loadState(output, request), ContinueError); // nothing to continue
 * const resumePoint = {
 *   highWaterMark: "1000",
 *   cursor: "10",
 *   sequence: 0,
 *   rows: 10,
 *   bytes: 700,
 *   digest: "00".repeat(32),
 *   final: false,
 * };
 * const url = "ws://127.0.0.1:8080/";
 * const state = { version: STATE_VERSION, url, request, resumePoint, fileBytes: 700 };
 * Deno.writeTextFileSync(statePath(output), JSON.stringify(state));
 * const saved = await loadState(output, request);
 * equal(saved.resumePoint.bytes, saved.fileBytes);
 * // A state file answers only the request it was saved for.
 * await rejects(loadState(output, { ...request, compression: true }), ContinueError);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function loadState(output: string, request: DownloadRequest): Promise<SavedState> {
  const path = statePath(output);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new ContinueError(`cannot read ${path}: ${(error as Error).message}`);
    }
    const exists = await Deno.stat(output).then(() => true, () => false);
    throw new ContinueError(
      exists
        ? `no ${path}: where ${output} stopped is unknown (run without --continue to start over)`
        : `no ${path} and no ${output}: nothing to continue`,
    );
  }
  let state: SavedState;
  try {
    state = JSON.parse(text);
  } catch {
    throw new ContinueError(`${path} is not valid JSON`);
  }
  // The version first: an older file's shape is not this version's, and saying so helps more.
  const version = (state as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version !== STATE_VERSION) {
    throw new ContinueError(`${path} has format version ${version}, not ${STATE_VERSION}`);
  }
  if (!validState(state)) throw new ContinueError(`${path} is not a sluice state file`);
  if (canonicalJson(state.request) !== canonicalJson(request)) {
    throw new ContinueError(
      `${path} is for another request (${canonicalJson(state.request)}); ` +
        `give the same --from, --to, --filter, --format, --gzip and --no-neutralize`,
    );
  }
  return state;
}

function validState(state: unknown): state is SavedState {
  if (typeof state !== "object" || state === null) return false;
  const s = state as Record<string, unknown>;
  const point = s.resumePoint as Record<string, unknown> | null | undefined;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  return s.version === STATE_VERSION && typeof s.url === "string" &&
    typeof s.request === "object" && s.request !== null &&
    typeof point === "object" && point !== null &&
    typeof point.highWaterMark === "string" && typeof point.cursor === "string" &&
    count(point.sequence) && count(point.rows) && count(point.bytes) &&
    typeof point.digest === "string" && HEX_32_BYTES.test(point.digest) &&
    typeof point.final === "boolean" &&
    count(s.fileBytes) && s.fileBytes === point.bytes;
}

/**
 * Opens FILE to append after its first `length` bytes, dropping any bytes
 * after them (written after the state was last saved, maybe part of a frame).
 *
 * @throws {ContinueError} when FILE cannot be opened or truncated, or is
 * shorter than `length`: its state file then claims bytes it lacks.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { reopen } from "./state_file.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".csv" });
 * Deno.writeTextFileSync(path, "id\n1\n2,half a ro");
 * const file = await reopen(path, 5); // the state file says 5 bytes: "id\n1\n"
 * await file.write(new TextEncoder().encode("2\n"));
 * file.close();
 * equal(Deno.readTextFileSync(path), "id\n1\n2\n");
 * Deno.removeSync(path);
 * ```
 */
export async function reopen(path: string, length: number): Promise<Deno.FsFile> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch (error) {
    throw new ContinueError(`cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    const { size } = await file.stat();
    if (size < length) {
      throw new ContinueError(
        `${path} has ${size} bytes, fewer than the ${length} its state file records`,
      );
    }
    await file.truncate(length);
    const end = await file.seek(0, Deno.SeekMode.End);
    if (end !== length) {
      throw new ContinueError(`${path} is ${end} bytes after truncating to ${length}`);
    }
    return file;
  } catch (error) {
    file.close();
    if (error instanceof ContinueError) throw error;
    throw new ContinueError(`cannot truncate ${path}: ${(error as Error).message}`);
  }
}
