import { DumpFormatError, TruncatedError } from "./errors";

const TWO_32 = 0x1_0000_0000;

/**
 * Fixed-layout fields out of a byte buffer that was read from `file` at `base`. Every read is bounds-checked
 * and a failure names the file and the absolute offset. Offsets are relative to the buffer; callers name
 * them after the struct field they read (`const BLOCK_SIZE_OFF = 0x18 // disk_dump_header.block_size`).
 */
export class StructReader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly base: number = 0,
    readonly littleEndian: boolean = true,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  private check(off: number, n: number): void {
    if (off < 0 || off + n > this.bytes.length) throw new TruncatedError(this.file, this.base + off, n, this.base + this.bytes.length);
  }

  u8(off: number): number {
    this.check(off, 1);
    return this.bytes[off]!;
  }
  u16(off: number): number {
    this.check(off, 2);
    return this.view.getUint16(off, this.littleEndian);
  }
  u32(off: number): number {
    this.check(off, 4);
    return this.view.getUint32(off, this.littleEndian);
  }
  i32(off: number): number {
    this.check(off, 4);
    return this.view.getInt32(off, this.littleEndian);
  }
  u64(off: number): bigint {
    this.check(off, 8);
    return this.view.getBigUint64(off, this.littleEndian);
  }
  i64(off: number): bigint {
    this.check(off, 8);
    return this.view.getBigInt64(off, this.littleEndian);
  }
  /** A 64-bit field that must fit a JS number (file offsets, sizes, physical addresses). */
  u64n(off: number, field: string): number {
    this.check(off, 8);
    const lo = this.view.getUint32(off + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.view.getUint32(off + (this.littleEndian ? 4 : 0), this.littleEndian);
    if (hi >= 0x20_0000) throw new DumpFormatError(this.file, this.base + off, `${field} too large (0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")})`);
    return hi * TWO_32 + lo;
  }
  /** NUL-terminated string within [off, off+max), decoded as latin1 so no byte is lost. */
  cstring(off: number, max: number): string {
    const end = Math.min(this.bytes.length, off + max);
    let s = "";
    for (let i = off; i < end; i++) {
      const c = this.bytes[i]!;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }
  sub(off: number, len: number): Uint8Array {
    this.check(off, len);
    return this.bytes.subarray(off, off + len);
  }
}
