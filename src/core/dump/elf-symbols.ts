// An ELF file's symbol table (.symtab or .dynsym, Elf64_Sym records) and its string table, read lazily: a
// vmlinux has ~119,000 symbols in 5 MB, and opening a kernel asks for a few dozen names. The name index is
// a hash table over the names' bytes (no string per symbol); its image can be kept in the user's cache by
// build id (program/open-kernel.ts), and then a lookup reads the one entry and the one name it checks,
// not the tables.
import type { RangeReader } from "../io/byte-source";
import { DumpFormatError } from "../io/errors";
import { FNV_BASIS, FNV_PRIME, fnv1a } from "../io/fnv1a";
import { latin1Bytes, latin1Chars, latin1String } from "../io/latin1";
import { HOST_LITTLE_ENDIAN } from "../io/little-endian";
import type { SymbolFacts, SymbolMemo } from "../io/learned-memo";

const ST_NAME_OFF = 0x00; // Elf64_Sym.st_name
const ST_INFO_OFF = 0x04; // Elf64_Sym.st_info
const ST_OTHER_OFF = 0x05; // Elf64_Sym.st_other
export const ST_SHNDX_OFF = 0x06; // Elf64_Sym.st_shndx
export const ST_VALUE_OFF = 0x08; // Elf64_Sym.st_value
export const ST_SIZE_OFF = 0x10; // Elf64_Sym.st_size
export const SYM_SIZE = 24;
const STB_LOCAL = 0;

/** Bytes of a name read at a time when the string table is not loaded (kernel names are shorter). */
const NAME_PIECE = 128;
/** Names read one by one before the whole string table is loaded (a search over every name loads it). */
const NAMES_READ_ALONE = 1024;

/** The name index image: "KDWN", its version, then the table's place (to refuse another table's image). */
const IMAGE_MAGIC = 0x4e57444b;
const IMAGE_VERSION = 1;
const IMAGE_HEADER = 8; // float64 words: magic, version, count, symtab offset, symtab size, strtab offset, strtab size, slots

/** Slots of the name index read at a time from an image read in pieces (4 KiB of each column). */
const SLOT_PAGE = 1024;

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  other: number;
  shndx: number;
}

/** Where a symbol table and its string table are, and how to read them (ElfFile.symbolTable). */
export interface SymbolTablePlace {
  file: string;
  symtabOffset: number;
  strtabOffset: number;
  littleEndian: boolean;
  /** The symbol table's and the string table's sizes in bytes (decompressed, when `read` is absent). */
  symtabSize: number;
  strtabSize: number;
  /**
   * Bytes at a file offset, for reads of one entry or one name; absent for compressed sections. The bytes
   * may be a buffer the next read reuses (ByteSource.readTransient): each is used before another read.
   */
  read?: (offset: number, length: number) => Uint8Array;
  /** The whole tables (decompressed if need be). */
  symtab(): Uint8Array;
  strtab(): Uint8Array;
}

/** The columns of an Elf64_Sym table besides the names and st_info (built together, on first use). */
interface SymbolColumns {
  other: Uint8Array;
  shndx: Uint16Array;
  valueLo: Uint32Array;
  valueHi: Uint32Array;
  sizeLo: Uint32Array;
  sizeHi: Uint32Array;
}

/** The symbol table in memory: its bytes, and st_name and st_info of every entry, checked. */
interface Loaded {
  view: DataView;
  nameOffset: Uint32Array;
  info: Uint8Array;
}


/**
 * An Elf64_Sym table (no BigInt while parsing: 64-bit fields are two 32-bit halves). Nothing is read until
 * asked: an entry's fields come from the table's bytes, or from one read of that entry; the table is loaded
 * and every st_name checked on the first use of the columns, of a name, or of the name index (unless its
 * image was adopted, see `adoptNameIndex`). Names are decoded one at a time, when asked for.
 */
export class ElfSymbolTable {
  readonly file: string;
  readonly count: number;
  private loadedTable: Loaded | null = null;
  private strtabBytes: Uint8Array | null = null;
  private cols: SymbolColumns | null = null;
  /** The name index: per slot, a symbol index (0: empty), and the FNV-1a hash of its name. */
  private byName: Int32Array | null = null;
  private slotHash: Uint32Array | null = null;
  /**
   * An adopted image not read whole (adoptNameIndexFrom): its slot count, the reader, and the pages of its
   * two columns read so far (SLOT_PAGE slots each), by page number.
   */
  private paged: { slots: number; reader: RangeReader; names: Map<number, Int32Array>; hashes: Map<number, Uint32Array> } | null = null;
  /** indexOf's answers by name: walkers ask the same few names again and again. */
  private readonly found = new Map<string, number>();
  /** Earlier sessions' answers by name, and this one's to keep (adoptMemo); null without. */
  private memo: SymbolMemo | null = null;
  /** The facts of entries found by name (from the memo, or read with the lookup): no read of them again. */
  private readonly facts = new Map<number, SymbolFacts>();
  /** The string table as one Latin-1 string, once names are taken from it. */
  private strtabString: string | undefined;
  /** Names and entries read by themselves so far (name, infoOf): past NAMES_READ_ALONE the tables load. */
  private lazyReads = 0;
  private readonly lo: number;
  private readonly hi: number;

  constructor(private readonly place: SymbolTablePlace) {
    this.file = place.file;
    if (place.symtabSize % SYM_SIZE !== 0) {
      throw new DumpFormatError(place.file, place.symtabOffset, `symbol table size ${place.symtabSize} is not a multiple of ${SYM_SIZE}`);
    }
    this.count = place.symtabSize / SYM_SIZE;
    this.lo = place.littleEndian ? 0 : 4;
    this.hi = place.littleEndian ? 4 : 0;
    // Compressed tables have no reads of one entry: loaded whole, now.
    if (!place.read) this.loaded();
  }

  /** The table in memory, every st_name checked against the string table's size. */
  private loaded(): Loaded {
    if (this.loadedTable) return this.loadedTable;
    const { file, symtabOffset, littleEndian } = this.place;
    const symtab = this.place.symtab();
    const strLen = this.place.strtabSize;
    const n = this.count;
    const view = new DataView(symtab.buffer, symtab.byteOffset, symtab.byteLength);
    const nameOffset = new Uint32Array(n);
    const info = new Uint8Array(n);
    for (let i = 0, b = 0; i < n; i++, b += SYM_SIZE) {
      const nameOff = view.getUint32(b + ST_NAME_OFF, littleEndian);
      if (nameOff >= strLen && nameOff !== 0) {
        throw new DumpFormatError(file, symtabOffset + b + ST_NAME_OFF, `symbol ${i}: st_name ${hex(nameOff)} past the end of the string table (${strLen} bytes)`);
      }
      nameOffset[i] = nameOff;
      info[i] = symtab[b + ST_INFO_OFF]!;
    }
    return (this.loadedTable = { view, nameOffset, info });
  }

  private strtab(): Uint8Array {
    return (this.strtabBytes ??= this.place.strtab());
  }

  get nameOffset(): Uint32Array {
    return this.loaded().nameOffset;
  }
  get info(): Uint8Array {
    return this.loaded().info;
  }
  get other(): Uint8Array {
    return this.columns().other;
  }
  get shndx(): Uint16Array {
    return this.columns().shndx;
  }
  get valueLo(): Uint32Array {
    return this.columns().valueLo;
  }
  get valueHi(): Uint32Array {
    return this.columns().valueHi;
  }
  get sizeLo(): Uint32Array {
    return this.columns().sizeLo;
  }
  get sizeHi(): Uint32Array {
    return this.columns().sizeHi;
  }

  private columns(): SymbolColumns {
    if (this.cols) return this.cols;
    const n = this.count;
    const c: SymbolColumns = { other: new Uint8Array(n), shndx: new Uint16Array(n), valueLo: new Uint32Array(n), valueHi: new Uint32Array(n), sizeLo: new Uint32Array(n), sizeHi: new Uint32Array(n) };
    const { view } = this.loaded();
    const { lo, hi } = this;
    const le = this.place.littleEndian;
    for (let i = 0, b = 0; i < n; i++, b += SYM_SIZE) {
      c.other[i] = view.getUint8(b + ST_OTHER_OFF);
      c.shndx[i] = view.getUint16(b + ST_SHNDX_OFF, le);
      c.valueLo[i] = view.getUint32(b + ST_VALUE_OFF + lo, le);
      c.valueHi[i] = view.getUint32(b + ST_VALUE_OFF + hi, le);
      c.sizeLo[i] = view.getUint32(b + ST_SIZE_OFF + lo, le);
      c.sizeHi[i] = view.getUint32(b + ST_SIZE_OFF + hi, le);
    }
    return (this.cols = c);
  }

  /** Entry i's bytes: a view into the loaded table, or one read of the entry. */
  private entry(i: number): { view: DataView; at: number } {
    this.checkIndex(i);
    const t = this.loadedTable;
    if (t) return { view: t.view, at: i * SYM_SIZE };
    const b = this.place.read!(this.place.symtabOffset + i * SYM_SIZE, SYM_SIZE);
    return { view: new DataView(b.buffer, b.byteOffset, SYM_SIZE), at: 0 };
  }

  private u64(e: { view: DataView; at: number }, off: number): bigint {
    const le = this.place.littleEndian;
    return (BigInt(e.view.getUint32(e.at + off + this.hi, le)) << 32n) | BigInt(e.view.getUint32(e.at + off + this.lo, le));
  }

  /** st_name of entry i, checked against the string table's size. */
  private nameOf(i: number): number {
    const t = this.loadedTable;
    if (t) return t.nameOffset[i]!;
    const e = this.entry(i);
    const off = e.view.getUint32(e.at + ST_NAME_OFF, this.place.littleEndian);
    if (off >= this.place.strtabSize && off !== 0) {
      throw new DumpFormatError(this.file, this.place.symtabOffset + i * SYM_SIZE + ST_NAME_OFF, `symbol ${i}: st_name ${hex(off)} past the end of the string table (${this.place.strtabSize} bytes)`);
    }
    return off;
  }

  /**
   * The symbol's name, as Latin-1 (one UTF-16 unit per byte, as lookups compare it); DumpFormatError when
   * its string is not NUL-terminated inside the string table. Read by itself while few have been asked for
   * (a table read back from the cache names a few hundred symbols: the 2.5 MB of names are not read for
   * them), else a slice of the whole string table decoded once (a listing names all 119,000).
   */
  name(i: number): string {
    this.checkIndex(i);
    const off = this.nameOf(i);
    if (!this.strtabBytes && this.readAlone()) return this.readName(i, off);
    if (this.strtab().length === 0) return "";
    const all = (this.strtabString ??= latin1String(this.strtab()));
    const end = all.indexOf("\0", off);
    if (end < 0) throw new DumpFormatError(this.file, this.place.strtabOffset + off, `symbol ${i} name at ${hex(off)} is not NUL-terminated`);
    return all.slice(off, end);
  }

  /** name(i) read from the file a piece at a time, up to its NUL (which must come before the table's end). */
  private readName(i: number, off: number): string {
    const size = this.place.strtabSize;
    if (size === 0) return "";
    let out = "";
    for (let at = off; at < size; ) {
      const n = Math.min(NAME_PIECE, size - at);
      const b = this.place.read!(this.place.strtabOffset + at, n);
      const nul = b.indexOf(0);
      const piece = nul < 0 ? b : b.subarray(0, nul);
      out += latin1Chars(piece, 0, piece.length);
      if (nul >= 0) return out;
      at += n;
    }
    throw new DumpFormatError(this.file, this.place.strtabOffset + off, `symbol ${i} name at ${hex(off)} is not NUL-terminated`);
  }

  /** One more name or entry may be read by itself (the file can be read in pieces, and few have been). */
  private readAlone(): boolean {
    return this.place.read !== undefined && this.lazyReads++ < NAMES_READ_ALONE;
  }

  /** st_info of entry i, from the loaded table, else read with the entry (no table load). */
  infoOf(i: number): number {
    const t = this.loadedTable ?? (this.readAlone() ? undefined : this.loaded());
    if (t) return t.info[i]!;
    const e = this.entry(i);
    return e.view.getUint8(e.at + ST_INFO_OFF);
  }

  /**
   * The loaded table for a pass over every entry (symbols.ts builds the sorted table in one): its bytes (entry
   * i at i * SYM_SIZE; Elf64_Sym offsets below), its checked st_name and st_info columns, the string table.
   */
  raw(): { view: DataView; littleEndian: boolean; nameOffset: Uint32Array; info: Uint8Array; strtab: Uint8Array; words?: Uint32Array } {
    const t = this.loaded();
    const v = t.view;
    // The table as 32-bit words where they read as the file has them (an aligned little-endian table on a
    // little-endian host): entry i is words 6i..6i+5.
    const words = this.place.littleEndian && HOST_LITTLE_ENDIAN && v.byteOffset % 4 === 0 ? new Uint32Array(v.buffer, v.byteOffset, this.count * (SYM_SIZE / 4)) : undefined;
    return { view: v, littleEndian: this.place.littleEndian, nameOffset: t.nameOffset, info: t.info, strtab: this.strtab(), ...(words ? { words } : {}) };
  }

  /** Symbol i's name starts with `prefix` (or, with `whole`, is `prefix`), without decoding it. */
  nameStartsWith(i: number, prefix: string, whole = false): boolean {
    const st = this.strtab();
    const off = this.nameOf(i);
    if (off + prefix.length >= st.length) return false;
    for (let k = 0; k < prefix.length; k++) if (st[off + k] !== prefix.charCodeAt(k)) return false;
    return !whole || st[off + prefix.length] === 0;
  }

  /** Symbol i's name is not empty (`name(i) !== ""`, without decoding it). */
  hasName(i: number): boolean {
    const c = this.strtab()[this.nameOf(i)];
    return c !== undefined && c !== 0;
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`symbol index ${i} out of range (${this.count})`);
  }

  // type() and bind() are asked in loops over the whole table: they load it.
  type(i: number): number {
    return this.loaded().info[i]! & 0xf;
  }

  bind(i: number): number {
    return this.loaded().info[i]! >> 4;
  }

  /** st_shndx of symbol i (SHN_UNDEF, 0, for an undefined one). */
  sectionIndex(i: number): number {
    const f = this.facts.get(i);
    if (f) return f.shndx;
    const e = this.entry(i);
    return e.view.getUint16(e.at + ST_SHNDX_OFF, this.place.littleEndian);
  }

  value(i: number): bigint {
    return this.facts.get(i)?.value ?? this.u64(this.entry(i), ST_VALUE_OFF);
  }

  size(i: number): bigint {
    return this.facts.get(i)?.size ?? this.u64(this.entry(i), ST_SIZE_OFF);
  }

  symbol(i: number): ElfSymbol {
    // The entry's fields first: reading the name may reuse the buffer the entry was read into.
    const e = this.entry(i);
    const info = e.view.getUint8(e.at + ST_INFO_OFF);
    const value = this.u64(e, ST_VALUE_OFF);
    const size = this.u64(e, ST_SIZE_OFF);
    const other = e.view.getUint8(e.at + ST_OTHER_OFF);
    const shndx = e.view.getUint16(e.at + ST_SHNDX_OFF, this.place.littleEndian);
    return { name: this.name(i), value, size, type: info & 0xf, bind: info >> 4, other, shndx };
  }

  /**
   * Index of the first global symbol of that name, else of the first local one; -1 if none. The first call
   * builds a hash table over the names' bytes in the string table (no JS string per symbol), unless an
   * image of it was adopted.
   */
  indexOf(name: string): number {
    let i = this.found.get(name);
    if (i === undefined) {
      const known = this.memo?.get(name);
      if (known !== undefined) {
        i = known === null ? -1 : known.index;
        if (known !== null) this.facts.set(i, known);
      } else {
        i = this.search(name);
        this.memo?.learn(name, i < 0 ? null : this.factsOf(i));
      }
      this.found.set(name, i);
    }
    return i;
  }

  /**
   * Answers lookups by name from `memo` (a session's on the same file: io/learned-memo.ts) and keeps in it the
   * answers of the names it lacks. Not taken for a table of another size.
   */
  adoptMemo(memo: SymbolMemo): boolean {
    if (memo.bound !== this.count) return false;
    this.memo = memo;
    return true;
  }

  /** Entry i's st_shndx, st_value and st_size, read at once and kept. */
  private factsOf(i: number): SymbolFacts {
    let f = this.facts.get(i);
    if (!f) {
      const e = this.entry(i);
      f = { index: i, shndx: e.view.getUint16(e.at + ST_SHNDX_OFF, this.place.littleEndian), value: this.u64(e, ST_VALUE_OFF), size: this.u64(e, ST_SIZE_OFF) };
      this.facts.set(i, f);
    }
    return f;
  }

  lookup(name: string): ElfSymbol | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.symbol(i);
  }

  private search(name: string): number {
    const q = latin1Bytes(name);
    if (q === null) return -1;
    if (!this.byName && this.paged) {
      const i = this.searchPaged(q);
      if (i !== undefined) return i;
      // The image could not be read (removed since, cut short): the index is built as if it had not been there.
      this.paged = null;
    }
    if (!this.byName) this.buildNameTable();
    const names = this.byName!;
    const hashes = this.slotHash!;
    return this.probe(q, names.length, (h) => ({ names, hashes, at: h }))!;
  }

  /** search() over an image read in pages as the probe reaches them; undefined when a page cannot be read. */
  private searchPaged(q: Uint8Array): number | undefined {
    const paged = this.paged!;
    return this.probe(q, paged.slots, (h) => {
      const page = Math.floor(h / SLOT_PAGE);
      let names = paged.names.get(page);
      let hashes = paged.hashes.get(page);
      if (!names || !hashes) {
        const n = Math.min(SLOT_PAGE, paged.slots - page * SLOT_PAGE);
        const a = paged.reader.read(IMAGE_HEADER * 8 + page * SLOT_PAGE * 4, n * 4);
        const b = paged.reader.read(IMAGE_HEADER * 8 + paged.slots * 4 + page * SLOT_PAGE * 4, n * 4);
        if (!a || !b) return undefined;
        names = new Int32Array(a.buffer.slice(a.byteOffset, a.byteOffset + n * 4));
        hashes = new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + n * 4));
        paged.names.set(page, names);
        paged.hashes.set(page, hashes);
      }
      return { names, hashes, at: h - page * SLOT_PAGE };
    });
  }

  /**
   * The name index's linear probe for `q` over `slots` slots (a power of two): slot h's symbol index and name
   * hash are at `at` in the columns `column(h)` gives (the whole table, or the page of an image holding h).
   * -1 when the name is not there; undefined when `column` cannot give a slot.
   */
  private probe(q: Uint8Array, slots: number, column: (h: number) => { names: Int32Array; hashes: Uint32Array; at: number } | undefined): number | undefined {
    const mask = slots - 1;
    const hash = fnv1a(q);
    let h = hash & mask;
    for (let probes = 0; probes <= mask; probes++) {
      const c = column(h);
      if (!c) return undefined;
      const i = c.names[c.at]!;
      if (i === 0) return -1;
      if (c.hashes[c.at] === hash && i < this.count && this.nameEquals(i, q)) return i;
      h = (h + 1) & mask;
    }
    return -1;
  }

  /** Symbol i's name is `q` (then a NUL): from the loaded string table, else one read of q.length + 1 bytes. */
  private nameEquals(i: number, q: Uint8Array): boolean {
    const off = this.nameOf(i);
    const size = this.place.strtabSize;
    if (off + q.length >= size) return false;
    let b: Uint8Array;
    let at: number;
    if (this.strtabBytes || !this.place.read) {
      b = this.strtab();
      at = off;
    } else {
      b = this.place.read(this.place.strtabOffset + off, q.length + 1);
      at = 0;
    }
    if (b[at + q.length] !== 0) return false;
    for (let k = 0; k < q.length; k++) if (b[at + k] !== q[k]) return false;
    return true;
  }

  private buildNameTable(): void {
    const { nameOffset: names } = this.loaded();
    const st = this.strtab();
    const info = this.info;
    let size = 1;
    while (size < this.count * 2) size <<= 1;
    const table = new Int32Array(size);
    const hashes = new Uint32Array(size);
    const mask = size - 1;
    const len = st.length;
    for (let i = 1; i < this.count; i++) {
      const off = names[i]!;
      if (off === 0 || off >= len) continue;
      // The name's end and its hash in one pass.
      let end = off;
      let hash = FNV_BASIS;
      for (let c = st[end]!; c !== 0; c = st[end]!) {
        hash = Math.imul(hash ^ c, FNV_PRIME);
        if (++end >= len) break;
      }
      if (end >= len) continue;
      hash >>>= 0;
      let h = hash & mask;
      for (;;) {
        const j = table[h]!;
        if (j === 0) {
          table[h] = i;
          hashes[h] = hash;
          break;
        }
        if (hashes[h] === hash && this.sameName(names[j]!, off, end)) {
          // Keep the first global of a name over earlier locals (the first of each kind otherwise).
          if (info[j]! >> 4 === STB_LOCAL && info[i]! >> 4 !== STB_LOCAL) table[h] = i;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    this.byName = table;
    this.slotHash = hashes;
  }

  private sameName(o: number, off: number, end: number): boolean {
    const st = this.strtab();
    const len = end - off;
    if (o + len >= st.length || st[o + len] !== 0) return false;
    for (let k = 0; k < len; k++) if (st[o + k] !== st[off + k]) return false;
    return true;
  }

  /** Where the table is in its file, for a cache key: the symbol table's offset and count (hex, dash). */
  placeKey(): string {
    return `${this.place.symtabOffset.toString(16)}-${this.count.toString(16)}`;
  }

  /** The name index as bytes, for the user's cache (built now if need be). */
  nameIndexImage(): Uint8Array {
    if (!this.byName) this.buildNameTable();
    const slots = this.byName!.length;
    const out = new Uint8Array(IMAGE_HEADER * 8 + slots * 8);
    const p = this.place;
    new Float64Array(out.buffer, 0, IMAGE_HEADER).set([IMAGE_MAGIC, IMAGE_VERSION, this.count, p.symtabOffset, p.symtabSize, p.strtabOffset, p.strtabSize, slots]);
    new Int32Array(out.buffer, IMAGE_HEADER * 8, slots).set(this.byName!);
    new Uint32Array(out.buffer, IMAGE_HEADER * 8 + slots * 4, slots).set(this.slotHash!);
    return out;
  }

  /**
   * Takes a name index image made by `nameIndexImage` for this very table (same place and sizes); false,
   * and nothing taken, for any other. Lookups then check each name they find against the string table.
   */
  adoptNameIndex(bytes: Uint8Array): boolean {
    if (this.byName || this.paged || bytes.length < IMAGE_HEADER * 8) return false;
    const image = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
    const slots = this.imageSlots(image, image.length);
    if (slots === undefined) return false;
    this.byName = new Int32Array(image.buffer, image.byteOffset + IMAGE_HEADER * 8, slots);
    this.slotHash = new Uint32Array(image.buffer, image.byteOffset + IMAGE_HEADER * 8 + slots * 4, slots);
    return true;
  }

  /**
   * Takes such an image to be read in pieces: its header now, then the pages of slots each lookup probes
   * (a session looks up a few dozen names, the image is 2 MB). A page that cannot be read later (the file
   * removed meanwhile) and the index is built as if there had been no image.
   */
  adoptNameIndexFrom(reader: RangeReader): boolean {
    if (this.byName || this.paged) return false;
    const head = reader.read(0, IMAGE_HEADER * 8);
    if (!head) return false;
    const slots = this.imageSlots(head.slice(), reader.size);
    if (slots === undefined) return false;
    this.paged = { slots, reader, names: new Map(), hashes: new Map() };
    return true;
  }

  /** The slot count of an image whose first bytes are `head` and whose length is `length`, if it is one of this table's. */
  private imageSlots(head: Uint8Array, length: number): number | undefined {
    const h = new Float64Array(head.buffer, head.byteOffset, IMAGE_HEADER);
    const p = this.place;
    const slots = h[7]!;
    const ok = h[0] === IMAGE_MAGIC && h[1] === IMAGE_VERSION && h[2] === this.count && h[3] === p.symtabOffset && h[4] === p.symtabSize && h[5] === p.strtabOffset && h[6] === p.strtabSize;
    if (!ok || !Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0 || slots < this.count || length !== IMAGE_HEADER * 8 + slots * 8) return undefined;
    return slots;
  }
}
