// A command's text built as bytes, for outputs of 10^5 lines or more (log, foreach): appending to one
// growing byte buffer and decoding it once costs a fraction of making, concatenating and joining a string
// per line (and of the garbage collection those strings cost). Every char must be Latin-1 (0..255), as text
// read from a dump is in kdw; a wider char is kept too, through a string part (never in practice).
import { latin1String } from "../../io/latin1";
import { giveSpare, takeSpare } from "../../io/spare-buffer";

const EMPTY = new Uint8Array(0);

/** Hex digits of a non-zero u32 (1 for zero). */
function hexDigits(v: number): number {
  let n = 1;
  while (n < 8 && v >>> (4 * n) !== 0) n++;
  return n;
}

export class TextBuilder {
  private buf: Uint8Array;
  private len = 0;
  /** A byte of 0x80..0xff was written (the decode must then be the exact Latin-1 one). */
  private high = false;
  /** Text before the bytes in `buf`, when a char wider than a byte forced a flush. */
  private parts: string[] = [];

  /** `capacity`: the bytes expected; a large build writes into the process's spare buffer when it fits (io/spare-buffer.ts). */
  constructor(capacity = 1 << 16) {
    this.buf = takeSpare(capacity) ?? new Uint8Array(Math.max(16, capacity));
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
   * bytes[start, end) each written as `table[byte]`, each newline (after the mapping) followed by `indent`
   * spaces: a log record's text as crash prints it. One pass over the bytes, no string made.
   */
  mappedBytes(bytes: Uint8Array, start: number, end: number, table: Uint8Array, indent: number): void {
    if (end <= start) return;
    this.reserve(end - start);
    // Most text maps to itself and has no newline to indent after: it is copied whole, then checked; from
    // the first byte that maps otherwise or needs an indent, the rest goes byte by byte.
    const buf = this.buf;
    const len = this.len;
    buf.set(bytes.subarray(start, end), len);
    const stop = len + end - start;
    let high = 0;
    for (let j = len; j < stop; j++) {
      const b = buf[j]!;
      if (table[b] !== b || (b === 0x0a && indent > 0)) {
        this.len = j;
        if (high >= 0x80) this.high = true;
        return this.mappedByByte(bytes, start + (j - len), end, table, indent);
      }
      high |= b;
    }
    this.len = stop;
    if (high >= 0x80) this.high = true;
  }

  private mappedByByte(bytes: Uint8Array, start: number, end: number, table: Uint8Array, indent: number): void {
    this.reserve(end - start);
    let buf = this.buf;
    let len = this.len;
    let high = 0;
    for (let i = start; i < end; i++) {
      const b = table[bytes[i]!]!;
      buf[len++] = b;
      high |= b;
      if (b === 0x0a && indent > 0) {
        this.len = len;
        this.repeat(0x20, indent);
        this.reserve(end - i);
        buf = this.buf;
        len = this.len;
      }
    }
    this.len = len;
    if (high >= 0x80) this.high = true;
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
    for (let p = 10; p <= n && digits < 16; p *= 10) digits++;
    const padding = width > digits ? width - digits : 0;
    this.reserve(padding + digits);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < padding; i++) buf[at++] = pad;
    at += digits;
    this.len = at;
    // Below 2^31 the digits come from int32 arithmetic (a log prints two per record).
    if (n < 0x80000000) {
      for (let v = n; at > this.len - digits; v = (v / 10) | 0) buf[--at] = 48 + (v % 10);
      return;
    }
    for (let v = n; at > this.len - digits; v = Math.floor(v / 10)) buf[--at] = 48 + (v % 10);
  }

  /**
   * A log record's timestamp as crash prints it, "[%5lld.%06ld] ": whole seconds right-aligned in 5 with
   * spaces, microseconds in 6 with zeros.
   */
  stamp(sec: number, usec: number): void {
    if ((sec | 0) === sec && sec >= 0 && (usec | 0) === usec && usec >= 0 && usec < 1_000_000) {
      // Whole seconds below 2^31 (68 years of uptime), in one reserve: "[", the seconds right-aligned in
      // at least 5 columns, ".", 6 digits of microseconds, "] ".
      let width = 5;
      for (let p = 100_000; p <= sec && width < 10; p *= 10) width++;
      this.reserve(width + 10);
      const buf = this.buf;
      const at = this.len;
      buf[at] = 0x5b;
      let v = sec;
      for (let i = at + width; i > at; i--, v = (v / 10) | 0) buf[i] = v === 0 && i < at + width ? 0x20 : 48 + (v % 10);
      const dot = at + width + 1;
      buf[dot] = 0x2e;
      v = usec;
      for (let i = dot + 6; i > dot; i--, v = (v / 10) | 0) buf[i] = 48 + (v % 10);
      buf[dot + 7] = 0x5d;
      buf[dot + 8] = 0x20;
      this.len = dot + 9;
      return;
    }
    this.char(0x5b);
    this.decimal(sec, 5, 0x20);
    this.char(0x2e);
    this.decimal(usec, 6, 0x30);
    this.text("] ");
  }

  /** A 64-bit value in lower-case hex, right-aligned in `width` with spaces (an address column). */
  hex64(v: bigint, width: number): void {
    const u = BigInt.asUintN(64, v);
    const hi = Number(u >> 32n);
    const lo = Number(u & 0xffffffffn);
    const digits = hi !== 0 ? 8 + hexDigits(hi) : hexDigits(lo);
    const padding = width > digits ? width - digits : 0;
    this.reserve(padding + digits);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < padding; i++) buf[at++] = 0x20;
    for (let i = digits - 1; i >= 0; i--) {
      const nibble = i >= 8 ? (hi >>> ((i - 8) * 4)) & 0xf : (lo >>> (i * 4)) & 0xf;
      buf[at++] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble;
    }
    this.len = at;
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
    giveSpare(this.buf);
    this.buf = EMPTY;
    return this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
  }
}
