import { touchPages } from "./byte-source";

/**
 * Hands out zeroed page-sized buffers carved from larger slabs: allocating a 4 KiB typed array one by one
 * costs an external allocation each (most of a page read's overhead outside the codec). A slab lives as long
 * as any page cut from it.
 */
export class PageSlab {
  private slab: Uint8Array = new Uint8Array(0);
  private next = 0;
  /** The slab after this one, made and touched ahead of need by prefault(). */
  private spare: Uint8Array | null = null;

  constructor(
    readonly pageSize: number,
    private readonly pagesPerSlab: number = 64,
  ) {}

  take(): Uint8Array {
    if (this.next + this.pageSize > this.slab.length) {
      this.slab = this.spare ?? new Uint8Array(this.pageSize * this.pagesPerSlab);
      this.spare = null;
      this.next = 0;
    }
    const page = this.slab.subarray(this.next, this.next + this.pageSize);
    this.next += this.pageSize;
    return page;
  }

  /**
   * Has the kernel map the pages the next takes will hand out (see ByteSource.prefault): the rest of this
   * slab, and the next slab, made now, when fewer than half of this one's pages are left. At most two
   * slabs.
   */
  prefault(): void {
    // Every 4 KiB of memory (the host's page), whatever the dump's page size (64 KiB on some arm64 kernels).
    touchPages(this.slab.subarray(this.next));
    if (this.slab.length - this.next < (this.pageSize * this.pagesPerSlab) / 2 && !this.spare) {
      this.spare = new Uint8Array(this.pageSize * this.pagesPerSlab);
      touchPages(this.spare);
    }
  }
}
