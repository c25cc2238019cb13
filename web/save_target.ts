/**
 * Where a download's bytes go in the browser.
 *
 * - **A file the person picks** (File System Access API, `showSaveFilePicker`,
 *   in Chromium-based browsers): bytes are written as they arrive, so memory
 *   stays flat however large the export. The browser writes to a temporary
 *   file and puts it in place only when the download completes; a cancelled
 *   or failed download leaves nothing behind.
 * - **Otherwise, a Blob** saved through a link when the download completes.
 *   Arriving bytes are gathered into Blobs of {@linkcode BLOB_PART_BYTES},
 *   which the browser may keep on disk rather than in the page's memory
 *   (Chromium does for large blobs); the page itself holds at most one part.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Bytes gathered before they are handed to the browser as one Blob. */
export const BLOB_PART_BYTES = 8 * 1024 * 1024;

/** A place a download writes to. */
export interface SaveTarget {
  /** `file`: straight to disk as bytes arrive; `blob`: saved when complete. */
  readonly kind: "file" | "blob";
  /** Where the bytes go; closing it completes the file, aborting it discards it. */
  readonly writable: WritableStream<Uint8Array>;
  /**
   * After the writable closed: for a Blob, offers it to the person as a
   * download and returns its object URL (for a "save again" link); for a
   * file, nothing to do.
   */
  finish(): string | undefined;
  /** Releases what the target still holds (the Blob's URL). */
  release(): void;
}

/** What `showSaveFilePicker` returns, as far as this page uses it. */
interface FileHandleLike {
  createWritable(): Promise<WritableStream<Uint8Array>>;
}

type SavePicker = (options: {
  suggestedName: string;
  types?: { description: string; accept: Record<string, string[]> }[];
}) => Promise<FileHandleLike>;

/** The browser's save picker, where it has one. */
function savePicker(): SavePicker | undefined {
  const picker = (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  return typeof picker === "function" ? (picker as SavePicker).bind(globalThis) : undefined;
}

/** Whether downloads can stream to a file the person picks. */
export function canStreamToFile(): boolean {
  return savePicker() !== undefined;
}

/**
 * Asks where to save `name` (a picker where the browser has one, else a
 * Blob). Call it straight from a click: browsers show the picker only
 * during a user gesture. Resolves `undefined` when the person closes the
 * picker without choosing.
 */
export async function chooseTarget(
  name: string,
  mime: string,
  extension: string,
): Promise<SaveTarget | undefined> {
  const picker = savePicker();
  if (picker === undefined) return blobTarget(name, mime);
  let handle: FileHandleLike;
  try {
    handle = await picker({
      suggestedName: name,
      types: [{ description: extension.toUpperCase(), accept: { [mime]: [`.${extension}`] } }],
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") return undefined;
    throw error;
  }
  return {
    kind: "file",
    writable: await handle.createWritable(),
    finish: () => undefined,
    release: () => {},
  };
}

function blobTarget(name: string, mime: string): SaveTarget {
  const parts: Blob[] = [];
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  let url: string | undefined;
  const flush = () => {
    if (pending.length === 0) return;
    parts.push(new Blob(pending));
    pending = [];
    pendingBytes = 0;
  };
  return {
    kind: "blob",
    writable: new WritableStream<Uint8Array>({
      write(chunk) {
        pending.push(chunk as Uint8Array<ArrayBuffer>);
        pendingBytes += chunk.length;
        if (pendingBytes >= BLOB_PART_BYTES) flush();
      },
      close: flush,
      abort() {
        parts.length = 0;
        pending = [];
      },
    }),
    finish() {
      url ??= URL.createObjectURL(new Blob(parts, { type: mime }));
      parts.length = 0;
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.rel = "noopener";
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      return url;
    },
    release() {
      if (url !== undefined) URL.revokeObjectURL(url);
      url = undefined;
    },
  };
}
