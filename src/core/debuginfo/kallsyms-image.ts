// The kernel's kallsyms as decoded from memory, kept as bytes: every name expanded once into one buffer, the
// addresses as two 32-bit columns. Names resolve through a hash over those bytes (no string per symbol), as
// the vmlinux's .symtab does through its string table; the sorted SymbolTable (address lookups, `sym`, `bt`)
// is built when a command first asks for it. Opening a dump with no vmlinux then costs what `sys` needs.
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

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

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

  constructor(private readonly c: KallsymsColumns) {
    this.count = c.types.length;
  }

  /** Name index: open addressing over the stripped names' bytes, the lowest address kept for a repeated name. */
  private index(): { hash: Int32Array; stripped: Int32Array } {
    if (this.hash && this.stripped) return { hash: this.hash, stripped: this.stripped };
    const { nameBytes, nameStart, addrHi, addrLo } = this.c;
    const n = this.count;
    const stripped = new Int32Array(n);
    let size = 1;
    while (size < n * 2) size *= 2;
    const hash = new Int32Array(size).fill(-1);
    for (let i = 0; i < n; i++) {
      const s = nameStart[i]!;
      let e = nameStart[i + 1]! - 1;
      // One pass hashes the name and watches for a '.', where crash's stripping may cut it.
      let h = 0x811c9dc5;
      for (let k = s; k < e; k++) {
        const b = nameBytes[k]!;
        if (b === 0x2e) {
          e = strippedEnd(nameBytes, k, e);
          h = fnv1a(nameBytes, s, e);
          break;
        }
        h = Math.imul(h ^ b, 0x01000193);
      }
      stripped[i] = e;
      for (let slot = (h >>> 0) & (size - 1); ; slot = (slot + 1) & (size - 1)) {
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
    this.hash = hash;
    this.stripped = stripped;
    return { hash, stripped };
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
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ (name.charCodeAt(i) & 0xff), 0x01000193);
    const mask = hash.length - 1;
    for (let slot = (h >>> 0) & mask; ; slot = (slot + 1) & mask) {
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
    for (let i = 0; i < length; i++) {
      const b = nameBytes[i]!;
      if (b === 0 || b === NEWLINE) return false;
    }
    return true;
  }
}
