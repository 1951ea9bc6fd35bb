// The name index: for every CU-scope name (types by kind, variables, functions, enumerators) the best DIE that
// carries it. Names are kept as offsets into the string sections and decoded only when compared or asked for;
// entries live in typed arrays (about 20 bytes each). One name per kind: a complete definition beats a
// declaration, the first definition in .debug_info order beats later ones (as drgn and crash do). Names written
// inline in .debug_info (DW_FORM_string: GCC's short names) are copied into the index's own pool, so the index
// never reads .debug_info (which may not be in memory: section.ts). The image (serialize) depends only on the
// entries and their order, which is the order of first appearance in .debug_info: parts built over
// consecutive unit ranges merge into the same bytes as one build.
import { DumpFormatError } from "../../io/errors";
import type { DwarfSections } from "./reader";

export const IK_STRUCT = 1;
export const IK_UNION = 2;
export const IK_ENUM = 3;
export const IK_TYPEDEF = 4;
export const IK_BASE = 5;
export const IK_VARIABLE = 6;
export const IK_FUNCTION = 7;
export const IK_ENUMERATOR = 8;
/** The index-entry kind (IK_*). */
export type IndexKind = number;

/** Flag: a declaration (struct foo;), an extern variable without location, a function without code. */
export const IF_DECLARATION = 1;

/** Where the name's bytes are: 0 = .debug_str, 1 = inline (in .debug_info; the index's pool), 2 = .debug_line_str. */
export type NameSection = 0 | 1 | 2;

export interface IndexEntry {
  kind: IndexKind;
  flags: number;
  /** The DIE (for an enumerator: the DW_TAG_enumerator). */
  die: number;
  /** For an enumerator: its DW_TAG_enumeration_type. For a variable or function defined through
   *  DW_AT_specification / DW_AT_abstract_origin: the DIE that has the name and type. Else 0. */
  aux: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** A name longer than this is not a C identifier the kernel uses; hashing stops there (equality does not). */
const MAX_NAME = 4096;

function sectionOf(sections: DwarfSections, sec: number): Uint8Array {
  const b = sec === 0 ? sections.str : sections.lineStr;
  if (!b) throw new DumpFormatError(sec === 0 ? ".debug_str" : ".debug_line_str", 0, "section needed by the name index is absent");
  return b;
}

/** FNV-1a of the NUL-terminated bytes at `off`. */
export function hashName(b: Uint8Array, off: number): number {
  let h = FNV_OFFSET;
  const end = Math.min(b.length, off + MAX_NAME);
  for (let i = off; i < end; i++) {
    const c = b[i]!;
    if (c === 0) break;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h >>> 0;
}

function hashBytes(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < bytes.length && i < MAX_NAME; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return h >>> 0;
}

function sameName(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (let i = 0; ; i++) {
    const x = a[aOff + i];
    if (x !== b[bOff + i]) return false;
    if (x === undefined || x === 0) return true;
  }
}

function nameEquals(a: Uint8Array, aOff: number, q: Uint8Array): boolean {
  for (let i = 0; i < q.length; i++) if (a[aOff + i] !== q[i]) return false;
  return a[aOff + q.length] === 0;
}

const INITIAL_CAPACITY = 1024;
const RECENT_MASK = 0xffff;
const MAGIC = 0x5844_4957; // "WIDX" little-endian
const FORMAT_VERSION = 2;
const HEADER_SIZE = 20; // magic, version, count, .debug_info size, pool size
const INITIAL_POOL = 4096;

export class DwarfIndex {
  count = 0;
  kind: Uint8Array;
  flags: Uint8Array;
  nameSec: Uint8Array;
  nameOff: Uint32Array;
  die: Uint32Array;
  aux: Uint32Array;
  hash: Uint32Array;
  /** Inline names (NameSection 1), each NUL-terminated, in the order their entries were made. */
  pool: Uint8Array = new Uint8Array(INITIAL_POOL);
  poolSize = 0;
  /** Open addressing: entry index + 1, 0 = empty. */
  private slots: Int32Array;
  private readonly recent = new Int32Array(RECENT_MASK + 1);
  private readonly encoder = new TextEncoder();

  constructor(
    readonly sections: DwarfSections,
    capacity = INITIAL_CAPACITY,
  ) {
    this.kind = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.nameSec = new Uint8Array(capacity);
    this.nameOff = new Uint32Array(capacity);
    this.die = new Uint32Array(capacity);
    this.aux = new Uint32Array(capacity);
    this.hash = new Uint32Array(capacity);
    this.slots = new Int32Array(slotCount(capacity));
  }

  private grow(): void {
    const cap = this.kind.length * 2;
    const g8 = (a: Uint8Array): Uint8Array => {
      const n = new Uint8Array(cap);
      n.set(a);
      return n;
    };
    const g32 = (a: Uint32Array): Uint32Array => {
      const n = new Uint32Array(cap);
      n.set(a);
      return n;
    };
    this.kind = g8(this.kind);
    this.flags = g8(this.flags);
    this.nameSec = g8(this.nameSec);
    this.nameOff = g32(this.nameOff);
    this.die = g32(this.die);
    this.aux = g32(this.aux);
    this.hash = g32(this.hash);
    this.rehash();
  }

  private rehash(): void {
    this.slots = new Int32Array(slotCount(this.kind.length));
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.count; i++) {
      let s = (this.hash[i]! ^ Math.imul(this.kind[i]!, 0x9e3779b1)) & mask;
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = i + 1;
    }
  }

  /**
   * Adds a name, or replaces the entry of the same kind and name when this one is better (a definition over
   * a declaration). An inline name (nameSec 1) is read from `inline` at `nameOff` and copied into the pool.
   * `hash` is hashName() of the name bytes, when the caller already has it.
   */
  add(kind: IndexKind, flags: number, nameSec: NameSection, nameOff: number, die: number, aux: number, hash?: number, inline?: Uint8Array): void {
    // Every unit repeats the same type and declaration names, as the same .debug_str offsets: a small
    // direct-mapped cache of (offset, kind) -> entry skips hashing and probing for most of them.
    const r = (nameOff ^ Math.imul(kind, 0x9e3779b1)) & RECENT_MASK;
    if (nameSec === 0 && hash === undefined) {
      const e = this.recent[r]! - 1;
      if (e >= 0 && this.nameOff[e] === nameOff && this.kind[e] === kind && this.nameSec[e] === 0) {
        this.prefer(e, flags, die, aux);
        return;
      }
    }
    const bytes = nameSec === 1 ? inline! : sectionOf(this.sections, nameSec);
    hash ??= hashName(bytes, nameOff);
    const mask = this.slots.length - 1;
    let s = (hash ^ Math.imul(kind, 0x9e3779b1)) & mask;
    for (;;) {
      const e = this.slots[s]! - 1;
      if (e < 0) break;
      if (this.hash[e] === hash && this.kind[e] === kind && ((nameSec !== 1 && this.nameSec[e] === nameSec && this.nameOff[e] === nameOff) || sameName(this.bytesOf(this.nameSec[e]!), this.nameOff[e]!, bytes, nameOff))) {
        this.prefer(e, flags, die, aux);
        if (nameSec === 0 && this.nameSec[e] === 0 && this.nameOff[e] === nameOff) this.recent[r] = e + 1;
        return;
      }
      s = (s + 1) & mask;
    }
    if (this.count === this.kind.length) {
      this.grow();
      this.add(kind, flags, nameSec, nameOff, die, aux, hash, inline);
      return;
    }
    const i = this.count++;
    this.kind[i] = kind;
    this.flags[i] = flags;
    this.nameSec[i] = nameSec;
    this.nameOff[i] = nameSec === 1 ? this.keepInline(bytes, nameOff) : nameOff;
    this.die[i] = die;
    this.aux[i] = aux;
    this.hash[i] = hash;
    this.slots[s] = i + 1;
    if (nameSec === 0) this.recent[r] = i + 1;
  }

  /** Copies the NUL-terminated name at bytes[off] into the pool; returns its pool offset. */
  private keepInline(bytes: Uint8Array, off: number): number {
    let end = bytes.indexOf(0, off);
    if (end < 0) end = bytes.length;
    const n = end - off;
    if (this.poolSize + n + 1 > this.pool.length) {
      const grown = new Uint8Array(Math.max(this.pool.length * 2, this.poolSize + n + 1));
      grown.set(this.pool.subarray(0, this.poolSize));
      this.pool = grown;
    }
    const at = this.poolSize;
    this.pool.set(bytes.subarray(off, end), at);
    this.pool[at + n] = 0;
    this.poolSize += n + 1;
    return at;
  }

  private bytesOf(sec: number): Uint8Array {
    return sec === 1 ? this.pool : sectionOf(this.sections, sec);
  }

  /** A definition replaces a declaration; otherwise the first entry stays. The name stays where it was first seen. */
  private prefer(e: number, flags: number, die: number, aux: number): void {
    if (this.flags[e]! & IF_DECLARATION && !(flags & IF_DECLARATION)) {
      this.flags[e] = flags;
      this.die[e] = die;
      this.aux[e] = aux;
    }
  }

  /** The entry of `kind` named `name`, or undefined. */
  lookup(name: string, kind: IndexKind): IndexEntry | undefined {
    const q = this.encoder.encode(name);
    const hash = hashBytes(q);
    const mask = this.slots.length - 1;
    let s = (hash ^ Math.imul(kind, 0x9e3779b1)) & mask;
    for (;;) {
      const e = this.slots[s]! - 1;
      if (e < 0) return undefined;
      if (this.hash[e] === hash && this.kind[e] === kind && nameEquals(this.bytesOf(this.nameSec[e]!), this.nameOff[e]!, q)) {
        return { kind, flags: this.flags[e]!, die: this.die[e]!, aux: this.aux[e]! };
      }
      s = (s + 1) & mask;
    }
  }

  /** The name of entry `i`, decoded. */
  name(i: number): string {
    const b = this.bytesOf(this.nameSec[i]!);
    const off = this.nameOff[i]!;
    const end = b.indexOf(0, off);
    return new TextDecoder().decode(b.subarray(off, end < 0 ? b.length : end));
  }

  /** Bytes held by the index's arrays (what building it costs in memory, besides the sections). */
  get byteSize(): number {
    return this.kind.length * (3 + 4 * 4) + this.slots.byteLength + this.pool.byteLength;
  }

  /** A compact image: header, then the arrays (u32 arrays first, so a 4-aligned image loads as views), the pool. */
  serialize(): Uint8Array {
    const n = this.count;
    const out = new Uint8Array(HEADER_SIZE + n * 19 + this.poolSize);
    const v = new DataView(out.buffer);
    v.setUint32(0, MAGIC, true);
    v.setUint32(4, FORMAT_VERSION, true);
    v.setUint32(8, n, true);
    v.setUint32(12, this.sections.info.length, true);
    v.setUint32(16, this.poolSize, true);
    let off = HEADER_SIZE;
    for (const a of [this.nameOff, this.die, this.aux, this.hash]) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, n * 4), off);
      off += n * 4;
    }
    for (const a of [this.kind, this.flags, this.nameSec]) {
      out.set(a.subarray(0, n), off);
      off += n;
    }
    out.set(this.pool.subarray(0, this.poolSize), off);
    return out;
  }

  /** Loads what serialize() wrote, for the same sections (checked by .debug_info size and every offset). */
  static deserialize(sections: DwarfSections, image: Uint8Array): DwarfIndex {
    const fail = (off: number, reason: string): never => {
      throw new DumpFormatError("dwarf index", off, reason);
    };
    if (image.length < HEADER_SIZE) fail(0, "truncated header");
    const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
    if (v.getUint32(0, true) !== MAGIC) fail(0, "bad magic");
    if (v.getUint32(4, true) !== FORMAT_VERSION) fail(4, "unsupported version");
    const n = v.getUint32(8, true);
    const infoLength = sections.info.length;
    if (v.getUint32(12, true) !== infoLength) fail(12, "made for another .debug_info");
    const poolSize = v.getUint32(16, true);
    if (image.length !== HEADER_SIZE + n * 19 + poolSize) fail(8, `size ${image.length} does not match ${n} entries and a pool of ${poolSize}`);
    const idx = new DwarfIndex(sections, Math.max(n, 1));
    const u32 = (k: number): Uint32Array => {
      const start = HEADER_SIZE + k * n * 4;
      const a = new Uint32Array(Math.max(n, 1));
      // Byte copy: `image` may be any Uint8Array (a Node Buffer's slice() is a view, not a copy).
      new Uint8Array(a.buffer, 0, n * 4).set(image.subarray(start, start + n * 4));
      return a;
    };
    idx.nameOff = u32(0);
    idx.die = u32(1);
    idx.aux = u32(2);
    idx.hash = u32(3);
    const bytesAt = HEADER_SIZE + n * 16;
    idx.kind.set(image.subarray(bytesAt, bytesAt + n));
    idx.flags.set(image.subarray(bytesAt + n, bytesAt + 2 * n));
    idx.nameSec.set(image.subarray(bytesAt + 2 * n, bytesAt + 3 * n));
    const poolAt = bytesAt + 3 * n;
    idx.pool = new Uint8Array(poolSize);
    idx.pool.set(image.subarray(poolAt, poolAt + poolSize));
    idx.poolSize = poolSize;
    if (poolSize > 0 && idx.pool[poolSize - 1] !== 0) fail(poolAt + poolSize - 1, "inline name pool does not end with a NUL");
    idx.count = n;
    for (let i = 0; i < n; i++) {
      const sec = idx.nameSec[i]!;
      if (sec > 2 || idx.kind[i]! < IK_STRUCT || idx.kind[i]! > IK_ENUMERATOR) fail(bytesAt + i, `entry ${i}: bad kind or name section`);
      if (idx.nameOff[i]! >= idx.bytesOf(sec).length || idx.die[i]! >= infoLength || idx.aux[i]! >= infoLength) fail(HEADER_SIZE + i * 4, `entry ${i}: offset out of range`);
    }
    idx.rehash();
    return idx;
  }
}

function slotCount(capacity: number): number {
  let n = 16;
  while (n < capacity * 2) n *= 2;
  return n;
}

/**
 * Merges indexes built over consecutive unit ranges (in .debug_info order), with the same preference as one
 * build over everything: the first definition wins, a definition replaces a declaration.
 */
export function mergeIndexes(sections: DwarfSections, parts: readonly DwarfIndex[]): DwarfIndex {
  const total = parts.reduce((n, p) => n + p.count, 0);
  const out = new DwarfIndex(sections, Math.max(INITIAL_CAPACITY, total));
  for (const p of parts) {
    for (let i = 0; i < p.count; i++) out.add(p.kind[i]!, p.flags[i]!, p.nameSec[i]! as NameSection, p.nameOff[i]!, p.die[i]!, p.aux[i]!, p.hash[i]!, p.pool);
  }
  return out;
}
