// A diskdump page bitmap (bit pfn%8 of byte pfn/8, as makedumpfile's set_bitmap writes it) with a rank
// index, so that "how many dumped pages come before pfn" — the index of pfn's page_desc — is O(1) and no read
// scans the bitmap (crash keeps the same idea as valid_pages[] per BITMAP_SECT_LEN bits; libkdumpfile turns
// the bitmap into pfn regions).

/** Bits per rank entry: a prefix count every 8 words of 32 bits. */
const RANK_SHIFT = 8;
const WORDS_PER_RANK = 1 << (RANK_SHIFT - 5);

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

export class PageBitmap {
  /** Bits as little-endian 32-bit words; bits at or past `nbits` are cleared. */
  readonly words: Uint32Array;
  /** rank[i]: set bits before bit i << RANK_SHIFT. Float64 because a count can pass 2^32 on huge machines. */
  private readonly rank: Float64Array;
  /** Set bits in [0, nbits). */
  readonly count: number;

  /** `bytes` hold at least ceil(nbits / 8) bytes of the bitmap as read from the file. */
  constructor(
    bytes: Uint8Array,
    readonly nbits: number,
  ) {
    const nwords = Math.ceil(nbits / 32);
    const words = new Uint32Array(nwords);
    const nbytes = Math.min(bytes.length, Math.ceil(nbits / 8));
    // Assembled byte by byte: the file's bit order is little-endian whatever the host's is.
    const full = nbytes >>> 2;
    for (let w = 0; w < full; w++) {
      const b = w << 2;
      words[w] = (bytes[b]! | (bytes[b + 1]! << 8) | (bytes[b + 2]! << 16) | (bytes[b + 3]! << 24)) >>> 0;
    }
    for (let b = full << 2; b < nbytes; b++) words[b >>> 2] = (words[b >>> 2]! | (bytes[b]! << ((b & 3) * 8))) >>> 0;
    const tail = nbits & 31;
    if (tail !== 0 && nwords > 0) words[nwords - 1] = (words[nwords - 1]! & ((1 << tail) - 1)) >>> 0;
    this.words = words;

    const rank = new Float64Array(Math.ceil(nwords / WORDS_PER_RANK) + 1);
    let total = 0;
    for (let w = 0; w < nwords; w++) {
      if ((w & (WORDS_PER_RANK - 1)) === 0) rank[w / WORDS_PER_RANK] = total;
      const v = words[w]!;
      if (v !== 0) total += popcount32(v);
    }
    rank[rank.length - 1] = total;
    this.rank = rank;
    this.count = total;
  }

  test(pfn: number): boolean {
    if (!(pfn >= 0 && pfn < this.nbits)) return false;
    return ((this.words[pfn >>> 5]! >>> (pfn & 31)) & 1) !== 0;
  }

  /** Set bits in [0, pfn): with the 2nd bitmap, the index of pfn's page_desc. pfn must be < nbits. */
  rankBefore(pfn: number): number {
    const w = Math.floor(pfn / 32);
    const block = Math.floor(w / WORDS_PER_RANK);
    let n = this.rank[block]!;
    for (let i = block * WORDS_PER_RANK; i < w; i++) {
      const v = this.words[i]!;
      if (v !== 0) n += popcount32(v);
    }
    const bit = pfn & 31;
    if (bit !== 0) n += popcount32(this.words[w]! & ((1 << bit) - 1));
    return n;
  }

  /** Set bits here and clear in `other` (pages in memory but not dumped: excluded). */
  countAndNot(other: PageBitmap): number {
    let n = 0;
    const o = other.words;
    for (let w = 0; w < this.words.length; w++) {
      const v = (this.words[w]! & ~(w < o.length ? o[w]! : 0)) >>> 0;
      if (v !== 0) n += popcount32(v);
    }
    return n;
  }

  /**
   * Runs of set bits, in order. At most `maxRuns`: past that the last run is stretched to the last set bit,
   * so the runs still cover every set bit (a hostile bitmap of alternating bits cannot allocate without bound).
   */
  runs(maxRuns: number): PfnRun[] {
    const out: PfnRun[] = [];
    let start = -1;
    let lastSet = -1;
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      const v = words[w]!;
      const base = w * 32;
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
    if (start >= 0 && out.length < maxRuns) out.push({ start, end: Math.min(this.nbits, words.length * 32) });
    const last = out[out.length - 1];
    if (last && lastSet >= last.end) last.end = lastSet + 1;
    return out;
  }
}
