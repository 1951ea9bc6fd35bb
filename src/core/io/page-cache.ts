/**
 * A bounded cache of decoded pages keyed by page frame number. One per dump: each page is decompressed at
 * most once while it is hot (DESIGN.md, "Performance model").
 *
 * Eviction is CLOCK (second chance), an approximation of least-recently-used: a hit only sets the entry's
 * reference bit, so it costs one map lookup (a strict LRU re-inserts the entry on every hit), and a page read
 * again since the hand last passed it survives the next sweep.
 */
export class PageCache<T = Uint8Array> {
  private readonly slotOf = new Map<number, number>();
  private readonly keys: number[] = [];
  private readonly values: T[] = [];
  private readonly referenced: Uint8Array;
  private hand = 0;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`page cache capacity ${capacity} is not a positive integer`);
    this.referenced = new Uint8Array(capacity);
  }

  get(pfn: number): T | undefined {
    const slot = this.slotOf.get(pfn);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.referenced[slot] = 1;
    return this.values[slot];
  }

  set(pfn: number, page: T): void {
    const existing = this.slotOf.get(pfn);
    if (existing !== undefined) {
      this.values[existing] = page;
      this.referenced[existing] = 1;
      return;
    }
    let slot: number;
    if (this.keys.length < this.capacity) {
      slot = this.keys.length;
      this.keys.push(pfn);
      this.values.push(page);
    } else {
      // Sweep: clear reference bits until an unreferenced entry comes up (at most one full turn).
      const ref = this.referenced;
      let h = this.hand;
      while (ref[h] !== 0) {
        ref[h] = 0;
        h = h + 1 === this.capacity ? 0 : h + 1;
      }
      slot = h;
      this.hand = h + 1 === this.capacity ? 0 : h + 1;
      this.slotOf.delete(this.keys[slot]!);
      this.keys[slot] = pfn;
      this.values[slot] = page;
    }
    this.referenced[slot] = 0;
    this.slotOf.set(pfn, slot);
  }

  get size(): number {
    return this.slotOf.size;
  }

  clear(): void {
    this.slotOf.clear();
    this.keys.length = 0;
    this.values.length = 0;
    this.referenced.fill(0);
    this.hand = 0;
  }
}
