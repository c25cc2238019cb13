/**
 * What one connection's downloads read through: for each download (the
 * session machine's job), a snapshot of the data source when the source
 * offers one ({@linkcode DataSource.openSnapshot}), else the source itself.
 * A download's snapshot opens at its first read (the high-water mark) and
 * is released when the machine says the download ended (`jobEnded`: it
 * completed, was cancelled, failed, or was aborted with its connection),
 * or, at the latest, when the connection is gone. These are resources of
 * the shell, not rules: the machine decides when a download ends.
 *
 * @module
 */

import type { Logger } from "../protocol/logger.ts";
import type { EstimatedEvent, EstimateEffect } from "../protocol/session_estimate.ts";
import {
  type DataSource,
  DataSourceError,
  type SourceReader,
  type SourceSnapshot,
} from "./data_source.ts";

/** One download's reader, and its snapshot while one is open or opening. */
interface Entry {
  readonly reader: Promise<SourceReader>;
  readonly snapshot: Promise<SourceSnapshot> | undefined;
}

/**
 * The readers of a connection's downloads, by job number.
 *
 * @example A download reads in its snapshot, which is released when it ends
 * ```ts ignore
 * import { DownloadReads } from "./download_reads.ts";
 * import type { DataSource } from "./data_source.ts";
 * declare const source: DataSource;
 * const reads = new DownloadReads(source, console);
 * const reader = reads.open(1);
 * const highWaterMark = await (await reader).highWaterMark();
 * reads.end(1); // the machine's `jobEnded`
 * ```
 */
export class DownloadReads {
  readonly #source: DataSource;
  readonly #logger: Logger;
  readonly #sources: ReadonlyMap<string, DataSource> | undefined;
  readonly #entries = new Map<number, Entry>();

  /**
   * Reads of `source`, or of a dataset of `sources` by name; failures to
   * release a snapshot go to `logger`.
   */
  constructor(source: DataSource, logger: Logger, sources?: ReadonlyMap<string, DataSource>) {
    this.#source = source;
    this.#logger = logger;
    this.#sources = sources;
  }

  /** Downloads that hold a reader now. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The reader of a download that starts reading: its own snapshot where the
   * source offers one. A snapshot that cannot be opened fails the read it
   * was opened for (the caller reports it as the source's failure).
   * `dataset` names the source of a server of several (the machine chose
   * it); absent, the default one.
   */
  open(job: number, dataset?: string): Promise<SourceReader> {
    const existing = this.#entries.get(job);
    if (existing !== undefined) return existing.reader;
    const source = dataset === undefined ? this.#source : this.#sources?.get(dataset);
    if (source === undefined) throw new RangeError(`no dataset ${dataset} to read`);
    const snapshot = source.openSnapshot?.();
    const entry: Entry = { reader: snapshot ?? Promise.resolve(source), snapshot };
    this.#entries.set(job, entry);
    return entry.reader;
  }

  /**
   * The reader of a running download, or `undefined` once it ended: a read
   * asked before the end and started after it has nothing to read from (its
   * answer would be ignored anyway).
   */
  reader(job: number): Promise<SourceReader> | undefined {
    return this.#entries.get(job)?.reader;
  }

  /** The download ended: its snapshot is released (in the background, failures logged). */
  end(job: number): void {
    const entry = this.#entries.get(job);
    if (entry === undefined) return;
    this.#entries.delete(job);
    entry.snapshot?.then(
      (snapshot) =>
        snapshot.release().catch((error) =>
          this.#logger.error("sluice: a download's snapshot could not be released:", error)
        ),
      // A snapshot that never opened holds nothing; the read it failed reported why.
      () => undefined,
    );
  }

  /**
   * The reads of an estimate (protocol/session_estimate.ts), outside any
   * download: the source's high-water mark, the count under it, and its
   * first `sample` rows, all from the dataset's source itself. Never
   * rejects: a failure is the answer's kind (the logger hears the cause).
   */
  async estimate(effect: EstimateEffect): Promise<EstimatedEvent> {
    const { job, dataset, query, sample } = effect;
    try {
      const source = dataset === undefined ? this.#source : this.#sources?.get(dataset);
      if (source === undefined) throw new RangeError(`no dataset ${dataset} to read`);
      const scan = { ...query, highWaterMark: await source.highWaterMark() };
      const rows = await source.count(scan);
      const page = rows === 0 ? [] : (await source.page(scan, sample)).rows;
      return { type: "estimated", job, answer: { rows, sample: page } };
    } catch (error) {
      this.#logger.error("sluice: an estimate's data source failed:", error);
      return { type: "estimated", job, answer: { failed: DataSourceError.failureOf(error) } };
    }
  }

  /** The connection is gone: every download's snapshot is released. */
  endAll(): void {
    for (const job of [...this.#entries.keys()]) this.end(job);
  }
}
