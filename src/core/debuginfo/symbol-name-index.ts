// A symbol table's names to its indexes (SymbolTable.lookup, lookupAll: `sym NAME`, `dis NAME`, the
// report's disassembly of the fault) in typed arrays: an open-addressing table of the distinct names'
// hashes, each slot the first index of its name and a chain to the others in table order. No JS string is
// kept per symbol (a Map of 119,000 names took 80-170 ms to build and held them all), and the table has an
// image for the user's cache, so that a session on a known build builds nothing. The hash is seeded per
// build of the index (the seed is in the image): names from a dump's own kallsyms are hostile input, and a
// fixed hash would let a crafted set of names make every insert probe the whole table.
import { wordChecksum } from "../io/fnv1a";
import { HOST_LITTLE_ENDIAN } from "../io/little-endian";

const MAGIC = "KDWSYMN1";
/** magic (8), count, slots, seed, checksum: 24 bytes, then heads and hashes (slots each), next (count). */
const HEAD = 24;
const CHECKSUM_WORD = 5;

function nameHash(name: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 0x01000193);
  // A last mix, so that names differing in their last letters do not fill neighbouring slots.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

export class SymbolNameIndex {
  private constructor(
    readonly count: number,
    private readonly seed: number,
    /** Per slot: the first index of the slot's name plus one (0: an empty slot). */
    private readonly heads: Int32Array,
    /** Per slot: its name's hash. */
    private readonly hashes: Uint32Array,
    /** Per index: the next index of the same name plus one (0: the last); always a later index. */
    private readonly next: Int32Array,
  ) {}

  /** The index of `count` names (`nameOf(i)`, each asked once). */
  static build(count: number, nameOf: (i: number) => string, seed = (Math.random() * 0x1_0000_0000) >>> 0): SymbolNameIndex {
    let size = 8;
    while (size < count * 2) size *= 2;
    const mask = size - 1;
    const heads = new Int32Array(size);
    const hashes = new Uint32Array(size);
    const tails = new Int32Array(size);
    const next = new Int32Array(count);
    // The names are held while the index is built (to tell names that share a hash apart), then dropped.
    const names = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const name = nameOf(i);
      names[i] = name;
      const h = nameHash(name, seed);
      for (let p = h & mask; ; p = (p + 1) & mask) {
        const head = heads[p]!;
        if (head === 0) {
          heads[p] = i + 1;
          hashes[p] = h;
          tails[p] = i + 1;
          break;
        }
        if (hashes[p] === h && names[head - 1] === name) {
          next[tails[p]! - 1] = i + 1;
          tails[p] = i + 1;
          break;
        }
      }
    }
    return new SymbolNameIndex(count, seed, heads, hashes, next);
  }

  /**
   * The index an image holds, for a table of `count` symbols; undefined when it is not whole (its checksum),
   * not for that many symbols, or not well formed (an index out of range, a chain that goes backwards).
   */
  static fromImage(image: Uint8Array, count: number): SymbolNameIndex | undefined {
    if (image.length < HEAD || image.length % 4 !== 0) return undefined;
    for (let i = 0; i < MAGIC.length; i++) if (image[i] !== MAGIC.charCodeAt(i)) return undefined;
    const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const slots = view.getUint32(12, true);
    if (view.getUint32(8, true) !== count || slots < 8 || (slots & (slots - 1)) !== 0 || slots < count * 2) return undefined;
    if (image.length !== HEAD + slots * 8 + count * 4) return undefined;
    if (view.getUint32(CHECKSUM_WORD * 4, true) !== wordChecksum(image, 2, CHECKSUM_WORD)) return undefined;
    // Views of the image where its words are aligned and the host is little-endian (no copy), else copies.
    const at = image.byteOffset + HEAD;
    const aligned = HOST_LITTLE_ENDIAN && at % 4 === 0;
    const heads = aligned ? new Int32Array(image.buffer, at, slots) : new Int32Array(slots);
    const hashes = aligned ? new Uint32Array(image.buffer, at + slots * 4, slots) : new Uint32Array(slots);
    const next = aligned ? new Int32Array(image.buffer, at + slots * 8, count) : new Int32Array(count);
    if (!aligned) {
      let o = HEAD;
      for (let i = 0; i < slots; i++, o += 4) heads[i] = view.getInt32(o, true);
      for (let i = 0; i < slots; i++, o += 4) hashes[i] = view.getUint32(o, true);
      for (let i = 0; i < count; i++, o += 4) next[i] = view.getInt32(o, true);
    }
    for (let i = 0; i < slots; i++) if (heads[i]! < 0 || heads[i]! > count) return undefined;
    for (let i = 0; i < count; i++) if (next[i] !== 0 && (next[i]! <= i + 1 || next[i]! > count)) return undefined;
    return new SymbolNameIndex(count, view.getUint32(16, true), heads, hashes, next);
  }

  image(): Uint8Array {
    const slots = this.heads.length;
    const bytes = new Uint8Array(HEAD + slots * 8 + this.count * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
    view.setUint32(8, this.count, true);
    view.setUint32(12, slots, true);
    view.setUint32(16, this.seed, true);
    let o = HEAD;
    for (let i = 0; i < slots; i++, o += 4) view.setInt32(o, this.heads[i]!, true);
    for (let i = 0; i < slots; i++, o += 4) view.setUint32(o, this.hashes[i]!, true);
    for (let i = 0; i < this.count; i++, o += 4) view.setInt32(o, this.next[i]!, true);
    view.setUint32(CHECKSUM_WORD * 4, wordChecksum(bytes, 2, CHECKSUM_WORD), true);
    return bytes;
  }

  /** The indexes of the symbols named `name`, in table order (`nameOf` checks a slot whose hash matches). */
  find(name: string, nameOf: (i: number) => string): number[] {
    const heads = this.heads;
    const mask = heads.length - 1;
    const h = nameHash(name, this.seed);
    for (let p = h & mask, probes = 0; probes < heads.length; p = (p + 1) & mask, probes++) {
      const head = heads[p]!;
      if (head === 0) return [];
      if (this.hashes[p] !== h || nameOf(head - 1) !== name) continue;
      const out: number[] = [];
      // Each link goes to a later index (fromImage checks it): the chain ends.
      for (let i = head; i !== 0; i = this.next[i - 1]!) out.push(i - 1);
      return out;
    }
    return [];
  }
}
