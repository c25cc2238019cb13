/**
 * The demo page's own secp256k1 identity, made on the first visit and kept
 * in this browser profile's IndexedDB (database `sluice`, store `keys`).
 * Web Crypto has no secp256k1, so the key cannot be a non-extractable
 * `CryptoKey`: the raw 32 bytes are stored, unencrypted. Whoever can read
 * this profile's site data can sign in as this key; clearing the site's
 * data loses it.
 *
 * Where IndexedDB is unavailable (storage blocked, some private windows) the
 * page still works with a key that lasts until the page is closed, and says
 * so. A tab that replaces or forgets the key tells the page's other tabs
 * (`BroadcastChannel` `sluice-key`), so that none goes on as the old one.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { generateSecretKey, publicKeyOf } from "./sluice_client.js";

/** A key the page signs in with. */
export interface PageKey {
  /** The secret key, 32 bytes. */
  readonly secretKey: Uint8Array;
  /** The identity: the compressed public key, 66 hex. */
  readonly publicKey: string;
  /** Whether the browser keeps it for the next visit. */
  readonly kept: boolean;
}

const DATABASE = "sluice";
const STORE = "keys";
/** The store's one record: the page's current identity. */
const RECORD = "identity";

interface StoredRecord {
  readonly secretKey: Uint8Array;
  readonly created: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("the key database is blocked by another tab"));
  });
}

/**
 * Runs `body` in one read-write transaction and resolves once it committed.
 * One transaction makes "read, and write if missing" atomic, so two tabs
 * opened at once on the first visit end up with the same key.
 */
async function transact<T>(
  body: (store: IDBObjectStore, done: (value: T) => void) => void,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      let result: { value: T } | undefined;
      body(tx.objectStore(STORE), (value) => result = { value });
      tx.oncomplete = () =>
        result === undefined ? reject(new Error("no result")) : resolve(result.value);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("the key transaction was aborted"));
    });
  } finally {
    db.close();
  }
}

function isRecord(value: unknown): value is StoredRecord {
  return typeof value === "object" && value !== null &&
    (value as StoredRecord).secretKey instanceof Uint8Array &&
    (value as StoredRecord).secretKey.length === 32;
}

function pageKey(secretKey: Uint8Array, kept: boolean): PageKey {
  return { secretKey, publicKey: publicKeyOf(secretKey), kept };
}

/**
 * The kept key, made and stored first if this browser has none. Resolves
 * with an unkept key, rather than failing, when IndexedDB cannot be used.
 */
export async function loadKey(): Promise<PageKey> {
  // Made before the transaction: a transaction ends at the first await it does not wait on.
  const fresh: StoredRecord = { secretKey: generateSecretKey(), created: new Date().toISOString() };
  try {
    const secretKey = await transact<Uint8Array>((store, done) => {
      const read = store.get(RECORD);
      read.onsuccess = () => {
        if (isRecord(read.result)) return done(read.result.secretKey);
        store.put(fresh, RECORD);
        done(fresh.secretKey);
      };
    });
    return pageKey(secretKey, true);
  } catch (error) {
    console.warn("sluice: cannot keep the page's key in IndexedDB:", error);
    return pageKey(fresh.secretKey, false);
  }
}

/**
 * The tab's one end of the channel on which tabs say they replaced the kept
 * key: one object for sending and listening, since a channel does not hear
 * its own messages, and this tab must not hear its own.
 */
let channel: BroadcastChannel | undefined;

function keyChannel(): BroadcastChannel | undefined {
  if (typeof BroadcastChannel !== "function") return undefined;
  return channel ??= new BroadcastChannel("sluice-key");
}

/** What another tab did to the kept key. */
export type KeyChange = "replaced" | "forgotten";

/**
 * Calls `listener` whenever another tab of this page replaces the kept key
 * ({@linkcode loadKey} then reads the new one) or forgets it.
 */
export function watchKey(listener: (change: KeyChange) => void): void {
  const tabs = keyChannel();
  if (tabs !== undefined) {
    tabs.onmessage = (event) => listener(event.data === "forgotten" ? "forgotten" : "replaced");
  }
}

/**
 * Replaces the kept key with a new one; the old identity is gone for good,
 * and the page's other tabs are told.
 */
export async function replaceKey(): Promise<PageKey> {
  const fresh: StoredRecord = { secretKey: generateSecretKey(), created: new Date().toISOString() };
  try {
    await transact<void>((store, done) => {
      store.put(fresh, RECORD).onsuccess = () => done();
    });
    keyChannel()?.postMessage("replaced" satisfies KeyChange);
    return pageKey(fresh.secretKey, true);
  } catch (error) {
    console.warn("sluice: cannot keep the page's key in IndexedDB:", error);
    return pageKey(fresh.secretKey, false);
  }
}

/**
 * Removes the kept key from this browser: the identity is gone for good
 * (the next sign-in with the browser's key makes a new one), and the page's
 * other tabs are told.
 */
export async function forgetKey(): Promise<void> {
  await transact<void>((store, done) => {
    store.delete(RECORD).onsuccess = () => done();
  });
  keyChannel()?.postMessage("forgotten" satisfies KeyChange);
}
