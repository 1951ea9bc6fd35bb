/**
 * Hands out zeroed page-sized buffers carved from larger slabs: allocating a 4 KiB typed array one by one
 * costs an external allocation each (most of a page read's overhead outside the codec). A slab lives as long
 * as any page cut from it.
 */
export class PageSlab {
  private slab: Uint8Array = new Uint8Array(0);
  private next = 0;

  constructor(
    readonly pageSize: number,
    private readonly pagesPerSlab: number = 64,
  ) {}

  take(): Uint8Array {
    if (this.next + this.pageSize > this.slab.length) {
      this.slab = new Uint8Array(this.pageSize * this.pagesPerSlab);
      this.next = 0;
    }
    const page = this.slab.subarray(this.next, this.next + this.pageSize);
    this.next += this.pageSize;
    return page;
  }
}
