/**
 * The page's download history in IndexedDB (database `sluice-history`,
 * store `downloads`, keyed by request id): the last downloads
 * (`HISTORY_LENGTH` of `history_record.ts`), surviving a reload. Where
 * IndexedDB is unavailable, the history lasts until the page closes.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { type HistoryRecord, readRecord, remember } from "./history_record.ts";

const DATABASE = "sluice-history";
const STORE = "downloads";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("the history database is blocked by another tab"));
  });
}

/** The remembered downloads, newest first, kept in step with IndexedDB. */
export class DownloadHistory {
  #records: HistoryRecord[] = [];
  #db: Promise<IDBDatabase | undefined>;
  #listener: (records: readonly HistoryRecord[]) => void = () => {};

  /** Opens the database; {@linkcode DownloadHistory.load} reads it. */
  constructor() {
    this.#db = open().catch((error) => {
      console.warn("sluice: the download history lasts until the page closes:", error);
      return undefined;
    });
  }

  /** The records, newest first. */
  get records(): readonly HistoryRecord[] {
    return this.#records;
  }

  /** Called with the records whenever they change. */
  onChange(listener: (records: readonly HistoryRecord[]) => void): void {
    this.#listener = listener;
  }

  /** Reads what earlier visits kept. */
  async load(): Promise<void> {
    const db = await this.#db;
    if (db === undefined) return;
    const stored = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction(STORE).objectStore(STORE).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    let records = this.#records;
    for (const value of stored) {
      const record = readRecord(value);
      if (record !== undefined && !records.some((r) => r.id === record.id)) {
        records = remember(records, record);
      }
    }
    this.#records = records;
    this.#listener(this.#records);
  }

  /** Keeps `record` (replacing its earlier state) and forgets what falls off the end. */
  async put(record: HistoryRecord): Promise<void> {
    const before = this.#records;
    this.#records = remember(before, record);
    this.#listener(this.#records);
    const dropped = before.filter((r) => !this.#records.some((k) => k.id === r.id));
    const db = await this.#db;
    if (db === undefined) return;
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      if (this.#records.some((r) => r.id === record.id)) store.put(record);
      for (const r of dropped) store.delete(r.id);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
}
