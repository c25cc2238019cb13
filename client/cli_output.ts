/**
 * Where the command line writes the export: FILE (created only once the
 * server accepted the request) or stdout, chunk by chunk, telling a reader
 * that went away (`| head`) from a write that failed.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { StateKeeper } from "./state_file.ts";

/** FILE could not be written: exit 1 with the message. */
export class OutputError extends Error {}

/**
 * Whoever read stdout closed it (`| head -2`): the download ends quietly,
 * with exit 0, as for any reader that has what it wanted.
 */
export class ReaderGone extends Error {}

/**
 * Writes every chunk through to `sink`, which stays open. Not through
 * `FsFile.writable`: that stream holds back small writes until the stream
 * itself is closed, so closing the file afterwards drops the end of the export.
 *
 * @throws {ReaderGone} when `sink` is a pipe whose reader closed it (only
 * without a `keeper`: a FILE is not a pipe).
 * @throws {OutputError} when FILE cannot be written.
 */
export async function copy(
  source: ReadableStream<Uint8Array>,
  sink: { write(bytes: Uint8Array): Promise<number> },
  hash: Hash,
  keeper?: StateKeeper,
): Promise<void> {
  for await (const chunk of source) {
    keeper?.observe();
    hash.update(chunk);
    try {
      for (let at = 0; at < chunk.length;) at += await sink.write(chunk.subarray(at));
    } catch (error) {
      if (keeper === undefined) {
        if (error instanceof Deno.errors.BrokenPipe) throw new ReaderGone();
        throw error;
      }
      throw cannotWrite(keeper.path, error);
    }
    await keeper?.wrote(chunk.length);
  }
}

/** The SHA-256 of the output as written, fed chunk by chunk (node:crypto's, native: fast). */
export interface Hash {
  update(bytes: Uint8Array): void;
}

/** A fresh SHA-256 of the output; `hex()` once every byte went in. */
export function outputHash(): Hash & { hex(): string } {
  const hash = createHash("sha256");
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => hash.digest("hex"),
  };
}

/** Feeds the first `length` bytes of FILE to `hash`: the part an earlier run wrote. */
export async function hashPrefix(path: string, length: number, hash: Hash): Promise<void> {
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(1 << 20);
  for (let left = length; left > 0;) {
    const read = await file.read(buffer.subarray(0, Math.min(left, buffer.length)));
    if (read === null) throw new OutputError(`${path} is shorter than its state file says`);
    hash.update(buffer.subarray(0, read));
    left -= read;
  }
}

/**
 * Whether FILE is a device, a pipe or a socket (`-o /dev/null`, a named
 * pipe): written as stdout is, with no state file beside it, since there
 * is nothing to resume into. A missing FILE, a regular one or a directory
 * is not (a directory is refused when it is opened).
 */
export async function isStream(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return !info.isFile && !info.isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw cannotWrite(path, error);
  }
}

/** Opens a device or a pipe for writing, as it is ({@linkcode isStream}). */
export function openStream(path: string): Promise<Deno.FsFile> {
  return openOutput(path, { write: true });
}

/** Creates (or truncates) FILE. */
export function create(path: string): Promise<Deno.FsFile> {
  return openOutput(path, { write: true, create: true, truncate: true });
}

/** Opens FILE with `options`; an `OutputError` saying why not. */
async function openOutput(path: string, options: Deno.OpenOptions): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, options);
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

/** The error of a write to FILE that failed, with the system's reason. */
function cannotWrite(path: string, error: unknown): OutputError {
  return new OutputError(`cannot write ${path}: ${(error as Error).message}`);
}
