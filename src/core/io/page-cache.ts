/**
 * A bounded cache of decoded pages keyed by page frame number. One per dump: each page is decompressed at
 * most once while it is hot (DESIGN.md, "Performance model").
 *
 * Eviction is CLOCK (second chance), an approximation of least-recently-used: a hit only sets the entry's
 * reference bit, so it costs one lookup (a strict LRU re-inserts the entry on every hit), and a page read
 * again since the hand last passed it survives the next sweep. The pfn -> slot index is an open-addressing
 * hash table of typed arrays (linear probing, deletion by backward shift): a page read does one probe
 * sequence and allocates nothing, where a Map of numbers costs a hash-table operation per get, set and delete.
 */
export class PageCache<T = Uint8Array> {
  /** Per slot: its pfn, its value, its reference bit. */
  private readonly keys: Float64Array;
  private readonly values: (T | undefined)[];
  private readonly referenced: Uint8Array;
  private used = 0;
  private hand = 0;
  /** Buckets: slot + 1, or 0 for an empty bucket. At least twice the capacity, a power of two. */
  private readonly buckets: Int32Array;
  private readonly mask: number;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 26) throw new RangeError(`page cache capacity ${capacity} is not an integer in 1..2^26`);
    this.keys = new Float64Array(capacity);
    this.values = new Array<T | undefined>(capacity).fill(undefined);
    this.referenced = new Uint8Array(capacity);
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.buckets = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Bucket of `pfn` (any non-negative integer below 2^53). */
  private home(pfn: number): number {
    return (Math.imul((pfn >>> 0) ^ ((pfn / 0x1_0000_0000) | 0), 0x9e3779b1) >>> 0) & this.mask;
  }

  /** The bucket holding `pfn`, or -1. */
  private find(pfn: number): number {
    const buckets = this.buckets;
    const keys = this.keys;
    const mask = this.mask;
    for (let b = this.home(pfn); ; b = (b + 1) & mask) {
      const s = buckets[b]!;
      if (s === 0) return -1;
      if (keys[s - 1] === pfn) return b;
    }
  }

  get(pfn: number): T | undefined {
    const b = this.find(pfn);
    if (b < 0) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    const slot = this.buckets[b]! - 1;
    this.referenced[slot] = 1;
    return this.values[slot];
  }

  set(pfn: number, page: T): void {
    const found = this.find(pfn);
    if (found >= 0) {
      const slot = this.buckets[found]! - 1;
      this.values[slot] = page;
      this.referenced[slot] = 1;
      return;
    }
    let slot: number;
    if (this.used < this.capacity) slot = this.used++;
    else {
      // Sweep: clear reference bits until an unreferenced entry comes up (at most one full turn).
      const ref = this.referenced;
      let h = this.hand;
      while (ref[h] !== 0) {
        ref[h] = 0;
        h = h + 1 === this.capacity ? 0 : h + 1;
      }
      slot = h;
      this.hand = h + 1 === this.capacity ? 0 : h + 1;
      this.remove(this.find(this.keys[slot]!));
    }
    this.keys[slot] = pfn;
    this.values[slot] = page;
    this.referenced[slot] = 0;
    const buckets = this.buckets;
    const mask = this.mask;
    let b = this.home(pfn);
    while (buckets[b] !== 0) b = (b + 1) & mask;
    buckets[b] = slot + 1;
  }

  /** Empties bucket `b` and moves later entries of its probe run back so that every lookup still finds them. */
  private remove(b: number): void {
    const buckets = this.buckets;
    const keys = this.keys;
    const mask = this.mask;
    let hole = b;
    for (let j = (hole + 1) & mask; buckets[j] !== 0; j = (j + 1) & mask) {
      const home = this.home(keys[buckets[j]! - 1]!);
      // The entry at j may move to the hole unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        buckets[hole] = buckets[j]!;
        hole = j;
      }
    }
    buckets[hole] = 0;
  }

  get size(): number {
    return this.used;
  }

  clear(): void {
    this.buckets.fill(0);
    this.values.fill(undefined);
    this.referenced.fill(0);
    this.used = 0;
    this.hand = 0;
  }
}
