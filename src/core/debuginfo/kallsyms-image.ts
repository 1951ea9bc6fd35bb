// The kernel's kallsyms as decoded from memory, kept as bytes: every name expanded once into one buffer, the
// addresses as two 32-bit columns. Names resolve through a hash over those bytes (no string per symbol), as
// the vmlinux's .symtab does through its string table; the sorted SymbolTable (address lookups, `sym`, `bt`)
// is built when a command first asks for it. Opening a dump with no vmlinux then costs what `sys` needs.
import { FNV_PRIME, fnv1a } from "../io/fnv1a";
import { SymbolTable } from "./symbols";

const LATIN1 = new TextDecoder("latin1");
const NEWLINE = 0x0a;
/** crash's strip_symbol_end markers, tried in this order (symbols.ts stripSymbolEnd). */
const STRIPPED_SUFFIXES = [".isra.", ".part.", ".llvm."].map((s) => Uint8Array.from(s, (c) => c.charCodeAt(0)));

export interface KallsymsColumns {
  /** Every symbol's expansion as the kernel's tokens give it, end to end: its type letter, then its name. */
  nameBytes: Uint8Array;
  /** Offset of name i (after its type letter); name i ends at nameStart[i + 1] - 1, the next type letter. */
  nameStart: Int32Array;
  types: Uint8Array;
  addrHi: Uint32Array;
  addrLo: Uint32Array;
}

/**
 * The name index's hash: the length and up to 16 bytes sampled evenly over the name (all of a short one), so
 * that indexing 100,000 names costs no loop over each one's bytes. Names that share length and samples
 * (get_/set_ twins) meet in one chain and are told apart by comparing them.
 */
function sampledHash(bytes: Uint8Array, start: number, length: number): number {
  let h = Math.imul(length, 0x9e3779b1);
  const step = length <= 16 ? 1 : length / 16;
  for (let j = 0, k = 0; k < length; j++, k = Math.floor(j * step)) h = Math.imul(h ^ bytes[start + k]!, FNV_PRIME);
  if (length > 0) h = Math.imul(h ^ bytes[start + length - 1]!, FNV_PRIME);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** FNV-1a over every byte of the name: the index's hash when sampled ones collide too much (hostile names). */
const fullHash = (bytes: Uint8Array, start: number, length: number): number => fnv1a(bytes, start, start + length);

/** Probes per name past which the sampled hash is given up for the full one (real tables average under 2). */
const PROBE_BUDGET = 16;

/** Where a name with a '.' at `dot` ends once stripped as crash strips it (the first marker, in STRIPPED_SUFFIXES order). */
function strippedEnd(bytes: Uint8Array, dot: number, end: number): number {
  for (const suffix of STRIPPED_SUFFIXES) {
    for (let i = dot; i + suffix.length <= end; i++) {
      let k = 0;
      while (k < suffix.length && bytes[i + k] === suffix[k]) k++;
      if (k === suffix.length) return i;
    }
  }
  return end;
}

export class KallsymsImage {
  readonly count: number;
  private hash: Int32Array | undefined;
  private stripped: Int32Array | undefined;
  private table: SymbolTable | undefined;
  /** find()'s name as Latin-1 bytes. */
  private scratch = new Uint8Array(64);
  /** The index's hash: sampled, unless hostile names made it collide (then full). */
  private nameHash = sampledHash;

  constructor(private readonly c: KallsymsColumns) {
    this.count = c.types.length;
  }

  /** Name index: open addressing over the stripped names' bytes, the lowest address kept for a repeated name. */
  private index(): { hash: Int32Array; stripped: Int32Array } {
    if (this.hash && this.stripped) return { hash: this.hash, stripped: this.stripped };
    const stripped = this.strippedEnds();
    let hash = this.build(stripped, sampledHash);
    if (!hash) {
      this.nameHash = fullHash;
      hash = this.build(stripped, fullHash, Infinity)!;
    }
    this.hash = hash;
    this.stripped = stripped;
    return { hash, stripped };
  }

  /** Where each name ends once stripped as crash strips it (names with no '.' end where they end). */
  private strippedEnds(): Int32Array {
    const { nameBytes, nameStart } = this.c;
    const stripped = new Int32Array(this.count);
    // The next '.' at or after the name at hand (native searches: most names have none).
    let dot = nameBytes.indexOf(0x2e);
    for (let i = 0; i < this.count; i++) {
      const s = nameStart[i]!;
      const e = nameStart[i + 1]! - 1;
      if (dot >= 0 && dot < s) dot = nameBytes.indexOf(0x2e, s);
      stripped[i] = dot >= 0 && dot < e ? strippedEnd(nameBytes, dot, e) : e;
    }
    return stripped;
  }

  /** The table by `hashOf`; undefined when the names' probes pass the budget (hostile collisions). */
  private build(stripped: Int32Array, hashOf: typeof sampledHash, budgetPerName = PROBE_BUDGET): Int32Array | undefined {
    const { nameBytes, nameStart, addrHi, addrLo } = this.c;
    const n = this.count;
    let size = 1;
    while (size < n * 2) size *= 2;
    const mask = size - 1;
    const hash = new Int32Array(size).fill(-1);
    let budget = budgetPerName * n;
    for (let i = 0; i < n; i++) {
      const s = nameStart[i]!;
      const e = stripped[i]!;
      for (let slot = hashOf(nameBytes, s, e - s) & mask; ; slot = (slot + 1) & mask) {
        if (--budget < 0) return undefined;
        const j = hash[slot]!;
        if (j < 0) {
          hash[slot] = i;
          break;
        }
        if (this.sameName(j, s, e, stripped)) {
          if (addrHi[i]! < addrHi[j]! || (addrHi[i] === addrHi[j] && addrLo[i]! < addrLo[j]!)) hash[slot] = i;
          break;
        }
      }
    }
    return hash;
  }

  private sameName(j: number, s: number, e: number, stripped: Int32Array): boolean {
    const b = this.c.nameBytes;
    const t = this.c.nameStart[j]!;
    if (stripped[j]! - t !== e - s) return false;
    for (let k = 0; k < e - s; k++) if (b[t + k] !== b[s + k]) return false;
    return true;
  }

  /** Index of the (lowest-addressed) symbol of that name, or -1. */
  find(name: string): number {
    const { hash, stripped } = this.index();
    const b = this.c.nameBytes;
    if (this.scratch.length < name.length) this.scratch = new Uint8Array(name.length * 2);
    for (let i = 0; i < name.length; i++) this.scratch[i] = name.charCodeAt(i);
    const h = this.nameHash(this.scratch, 0, name.length);
    const mask = hash.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const j = hash[slot]!;
      if (j < 0) return -1;
      const s = this.c.nameStart[j]!;
      if (stripped[j]! - s !== name.length) continue;
      let k = 0;
      while (k < name.length && b[s + k] === name.charCodeAt(k)) k++;
      if (k === name.length) return j;
    }
  }

  address(i: number): bigint {
    return (BigInt(this.c.addrHi[i]!) << 32n) | BigInt(this.c.addrLo[i]!);
  }

  addressOf(name: string): bigint | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.address(i);
  }

  /** The distance from the symbol to the next higher symbol address (what kallsyms_lookup_size_offset reports). */
  extentOf(name: string): bigint | undefined {
    const i = this.find(name);
    if (i < 0) return undefined;
    const { addrHi, addrLo } = this.c;
    const hi = addrHi[i]!;
    const lo = addrLo[i]!;
    let bestHi = -1;
    let bestLo = -1;
    for (let j = 0; j < this.count; j++) {
      const h = addrHi[j]!;
      const l = addrLo[j]!;
      if (h < hi || (h === hi && l <= lo)) continue;
      if (bestHi < 0 || h < bestHi || (h === bestHi && l < bestLo)) {
        bestHi = h;
        bestLo = l;
      }
    }
    return bestHi < 0 ? undefined : ((BigInt(bestHi) << 32n) | BigInt(bestLo)) - this.address(i);
  }

  /** The sorted table (names decoded and stripped as crash shows them), built on first use. */
  symbolTable(): SymbolTable {
    if (this.table) return this.table;
    const { nameBytes, nameStart, types, addrHi, addrLo } = this.c;
    const all = LATIN1.decode(nameBytes);
    const { stripped } = this.index();
    const names = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) names[i] = all.slice(nameStart[i]!, stripped[i]!);
    this.table = new SymbolTable({ names, addrHi, addrLo, types });
    return this.table;
  }

  /** True when no name holds a NUL or a newline (checked once, when decoded). */
  static wellFormed(nameBytes: Uint8Array, length: number): boolean {
    const names = nameBytes.subarray(0, length);
    return names.indexOf(0) < 0 && names.indexOf(NEWLINE) < 0;
  }
}
