import type { ByteSource } from "../io/byte-source";
import { AbsentPageError, ExcludedPageError } from "../io/errors";
import type { Vmcoreinfo } from "./vmcoreinfo";
import type { CpuRegisters } from "./prstatus";
import type { ElfNote } from "./elf-notes";

/** A page is in the dump, was left out of it (filtered, not captured), or lies outside every memory range. */
export type PageState = "present" | "excluded" | "absent";

/** [start, end) in bytes of physical memory. */
export interface PhysRange {
  start: number;
  end: number;
}

/** What `kdw info` prints about the container: one per format. */
export interface DumpFormatInfo {
  /** "elf", "diskdump", "flattened", "qemu-elf", "qemu-diskdump" */
  kind: string;
  /** Human-readable: "kdump-compressed (diskdump) version 6", "ELF64 core (makedumpfile -E)". */
  description: string;
  /** Codecs the pages use, as seen in the descriptors (e.g. ["lzo", "none"]). Filled in by a scan, see `pageStats`. */
  compressions?: string[];
  /** makedumpfile's dump level, when the header records it. */
  dumpLevel?: number;
  /** Format-specific header fields for `kdw info --json`. */
  details: Record<string, string | number | boolean>;
}

export interface PageStats {
  present: number;
  excluded: number;
  /** Pages per codec ("lzo", "zlib", "snappy", "zstd", "none"). */
  byCompression: Record<string, number>;
}

export interface ReadPhysOptions {
  /** Return zeros for excluded or absent pages instead of throwing. */
  zeroFill?: boolean;
}

/** One vmcore, whatever its container: physical pages, VMCOREINFO, per-CPU registers. */
export interface Dump {
  readonly source: ByteSource;
  readonly format: DumpFormatInfo;
  readonly pageSize: number;
  readonly vmcoreinfo: Vmcoreinfo | null;
  /** NT_PRSTATUS per CPU, in note order (CPU 0 first). */
  readonly cpus: CpuRegisters[];
  /** Physical memory ranges, sorted and merged; unique (an ELF's kernel-text PT_LOADs alias later ones). */
  readonly memoryRanges: PhysRange[];
  /** Highest page frame number + 1 covered by the dump's description of memory. */
  readonly maxPfn: number;
  /** The ELF notes the dump carries (an ELF vmcore's PT_NOTE, a kdump file's sub header), where it has them. */
  readonly notes?: readonly ElfNote[];

  pageState(pfn: number): PageState;
  /** The page's bytes (pageSize long). Throws ExcludedPageError / AbsentPageError / CorruptPageError (every format must: readPhys relies on it). */
  readPage(pfn: number): Uint8Array;
  readPhys(addr: number, length: number, options?: ReadPhysOptions): Uint8Array;
  /**
   * readPhys into `target` (its length is the read's). Past 64 KiB, whole pages are copied or decoded
   * straight into it, without going through the page cache, so that a large read (a BTF blob, kallsyms, a log
   * ring) allocates nothing per page and leaves the pages walkers reuse in the cache. Same errors as readPhys.
   */
  readPhysInto(addr: number, target: Uint8Array, options?: ReadPhysOptions): void;
  /**
   * Page `pfn`'s bytes for a scan that uses each page at once (search): a view valid only until the next read
   * of this dump (of the source's reused buffer for a page stored as is, of one reused page for a decoded
   * one), so that nothing is allocated or cached per page and the pages walkers reuse stay cached (a page the
   * cache holds is returned from it). readPage's errors.
   */
  readPageTransient(pfn: number): Uint8Array;
  /** Optional: the buffers page reads go into mapped now, in idle time (ByteSource.prefault). Reads nothing. */
  prefault?(): void;
  /** Counts pages present and excluded, and pages per codec. May scan the page table of the dump once. */
  pageStats(): PageStats;
}

/** Reads longer than this decode whole pages straight into the caller's buffer, past the page cache. */
const DIRECT_READ_MIN = 64 << 10;

/** readPhys in terms of readPage/pageState, shared by every format. */
export abstract class DumpBase implements Dump {
  /** readPageTransient's page for decoded pages. */
  private scratchPage: Uint8Array | undefined;
  abstract readonly source: ByteSource;
  abstract readonly format: DumpFormatInfo;
  abstract readonly pageSize: number;
  abstract readonly vmcoreinfo: Vmcoreinfo | null;
  abstract readonly cpus: CpuRegisters[];
  abstract readonly memoryRanges: PhysRange[];
  abstract readonly maxPfn: number;
  abstract pageState(pfn: number): PageState;
  abstract readPage(pfn: number): Uint8Array;
  abstract pageStats(): PageStats;

  prefault(): void {
    this.source.prefault?.();
  }

  readPhys(addr: number, length: number, options?: ReadPhysOptions): Uint8Array {
    const ps = this.pageSize;
    const first = Math.floor(addr / ps);
    const offInPage = addr - first * ps;
    if (offInPage + length <= ps) {
      const page = this.pageOrZeros(first, options);
      return page.subarray(offInPage, offInPage + length);
    }
    const out = new Uint8Array(length);
    this.readPhysInto(addr, out, options);
    return out;
  }

  readPhysInto(addr: number, target: Uint8Array, options?: ReadPhysOptions): void {
    const ps = this.pageSize;
    const length = target.length;
    // A read of a few pages (a task's stack) goes through the page cache, as single-page reads of the same
    // pages are likely to follow; a larger one (a BTF blob, a log ring) decodes past it.
    const direct = length > DIRECT_READ_MIN;
    let pfn = Math.floor(addr / ps);
    let off = addr - pfn * ps;
    let done = 0;
    while (done < length) {
      const n = Math.min(ps - off, length - done);
      if (n === ps && direct) this.wholePageInto(pfn, target.subarray(done, done + ps), options);
      else target.set(this.pageOrZeros(pfn, options).subarray(off, off + n), done);
      done += n;
      pfn++;
      off = 0;
    }
  }

  readPageTransient(pfn: number): Uint8Array {
    return this.transientPage(pfn, (this.scratchPage ??= new Uint8Array(this.pageSize)));
  }

  /** readPageTransient: formats that can lend a view of the bytes as stored override it; `scratch` is one reused page. */
  protected transientPage(pfn: number, scratch: Uint8Array): Uint8Array {
    this.copyPage(pfn, scratch);
    return scratch;
  }

  private wholePageInto(pfn: number, target: Uint8Array, options: ReadPhysOptions | undefined): void {
    if (options?.zeroFill && this.pageState(pfn) !== "present") target.fill(0);
    else this.copyPage(pfn, target);
  }

  /**
   * Page `pfn`'s bytes into `target` (pageSize long), or readPage's error. Formats override it to decode or
   * read straight into `target`, past their page cache (a page the cache holds is copied from it).
   */
  protected copyPage(pfn: number, target: Uint8Array): void {
    target.set(this.readPage(pfn));
  }

  private pageOrZeros(pfn: number, options: ReadPhysOptions | undefined): Uint8Array {
    // readPage throws ExcludedPageError / AbsentPageError itself: without zero-fill, one lookup is enough.
    if (!options?.zeroFill) return this.readPage(pfn);
    const state = this.pageState(pfn);
    if (state === "present") return this.readPage(pfn);
    if (options.zeroFill) return new Uint8Array(this.pageSize);
    if (state === "excluded") throw new ExcludedPageError(this.source.name, pfn * this.pageSize);
    throw new AbsentPageError(this.source.name, pfn * this.pageSize);
  }
}

/** Sorts and merges ranges so that aliases (kernel text mapped twice in ELF cores) count once. */
export function mergeRanges(ranges: PhysRange[]): PhysRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: PhysRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}
