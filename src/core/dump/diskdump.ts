// The kdump-compressed (diskdump) vmcore as makedumpfile writes it (-c/-l/-p/-z), as QEMU's
// `dump-guest-memory -z` writes it, and inside makedumpfile's flattened format (read in place through
// FlattenedSource). Headers in diskdump-header.ts, bitmaps in diskdump-bitmap.ts. Reading a page: the 2nd
// bitmap's rank gives the page_desc index (crash's pfn_to_pos), the descriptor gives offset, size and codec.
import { readTransient, type ByteSource } from "../io/byte-source";
import { CodecError, CorruptPageError, ExcludedPageError, AbsentPageError, KdwError, type ExclusionReason } from "../io/errors";
import { PageCache } from "../io/page-cache";
import { decompressPageInto, type CodecName, type CodecOverrides } from "../codec";
import { PageSlab } from "../io/page-slab";
import { DumpBase, type DumpFormatInfo, type PageState, type PageStats, type PhysRange } from "./dump";
import { parseNotes, interpretNotes, type ElfNote } from "./elf-notes";
import { parseVmcoreinfo, type Vmcoreinfo } from "./vmcoreinfo";
import type { CpuRegisters } from "./prstatus";
import { PageBitmap } from "./diskdump-bitmap";
import { descOffsetAt, PageDescTable, PAGE_DESC_SIZE, PD_FLAGS_FIELD, PD_SIZE_FIELD, type PageDescriptor } from "./diskdump-descriptors";
import { FlattenedSource, isFlattened } from "./flattened";
import {
  readDiskdumpHeader,
  type DiskdumpHeader,
  DUMP_DH_COMPRESSED_INCOMPLETE,
  DUMP_DH_COMPRESSED_LZO,
  DUMP_DH_COMPRESSED_SNAPPY,
  DUMP_DH_COMPRESSED_ZLIB,
  DUMP_DH_COMPRESSED_ZSTD,
  DUMP_DH_EXCLUDED_VMEMMAP,
} from "./diskdump-header";

export { isDiskdump } from "./diskdump-header";
export type { DiskdumpHeader, KdumpSubHeader, Utsname } from "./diskdump-header";
export { PAGE_DESC_SIZE, type PageDescriptor } from "./diskdump-descriptors";

/** memoryRanges: more runs than any real memory map has; past it, the last range is stretched. */
const MAX_MEMORY_RUNS = 1 << 20;
/** makedumpfile's dump level bit "exclude pages filled with zeros" (makedumpfile.h DL_EXCLUDE_ZERO). */
const DL_EXCLUDE_ZERO = 0x1;
// classify() results.
const ABSENT = 0;
const FILTERED = 1;
const UNWRITTEN = 3;
const PRESENT = 4;
const CODEC_MASK = DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO | DUMP_DH_COMPRESSED_SNAPPY | DUMP_DH_COMPRESSED_ZSTD;

/** Why a page in memory is not in the dump: filtered by the dump level, or never written. */
export type { ExclusionReason } from "../io/errors";

export interface DiskdumpOpenOptions {
  /** Pages kept decoded (default 4096, 16 MiB of 4 KiB pages). */
  cacheCapacity?: number;
  /** Decoders that replace the built-in pure-JS ones (see CodecOverrides). */
  codecs?: CodecOverrides;
  /** The file is known to be cut short (a flattened stream that ends mid-way): read it as a truncated dump. */
  truncated?: boolean;
}

/** The codec a page_desc.flags names, "none" for a raw page, or null when it names more than one. */
export function codecOfFlags(flags: number): CodecName | "none" | null {
  switch (flags & CODEC_MASK) {
    case 0:
      return "none";
    case DUMP_DH_COMPRESSED_ZLIB:
      return "zlib";
    case DUMP_DH_COMPRESSED_LZO:
      return "lzo";
    case DUMP_DH_COMPRESSED_SNAPPY:
      return "snappy";
    case DUMP_DH_COMPRESSED_ZSTD:
      return "zstd";
    default:
      return null;
  }
}

function statusCodecs(status: number): string[] {
  const out: string[] = [];
  if (status & DUMP_DH_COMPRESSED_ZLIB) out.push("zlib");
  if (status & DUMP_DH_COMPRESSED_LZO) out.push("lzo");
  if (status & DUMP_DH_COMPRESSED_SNAPPY) out.push("snappy");
  if (status & DUMP_DH_COMPRESSED_ZSTD) out.push("zstd");
  return out;
}

function hex(n: number | bigint): string {
  return n < 0 ? "-0x" + (-n).toString(16) : "0x" + n.toString(16);
}

export class DiskdumpVmcore extends DumpBase {
  readonly format: DumpFormatInfo;
  readonly pageSize: number;
  readonly vmcoreinfo: Vmcoreinfo | null;
  readonly cpus: CpuRegisters[];
  readonly maxPfn: number;
  /** Every ELF note of the sub header (NT_PRSTATUS, VMCOREINFO, QEMU's "QEMU" notes). */
  readonly notes: ElfNote[];
  /** Pages in the dump's memory (1st bitmap) and pages dumped (2nd bitmap). */
  readonly memoryBitmap: PageBitmap;
  readonly dumpBitmap: PageBitmap;
  /** True for makedumpfile's status DUMP_DH_COMPRESSED_INCOMPLETE: descriptors with offset 0 were never written. */
  readonly incomplete: boolean;
  /**
   * The file ends before the page data its last descriptor names (a copy cut short, no INCOMPLETE flag):
   * pages past the end are then excluded ("unwritten") as in an incomplete dump, and the rest is read.
   */
  readonly truncated: boolean;
  /**
   * File offset of the shared zero page (pd_zero) when the dump level excludes zero pages (DL_EXCLUDE_ZERO):
   * makedumpfile and QEMU write one zero page at the start of the page data and point every zero page's
   * descriptor at it. Such pages are present and read as the zeros they were: the dump records their content,
   * and makedumpfile -E of the same dump stores them (3,063 of the fixture's pages are present, all zeros, in
   * dump.elf and shared-zero in dump.lzo), so both variants give the same page states.
   */
  readonly zeroPageOffset: number | null;
  readonly pageCache: PageCache;
  private readonly slab: PageSlab;
  private readonly codecs: CodecOverrides | undefined;
  private readonly descs: PageDescTable;
  private ranges: PhysRange[] | null = null;
  private stats: PageStats | null = null;
  // The descriptor classify() read for a present page (saves readPage a second lookup): index -1 when it
  // did not read one. Kept as numbers, not an object, so that a page read allocates no descriptor.
  private foundIndex = -1;
  private foundOffset = 0;
  private foundSize = 0;
  private foundFlags = 0;
  private memoPfn = -1;
  private memoClass = ABSENT;
  private memoIndex = -1;
  private memoOffset = 0;
  private memoSize = 0;
  private memoFlags = 0;

  private constructor(
    readonly source: ByteSource,
    readonly header: DiskdumpHeader,
    options: DiskdumpOpenOptions,
  ) {
    super();
    const file = source.name;
    this.pageSize = header.blockSize;
    this.maxPfn = header.maxMapnr;
    this.incomplete = (header.status & DUMP_DH_COMPRESSED_INCOMPLETE) !== 0;
    this.pageCache = new PageCache(options.cacheCapacity ?? 4096);
    this.slab = new PageSlab(this.pageSize);
    this.codecs = options.codecs;
    this.memoryBitmap = new PageBitmap(source, header.bitmap1Offset, header.bitmapBytes, header.maxMapnr);
    this.dumpBitmap = header.bitmap2Offset === header.bitmap1Offset ? this.memoryBitmap : new PageBitmap(source, header.bitmap2Offset, header.bitmapBytes, header.maxMapnr);
    this.descs = new PageDescTable(source, header.dataOffset, this.dumpBitmap.count);

    const sub = header.sub;
    this.notes = sub && sub.sizeNote > 0 ? parseNotes(source.read(sub.offsetNote, sub.sizeNote), file, sub.offsetNote) : [];
    const fromNotes = interpretNotes(this.notes);
    this.cpus = fromNotes.cpus;
    // offset_vmcoreinfo points at the text itself (makedumpfile: the note's descriptor; QEMU: the same).
    this.vmcoreinfo = sub && sub.sizeVmcoreinfo > 0 ? parseVmcoreinfo(source.read(sub.offsetVmcoreinfo, sub.sizeVmcoreinfo)) : fromNotes.vmcoreinfo;
    this.zeroPageOffset = this.findZeroPage();
    this.truncated = !this.incomplete && (options.truncated === true || this.cutShort());
    this.format = this.describe();
  }

  /** The source's buffers and the page slab's next pages mapped now (Dump.prefault). */
  override prefault(): void {
    super.prefault();
    this.slab.prefault();
  }

  /**
   * Opens a kdump-compressed file, or a flattened one (makedumpfile -F, QEMU -z) through FlattenedSource.
   * Throws DumpFormatError / TruncatedError naming the file and offset.
   */
  static open(source: ByteSource, options: DiskdumpOpenOptions = {}): DiskdumpVmcore {
    const head = source.read(0, Math.min(source.size, 16));
    const logical = isFlattened(head) ? new FlattenedSource(source, { allowTruncated: true }) : source;
    const cut = logical instanceof FlattenedSource && logical.truncated;
    return new DiskdumpVmcore(logical, readDiskdumpHeader(logical), cut ? { ...options, truncated: true } : options);
  }

  /** The file as given to open(): the flattened file when it was one. */
  get container(): ByteSource {
    return this.source instanceof FlattenedSource ? this.source.inner : this.source;
  }

  private findZeroPage(): number | null {
    const sub = this.header.sub;
    if (sub === null || this.header.headerVersion < 1 || (sub.dumpLevel & DL_EXCLUDE_ZERO) === 0) return null;
    const at = this.header.dataOffset + this.dumpBitmap.count * PAGE_DESC_SIZE;
    if (at + this.pageSize > this.source.size) return null;
    // Trust the rule only if the page there is zeros: otherwise no descriptor is treated as pd_zero.
    return this.source.read(at, this.pageSize).every((b) => b === 0) ? at : null;
  }

  private describe(): DumpFormatInfo {
    const h = this.header;
    const flattened = this.source instanceof FlattenedSource;
    const qemu = this.notes.some((n) => n.name === "QEMU");
    const base = h.signature === "DISKDUMP" ? `diskdump version ${h.headerVersion}` : `kdump-compressed (diskdump) version ${h.headerVersion}`;
    const kind = qemu ? "qemu-diskdump" : flattened ? "flattened" : "diskdump";
    let description = qemu ? `QEMU dump-guest-memory ${base}` : base;
    if (flattened) description = `makedumpfile flattened format of ${description}`;
    if (this.truncated) description += ` (file cut short: the pages whose data lies past its end are missing)`;
    else if (this.incomplete) description += " (marked incomplete by makedumpfile)";
    const u = h.utsname;
    const details: Record<string, string | number | boolean> = {
      signature: h.signature,
      header_version: h.headerVersion,
      "utsname.sysname": u.sysname,
      "utsname.nodename": u.nodename,
      "utsname.release": u.release,
      "utsname.version": u.version,
      "utsname.machine": u.machine,
      "utsname.domainname": u.domainname,
      timestamp: h.timestampSec,
      status: hex(h.status),
      incomplete: this.incomplete,
      truncated: this.truncated,
      excluded_vmemmap: (h.status & DUMP_DH_EXCLUDED_VMEMMAP) !== 0,
      block_size: h.blockSize,
      sub_hdr_size: h.subHdrSize,
      bitmap_blocks: h.bitmapBlocks,
      max_mapnr: h.maxMapnr,
      total_ram_blocks: h.totalRamBlocks,
      device_blocks: h.deviceBlocks,
      written_blocks: h.writtenBlocks,
      current_cpu: h.currentCpu,
      nr_cpus: h.nrCpus,
      pages_in_memory: this.memoryBitmap.count,
      pages_dumped: this.dumpBitmap.count,
      data_offset: h.dataOffset,
      zero_page_offset: this.zeroPageOffset ?? -1,
      descriptors_truncated: h.dataOffset + this.dumpBitmap.count * PAGE_DESC_SIZE > this.source.size,
      flattened,
    };
    if (this.source instanceof FlattenedSource) {
      details.flattened_records = this.source.recordCount;
      details.flattened_overlaps = this.source.overlaps;
    }
    const s = h.sub;
    if (s) {
      Object.assign(details, {
        phys_base: hex(s.physBase),
        dump_level: s.dumpLevel,
        split: s.split,
        start_pfn: s.startPfn,
        end_pfn: s.endPfn,
        offset_vmcoreinfo: s.offsetVmcoreinfo,
        size_vmcoreinfo: s.sizeVmcoreinfo,
        offset_note: s.offsetNote,
        size_note: s.sizeNote,
        offset_eraseinfo: s.offsetEraseinfo,
        size_eraseinfo: s.sizeEraseinfo,
      });
    }
    const info: DumpFormatInfo = { kind, description, compressions: statusCodecs(h.status), details };
    if (s && h.headerVersion >= 1) info.dumpLevel = s.dumpLevel;
    return info;
  }

  get memoryRanges(): PhysRange[] {
    if (this.ranges === null) {
      const ps = this.pageSize;
      this.ranges = this.memoryBitmap.runs(MAX_MEMORY_RUNS).map((r) => ({ start: r.start * ps, end: r.end * ps }));
    }
    return this.ranges;
  }

  /**
   * One lookup for pageState, exclusionReason and readPage. Sets `found*` to the descriptor of a PRESENT page
   * when it had to read it. Pages dumped per the 2nd bitmap are still excluded when their descriptor is the
   * shared zero page or, in an incomplete dump, was never written (offset 0, or cut off by the end of the file).
   */
  private classify(pfn: number): number {
    // readPhys asks pageState then readPage for the same pfn, and walkers read one page many times in a row.
    if (pfn === this.memoPfn) {
      this.foundIndex = this.memoIndex;
      this.foundOffset = this.memoOffset;
      this.foundSize = this.memoSize;
      this.foundFlags = this.memoFlags;
      return this.memoClass;
    }
    this.foundIndex = -1;
    const c = this.classifyUncached(pfn);
    this.memoPfn = pfn;
    this.memoClass = c;
    this.memoIndex = this.foundIndex;
    this.memoOffset = this.foundOffset;
    this.memoSize = this.foundSize;
    this.memoFlags = this.foundFlags;
    return c;
  }

  /** makedumpfile writes page data in descriptor order: a copy cut short loses the last descriptors' data. */
  private cutShort(): boolean {
    const n = this.dumpBitmap.count;
    if (n === 0) return false;
    const d = this.descs;
    return !d.lookup(n - 1) || d.offset + d.size > this.source.size;
  }

  private classifyUncached(pfn: number): number {
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= this.maxPfn) return ABSENT;
    if (!this.dumpBitmap.test(pfn)) return this.memoryBitmap.test(pfn) ? FILTERED : ABSENT;
    const lenient = this.incomplete || this.truncated;
    if (this.zeroPageOffset === null && !lenient) return PRESENT;
    const index = this.dumpBitmap.rankBefore(pfn);
    const d = this.descs;
    if (!d.lookup(index) || d.offset === 0) return lenient ? UNWRITTEN : PRESENT;
    if (this.truncated && d.offset + d.size > this.source.size) return UNWRITTEN;
    this.foundIndex = index;
    this.foundOffset = d.offset;
    this.foundSize = d.size;
    this.foundFlags = d.flags;
    return PRESENT;
  }

  pageState(pfn: number): PageState {
    const c = this.classify(pfn);
    return c === PRESENT ? "present" : c === ABSENT ? "absent" : "excluded";
  }

  /** Why an excluded page is excluded; null for a present or absent page. */
  exclusionReason(pfn: number): ExclusionReason | null {
    const c = this.classify(pfn);
    return c === FILTERED ? "filtered" : c === UNWRITTEN ? "unwritten" : null;
  }

  /** The page_desc of a dumped pfn; null when the bitmap says it was not dumped or the table is cut short. */
  pageDescriptor(pfn: number): PageDescriptor | null {
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= this.maxPfn || !this.dumpBitmap.test(pfn)) return null;
    return this.descs.lookup(this.dumpBitmap.rankBefore(pfn)) ? this.descs.found() : null;
  }

  readPage(pfn: number): Uint8Array {
    const cached = this.pageCache.get(pfn);
    if (cached !== undefined) return cached;
    this.locate(pfn);
    let page: Uint8Array;
    if (codecOfFlags(this.foundFlags) === "none") page = this.rawPage(pfn, this.foundIndex, this.foundOffset, this.foundSize);
    else this.decodeInto(pfn, this.foundIndex, this.foundOffset, this.foundSize, this.foundFlags, (page = this.slab.take()));
    this.pageCache.set(pfn, page);
    return page;
  }

  /** Decodes (or reads) the page straight into `target`; a page the cache holds is copied from it. */
  protected override copyPage(pfn: number, target: Uint8Array): void {
    const cached = this.pageCache.get(pfn);
    if (cached !== undefined) return void target.set(cached);
    this.locate(pfn);
    this.decodeInto(pfn, this.foundIndex, this.foundOffset, this.foundSize, this.foundFlags, target);
  }

  /** A page stored as is: a view of the source's reused buffer; a compressed one decoded into `scratch`. */
  protected override transientPage(pfn: number, scratch: Uint8Array): Uint8Array {
    const cached = this.pageCache.get(pfn);
    if (cached !== undefined) return cached;
    this.locate(pfn);
    if (codecOfFlags(this.foundFlags) === "none") return this.rawTransient(pfn, this.foundIndex, this.foundOffset, this.foundSize);
    this.decodeInto(pfn, this.foundIndex, this.foundOffset, this.foundSize, this.foundFlags, scratch);
    return scratch;
  }

  /** Sets found* to the descriptor of page `pfn`, or throws readPage's error for a page that is not there. */
  private locate(pfn: number): void {
    const c = this.classify(pfn);
    if (c !== PRESENT) {
      if (c === ABSENT) throw new AbsentPageError(this.source.name, pfn * this.pageSize);
      throw new ExcludedPageError(this.source.name, pfn * this.pageSize, c === UNWRITTEN ? "unwritten" : "filtered");
    }
    if (this.foundIndex < 0) {
      const index = this.dumpBitmap.rankBefore(pfn);
      const d = this.descs;
      if (!d.lookup(index)) {
        throw new CorruptPageError(this.source.name, pfn, this.descs.offsetOf(index), `page descriptor #${index} lies past the end of the file (size ${hex(this.source.size)}): truncated dump`);
      }
      this.foundIndex = index;
      this.foundOffset = d.offset;
      this.foundSize = d.size;
      this.foundFlags = d.flags;
    }
  }

  /** The descriptor's place in the file, checked: throws CorruptPageError for one that cannot hold a page. */
  private checkPlace(pfn: number, index: number, offset: number, size: number): void {
    const ps = this.pageSize;
    if (offset === 0) throw this.badPage(pfn, index, "page descriptor has offset 0 (page never written)");
    if (size === 0 || size > ps) throw this.badPage(pfn, index, `page descriptor size ${size} is not in 1..${ps}`);
    if (offset + size > this.source.size) throw this.badPage(pfn, index, `page data [${hex(offset)}, +${size}) lies past the end of the file (size ${hex(this.source.size)})`);
  }

  /** An uncompressed page's descriptor, checked: in the file, and a whole page long. */
  private checkRaw(pfn: number, index: number, offset: number, size: number): void {
    this.checkPlace(pfn, index, offset, size);
    if (size !== this.pageSize) throw this.badPage(pfn, index, `raw page is ${size} bytes, not ${this.pageSize}`);
  }

  /** An uncompressed page as the source's reused buffer holds it (valid until its next transient read). */
  private rawTransient(pfn: number, index: number, offset: number, size: number): Uint8Array {
    this.checkRaw(pfn, index, offset, size);
    return readTransient(this.source, offset, size);
  }

  /** An uncompressed page: a view of the file's bytes (the source's block cache). */
  private rawPage(pfn: number, index: number, offset: number, size: number): Uint8Array {
    this.checkRaw(pfn, index, offset, size);
    return this.source.read(offset, size);
  }

  private decodeInto(pfn: number, index: number, offset: number, size: number, flags: number, page: Uint8Array): void {
    const codec = codecOfFlags(flags);
    // The page's bytes are used up (decoded or copied) before the next read: the source may lend its buffer.
    if (codec === "none") return void page.set(this.rawTransient(pfn, index, offset, size));
    this.checkPlace(pfn, index, offset, size);
    if (codec === null) throw this.badPage(pfn, index, `page descriptor flags ${hex(flags)} name more than one codec`);
    const data = readTransient(this.source, offset, size);
    try {
      const override = this.codecs?.[codec];
      if (override) override(data, page);
      else decompressPageInto(codec, data, page);
    } catch (e) {
      const file = this.source.name;
      if (e instanceof CodecError) throw new CorruptPageError(file, pfn, offset, `${codec} page (${size} bytes) does not decode: ${e.reason}`);
      if (e instanceof KdwError) throw e;
      throw new CorruptPageError(file, pfn, offset, `${codec} page (${size} bytes) does not decode: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private badPage(pfn: number, index: number, reason: string): CorruptPageError {
    return new CorruptPageError(this.source.name, pfn, this.descs.offsetOf(index), reason);
  }

  /** Scans the page descriptors once (cached): pages present and excluded, and pages per codec. */
  pageStats(): PageStats {
    if (this.stats !== null) return this.stats;
    // A hostile 2nd bitmap can claim 2^31 pages: past the end of the file they are counted, not visited.
    // Pages are counted per value of flags & CODEC_MASK (an array index), named once at the end.
    const dumped = this.dumpBitmap.count;
    const fileSize = this.source.size;
    const ps = this.pageSize;
    const zeroAt = this.zeroPageOffset ?? -1;
    const incomplete = this.incomplete;
    const truncated = this.truncated;
    const perFlags = new Float64Array(CODEC_MASK + 1);
    const order: number[] = [];
    let unwritten = 0;
    let zero = 0;
    let zeroFirst = -1;
    const missing = this.descs.scanBlocks((view, n) => {
      for (let i = 0, at = 0; i < n; i++, at += PAGE_DESC_SIZE) {
        const offset = descOffsetAt(view, at);
        const size = view.getUint32(at + PD_SIZE_FIELD, true);
        const codecBits = view.getUint32(at + PD_FLAGS_FIELD, true) & CODEC_MASK;
        if ((incomplete && offset === 0) || (truncated && offset + size > fileSize)) unwritten++;
        else if (offset === zeroAt && size === ps && codecBits === 0) {
          if (zero++ === 0) zeroFirst = order.length;
        } else if (perFlags[codecBits]++ === 0) order.push(codecBits);
      }
    });
    // Named in the order first seen ("zero" where the first shared zero page came).
    const byCompression: Record<string, number> = {};
    const add = (k: string, v: number) => (byCompression[k] = (byCompression[k] ?? 0) + v);
    order.forEach((bits, i) => {
      if (i === zeroFirst) add("zero", zero);
      add(codecOfFlags(bits) ?? "invalid", perFlags[bits]!);
    });
    if (zero > 0 && zeroFirst >= order.length) add("zero", zero);
    // Descriptors cut off by the end of the file: excluded in an incomplete dump, unreadable otherwise.
    if (this.incomplete || this.truncated) unwritten += missing;
    else if (missing > 0) byCompression.unreadable = (byCompression.unreadable ?? 0) + missing;
    const filtered = this.memoryBitmap === this.dumpBitmap ? 0 : this.memoryBitmap.countAndNot(this.dumpBitmap);
    this.stats = { present: dumped - unwritten, excluded: filtered + unwritten, byCompression };
    Object.assign(this.format.details, { excluded_filtered: filtered, zero_pages: zero, excluded_unwritten: unwritten });
    this.format.compressions = Object.keys(byCompression)
      .filter((k) => k !== "invalid" && k !== "unreadable")
      .sort();
    return this.stats;
  }
}
