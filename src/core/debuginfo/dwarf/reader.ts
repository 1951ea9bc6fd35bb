// The DWARF sections as the reader takes them, and a bounds-checked cursor over one of them. Section bytes are
// views (zero-copy) of what the caller read from the ELF file; the reader never copies or writes them.
import { DumpFormatError, TruncatedError } from "../../io/errors";

/**
 * The sections of one object's DWARF, already relocated when the object needed it (a vmlinux's DWARF is
 * final; an ET_REL module's is not). Names in messages are the ELF section names.
 */
export interface DwarfSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  str?: Uint8Array;
  lineStr?: Uint8Array;
  strOffsets?: Uint8Array;
  addr?: Uint8Array;
  rnglists?: Uint8Array;
  ranges?: Uint8Array;
  loclists?: Uint8Array;
  loc?: Uint8Array;
  line?: Uint8Array;
  aranges?: Uint8Array;
  /** Prefix for section names in messages (the object's file name). */
  file?: string;
}

/** The ELF section names the reader's messages use, keyed by DwarfSections field. */
export const SECTION_NAMES = {
  info: ".debug_info",
  abbrev: ".debug_abbrev",
  str: ".debug_str",
  lineStr: ".debug_line_str",
  strOffsets: ".debug_str_offsets",
  addr: ".debug_addr",
  rnglists: ".debug_rnglists",
  ranges: ".debug_ranges",
  loclists: ".debug_loclists",
  loc: ".debug_loc",
  line: ".debug_line",
  aranges: ".debug_aranges",
} as const;

export type SectionKey = keyof typeof SECTION_NAMES;

export function sectionLabel(sections: DwarfSections, key: SectionKey): string {
  return sections.file ? `${sections.file}:${SECTION_NAMES[key]}` : SECTION_NAMES[key];
}

export function sectionBytes(sections: DwarfSections, key: SectionKey): Uint8Array {
  const b = sections[key];
  if (!b) throw new DumpFormatError(sectionLabel(sections, key), 0, "section needed but absent");
  return b;
}

const TWO_32 = 0x1_0000_0000;

/** A cursor over one section: little-endian fixed fields, LEB128, C strings. Every read is bounds-checked. */
export class SectionReader {
  readonly view: DataView;
  pos: number;
  end: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
    pos = 0,
    end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
    this.end = Math.min(end, bytes.length);
  }

  need(n: number): void {
    if (this.pos < 0 || this.pos + n > this.end) throw new TruncatedError(this.name, this.pos, n, this.end);
  }
  fail(reason: string, at = this.pos): never {
    throw new DumpFormatError(this.name, at, reason);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const b = this.bytes;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16);
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** A 64-bit value that must fit a JS number (offsets, sizes). */
  u64n(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi >= 0x20_0000) this.fail("64-bit value too large for an offset");
    this.pos += 8;
    return hi * TWO_32 + lo;
  }
  /** Unsigned of `size` bytes (1, 2, 4, 8) as bigint: addresses. */
  address(size: number): bigint {
    switch (size) {
      case 8:
        return this.u64();
      case 4:
        return BigInt(this.u32());
      case 2:
        return BigInt(this.u16());
      case 1:
        return BigInt(this.u8());
    }
    return this.fail(`unsupported address size ${size}`);
  }
  /** Unsigned LEB128 as a number; values past 2^53 are an error (they are never offsets or counts). */
  uleb(): number {
    let result = 0;
    let mul = 1;
    const b = this.bytes;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new TruncatedError(this.name, this.pos, 1, this.end);
      const byte = b[this.pos++]!;
      result += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail("LEB128 value too large");
        return result;
      }
      mul *= 128;
    }
    return this.fail("LEB128 longer than 10 bytes");
  }
  /** Signed LEB128 as a number (line advances, small constants). */
  sleb(): number {
    let result = 0;
    let mul = 1;
    const b = this.bytes;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new TruncatedError(this.name, this.pos, 1, this.end);
      const byte = b[this.pos++]!;
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= mul;
        return result;
      }
    }
    return this.fail("LEB128 longer than 10 bytes");
  }
  /** Unsigned LEB128 as bigint (constants of any width). */
  ulebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 19; i++) {
      const byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return this.fail("LEB128 longer than 19 bytes");
  }
  slebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 19; i++) {
      const byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    return this.fail("LEB128 longer than 19 bytes");
  }
  skipUleb(): void {
    const b = this.bytes;
    for (let i = 0; i < 19; i++) {
      if (this.pos >= this.end) throw new TruncatedError(this.name, this.pos, 1, this.end);
      if ((b[this.pos++]! & 0x80) === 0) return;
    }
    this.fail("LEB128 longer than 19 bytes");
  }
  /** Position just past the NUL ending the string at pos (the string itself is not decoded). */
  skipCString(): void {
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) this.fail("unterminated string");
    this.pos = nul + 1;
  }
  cstring(): string {
    const start = this.pos;
    this.skipCString();
    return decodeCString(this.bytes, start, this.name);
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  sub(n: number): Uint8Array {
    this.need(n);
    const s = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  get atEnd(): boolean {
    return this.pos >= this.end;
  }
}

const utf8 = new TextDecoder("utf-8");

/** The NUL-terminated string at `off` of a string section, decoded as UTF-8 (invalid bytes become U+FFFD). */
export function decodeCString(bytes: Uint8Array, off: number, name: string): string {
  if (off < 0 || off >= bytes.length) throw new DumpFormatError(name, off, "string offset past the end of the section");
  const nul = bytes.indexOf(0, off);
  if (nul < 0) throw new DumpFormatError(name, off, "unterminated string");
  // Pure ASCII is by far the common case: skip TextDecoder's call overhead for short names.
  if (nul - off < 64) {
    let s = "";
    for (let i = off; i < nul; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) return utf8.decode(bytes.subarray(off, nul));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(off, nul));
}
