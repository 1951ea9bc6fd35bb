// The page_desc table of a kdump-compressed file: one struct page_desc per page dumped (per set bit of the
// 2nd bitmap), in pfn order, from disk_dump_header's data offset (makedumpfile diskdump_mod.h). It is never
// read whole: a lookup reads the block of DESCS_PER_BLOCK descriptors around it and keeps the last few blocks,
// so memory does not grow with the dump, and neighbouring pages (walkers read them together) share a read.
// A lookup fills the table's own fields instead of allocating a descriptor per page read.
import { readInto, type ByteSource } from "../io/byte-source";
import { PageCache } from "../io/page-cache";

// struct page_desc (diskdump_mod.h): off_t offset; unsigned int size, flags; unsigned long long page_flags.
const PD_OFFSET_OFF = 0; // page_desc.offset
const PD_SIZE_OFF = 8; // page_desc.size
const PD_FLAGS_OFF = 12; // page_desc.flags
const PD_PAGE_FLAGS_OFF = 16; // page_desc.page_flags
export const PAGE_DESC_SIZE = 24;
/** Descriptors read and cached together (6 KiB). */
const DESCS_PER_BLOCK = 256;
const BLOCKS_CACHED = 64;
/** Descriptors per read while scanBlocks() visits them all (1.5 MiB, one buffer reused). */
const DESCS_PER_SCAN_READ = 1 << 16;
const TWO_32 = 0x1_0000_0000;
/** page_desc.offset above 2^53 (or negative: off_t is signed) cannot be in any file. */
export const OFFSET_OUT_OF_RANGE = Number.MAX_SAFE_INTEGER;

/** One struct page_desc. offset and size say where the (compressed) page lies in the file. */
export interface PageDescriptor {
  offset: number;
  size: number;
  flags: number;
  /** The kernel's struct page flags makedumpfile recorded (u64, as two halves: no BigInt per page read). */
  pageFlagsLo: number;
  pageFlagsHi: number;
  /** File offset of the descriptor itself. */
  descOffset: number;
}

function offsetAt(view: DataView, at: number): number {
  const lo = view.getUint32(at + PD_OFFSET_OFF, true);
  const hi = view.getInt32(at + PD_OFFSET_OFF + 4, true);
  return hi < 0 || hi >= 0x20_0000 ? OFFSET_OUT_OF_RANGE : hi * TWO_32 + lo;
}

export class PageDescTable {
  /** The fields of the descriptor the last successful lookup() found. */
  offset = 0;
  size = 0;
  flags = 0;
  descOffset = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private at = 0;
  private readonly blocks = new PageCache<DataView>(BLOCKS_CACHED);
  private lastBlockNo = -1;
  private lastBlock: DataView = new DataView(new ArrayBuffer(0));

  /** `count` descriptors from file offset `start` (some may lie past the end of the file). */
  constructor(
    private readonly source: ByteSource,
    readonly start: number,
    readonly count: number,
  ) {}

  /** File offset of descriptor `index`. */
  offsetOf(index: number): number {
    return this.start + index * PAGE_DESC_SIZE;
  }

  /** Reads descriptor `index` into offset/size/flags/descOffset; false when it lies past the end of the file. */
  lookup(index: number): boolean {
    const blockNo = Math.floor(index / DESCS_PER_BLOCK);
    let block: DataView;
    if (blockNo === this.lastBlockNo) block = this.lastBlock;
    else {
      block = this.blocks.get(blockNo) ?? this.readBlock(blockNo);
      this.lastBlockNo = blockNo;
      this.lastBlock = block;
    }
    const at = (index - blockNo * DESCS_PER_BLOCK) * PAGE_DESC_SIZE;
    if (at + PAGE_DESC_SIZE > block.byteLength) return false;
    this.view = block;
    this.at = at;
    this.offset = offsetAt(block, at);
    this.size = block.getUint32(at + PD_SIZE_OFF, true);
    this.flags = block.getUint32(at + PD_FLAGS_OFF, true);
    this.descOffset = this.offsetOf(index);
    return true;
  }

  /** The whole descriptor the last successful lookup() found, page_flags included. */
  found(): PageDescriptor {
    return {
      offset: this.offset,
      size: this.size,
      flags: this.flags,
      pageFlagsLo: this.view.getUint32(this.at + PD_PAGE_FLAGS_OFF, true),
      pageFlagsHi: this.view.getUint32(this.at + PD_PAGE_FLAGS_OFF + 4, true),
      descOffset: this.descOffset,
    };
  }

  private readBlock(blockNo: number): DataView {
    const off = this.offsetOf(blockNo * DESCS_PER_BLOCK);
    const want = Math.min(DESCS_PER_BLOCK * PAGE_DESC_SIZE, Math.max(0, this.source.size - off));
    const bytes = want > 0 ? this.source.read(off, want) : new Uint8Array(0);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.blocks.set(blockNo, view);
    return view;
  }

  /**
   * Visits every descriptor the file holds, in order, a block of up to DESCS_PER_SCAN_READ at a time (memory
   * stays flat however many there are): `visit(view, n)` gets n descriptors at view offsets 0, 24, ...
   * Returns how many descriptors lie past the end of the file and were not visited.
   */
  scanBlocks(visit: (view: DataView, n: number) => void): number {
    let missing = 0;
    const buffer = new Uint8Array(Math.min(DESCS_PER_SCAN_READ, this.count) * PAGE_DESC_SIZE);
    const view = new DataView(buffer.buffer);
    for (let first = 0; first < this.count; first += DESCS_PER_SCAN_READ) {
      const off = this.offsetOf(first);
      const want = Math.min(DESCS_PER_SCAN_READ, this.count - first) * PAGE_DESC_SIZE;
      const have = Math.max(0, Math.min(want, this.source.size - off));
      const n = Math.floor(have / PAGE_DESC_SIZE);
      if (n > 0) {
        readInto(this.source, off, buffer.subarray(0, n * PAGE_DESC_SIZE));
        visit(view, n);
      }
      missing += want / PAGE_DESC_SIZE - n;
    }
    return missing;
  }
}

/** page_desc.offset of the descriptor at `at` in `view` (OFFSET_OUT_OF_RANGE when no file can hold it). */
export function descOffsetAt(view: DataView, at: number): number {
  return offsetAt(view, at);
}

export const PD_SIZE_FIELD = PD_SIZE_OFF;
export const PD_FLAGS_FIELD = PD_FLAGS_OFF;
