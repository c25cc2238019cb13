/**
 * Internal: what is at a demo database's path, and putting a newly built
 * one there without ever replacing a file that another process put there
 * first (or that holds anything at all): {@linkcode "./demo_data.ts"}.
 *
 * @module
 */

import { SQLITE_OPEN_TIMEOUT_MS } from "./_sqlite_statements.ts";
import { DatabaseSync } from "node:sqlite";

/** What a demo database's path holds. */
export type DemoFileState =
  /** Nothing, or an empty file (such as a fresh temporary file): a demo may be built there. */
  | { readonly kind: "absent" }
  /** The demo table of this generator version with exactly the rows asked for. */
  | { readonly kind: "current" }
  /** Something else, which stays as it is: `what` says what, as the end of a sentence. */
  | { readonly kind: "other"; readonly what: string };

/**
 * What `path` holds, compared with a demo of `rows` trades of `generator`.
 * It only reads: a file found there is opened read-only.
 */
export function demoFileState(path: string, rows: number, generator: string): DemoFileState {
  if (fileSize(path) === 0) return { kind: "absent" };
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true, timeout: SQLITE_OPEN_TIMEOUT_MS });
    const meta = new Map(
      db.prepare("SELECT key, value FROM meta").all().map((r) => [r.key, r.value]),
    );
    const [count] = db.prepare("SELECT count(*) AS n FROM trades").all().map((r) => r.n);
    if (meta.get("generator") !== generator) {
      return { kind: "other", what: "was built by another version of the demo generator" };
    }
    if (meta.get("rows") !== String(count)) {
      return { kind: "other", what: `has ${count} demo rows, changed since it was built` };
    }
    return count === rows
      ? { kind: "current" }
      : { kind: "other", what: `has ${count} demo rows, not ${rows}` };
  } catch (error) {
    // Not a database, or one without the demo's tables: not ours to touch.
    if (!(error instanceof Error)) throw error;
    return { kind: "other", what: "is not a sluice demo database" };
  } finally {
    db?.close();
  }
}

/** The size of the file at `path`, or 0 when there is none. */
function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/**
 * Puts the database file `built` at `path` unless a file with anything in
 * it is there already, and says whether it did. A hard link, which fails
 * when `path` exists, rather than a rename, which would replace it under
 * the process that put it there and may have it open; an empty file (a
 * fresh temporary file) is removed first. `built` is gone afterwards.
 */
export function publishDatabase(built: string, path: string): boolean {
  try {
    if (Deno.statSync(path).size === 0) Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  try {
    // Side files of a database deleted without them would be read as this one's journal.
    if (fileSize(path) === 0) removeDatabaseFiles(path, false);
    Deno.linkSync(built, path);
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    return false;
  } finally {
    removeDatabaseFiles(built, true);
  }
}

/** Removes a database's side files (journal, WAL, shared memory) and, if `main`, the file. */
export function removeDatabaseFiles(path: string, main: boolean): void {
  const files = [`${path}-wal`, `${path}-shm`, `${path}-journal`];
  for (const file of main ? [path, ...files] : files) {
    try {
      Deno.removeSync(file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
