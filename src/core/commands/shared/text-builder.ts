// A command's text built as bytes, for outputs of 10^5 lines or more (log, foreach): appending to one
// growing byte buffer and decoding it once costs a fraction of making, concatenating and joining a string
// per line (and of the garbage collection those strings cost). Every char must be Latin-1 (0..255), as text
// read from a dump is in kdw; a wider char is kept too, through a string part (never in practice).
import { latin1String } from "../../io/latin1";

const UTF8_ENCODER = new TextEncoder();

export class TextBuilder {
  private buf: Uint8Array;
  private len = 0;
  /** A byte of 0x80..0xff was written (the decode must then be the exact Latin-1 one). */
  private high = false;
  /** Text before the bytes in `buf`, when a char wider than a byte forced a flush. */
  private parts: string[] = [];

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Bytes written since the last flush: what a caller measures a prefix with. */
  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  char(c: number): void {
    if (c > 0xff) return this.wide(String.fromCharCode(c));
    this.reserve(1);
    if (c >= 0x80) this.high = true;
    this.buf[this.len++] = c;
  }

  text(s: string): void {
    this.reserve(s.length);
    const buf = this.buf;
    let len = this.len;
    let high = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        this.len = len;
        this.wide(s.slice(i, i + 1));
        return this.text(s.slice(i + 1));
      }
      high |= c;
      buf[len++] = c;
    }
    this.len = len;
    if (high >= 0x80) this.high = true;
  }

  /**
   * `s` with each char below 256 written as `table[char]` and any wider char as `wideAs`, each newline
   * followed by `indent` spaces: the shape of a multi-line log record. One pass, no string made.
   */
  mapped(s: string, table: Uint8Array, wideAs: number, indent: number): void {
    this.reserve(s.length);
    let buf = this.buf;
    let len = this.len;
    let high = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x0a && indent > 0) {
        this.len = len;
        this.char(0x0a);
        this.repeat(0x20, indent);
        this.reserve(s.length - i);
        buf = this.buf;
        len = this.len;
        continue;
      }
      const b = c > 0xff ? wideAs : table[c]!;
      high |= b;
      buf[len++] = b;
    }
    this.len = len;
    if (high >= 0x80) this.high = true;
  }

  /** A string the caller knows to be 7-bit ASCII, copied natively (TextEncoder: UTF-8 is ASCII there). */
  ascii(s: string): void {
    this.reserve(s.length);
    const { written } = UTF8_ENCODER.encodeInto(s, this.buf.subarray(this.len));
    if (written !== s.length) throw new RangeError("TextBuilder.ascii: the string is not 7-bit");
    this.len += written;
  }

  /** `n` copies of the char `c` (an indent, padding). */
  repeat(c: number, n: number): void {
    if (n <= 0) return;
    this.reserve(n);
    this.buf.fill(c, this.len, this.len + n);
    if (c >= 0x80) this.high = true;
    this.len += n;
  }

  /** A non-negative integer in decimal, right-aligned in `width` with `pad` (a space or '0'). */
  decimal(n: number, width: number, pad: number): void {
    if (!Number.isSafeInteger(n) || n < 0) return this.text(String(n).padStart(width, String.fromCharCode(pad)));
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    this.repeat(pad, width - digits);
    this.reserve(digits);
    let v = n;
    for (let i = this.len + digits - 1; i >= this.len; i--) {
      this.buf[i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.len += digits;
  }

  private wide(s: string): void {
    this.flush();
    this.parts.push(s);
  }

  private flush(): void {
    if (this.len === 0) return;
    this.parts.push(latin1String(this.buf.subarray(0, this.len), !this.high));
    this.len = 0;
    this.high = false;
  }

  /** The text built (the builder is done after this). */
  toString(): string {
    this.flush();
    return this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
  }
}
