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

/** A growable byte buffer. Writers `reserve` before writing to `buf` directly. */
export class Sink {
  buf: Uint8Array = new Uint8Array(1 << 16);
  pos = 0;

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
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
