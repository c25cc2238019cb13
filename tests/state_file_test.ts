// The CLI's state file FILE.sluice on a real file system: what StateKeeper writes and when, and
// what loadState accepts. The download is a stand-in that reports whatever resume point a test sets.
import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import type { ClientResumePoint } from "../protocol/download_state.ts";
import type { DownloadRequest, DownloadStart } from "../protocol/messages.ts";
import {
  ContinueError,
  loadState,
  type SavedState,
  StateKeeper,
  statePath,
} from "../client/state_file.ts";

const REQUEST: DownloadRequest = {
  searchParams: { timeFrom: "2024-01-01", timeTo: "2024-02-01", filters: [] },
  outputFormat: "csv",
  compression: false,
};
const URL = "ws://127.0.0.1:8080/";

const point = (bytes: number, final = false): ClientResumePoint => ({
  highWaterMark: "1000",
  cursor: String(bytes),
  sequence: bytes,
  rows: bytes,
  bytes,
  digest: bytes.toString(16).padStart(64, "0"),
  final,
});

/** A download whose resume point the test moves, and whose start the test announces. */
class FakeDownload {
  current: ClientResumePoint | undefined;
  readonly started: Promise<DownloadStart>;
  #start!: () => void;
  constructor() {
    this.started = new Promise((resolve) => this.#start = () => resolve({} as DownloadStart));
  }
  resumePoint(): ClientResumePoint | undefined {
    return this.current;
  }
  /** download:start arrives: the machine's point is at byte 0 from now on. */
  async start(): Promise<void> {
    this.current = point(0);
    this.#start();
    await this.started;
  }
}

/** A FILE whose syncs are recorded with the state file's `fileBytes` at that moment. */
class RecordingFile {
  readonly syncs: (number | undefined)[] = [];
  constructor(readonly output: string) {}
  async syncData(): Promise<void> {
    this.syncs.push((await readState(this.output))?.fileBytes);
  }
}

async function readState(output: string): Promise<SavedState | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(statePath(output)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-state-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the state is saved at byte 0 once FILE is attached after download:start", async () => {
  await withTempDir(async (dir) => {
    const output = `${dir}/out.csv`;
    const download = new FakeDownload();
    const keeper = new StateKeeper(output, URL, REQUEST, download);
    await download.start();
    // Frames may arrive while FILE is being created: the byte-0 point is already held.
    download.current = point(100);
    await keeper.flush();
    equal(await readState(output), undefined, "nothing is saved before FILE exists");
    const file = new RecordingFile(output);
    await keeper.attach(file);
    deepStrictEqual(await readState(output), {
      version: 2,
      url: URL,
      request: REQUEST,
      resumePoint: point(0),
      fileBytes: 0,
    });
    deepStrictEqual(file.syncs, [undefined], "FILE was synced before the first state was written");
    ok(keeper.saved);
  });
});

Deno.test("FILE is synced before every state write, and only points matching FILE are saved", async () => {
  await withTempDir(async (dir) => {
    const output = `${dir}/out.csv`;
    const download = new FakeDownload();
    const keeper = new StateKeeper(output, URL, REQUEST, download);
    await download.start();
    const file = new RecordingFile(output);
    await keeper.attach(file);
    // Two frames delivered (points at 10 and 25) before the reader writes the first.
    download.current = point(10);
    keeper.observe();
    download.current = point(25);
    keeper.observe();
    await keeper.wrote(4); // inside the first frame: no point describes 4 bytes
    await keeper.flush();
    equal((await readState(output))?.fileBytes, 0);
    await keeper.wrote(6);
    await keeper.flush();
    equal((await readState(output))?.fileBytes, 10);
    await keeper.wrote(15);
    await keeper.flush();
    equal((await readState(output))?.fileBytes, 25);
    // Each sync saw the state before the write it preceded: never one claiming unsynced bytes.
    deepStrictEqual(file.syncs, [undefined, 0, 10]);
  });
});

Deno.test("a point after the FINAL frame is saved with final: true even when it adds no byte", async () => {
  await withTempDir(async (dir) => {
    const output = `${dir}/out.csv`;
    const download = new FakeDownload();
    const keeper = new StateKeeper(output, URL, REQUEST, download);
    await download.start();
    await keeper.attach(new RecordingFile(output));
    download.current = point(10);
    keeper.observe();
    await keeper.wrote(10);
    await keeper.flush();
    equal((await readState(output))?.resumePoint.final, false);
    // CSV ending on a page boundary: the FINAL frame is empty.
    download.current = point(10, true);
    keeper.observe();
    await keeper.flush();
    deepStrictEqual((await readState(output))?.resumePoint, point(10, true));
    await keeper.finished();
    equal(await readState(output), undefined);
  });
});

Deno.test("loadState accepts format 2 and explains what it refuses", async () => {
  await withTempDir(async (dir) => {
    const output = `${dir}/out.csv`;
    const good: SavedState = {
      version: 2,
      url: URL,
      request: REQUEST,
      resumePoint: point(7, true),
      fileBytes: 7,
    };
    const write = (state: unknown) => Deno.writeTextFile(statePath(output), JSON.stringify(state));
    await write(good);
    deepStrictEqual(await loadState(output, REQUEST), good);
    const refused = async (state: unknown, message: RegExp) => {
      await write(state);
      await rejects(
        loadState(output, REQUEST),
        (e) => e instanceof ContinueError && message.test(e.message),
      );
    };
    await refused({ ...good, version: 1 }, /has format version 1, not 2/);
    const { final: _, ...noFinal } = good.resumePoint;
    await refused({ ...good, resumePoint: noFinal }, /is not a sluice state file/);
    const { digest: __, ...noDigest } = good.resumePoint;
    await refused({ ...good, resumePoint: noDigest }, /is not a sluice state file/);
    await refused(
      { ...good, resumePoint: { ...good.resumePoint, digest: "AB".repeat(32) } },
      /is not a sluice state file/,
    );
    await refused({ ...good, fileBytes: 8 }, /is not a sluice state file/);
    await refused(
      { ...good, request: { ...REQUEST, compression: true } },
      /is for another request/,
    );
  });
});
