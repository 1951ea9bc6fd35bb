// The kernel's symbol table as crash sees it: sorted by address (then by name), each symbol with its nm type
// letter. Built from columns (names, addresses, type letters) so that the ELF symtab (symbolTableFromElf) and,
// without a vmlinux, the kernel's own kallsyms can both fill it. Addresses are kept as two 32-bit halves so
// that sorting and binary search never touch BigInt.

import { SYM_SIZE, ST_SHNDX_OFF, ST_SIZE_OFF, ST_VALUE_OFF, type ElfFile, type SectionHeader } from "../dump/elf";
import { MissingDebugInfo } from "../io/errors";
import { HOST_LITTLE_ENDIAN } from "../io/little-endian";
import { wordChecksum } from "../io/fnv1a";
import { SymbolNameIndex } from "./symbol-name-index";

/** Where a table's name index is kept between sessions: its image, if any, and a way to write one. */
export interface NameIndexStore {
  read(): Uint8Array | undefined;
  write(image: () => Uint8Array): void;
}

/** One kernel symbol at its run-time address (KASLR applied). */
export interface KernelSymbol {
  readonly name: string;
  readonly address: bigint;
  /** nm's / crash's type letter: T t D d B b R r A a W V ... */
  readonly type: string;
  /** st_size from the ELF symtab; undefined when the source has none (kallsyms). */
  readonly size?: number;
}

/** The columns a table is built from; index i of each array is one symbol. */
export interface SymbolColumns {
  readonly names: readonly string[];
  /** High and low 32 bits of each run-time address. */
  readonly addrHi: Uint32Array;
  readonly addrLo: Uint32Array;
  /** Type letters as char codes ('T' is 0x54). */
  readonly types: Uint8Array;
  /** Sizes (0 = unknown), when the source has them. */
  readonly sizes?: Uint32Array;
}

export interface SymbolAt {
  readonly symbol: KernelSymbol;
  /** addr - symbol.address, in bytes. */
  readonly offset: number;
}

const TWO_32 = 0x1_0000_0000;
/** 2^64, the end of the address space: a constant, so that lookups allocate no BigInt for it. */
const END_64 = 1n << 64n;

/**
 * Sorted symbols with crash's lookups. `symbolAt` follows crash's value_search() (symbols.c): an address
 * below the first kernel text symbol (`_text`/`_stext`, when present) or above the last symbol has none (per-CPU
 * offsets and module addresses are looked up elsewhere); an exact match gives the first symbol at that
 * address in table order, except that a `.text.*` name, a `SyS_`/`compat_SyS_` alias or a `*_text_start*`
 * region marker gives way to the symbol after it at the same address; otherwise the last symbol below.
 */
export class SymbolTable {
  readonly count: number;
  /**
   * Names by index: all of them when the table was given them; else filled as they are asked for in a
   * table built with `nameAt` (a session names a few hundred of 119,000).
   */
  private readonly names: Memo<string>;
  private readonly nameAt: ((i: number) => string) | undefined;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly types: Uint8Array;
  private readonly sizes: Uint32Array | undefined;
  /** Symbol objects made so far, by index. */
  private readonly cache: Memo<KernelSymbol>;
  /** Names to indexes, built (or taken from `nameIndexStore`) by the first lookup by name. */
  private byName: SymbolNameIndex | undefined;
  /** Where the name index of this very table is kept between sessions (the user's cache), when anywhere. */
  private nameIndexStore: NameIndexStore | undefined;
  /** Index of the first kernel text symbol: symbolAt answers only from its address on. */
  private readonly firstText: number;

  /**
   * `ordered`: the columns are already in table order (the ELF builder sorts by the names before crash's
   * suffix stripping, as crash does); they must then be sorted by address.
   */
  constructor(columns: SymbolColumns, options: { ordered?: boolean } = {}) {
    const n = columns.names.length;
    this.nameAt = undefined;
    if (columns.addrHi.length !== n || columns.addrLo.length !== n || columns.types.length !== n || (columns.sizes && columns.sizes.length !== n)) {
      throw new RangeError("SymbolTable: columns of different lengths");
    }
    let order: Uint32Array;
    if (options.ordered) {
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        order[i] = i;
        const h = columns.addrHi[i]!;
        const ph = i > 0 ? columns.addrHi[i - 1]! : 0;
        if (i > 0 && (h < ph || (h === ph && columns.addrLo[i]! < columns.addrLo[i - 1]!))) throw new RangeError(`SymbolTable: ordered columns not sorted at ${i}`);
      }
    } else {
      order = sortOrder(columns.names, columns.addrHi, columns.addrLo);
    }
    this.count = n;
    const names = new Array<string>(n);
    this.names = new Memo(n, names);
    this.cache = new Memo<KernelSymbol>(n);
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.types = new Uint8Array(n);
    this.sizes = columns.sizes ? new Uint32Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      names[i] = columns.names[j]!;
      this.hi[i] = columns.addrHi[j]!;
      this.lo[i] = columns.addrLo[j]!;
      this.types[i] = columns.types[j]!;
      if (this.sizes) this.sizes[i] = columns.sizes![j]!;
    }
    let first = 0;
    for (let i = 0; i < n; i++) {
      const name = names[i];
      if (name === "_text" || name === "_stext") {
        first = i;
        break;
      }
    }
    this.firstText = first;
  }

  /**
   * A table over columns already in table order, kept as they are, whose names are made when asked for
   * (`nameAt(i)`, once each): `bt` names a few hundred of a vmlinux's 119,000 symbols. `firstText` is the
   * index of the first `_text`/`_stext` (0 when there is none), which the constructor would look for.
   */
  static lazy(columns: Omit<SymbolColumns, "names"> & { count: number }, nameAt: (i: number) => string, firstText: number): SymbolTable {
    const t = Object.create(SymbolTable.prototype) as SymbolTable;
    const n = columns.count;
    if (columns.addrHi.length !== n || columns.addrLo.length !== n || columns.types.length !== n || (columns.sizes && columns.sizes.length !== n)) {
      throw new RangeError("SymbolTable: columns of different lengths");
    }
    const fields: Record<string, unknown> = {
      count: n,
      names: new Memo<string>(n),
      nameAt,
      hi: columns.addrHi,
      lo: columns.addrLo,
      types: columns.types,
      sizes: columns.sizes,
      cache: new Memo<KernelSymbol>(n),
      byName: undefined,
      nameIndexStore: undefined,
      firstText,
    };
    Object.assign(t, fields);
    return t;
  }

  /** The name of the i-th symbol in table order. */
  private name(i: number): string {
    let s = this.names.get(i);
    if (s === undefined) {
      s = this.nameAt ? this.nameAt(i) : "";
      this.names.set(i, s);
    }
    return s;
  }

  /** A table from a list (tests, small sources). */
  static fromList(list: readonly { name: string; address: bigint; type: string; size?: number }[]): SymbolTable {
    const n = list.length;
    const addrHi = new Uint32Array(n);
    const addrLo = new Uint32Array(n);
    const types = new Uint8Array(n);
    const hasSizes = list.some((s) => s.size !== undefined);
    const sizes = hasSizes ? new Uint32Array(n) : undefined;
    list.forEach((s, i) => {
      addrHi[i] = Number(BigInt.asUintN(64, s.address) >> 32n);
      addrLo[i] = Number(BigInt.asUintN(32, s.address));
      types[i] = s.type.charCodeAt(0);
      if (sizes) sizes[i] = s.size ?? 0;
    });
    return new SymbolTable({ names: list.map((s) => s.name), addrHi, addrLo, types, ...(sizes ? { sizes } : {}) });
  }

  /** The i-th symbol in table order (address, then name). */
  at(i: number): KernelSymbol {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`symbol index ${i} out of range (${this.count})`);
    let s = this.cache.get(i);
    if (s === undefined) {
      const size = this.sizes?.[i];
      s = {
        name: this.name(i),
        address: (BigInt(this.hi[i]!) << 32n) | BigInt(this.lo[i]!),
        type: String.fromCharCode(this.types[i]!),
        ...(size !== undefined ? { size } : {}),
      };
      this.cache.set(i, s);
    }
    return s;
  }

  /**
   * Keeps the name index in `store` (the user's cache, under a key for this very table): the first lookup by
   * name takes it from there, or builds it and writes it there.
   */
  keepNameIndexIn(store: NameIndexStore): void {
    this.nameIndexStore = store;
  }

  private nameIndex(): SymbolNameIndex {
    if (this.byName) return this.byName;
    const image = this.nameIndexStore?.read();
    let index = image ? SymbolNameIndex.fromImage(image, this.count) : undefined;
    if (!index) {
      // Names made for the index only are not kept (a lazy table names a few hundred of its symbols).
      index = SymbolNameIndex.build(this.count, (i) => this.names.get(i) ?? (this.nameAt ? this.nameAt(i) : ""));
      const built = index;
      this.nameIndexStore?.write(() => built.image());
    }
    this.byName = index;
    return index;
  }

  private named(name: string): number[] {
    return this.nameIndex().find(name, (i) => this.name(i));
  }

  /** The symbol of that name; with duplicates (static symbols) the lowest-addressed, as crash's `sym NAME`. */
  lookup(name: string): KernelSymbol | undefined {
    const found = this.named(name);
    return found.length ? this.at(found[0]!) : undefined;
  }

  /** Every symbol of that name, in table order. */
  lookupAll(name: string): KernelSymbol[] {
    return this.named(name).map((i) => this.at(i));
  }

  /** First index whose address is > (hi:lo), or count. */
  private upperBound(hi: number, lo: number): number {
    let a = 0;
    let b = this.count;
    while (a < b) {
      const m = (a + b) >>> 1;
      const mh = this.hi[m]!;
      if (mh < hi || (mh === hi && this.lo[m]! <= lo)) a = m + 1;
      else b = m;
    }
    return a;
  }

  /** First index whose address is >= (hi:lo), or count. */
  private lowerBound(hi: number, lo: number): number {
    let a = 0;
    let b = this.count;
    while (a < b) {
      const m = (a + b) >>> 1;
      const mh = this.hi[m]!;
      if (mh < hi || (mh === hi && this.lo[m]! < lo)) a = m + 1;
      else b = m;
    }
    return a;
  }

  /** The symbol an address belongs to, with crash's rules (see the class comment). */
  symbolAt(addr: bigint): SymbolAt | undefined {
    const i = this.indexAt(addr);
    return i < 0 ? undefined : { symbol: this.at(i), offset: this.foundOffset };
  }

  /** symbolAt's name and offset only (what an unwinder names frames with): no symbol object made. */
  nameOffsetAt(addr: bigint): { name: string; offset: number } | undefined {
    const i = this.indexAt(addr);
    return i < 0 ? undefined : { name: this.name(i), offset: this.foundOffset };
  }

  /** symbolAt's type letter only, or undefined (is an address in a text symbol?). */
  typeAt(addr: bigint): string | undefined {
    const i = this.indexAt(addr);
    return i < 0 ? undefined : String.fromCharCode(this.types[i]!);
  }

  /** The offset into the symbol indexAt found last. */
  private foundOffset = 0;

  /** The index of the symbol symbolAt answers for `addr`, its offset in foundOffset; -1 for none. */
  private indexAt(addr: bigint): number {
    if (this.count === 0 || addr < 0n || addr >= END_64) return -1;
    const hi = Number(addr >> 32n);
    const lo = Number(BigInt.asUintN(32, addr));
    const first = this.firstText;
    if (this.compare(first, hi, lo) > 0 || this.compare(this.count - 1, hi, lo) < 0) return -1;
    let i = this.lowerBound(hi, lo);
    if (i < this.count && this.hi[i] === hi && this.lo[i] === lo) {
      const same = (j: number): boolean => j < this.count && this.hi[j] === hi && this.lo[j] === lo;
      const name = this.name(i);
      if (name.startsWith(".text.") && same(i + 1)) i++;
      if ((this.name(i).startsWith("SyS_") || this.name(i).startsWith("compat_SyS_")) && same(i + 1)) i++;
      if (this.name(i).includes("_text_start") && same(i + 1)) i++;
      this.foundOffset = 0;
      return i;
    }
    i -= 1;
    this.foundOffset = (hi - this.hi[i]!) * TWO_32 + (lo - this.lo[i]!);
    return i;
  }

  /** Sign of (symbol i's address - hi:lo). */
  private compare(i: number, hi: number, lo: number): number {
    const h = this.hi[i]!;
    if (h !== hi) return h < hi ? -1 : 1;
    const l = this.lo[i]!;
    return l === lo ? 0 : l < lo ? -1 : 1;
  }

  /** Symbols whose name contains `pattern` (crash's `sym -q`: a substring) or matches it, in table order. */
  search(pattern: string | RegExp): KernelSymbol[] {
    const out: KernelSymbol[] = [];
    for (let i = 0; i < this.count; i++) {
      const name = this.name(i);
      if (typeof pattern === "string" ? name.includes(pattern) : testRegExp(pattern, name)) out.push(this.at(i));
    }
    return out;
  }

  /** Symbols with lo <= address < hi, in table order (`sym -l` lists the whole table this way). */
  inRange(lo: bigint, hi: bigint): KernelSymbol[] {
    const clamp = (v: bigint): bigint => (v < 0n ? 0n : v > (1n << 64n) - 1n ? (1n << 64n) - 1n : v);
    const a = clamp(lo);
    const b = clamp(hi);
    if (b <= a) return [];
    const start = this.lowerBound(Number(a >> 32n), Number(a & 0xffff_ffffn));
    const end = hi > (1n << 64n) - 1n ? this.count : this.lowerBound(Number(b >> 32n), Number(b & 0xffff_ffffn));
    const out: KernelSymbol[] = [];
    for (let i = start; i < end; i++) out.push(this.at(i));
    return out;
  }

  /** Index of the first symbol at or above `addr` (for walking the table in order). */
  indexAtOrAbove(addr: bigint): number {
    if (addr <= 0n) return 0;
    if (addr >= END_64) return this.count;
    return this.lowerBound(Number(addr >> 32n), Number(addr & 0xffff_ffffn));
  }

  /** The lowest symbol address above `addr` (the end of a symbol's extent when the table has no sizes). */
  nextAddressAbove(addr: bigint): bigint | undefined {
    const i = this.indexAbove(addr);
    return i < this.count ? this.at(i).address : undefined;
  }

  /** Index just past the last symbol at or below `addr`. */
  indexAbove(addr: bigint): number {
    if (addr < 0n) return 0;
    if (addr >= END_64) return this.count;
    return this.upperBound(Number(addr >> 32n), Number(addr & 0xffff_ffffn));
  }
}

/** Entries a Memo keeps in a Map before it moves them into an array of its size (a listing). */
const MEMO_MAP_MAX = 4096;

/**
 * Values by index 0..n-1, made as they are asked for: in a Map while they are few (no array of 119,000
 * slots for the few hundred a session names), in an array once a listing has made many.
 */
class Memo<T> {
  private map: Map<number, T> | undefined;
  private array: (T | undefined)[] | undefined;

  /** `all`: every value, given at once. */
  constructor(
    private readonly n: number,
    all?: T[],
  ) {
    if (all) this.array = all;
    else this.map = new Map();
  }

  get(i: number): T | undefined {
    return this.array ? this.array[i] : this.map!.get(i);
  }

  set(i: number, v: T): void {
    if (this.array) {
      this.array[i] = v;
      return;
    }
    const map = this.map!;
    map.set(i, v);
    if (map.size <= MEMO_MAP_MAX) return;
    const array = new Array<T | undefined>(this.n);
    for (const [k, x] of map) array[k] = x;
    this.array = array;
    this.map = undefined;
  }
}

/** A RegExp test that ignores the global/sticky state a caller's RegExp may carry. */
function testRegExp(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/**
 * The order crash keeps symbols in (gnu_qsort's numeric_forward: address, then strcmp of the names), as a
 * permutation. By address: the engine's own sort of 64-bit keys (address, then index: stable), else a
 * stable LSD radix sort; then each run of equal addresses is sorted by name.
 */
export function sortOrder(names: readonly string[] | ((i: number) => string), hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const nameOf = typeof names === "function" ? names : (i: number) => names[i]!;
  const order = addressOrder(hi, lo) ?? radixOrder(hi, lo);
  sortTies(order, hi, lo, nameOf);
  return order;
}

/**
 * Indexes by (address, index) through BigUint64Array.prototype.sort (native: no JS compiled for 100,000
 * elements a cold start would run interpreted). The key packs the rank of the address's high half among the
 * few distinct ones (0 for per-CPU offsets, 0xffffffff for the kernel), the low half and the index into 64
 * bits; undefined when they do not fit (then radixOrder).
 */
function addressOrder(hi: Uint32Array, lo: Uint32Array): Uint32Array | undefined {
  const n = hi.length;
  const his = distinctSorted(hi, 16);
  if (his === undefined) return undefined;
  let indexBits = 1;
  while (1 << indexBits < n) indexBits++;
  let rankBits = 0;
  while (1 << rankBits < his.length) rankBits++;
  if (indexBits + rankBits > 32 || indexBits > 30) return undefined;
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer);
  const [low, high] = HOST_LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const single = his.length === 1;
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const r = single ? 0 : his.indexOf(hi[i]!);
    words[2 * i + low] = ((l << indexBits) | i) >>> 0;
    words[2 * i + high] = ((r << indexBits) | (l >>> (32 - indexBits))) >>> 0;
  }
  keys.sort();
  const order = new Uint32Array(n);
  const mask = indexBits === 32 ? 0xffff_ffff : (1 << indexBits) - 1;
  for (let k = 0; k < n; k++) order[k] = (words[2 * k + low]! & mask) >>> 0;
  return order;
}


/** The distinct values of `a`, sorted; undefined when there are more than `max`. */
function distinctSorted(a: Uint32Array, max: number): number[] | undefined {
  const seen: number[] = [];
  let last = -1;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v === last || seen.includes(v)) {
      last = v;
      continue;
    }
    if (seen.length === max) return undefined;
    seen.push(v);
    last = v;
  }
  return seen.sort((x, y) => x - y);
}

/** A stable LSD radix sort on the four 16-bit digits of the address (passes whose digit is the same for every symbol are skipped). */
function radixOrder(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = hi.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let tmp = new Uint32Array(n);
  const counts = new Uint32Array(0x10000);
  for (const [key, shift] of [[lo, 0], [lo, 16], [hi, 0], [hi, 16]] as const) {
    if (!radixPass(order, tmp, key, shift, counts)) continue;
    const done = tmp;
    tmp = order;
    order = done;
  }
  return order;
}

/**
 * Equal addresses: strcmp order. Names hold one byte per UTF-16 unit, so the engine's own string sort (no
 * comparator: much faster than a JS callback) gives it; "name\0index" keys keep ties stable.
 */
function sortTies(order: Uint32Array, hi: Uint32Array, lo: Uint32Array, nameOf: (i: number) => string): void {
  const n = order.length;
  for (let i = 0; i < n; ) {
    const a = order[i]!;
    const h = hi[a]!;
    const l = lo[a]!;
    let j = i + 1;
    while (j < n && hi[order[j]!] === h && lo[order[j]!] === l) j++;
    if (j - i > 1) {
      const keys: string[] = [];
      for (let k = i; k < j; k++) keys.push(nameOf(order[k]!) + "\0" + order[k]);
      keys.sort();
      for (let k = i; k < j; k++) {
        const key = keys[k - i]!;
        order[k] = Number(key.slice(key.lastIndexOf("\0") + 1));
      }
    }
    i = j;
  }
}

/** One stable counting pass on a 16-bit digit of `key`; false (and nothing done) when all digits are equal. */
function radixPass(from: Uint32Array, to: Uint32Array, key: Uint32Array, shift: number, counts: Uint32Array): boolean {
  const n = from.length;
  if (n === 0) return false;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(key[i]! >>> shift) & 0xffff]++;
  if (counts[(key[0]! >>> shift) & 0xffff] === n) return false;
  let sum = 0;
  for (let d = 0; d < 0x10000; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const j = from[i]!;
    to[counts[(key[j]! >>> shift) & 0xffff]!++] = j;
  }
  return true;
}

// ---- From an ELF symtab (vmlinux) ----

const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const SHN_COMMON = 0xfff2;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const STB_GNU_UNIQUE = 10;
const STT_OBJECT = 1;
const STT_SECTION = 3;
const STT_GNU_IFUNC = 10;
const SHT_NOBITS = 8;
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;

/**
 * nm's letter for a symbol in section `s`, lower case (bfd/syms.c decode_section_type over ELF flags). In a
 * separate debug file (objcopy --only-keep-debug) every allocated section is SHT_NOBITS, so there the letter
 * is the one the section had in the vmlinux: only .bss-like sections are "b".
 */
function sectionLetter(s: SectionHeader, debugFile = false): string {
  if (s.flags & SHF_EXECINSTR) return "t";
  if (s.type === SHT_NOBITS && (!debugFile || /bss|^\.brk$/.test(s.name))) return "b";
  if (s.flags & SHF_ALLOC) return s.flags & SHF_WRITE ? "d" : "r";
  if (/^\.(debug|zdebug|stab|gnu\.linkonce\.wi\.)/.test(s.name)) return "N";
  return s.flags & SHF_WRITE ? "?" : "n";
}

/** nm's type letter (bfd_decode_symclass): weak, unique, ifunc, absolute and common first, then the section's. */
export function elfSymbolLetter(bind: number, type: number, shndx: number, section: SectionHeader | undefined, debugFile = false): string {
  if (shndx === SHN_COMMON) return "C";
  if (shndx === SHN_UNDEF) return bind === STB_WEAK ? (type === STT_OBJECT ? "v" : "w") : "U";
  if (type === STT_GNU_IFUNC) return "i";
  if (bind === STB_WEAK) return type === STT_OBJECT ? "V" : "W";
  if (bind === STB_GNU_UNIQUE) return "u";
  const c = shndx === SHN_ABS ? "a" : section ? sectionLetter(section, debugFile) : "?";
  return bind === STB_GLOBAL ? c.toUpperCase() : c;
}

export interface ElfSymbolOptions {
  /** The KASLR slide (VMCOREINFO KERNELOFFSET): added to every symbol inside the kernel image's sections. */
  readonly kaslrOffset?: bigint;
}

/** A separate debug file (objcopy --only-keep-debug): its code is not in it (.text is SHT_NOBITS). */
export function isSeparateDebugFile(elf: ElfFile): boolean {
  return elf.sectionHeader(".text")?.type === SHT_NOBITS;
}

/**
 * The link-time addresses that the KASLR slide moves, as crash's relocate() decides: from the start of
 * `.text` to the end of the last section after it. `hi` is -1 when the file has no `.text`.
 */
export function kernelRelocationWindow(elf: ElfFile): { lo: bigint; hi: bigint } {
  const text = elf.sections.find((s) => s.name === ".text");
  let lo = 0n;
  let hi = -1n;
  if (text) {
    lo = text.addr;
    for (const s of elf.sections) if (s.index >= text.index && s.addr + BigInt(s.size) > hi) hi = s.addr + BigInt(s.size);
  }
  return { lo, hi };
}

/**
 * The kernel's symbols from a vmlinux symtab, as crash 8.0.6 keeps them (symbols.c store_symbols with
 * x86_64_verify_symbol and relocate()):
 * - sorted by link-time address, then name; undefined and nameless symbols dropped;
 * - below `_text`/`_stext` only the per-CPU symbols are kept: `__per_cpu_start`, then `per_cpu*`,
 *   `__per_cpu_end` and data symbols (V, d, D). Absolute symbols and file names there are dropped;
 * - the KASLR offset is added to symbols between the start of `.text` and the end of the last section, and
 *   only to them: per-CPU offsets (the .data..percpu section is linked at 0) and absolute values stay.
 */
export function symbolTableFromElf(elf: ElfFile, options: ElfSymbolOptions = {}): SymbolTable {
  return elfSymbolTable(elf, options).table;
}

/**
 * The name crash keeps for symtab entry i, before its suffix is stripped: a section symbol's is its
 * section's. Entry by entry (ElfSymbolTable reads one entry and one name, or the loaded tables).
 */
function symtabNamer(elf: ElfFile): (i: number) => string {
  const syms = elf.symbols();
  if (!syms) throw new MissingDebugInfo(`${elf.name}: no symbol table`);
  const sections = elf.sections;
  return (i) => {
    if ((syms.infoOf(i) & 0xf) === STT_SECTION) {
      const name = syms.name(i);
      if (name === "") return sections[syms.sectionIndex(i)]?.name ?? "";
      return name;
    }
    return syms.name(i);
  };
}

/** A table's name for symtab entry i: crash strips what follows a dot (stripSymbolEnd). */
function keptName(rawName: string): string {
  return rawName.indexOf(".") < 0 ? rawName : stripSymbolEnd(rawName);
}

/** symbolTableFromElf's table, and its image for the user's cache (see elfSymbolTableFromImage). */
export function elfSymbolTable(elf: ElfFile, options: ElfSymbolOptions = {}): { table: SymbolTable; image(): Uint8Array } {
  const syms = elf.symbols();
  if (!syms) throw new MissingDebugInfo(`${elf.name}: no symbol table`);
  const raw = syms.raw();
  const symtabName = symtabNamer(elf);
  // Each pass is a function of its own, one loop each: V8 compiles a hot loop on its own (OSR), and one
  // large function with several would be compiled again for each, at great cost, in a cold start.
  const c = gatherSymbols(raw, syms.count, elf.sections, isSeparateDebugFile(elf));
  const m = dropBelowText(c);
  /** The name of kept symbol k as the symtab has it (before crash's suffix stripping). */
  const rawName = (k: number): string => symtabName(c.index[k]!);
  // crash sorts by the names before stripping (gnu_qsort in symtab_init, then store_symbols strips): names
  // are decoded only where addresses are equal.
  const order = sortOrder(rawName, c.hi.subarray(0, m), c.lo.subarray(0, m));
  const out = relocateFromText(c, order, rawName, kernelRelocationWindow(elf), BigInt.asUintN(64, options.kaslrOffset ?? 0n));
  const table = SymbolTable.lazy({ count: out.count, addrHi: out.hi, addrLo: out.lo, types: out.types, sizes: out.sizes }, (i) => keptName(rawName(out.kept[i]!)), out.firstText);
  return {
    table,
    image: () => {
      const symtabIndex = new Uint32Array(out.count);
      for (let i = 0; i < out.count; i++) symtabIndex[i] = c.index[out.kept[i]!]!;
      return elfTableImage(out, symtabIndex);
    },
  };
}

const ELF_IMAGE_MAGIC = "KDWSYM04";
/** Magic, then u32s: count, symtab entries, first text symbol, checksum; then hi, lo, sizes, symtab index, letters. */
const ELF_IMAGE_HEAD = 8 + 4 * 4;
const ELF_IMAGE_CHECKSUM_WORD = ELF_IMAGE_HEAD / 4 - 1;
/** An image of n symbols: the header, four u32 columns, the letters, padded to whole words. */
const elfImageSize = (n: number): number => ELF_IMAGE_HEAD + ((n * 17 + 3) & ~3);

function elfTableImage(out: { hi: Uint32Array; lo: Uint32Array; sizes: Uint32Array; types: Uint8Array; count: number; firstText: number }, symtabIndex: Uint32Array): Uint8Array {
  const n = out.count;
  const bytes = new Uint8Array(elfImageSize(n));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = ELF_IMAGE_MAGIC.charCodeAt(i);
  view.setUint32(8, n, true);
  view.setUint32(12, symtabIndex.reduce((a, b) => Math.max(a, b), 0) + 1, true);
  view.setUint32(16, out.firstText, true);
  let o = ELF_IMAGE_HEAD;
  for (const column of [out.hi, out.lo, out.sizes, symtabIndex]) {
    for (let i = 0; i < n; i++, o += 4) view.setUint32(o, column[i]!, true);
  }
  bytes.set(out.types.subarray(0, n), o);
  view.setUint32(ELF_IMAGE_CHECKSUM_WORD * 4, wordChecksum(bytes, 2, ELF_IMAGE_CHECKSUM_WORD), true);
  return bytes;
}

/**
 * The table of an image elfSymbolTable made for this vmlinux (the caller's cache key names the file and the
 * KASLR offset): its columns as they were, each name read from the symtab entry it came from when asked
 * for (a session names a few hundred of 119,000 symbols). Undefined when the image is not whole (its
 * checksum) or not a well-formed one for a symtab of this size: addresses out of order, an index past the
 * symtab, a bad first text symbol.
 */
export function elfSymbolTableFromImage(elf: ElfFile, image: Uint8Array): SymbolTable | undefined {
  const syms = elf.symbols();
  if (!syms || image.length < ELF_IMAGE_HEAD) return undefined;
  for (let i = 0; i < 8; i++) if (image[i] !== ELF_IMAGE_MAGIC.charCodeAt(i)) return undefined;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const n = view.getUint32(8, true);
  const firstText = view.getUint32(16, true);
  if (n > syms.count || image.length !== elfImageSize(n) || view.getUint32(12, true) > syms.count || (n > 0 && firstText >= n)) return undefined;
  // Whole: a damaged word (a letter, a size) that keeps the addresses in order would otherwise be shown.
  if (view.getUint32(ELF_IMAGE_CHECKSUM_WORD * 4, true) !== wordChecksum(image, 2, ELF_IMAGE_CHECKSUM_WORD)) return undefined;
  const column = (k: number): Uint32Array => {
    const at = image.byteOffset + ELF_IMAGE_HEAD + k * n * 4;
    // A view of the image where its words are aligned (the cache hands each reader bytes of its own), else
    // a copy: no 2 MB copied at every start-up.
    if (HOST_LITTLE_ENDIAN) return at % 4 === 0 ? new Uint32Array(image.buffer, at, n) : new Uint32Array(image.buffer.slice(at, at + n * 4));
    const c = new Uint32Array(n);
    for (let i = 0; i < n; i++) c[i] = view.getUint32(at - image.byteOffset + i * 4, true);
    return c;
  };
  const addrHi = column(0);
  const addrLo = column(1);
  const sizes = column(2);
  const symtabIndex = column(3);
  if (!sortedWithin(addrHi, addrLo, symtabIndex, syms.count)) return undefined;
  const types = image.subarray(ELF_IMAGE_HEAD + n * 16, ELF_IMAGE_HEAD + n * 17);
  const symtabName = symtabNamer(elf);
  return SymbolTable.lazy({ count: n, addrHi, addrLo, types, sizes }, (i) => keptName(symtabName(symtabIndex[i]!)), firstText);
}

/** Addresses in order and every symtab index below `entries`. */
function sortedWithin(hi: Uint32Array, lo: Uint32Array, index: Uint32Array, entries: number): boolean {
  for (let i = 0; i < hi.length; i++) {
    if (index[i]! >= entries) return false;
    if (i > 0 && (hi[i]! < hi[i - 1]! || (hi[i] === hi[i - 1] && lo[i]! < lo[i - 1]!))) return false;
  }
  return true;
}

/** The symbols kept from the symtab, in symtab order, as columns: symtab index, address halves, letter, size. */
interface Gathered {
  index: Uint32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  letters: Uint8Array;
  sizes: Uint32Array;
  flags: Uint8Array;
  count: number;
  /** The lowest `_text`/`_stext` (all ones when there is none). */
  textHi: number;
  textLo: number;
}

/**
 * One pass in symtab order, straight from the symtab's bytes: undefined and nameless symbols dropped; no name
 * decoded (a name is made when the table is asked for it: SymbolTable.lazy).
 */
function gatherSymbols(raw: ReturnType<NonNullable<ReturnType<ElfFile["symbols"]>>["raw"]>, n: number, sections: readonly SectionHeader[], debugFile: boolean): Gathered {
  const { view, littleEndian: le, nameOffset, info: infos, strtab, words } = raw;
  const lo32 = le ? 0 : 4;
  const hi32 = le ? 4 : 0;
  const c: Gathered = { index: new Uint32Array(n), hi: new Uint32Array(n), lo: new Uint32Array(n), letters: new Uint8Array(n), sizes: new Uint32Array(n), flags: new Uint8Array(n), count: 0, textHi: 0xffff_ffff, textLo: 0xffff_ffff };
  const { index, hi, lo, letters, sizes, flags } = c;
  // Letters depend on (binding and type, section) only: one per combination, computed once.
  const letterOf = new Uint8Array(256 * LETTER_SECTIONS);
  const letterCache = new Map<number, number>();
  let m = 0;
  for (let i = 1, b = SYM_SIZE, w = SYM_SIZE / 4; i < n; i++, b += SYM_SIZE, w += SYM_SIZE / 4) {
    // Words where the table is an aligned little-endian one (elf-symbols.ts raw): no DataView call per field.
    const shndx = words ? words[w + 1]! >>> 16 : view.getUint16(b + ST_SHNDX_OFF, le);
    if (shndx === SHN_UNDEF) continue;
    const info = infos[i]!;
    const off = nameOffset[i]!;
    let flag = 0;
    if ((info & 0xf) === STT_SECTION && off === 0) {
      // BFD names a section symbol after its section (bfd_elf_sym_name), and crash keeps it: `.init.text`.
      if ((sections[shndx]?.name ?? "") === "") continue;
    } else {
      const ch = strtab[off];
      if (ch === undefined || ch === 0) continue;
      if (ch === 0x5f || ch === 0x70) flag = nameFlag(strtab, off); // '_', 'p'
    }
    const slot = shndx < LETTER_SECTIONS ? info * LETTER_SECTIONS + shndx : -1;
    let letter = slot >= 0 ? letterOf[slot]! : 0;
    if (letter === 0) {
      const key = info * 0x10000 + shndx;
      letter = letterCache.get(key) ?? elfSymbolLetter(info >> 4, info & 0xf, shndx, sections[shndx], debugFile).charCodeAt(0);
      letterCache.set(key, letter);
      if (slot >= 0) letterOf[slot] = letter;
    }
    const h = words ? words[w + 3]! : view.getUint32(b + ST_VALUE_OFF + hi32, le);
    const l = words ? words[w + 2]! : view.getUint32(b + ST_VALUE_OFF + lo32, le);
    if (flag === FLAG_TEXT && (h < c.textHi || (h === c.textHi && l < c.textLo))) {
      c.textHi = h;
      c.textLo = l;
    }
    index[m] = i;
    hi[m] = h;
    lo[m] = l;
    letters[m] = letter;
    sizes[m] = (words ? words[w + 5]! : view.getUint32(b + ST_SIZE_OFF + hi32, le)) !== 0 ? 0xffff_ffff : words ? words[w + 4]! : view.getUint32(b + ST_SIZE_OFF + lo32, le);
    flags[m] = flag;
    m++;
  }
  c.count = m;
  return c;
}

/**
 * Below the kernel text only the per-CPU symbols are kept (relocateFromText, after the sort): the others
 * there (9,000 file symbols at 0, absolute symbols) are dropped now, unsorted. What decides that pass stays:
 * `_text`/`_stext` (at the text's start), `__per_cpu_start`, and every symbol it may keep. The count kept.
 */
function dropBelowText(c: Gathered): number {
  const { index, hi, lo, letters, sizes, flags, textHi, textLo } = c;
  let kept = 0;
  for (let k = 0; k < c.count; k++) {
    const letter = letters[k]!;
    if ((hi[k]! < textHi || (hi[k] === textHi && lo[k]! < textLo)) && letter !== LETTER_V && letter !== LETTER_d && letter !== LETTER_D && flags[k] !== FLAG_PERCPU) continue;
    index[kept] = index[k]!;
    hi[kept] = hi[k]!;
    lo[kept] = lo[k]!;
    letters[kept] = letter;
    sizes[kept] = sizes[k]!;
    kept++;
  }
  c.count = kept;
  return kept;
}

/**
 * In sorted order: x86_64_verify_symbol (x86_64.c), nothing before the kernel text but the per-CPU symbols;
 * relocate(), the KASLR slide added to what lies within the image's sections. `kept[i]` is output i's
 * gathered index.
 */
function relocateFromText(c: Gathered, order: Uint32Array, rawName: (k: number) => string, win: { lo: bigint; hi: bigint }, off: bigint): { kept: Uint32Array; hi: Uint32Array; lo: Uint32Array; types: Uint8Array; sizes: Uint32Array; count: number; firstText: number } {
  const { hi, lo, letters, sizes } = c;
  const m = c.count;
  const offHi = Number(off >> 32n);
  const offLo = Number(off & 0xffff_ffffn);
  const winLoHi = Number(win.lo >> 32n);
  const winLoLo = Number(win.lo & 0xffff_ffffn);
  const winHiHi = win.hi < 0n ? -1 : Number(win.hi >> 32n);
  const winHiLo = win.hi < 0n ? 0 : Number(win.hi & 0xffff_ffffn);
  const outKept = new Uint32Array(m);
  const outHi = new Uint32Array(m);
  const outLo = new Uint32Array(m);
  const outTypes = new Uint8Array(m);
  const outSizes = new Uint32Array(m);
  let out = 0;
  let started = false;
  let firstText = 0;
  let perCpu = false;
  for (let k = 0; k < m; k++) {
    const j = order[k]!;
    const letter = letters[j]!;
    if (!started) {
      const name = rawName(j);
      if (name === "_text" || name === "_stext") {
        started = true;
        firstText = out;
      } else if (name === "__per_cpu_start") perCpu = true;
      else if (!(perCpu && (name.startsWith("per_cpu") || name === "__per_cpu_end" || letter === LETTER_V || letter === LETTER_d || letter === LETTER_D))) continue;
    }
    let h = hi[j]!;
    let l = lo[j]!;
    if ((h > winLoHi || (h === winLoHi && l >= winLoLo)) && (h < winHiHi || (h === winHiHi && l <= winHiLo))) {
      const sum = l + offLo;
      l = sum >>> 0;
      h = (h + offHi + (sum >= TWO_32 ? 1 : 0)) >>> 0;
    }
    outKept[out] = j;
    outHi[out] = h;
    outLo[out] = l;
    outTypes[out] = letter;
    outSizes[out] = sizes[j]!;
    out++;
  }
  return { kept: outKept, hi: outHi.subarray(0, out), lo: outLo.subarray(0, out), types: outTypes.subarray(0, out), sizes: outSizes.subarray(0, out), count: out, firstText };
}

/** Sections whose letters are cached in an array (the rest, and SHN_ABS and the like, in a Map). */
const LETTER_SECTIONS = 256;
/** A name below the kernel text that the sorted pass must see: the text's start, or the per-CPU area's. */
const FLAG_TEXT = 1;
const FLAG_PERCPU = 2;
const NAME_TEXT = latin1Z("_text");
const NAME_STEXT = latin1Z("_stext");
const NAME_PER_CPU_START = latin1Z("__per_cpu_start");
const NAME_PER_CPU_END = latin1Z("__per_cpu_end");
const PREFIX_PER_CPU = latin1Z("per_cpu").subarray(0, 7);

/** `s` and its NUL, as bytes. */
function latin1Z(s: string): Uint8Array {
  return Uint8Array.from([...s, "\0"].map((c) => c.charCodeAt(0)));
}

function bytesAt(st: Uint8Array, off: number, want: Uint8Array): boolean {
  for (let k = 0; k < want.length; k++) if (st[off + k] !== want[k]) return false;
  return true;
}

/** FLAG_TEXT for `_text`/`_stext`, FLAG_PERCPU for `per_cpu*` and `__per_cpu_start`/`_end`, else 0. */
function nameFlag(st: Uint8Array, off: number): number {
  if (bytesAt(st, off, NAME_TEXT) || bytesAt(st, off, NAME_STEXT)) return FLAG_TEXT;
  if (bytesAt(st, off, PREFIX_PER_CPU) || bytesAt(st, off, NAME_PER_CPU_START) || bytesAt(st, off, NAME_PER_CPU_END)) return FLAG_PERCPU;
  return 0;
}

const LETTER_V = 0x56; // 'V'
const LETTER_d = 0x64; // 'd'
const LETTER_D = 0x44; // 'D'

const STRIPPED_SUFFIXES = [".isra.", ".part.", ".llvm."];

/**
 * crash's strip_symbol_end (symbols.c): the name up to the first of these markers, tried in this order, so
 * `f.part.0.isra.0` becomes `f.part.0`. crash shows and looks symbols up by the stripped name.
 */
export function stripSymbolEnd(name: string): string {
  for (const suffix of STRIPPED_SUFFIXES) {
    const p = name.indexOf(suffix);
    if (p >= 0) return name.slice(0, p);
  }
  return name;
}
