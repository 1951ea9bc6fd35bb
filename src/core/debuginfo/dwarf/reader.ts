// The DWARF sections as the reader takes them, and a bounds-checked cursor over one of them. Section bytes are
// views (zero-copy) of what the caller read from the ELF file, or ranges read on demand (section.ts); the
// reader never writes them. A cursor may hold only a range of its section: positions stay section offsets.
import { DumpFormatError, TruncatedError } from "../../io/errors";
import { sectionWhole, type SectionData } from "./section";

/**
 * The sections of one object's DWARF, already relocated when the object needed it (a vmlinux's DWARF is
 * final; an ET_REL module's is not). Names in messages are the ELF section names.
 */
export interface DwarfSections {
  /** Read a unit at a time when lazy (dwarf.ts). */
  info: SectionData;
  /** Read a table at a time when lazy (dwarf.ts). */
  abbrev: SectionData;
  str?: Uint8Array;
  lineStr?: Uint8Array;
  strOffsets?: Uint8Array;
  addr?: Uint8Array;
  rnglists?: SectionData;
  ranges?: SectionData;
  loclists?: SectionData;
  loc?: SectionData;
  /** Read a line program at a time when lazy (line.ts). */
  line?: SectionData;
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

/** The whole section (a lazy one is read once and kept): for the small sections and the range lists. */
export function sectionBytes(sections: DwarfSections, key: SectionKey): Uint8Array {
  const b = sections[key];
  if (!b) throw new DumpFormatError(sectionLabel(sections, key), 0, "section needed but absent");
  return sectionWhole(b);
}

/** The section as it is held (whole or lazy); for the readers that take it a range at a time. */
export function sectionData(sections: DwarfSections, key: SectionKey): SectionData {
  const b = sections[key];
  if (!b) throw new DumpFormatError(sectionLabel(sections, key), 0, "section needed but absent");
  return b;
}

const TWO_32 = 0x1_0000_0000;

/**
 * A cursor over one section, or over the range of it held in `bytes` (which starts at section offset `base`):
 * little-endian fixed fields, LEB128, C strings. Positions are section offsets; every read is bounds-checked
 * against the range held, so a structure that runs past it is a TruncatedError naming the section offset.
 */
export class SectionReader {
  readonly view: DataView;
  pos: number;
  /** Where reading stops (exclusive): a structure's end, never past the range held. */
  end: number;
  /** The section's length, for "runs past the end of the section" checks (the range's end by default). */
  readonly sectionLength: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
    pos = 0,
    end = Number.POSITIVE_INFINITY,
    /** The section offset of bytes[0]. */
    readonly base = 0,
    sectionLength?: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
    this.end = Math.min(end, base + bytes.length);
    this.sectionLength = sectionLength ?? base + bytes.length;
  }

  /** Stops reading at `end` (a structure's end), or at the end of the range held if that comes first. */
  limit(end: number): void {
    this.end = Math.min(end, this.base + this.bytes.length);
  }

  need(n: number): void {
    if (this.pos < this.base || this.pos + n > this.end) throw new TruncatedError(this.name, this.pos, n, this.end);
  }
  fail(reason: string, at = this.pos): never {
    throw new DumpFormatError(this.name, at, reason);
  }
  /** The byte at the position, or undefined at the end (not consumed). */
  peek(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos - this.base] : undefined;
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++ - this.base]!;
  }
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++ - this.base);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos - this.base, true);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const b = this.bytes;
    const p = this.pos - this.base;
    const v = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos - this.base, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos - this.base, true);
    this.pos += 8;
    return v;
  }
  /** A 64-bit value that must fit a JS number (offsets, sizes). */
  u64n(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos - this.base, true);
    const hi = this.view.getUint32(this.pos - this.base + 4, true);
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
      const byte = b[this.pos++ - this.base]!;
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
      const byte = b[this.pos++ - this.base]!;
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
      if ((b[this.pos++ - this.base]! & 0x80) === 0) return;
    }
    this.fail("LEB128 longer than 19 bytes");
  }
  /** Position just past the NUL ending the string at pos (the string itself is not decoded). */
  skipCString(): void {
    const nul = this.bytes.indexOf(0, this.pos - this.base) + this.base;
    if (nul < this.base || nul >= this.end) this.fail("unterminated string");
    this.pos = nul + 1;
  }
  cstring(): string {
    const start = this.pos;
    this.skipCString();
    return decodeCString(this.bytes, start - this.base, this.name, this.base);
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  sub(n: number): Uint8Array {
    this.need(n);
    const s = this.bytes.subarray(this.pos - this.base, this.pos - this.base + n);
    this.pos += n;
    return s;
  }
  get atEnd(): boolean {
    return this.pos >= this.end;
  }
}

const utf8 = new TextDecoder("utf-8");

/**
 * The NUL-terminated string at `off` of a string section, decoded as UTF-8 (invalid bytes become U+FFFD).
 * `base` is the section offset of bytes[0], for messages.
 */
export function decodeCString(bytes: Uint8Array, off: number, name: string, base = 0): string {
  if (off < 0 || off >= bytes.length) throw new DumpFormatError(name, off + base, "string offset past the end of the section");
  const nul = bytes.indexOf(0, off);
  if (nul < 0) throw new DumpFormatError(name, off + base, "unterminated string");
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
