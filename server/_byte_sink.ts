/**
 * The growable byte buffer that {@linkcode "./formats.ts"} writes rows
 * into, and the UTF-8 encoder its writers share. Rows go straight into
 * bytes because building a string cell by cell and encoding it afterwards
 * measured 4-5x slower (see formats.ts).
 *
 * @module
 */

/** The one UTF-8 encoder of the row writers. */
export const utf8: TextEncoder = new TextEncoder();

const EMPTY = new Uint8Array(0);

/** The least a sink allocates. */
const MIN_BYTES = 1 << 16;

/**
 * A growable byte buffer. Writers `reserve` before writing to `buf`
 * directly, and {@linkcode Sink.take} what they wrote.
 */
export class Sink {
  buf: Uint8Array = EMPTY;
  pos = 0;
  /** What the last taken bytes held: the next buffer is made about that size. */
  #lastTaken = 0;

  reserve(n: number): void {
    const wanted = this.pos + n;
    if (wanted <= this.buf.length) return;
    // No buffer (nothing written since the last take): one about the last page's size.
    const size = this.buf.length === 0
      ? Math.max(MIN_BYTES, this.#lastTaken + (this.#lastTaken >>> 3) + n)
      : Math.max(this.buf.length * 2, wanted);
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /**
   * The bytes written since the last take, now the caller's (a view, not a
   * copy). The sink lets go of its buffer: between pages it holds nothing,
   * and a download that stalls keeps no buffer of a frame's size for it.
   */
  take(): Uint8Array {
    const bytes = this.buf.subarray(0, this.pos);
    this.#lastTaken = this.pos;
    this.buf = EMPTY;
    this.pos = 0;
    return bytes;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Short constants: a loop beats `set()` below a few dozen bytes. */
  put(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i];
    this.pos = pos;
  }

  /** Any string, as UTF-8 (lone surrogates become U+FFFD, as `TextEncoder` does). */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.pos += utf8.encodeInto(s, this.buf.subarray(this.pos)).written;
  }
}
