// A struct's bytes, read once, with its fields decoded by the names a layout declared (layout.ts): u8, u16,
// u32, s32, u64, pointer, bitfield, char array. Built on io/struct-reader.ts, so a field outside the bytes
// read fails as a TruncatedError naming the struct and the offset, never as a silent zero. A member the
// kernel lacks (an optional one) reads as 0, 0n or "": where that is not what absence means, the walker
// asks `has()` first. A byte offset (a number) reads the struct at that offset, for offsets a layout derived
// (module.mem[i].base).
import { StructReader } from "../io/struct-reader";
import type { MemberInfo } from "./layout";
import { latin1UpToNul } from "../io/latin1";

export type ViewMembers<K extends string> = { readonly [P in K]?: MemberInfo };

export class StructView<K extends string> {
  readonly reader: StructReader;

  constructor(
    private readonly members: ViewMembers<K>,
    readonly bytes: Uint8Array,
    /** The struct offset of bytes[0]. */
    private readonly start: number,
    struct: string,
  ) {
    this.reader = new StructReader(bytes, `struct ${struct}`, start);
  }

  has(field: K): boolean {
    return this.members[field] !== undefined;
  }

  /** Where the field is in the bytes read; undefined for a member the kernel lacks. */
  private at(field: K | number): number | undefined {
    if (typeof field === "number") return field - this.start;
    const m = this.members[field];
    return m === undefined ? undefined : m.offset - this.start;
  }

  u8(field: K | number): number {
    const at = this.at(field);
    return at === undefined ? 0 : this.reader.u8(at);
  }

  u16(field: K | number): number {
    const at = this.at(field);
    return at === undefined ? 0 : this.reader.u16(at);
  }

  u32(field: K | number): number {
    const at = this.at(field);
    return at === undefined ? 0 : this.reader.u32(at);
  }

  s32(field: K | number): number {
    const at = this.at(field);
    return at === undefined ? 0 : this.reader.i32(at);
  }

  u64(field: K | number): bigint {
    const at = this.at(field);
    return at === undefined ? 0n : this.reader.u64(at);
  }

  s64(field: K | number): bigint {
    const at = this.at(field);
    return at === undefined ? 0n : this.reader.i64(at);
  }

  /** A pointer member (x86_64: 8 bytes). */
  pointer(field: K | number): bigint {
    return this.u64(field);
  }

  /** An unsigned integer member of any width up to 8 bytes, read at its declared size (as a number). */
  uint(field: K): number {
    const m = this.members[field];
    if (m === undefined) return 0;
    switch (m.size) {
      case 1:
        return this.u8(field);
      case 2:
        return this.u16(field);
      case 4:
        return this.u32(field);
      default:
        return Number(this.u64(field));
    }
  }

  /** A bitfield member's value (unsigned); an ordinary member of up to 4 bytes reads whole. */
  bitfield(field: K): number {
    const m = this.members[field];
    if (m === undefined) return 0;
    const width = m.bitSize ?? m.size * 8;
    const bitIn = m.bitOffset % 8;
    const n = Math.ceil((bitIn + width) / 8);
    if (width > 32 || n > 5) return Number(this.u64(field));
    let raw = 0;
    for (let i = n - 1; i >= 0; i--) raw = raw * 256 + this.reader.u8(m.offset - this.start + i);
    return Math.floor(raw / 2 ** bitIn) % 2 ** width;
  }

  /** A char array member up to its first NUL, as Latin-1 (no byte lost; escape it at output). */
  chars(field: K): string {
    const m = this.members[field];
    if (m === undefined) return "";
    return latin1UpToNul(this.reader.sub(m.offset - this.start, m.size));
  }

  /** The member's bytes (a view, not a copy). */
  memberBytes(field: K): Uint8Array {
    const m = this.members[field];
    return m === undefined ? new Uint8Array(0) : this.reader.sub(m.offset - this.start, m.size);
  }
}
