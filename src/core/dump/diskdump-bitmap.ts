// A diskdump page bitmap (bit pfn%8 of byte pfn/8, as makedumpfile's set_bitmap writes it), read from the
// file in chunks on demand, with a two-level rank index so that "how many dumped pages come before pfn" —
// the index of pfn's page_desc — needs one chunk and no scan (crash keeps the same idea as valid_pages[] per
// BITMAP_SECT_LEN bits; libkdumpfile turns the bitmap into pfn regions).
//
// Memory stays flat however large the dump: opening reads the bitmap once, a chunk at a time, keeping only
// the count of set bits before each chunk (8 bytes per CHUNK_BITS pfns: 8 KiB for 1 TiB of 4 KiB pages);
// a lookup loads its chunk (its words and the rank of each 256-bit block in it) into a small cache.
import { BytesSource, readInto, type ByteSource } from "../io/byte-source";
import { HOST_LITTLE_ENDIAN } from "../io/little-endian";
import { PageCache } from "../io/page-cache";

/** Bits per rank block: a prefix count every 8 words of 32 bits. */
const BLOCK_SHIFT = 8;
const WORDS_PER_BLOCK = 1 << (BLOCK_SHIFT - 5);
/** Default chunk: 2^18 bits, 32 KiB of bitmap, 1 GiB of 4 KiB pages. */
const DEFAULT_CHUNK_SHIFT = 18;
const DEFAULT_CHUNKS_CACHED = 32;

/** Set bits in a 32-bit word (SWAR popcount). */
export function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A run of set bits: pfns [start, end). */
export interface PfnRun {
  start: number;
  end: number;
}

interface Chunk {
  /** The chunk's bits as words; bits at or past the bitmap's nbits are cleared. */
  words: Uint32Array;
  /** blockRank[i]: set bits in this chunk before word i * WORDS_PER_BLOCK. */
  blockRank: Uint32Array;
}

export interface PageBitmapOptions {
  /** log2 of the bits per chunk (at least 8); tests use small chunks to cross chunk boundaries. */
  chunkShift?: number;
  /** Chunks kept loaded. */
  chunksCached?: number;
}

export class PageBitmap {
  /** Set bits in [0, nbits). */
  readonly count: number;
  private readonly chunkShift: number;
  private readonly chunkBits: number;
  private readonly nchunks: number;
  /** chunkRank[c]: set bits before chunk c; chunkRank[nchunks] = count. */
  private readonly chunkRank: Float64Array;
  private readonly cache: PageCache<Chunk>;
  private lastChunkNo = -1;
  private lastChunk: Chunk | null = null;

  /**
   * The bitmap of `nbits` bits stored in `byteLength` bytes at `offset` of `source` (bytes it lacks read as
   * zeros). Reads it once to count the set bits.
   */
  constructor(
    private readonly source: ByteSource,
    private readonly offset: number,
    private readonly byteLength: number,
    readonly nbits: number,
    options: PageBitmapOptions = {},
  ) {
    this.chunkShift = Math.max(BLOCK_SHIFT, options.chunkShift ?? DEFAULT_CHUNK_SHIFT);
    this.chunkBits = 2 ** this.chunkShift;
    this.nchunks = Math.ceil(nbits / this.chunkBits);
    this.cache = new PageCache<Chunk>(options.chunksCached ?? DEFAULT_CHUNKS_CACHED);
    const chunkRank = new Float64Array(this.nchunks + 1);
    let total = 0;
    const scratch = this.scratch();
    for (let c = 0; c < this.nchunks; c++) {
      chunkRank[c] = total;
      const words = this.readWords(c, scratch);
      for (let w = 0; w < words.length; w++) {
        const v = words[w]!;
        if (v === 0xffffffff) total += 32;
        else if (v !== 0) total += popcount32(v);
      }
    }
    chunkRank[this.nchunks] = total;
    this.chunkRank = chunkRank;
    this.count = total;
  }

  /** A bitmap over bytes in memory (tests, small images). */
  static fromBytes(bytes: Uint8Array, nbits: number, options: PageBitmapOptions = {}): PageBitmap {
    return new PageBitmap(new BytesSource("bitmap", bytes), 0, bytes.length, nbits, options);
  }

  /**
   * Chunk c's words, the bits at or past nbits cleared: in `into` when given (a scan reusing one buffer of
   * chunk size, returned as a view of the chunk's length), else in a fresh array.
   */
  private readWords(c: number, into?: Uint32Array): Uint32Array {
    const firstBit = c * this.chunkBits;
    const bits = Math.min(this.chunkBits, this.nbits - firstBit);
    const nwords = Math.ceil(bits / 32);
    const words = into !== undefined ? into.subarray(0, nwords) : new Uint32Array(nwords);
    const start = firstBit / 8;
    const have = Math.max(0, Math.min(Math.ceil(bits / 8), this.byteLength - start));
    if (HOST_LITTLE_ENDIAN) {
      // The file's little-endian words are the host's: read straight into them.
      const bytes = new Uint8Array(words.buffer, words.byteOffset, nwords * 4);
      if (have > 0) readInto(this.source, this.offset + start, bytes.subarray(0, have));
      bytes.fill(0, have);
    } else {
      words.fill(0);
      const bytes = have > 0 ? this.source.read(this.offset + start, have) : new Uint8Array(0);
      for (let b = 0; b < have; b++) words[b >>> 2] = (words[b >>> 2]! | (bytes[b]! << ((b & 3) * 8))) >>> 0;
    }
    const tail = bits & 31;
    if (tail !== 0) words[nwords - 1] = (words[nwords - 1]! & ((1 << tail) - 1)) >>> 0;
    return words;
  }

  /** A buffer for scans that read every chunk once. */
  private scratch(): Uint32Array {
    return new Uint32Array(Math.ceil(Math.min(this.chunkBits, Math.max(this.nbits, 1)) / 32));
  }

  private chunk(c: number): Chunk {
    if (c === this.lastChunkNo) return this.lastChunk!;
    let chunk = this.cache.get(c);
    if (chunk === undefined) {
      const words = this.readWords(c);
      const blockRank = new Uint32Array(Math.ceil(words.length / WORDS_PER_BLOCK));
      let n = 0;
      for (let w = 0; w < words.length; w++) {
        if ((w & (WORDS_PER_BLOCK - 1)) === 0) blockRank[w / WORDS_PER_BLOCK] = n;
        const v = words[w]!;
        if (v !== 0) n += popcount32(v);
      }
      chunk = { words, blockRank };
      this.cache.set(c, chunk);
    }
    this.lastChunkNo = c;
    this.lastChunk = chunk;
    return chunk;
  }

  test(pfn: number): boolean {
    if (!(pfn >= 0 && pfn < this.nbits)) return false;
    const c = Math.floor(pfn / this.chunkBits);
    const bit = pfn - c * this.chunkBits;
    return ((this.chunk(c).words[bit >>> 5]! >>> (bit & 31)) & 1) !== 0;
  }

  /** Set bits in [0, pfn): with the 2nd bitmap, the index of pfn's page_desc. pfn must be in [0, nbits]. */
  rankBefore(pfn: number): number {
    const c = Math.floor(pfn / this.chunkBits);
    if (c >= this.nchunks) return this.count;
    const bit = pfn - c * this.chunkBits;
    const { words, blockRank } = this.chunk(c);
    const w = bit >>> 5;
    const block = w >>> (BLOCK_SHIFT - 5);
    let n = this.chunkRank[c]! + blockRank[block]!;
    for (let i = block * WORDS_PER_BLOCK; i < w; i++) {
      const v = words[i]!;
      if (v !== 0) n += popcount32(v);
    }
    const b = bit & 31;
    if (b !== 0) n += popcount32(words[w]! & ((1 << b) - 1));
    return n;
  }

  /** Set bits here and clear in `other` (pages in memory but not dumped: excluded). One pass, chunk by chunk. */
  countAndNot(other: PageBitmap): number {
    let n = 0;
    const sameChunks = other.chunkBits === this.chunkBits;
    const mine = this.scratch();
    const theirs = other.scratch();
    for (let c = 0; c < this.nchunks; c++) {
      const a = this.readWords(c, mine);
      const firstBit = c * this.chunkBits;
      const o = sameChunks && c < other.nchunks ? other.readWords(c, theirs) : null;
      for (let w = 0; w < a.length; w++) {
        const v = a[w]!;
        if (v === 0) continue;
        const ow = o !== null ? (w < o.length ? o[w]! : 0) : other.wordAt(firstBit + w * 32);
        const x = (v & ~ow) >>> 0;
        if (x === 0xffffffff) n += 32;
        else if (x !== 0) n += popcount32(x);
      }
    }
    return n;
  }

  /** The 32 bits from `bit` (a multiple of 32); zeros past the end. */
  private wordAt(bit: number): number {
    if (bit >= this.nbits) return 0;
    const c = Math.floor(bit / this.chunkBits);
    return this.chunk(c).words[(bit - c * this.chunkBits) >>> 5]!;
  }

  /**
   * Runs of set bits, in order. At most `maxRuns`: past that the last run is stretched to the last set bit,
   * so the runs still cover every set bit (a hostile bitmap of alternating bits cannot allocate without bound).
   */
  runs(maxRuns: number): PfnRun[] {
    const out: PfnRun[] = [];
    let start = -1;
    let lastSet = -1;
    let end = 0;
    const scratch = this.scratch();
    for (let c = 0; c < this.nchunks; c++) {
      const words = this.readWords(c, scratch);
      const firstBit = c * this.chunkBits;
      end = firstBit + words.length * 32;
      for (let w = 0; w < words.length; w++) {
        const v = words[w]!;
        const base = firstBit + w * 32;
        if (v === 0) {
          if (start >= 0) {
            if (out.length < maxRuns) out.push({ start, end: base });
            start = -1;
          }
          continue;
        }
        if (v === 0xffffffff) {
          if (start < 0) start = base;
          lastSet = base + 31;
          continue;
        }
        for (let b = 0; b < 32; b++) {
          if ((v >>> b) & 1) {
            if (start < 0) start = base + b;
            lastSet = base + b;
          } else if (start >= 0) {
            if (out.length < maxRuns) out.push({ start, end: base + b });
            start = -1;
          }
        }
      }
    }
    if (start >= 0 && out.length < maxRuns) out.push({ start, end: Math.min(this.nbits, end) });
    const last = out[out.length - 1];
    if (last && lastSet >= last.end) last.end = lastSet + 1;
    return out;
  }
}
