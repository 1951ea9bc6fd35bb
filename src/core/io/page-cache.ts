/**
 * A bounded least-recently-used cache of decoded pages keyed by page frame number. One per dump: each page
 * is decompressed at most once while it is hot (DESIGN.md, "Performance model").
 */
export class PageCache {
  private readonly pages = new Map<number, Uint8Array>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number = 4096) {}

  get(pfn: number): Uint8Array | undefined {
    const page = this.pages.get(pfn);
    if (page === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.pages.delete(pfn);
    this.pages.set(pfn, page);
    return page;
  }

  set(pfn: number, page: Uint8Array): void {
    if (this.pages.has(pfn)) this.pages.delete(pfn);
    else if (this.pages.size >= this.capacity) {
      const oldest = this.pages.keys().next();
      if (!oldest.done) this.pages.delete(oldest.value);
    }
    this.pages.set(pfn, page);
  }

  get size(): number {
    return this.pages.size;
  }

  clear(): void {
    this.pages.clear();
  }
}
