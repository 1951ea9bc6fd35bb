// The kernel's symbol table as crash sees it: sorted by address (then by name), each symbol with its nm type
// letter. Built from columns (names, addresses, type letters) so that the ELF symtab (symbolTableFromElf) and,
// without a vmlinux, the kernel's own kallsyms can both fill it. Addresses are kept as two 32-bit halves so
// that sorting and binary search never touch BigInt.

import type { ElfFile, SectionHeader } from "../dump/elf";
import { MissingDebugInfo } from "../io/errors";

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
const SERIAL_MAGIC = "KDWSYM01";
const LATIN1_DECODER = new TextDecoder("latin1");

/**
 * Sorted symbols with crash's lookups. `symbolAt` follows crash's value_search() (symbols.c): an address
 * below the first kernel text symbol (`_text`/`_stext`, when present) or above the last symbol has none (per-CPU
 * offsets and module addresses are looked up elsewhere); an exact match gives the first symbol at that
 * address in table order, except that a `.text.*` name, a `SyS_`/`compat_SyS_` alias or a `*_text_start*`
 * region marker gives way to the symbol after it at the same address; otherwise the last symbol below.
 */
export class SymbolTable {
  readonly count: number;
  private readonly names: string[];
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly types: Uint8Array;
  private readonly sizes: Uint32Array | undefined;
  /** Symbol objects made so far, by index; pre-sized so that V8 keeps fast (holey) elements. */
  private readonly cache: (KernelSymbol | undefined)[];
  private byName: Map<string, number | number[]> | undefined;
  /** Index of the first kernel text symbol: symbolAt answers only from its address on. */
  private readonly firstText: number;

  /**
   * `ordered`: the columns are already in table order (the ELF builder sorts by the names before crash's
   * suffix stripping, as crash does); they must then be sorted by address.
   */
  constructor(columns: SymbolColumns, options: { ordered?: boolean } = {}) {
    const n = columns.names.length;
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
    this.cache = new Array<KernelSymbol | undefined>(n);
    this.names = new Array<string>(n);
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.types = new Uint8Array(n);
    this.sizes = columns.sizes ? new Uint32Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      this.names[i] = columns.names[j]!;
      this.hi[i] = columns.addrHi[j]!;
      this.lo[i] = columns.addrLo[j]!;
      this.types[i] = columns.types[j]!;
      if (this.sizes) this.sizes[i] = columns.sizes![j]!;
    }
    let first = 0;
    for (let i = 0; i < n; i++) {
      const name = this.names[i];
      if (name === "_text" || name === "_stext") {
        first = i;
        break;
      }
    }
    this.firstText = first;
  }

  /**
   * The table as bytes, for the user's cache folder (next session skips the sort): a header, the address,
   * size and type columns, then the names as Latin-1 joined by newlines.
   */
  serialize(): Uint8Array {
    const n = this.count;
    const names = this.names.join("\n");
    const head = 16;
    const bytes = new Uint8Array(head + n * 12 + n + names.length);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 8; i++) bytes[i] = SERIAL_MAGIC.charCodeAt(i);
    view.setUint32(8, n, true);
    view.setUint32(12, this.sizes ? 1 : 0, true);
    let o = head;
    for (let i = 0; i < n; i++, o += 4) view.setUint32(o, this.hi[i]!, true);
    for (let i = 0; i < n; i++, o += 4) view.setUint32(o, this.lo[i]!, true);
    for (let i = 0; i < n; i++, o += 4) view.setUint32(o, this.sizes ? this.sizes[i]! : 0, true);
    bytes.set(this.types, o);
    o += n;
    for (let i = 0; i < names.length; i++) bytes[o + i] = names.charCodeAt(i) & 0xff;
    return bytes;
  }

  /** A table from serialize()'s bytes; throws RangeError when they are not a well-formed image. */
  static deserialize(bytes: Uint8Array): SymbolTable {
    const head = 16;
    if (bytes.length < head) throw new RangeError("symbol cache: too short");
    for (let i = 0; i < 8; i++) if (bytes[i] !== SERIAL_MAGIC.charCodeAt(i)) throw new RangeError("symbol cache: bad magic");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = view.getUint32(8, true);
    const hasSizes = (view.getUint32(12, true) & 1) === 1;
    if (n > 10_000_000 || head + n * 13 > bytes.length) throw new RangeError("symbol cache: bad count");
    const col = (k: number) => {
      const out = new Uint32Array(n);
      const base = head + k * n * 4;
      for (let i = 0; i < n; i++) out[i] = view.getUint32(base + i * 4, true);
      return out;
    };
    const addrHi = col(0);
    const addrLo = col(1);
    const sizes = hasSizes ? col(2) : undefined;
    const typesAt = head + n * 12;
    const types = bytes.slice(typesAt, typesAt + n);
    const names = LATIN1_DECODER.decode(bytes.subarray(typesAt + n)).split("\n");
    if (names.length !== n) throw new RangeError("symbol cache: names do not match the count");
    return new SymbolTable({ names, addrHi, addrLo, types, ...(sizes ? { sizes } : {}) }, { ordered: true });
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
    let s = this.cache[i];
    if (s === undefined) {
      const size = this.sizes?.[i];
      s = {
        name: this.names[i]!,
        address: (BigInt(this.hi[i]!) << 32n) | BigInt(this.lo[i]!),
        type: String.fromCharCode(this.types[i]!),
        ...(size !== undefined ? { size } : {}),
      };
      this.cache[i] = s;
    }
    return s;
  }

  private index(): Map<string, number | number[]> {
    if (this.byName) return this.byName;
    const map = new Map<string, number | number[]>();
    for (let i = 0; i < this.count; i++) {
      const name = this.names[i]!;
      const prev = map.get(name);
      if (prev === undefined) map.set(name, i);
      else if (typeof prev === "number") map.set(name, [prev, i]);
      else prev.push(i);
    }
    this.byName = map;
    return map;
  }

  /** The symbol of that name; with duplicates (static symbols) the lowest-addressed, as crash's `sym NAME`. */
  lookup(name: string): KernelSymbol | undefined {
    const e = this.index().get(name);
    if (e === undefined) return undefined;
    return this.at(typeof e === "number" ? e : e[0]!);
  }

  /** Every symbol of that name, in table order. */
  lookupAll(name: string): KernelSymbol[] {
    const e = this.index().get(name);
    if (e === undefined) return [];
    return typeof e === "number" ? [this.at(e)] : e.map((i) => this.at(i));
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
    if (this.count === 0 || addr < 0n || addr >= END_64) return undefined;
    const hi = Number(addr >> 32n);
    const lo = Number(BigInt.asUintN(32, addr));
    const first = this.firstText;
    if (this.compare(first, hi, lo) > 0 || this.compare(this.count - 1, hi, lo) < 0) return undefined;
    let i = this.lowerBound(hi, lo);
    if (i < this.count && this.hi[i] === hi && this.lo[i] === lo) {
      const same = (j: number): boolean => j < this.count && this.hi[j] === hi && this.lo[j] === lo;
      const name = this.names[i]!;
      if (name.startsWith(".text.") && same(i + 1)) i++;
      if ((this.names[i]!.startsWith("SyS_") || this.names[i]!.startsWith("compat_SyS_")) && same(i + 1)) i++;
      if (this.names[i]!.includes("_text_start") && same(i + 1)) i++;
      return { symbol: this.at(i), offset: 0 };
    }
    i -= 1;
    return { symbol: this.at(i), offset: (hi - this.hi[i]!) * TWO_32 + (lo - this.lo[i]!) };
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
      const name = this.names[i]!;
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

/** A RegExp test that ignores the global/sticky state a caller's RegExp may carry. */
function testRegExp(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/**
 * The order crash keeps symbols in (gnu_qsort's numeric_forward: address, then strcmp of the names), as a
 * permutation. A stable LSD radix sort on the four 16-bit digits of the address (passes whose digit is the
 * same for every symbol are skipped), then each run of equal addresses is sorted by name.
 */
export function sortOrder(names: readonly string[], hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = names.length;
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
  // Equal addresses: strcmp order. Names hold one byte per UTF-16 unit, so the engine's own string sort
  // (no comparator: much faster than a JS callback) gives it; "name\0index" keys keep ties stable.
  for (let i = 0; i < n; ) {
    const a = order[i]!;
    const h = hi[a]!;
    const l = lo[a]!;
    let j = i + 1;
    while (j < n && hi[order[j]!] === h && lo[order[j]!] === l) j++;
    if (j - i > 1) {
      const keys: string[] = [];
      for (let k = i; k < j; k++) keys.push(names[order[k]!] + "\0" + order[k]);
      keys.sort();
      for (let k = i; k < j; k++) {
        const key = keys[k - i]!;
        order[k] = Number(key.slice(key.lastIndexOf("\0") + 1));
      }
    }
    i = j;
  }
  return order;
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
  const syms = elf.symbols();
  if (!syms) throw new MissingDebugInfo(`${elf.name}: no symbol table`);
  const sections = elf.sections;
  const { lo: winLo, hi: winHi } = kernelRelocationWindow(elf);
  const debugFile = isSeparateDebugFile(elf);
  const n = syms.count;
  // One pass in symtab order gathers what the sorted pass needs into compact columns: the sorted pass then
  // visits them in a permuted order without touching the strings' bytes (cache misses dominate otherwise).
  const names: string[] = [];
  const display: string[] = [];
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const letters = new Uint8Array(n);
  const sizes = new Uint32Array(n);
  // Letters depend on (binding and type, section) only: one per combination, computed once.
  const letterCache = new Map<number, number>();
  let m = 0;
  for (let i = 1; i < n; i++) {
    const shndx = syms.shndx[i]!;
    if (shndx === SHN_UNDEF) continue;
    const info = syms.info[i]!;
    // BFD names a section symbol after its section (bfd_elf_sym_name), and crash keeps it: `.init.text`.
    const name = (info & 0xf) === STT_SECTION && syms.nameOffset[i] === 0 ? (sections[shndx]?.name ?? "") : syms.name(i);
    if (name === "") continue;
    const cacheKey = info * 0x10000 + shndx;
    let letter = letterCache.get(cacheKey);
    if (letter === undefined) {
      letter = elfSymbolLetter(info >> 4, info & 0xf, shndx, sections[shndx], debugFile).charCodeAt(0);
      letterCache.set(cacheKey, letter);
    }
    names.push(name);
    display.push(name.indexOf(".") < 0 ? name : stripSymbolEnd(name));
    hi[m] = syms.valueHi[i]!;
    lo[m] = syms.valueLo[i]!;
    letters[m] = letter;
    sizes[m] = syms.sizeHi[i] !== 0 ? 0xffff_ffff : syms.sizeLo[i]!;
    m++;
  }
  // crash sorts by the names before stripping (gnu_qsort in symtab_init, then store_symbols strips).
  const order = sortOrder(names, hi.subarray(0, m), lo.subarray(0, m));

  const off = BigInt.asUintN(64, options.kaslrOffset ?? 0n);
  const offHi = Number(off >> 32n);
  const offLo = Number(off & 0xffff_ffffn);
  const winLoHi = Number(winLo >> 32n);
  const winLoLo = Number(winLo & 0xffff_ffffn);
  const winHiHi = winHi < 0n ? -1 : Number(winHi >> 32n);
  const winHiLo = winHi < 0n ? 0 : Number(winHi & 0xffff_ffffn);

  const outNames: string[] = new Array<string>(m);
  const outHi = new Uint32Array(m);
  const outLo = new Uint32Array(m);
  const outTypes = new Uint8Array(m);
  const outSizes = new Uint32Array(m);
  let out = 0;
  let started = false;
  let perCpu = false;
  for (let k = 0; k < m; k++) {
    const j = order[k]!;
    const letter = letters[j]!;
    if (!started) {
      // x86_64_verify_symbol (x86_64.c): nothing before the kernel text but the per-CPU symbols.
      const name = names[j]!;
      if (name === "_text" || name === "_stext") started = true;
      else if (name === "__per_cpu_start") perCpu = true;
      else if (!(perCpu && (name.startsWith("per_cpu") || name === "__per_cpu_end" || letter === LETTER_V || letter === LETTER_d || letter === LETTER_D))) continue;
    }
    let h = hi[j]!;
    let l = lo[j]!;
    // relocate(): only what lies within the image's sections moves with KASLR.
    if ((h > winLoHi || (h === winLoHi && l >= winLoLo)) && (h < winHiHi || (h === winHiHi && l <= winHiLo))) {
      const sum = l + offLo;
      l = sum >>> 0;
      h = (h + offHi + (sum >= TWO_32 ? 1 : 0)) >>> 0;
    }
    outNames[out] = display[j]!;
    outHi[out] = h;
    outLo[out] = l;
    outTypes[out] = letter;
    outSizes[out] = sizes[j]!;
    out++;
  }
  outNames.length = out;
  return new SymbolTable(
    { names: outNames, addrHi: outHi.subarray(0, out), addrLo: outLo.subarray(0, out), types: outTypes.subarray(0, out), sizes: outSizes.subarray(0, out) },
    { ordered: true },
  );
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
