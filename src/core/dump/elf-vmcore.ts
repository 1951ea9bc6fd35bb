// ELF64 ET_CORE vmcores: the raw /proc/vmcore (fs/proc/vmcore.c), makedumpfile's filtered ELF (-E), and QEMU's
// dump-guest-memory ELF (dump/dump.c). Physical memory is described by PT_LOADs (physical address = p_paddr);
// a PT_LOAD whose p_filesz < p_memsz had its tail filtered out by makedumpfile: those pages are "excluded".
// PT_LOADs may alias one another (x86_64 vmcores map the kernel text mapping and then the direct map over the
// same physical pages), so the segments are flattened once into a sorted run map of unique physical ranges.
import { readTransient, type ByteSource } from "../io/byte-source";
import { AbsentPageError, DumpFormatError, ExcludedPageError, TruncatedError, type ExclusionReason } from "../io/errors";
import { PageCache } from "../io/page-cache";
import { DumpBase, mergeRanges, type DumpFormatInfo, type PageState, type PageStats, type PhysRange } from "./dump";
import { ElfFile, ET_CORE, PT_LOAD, isElf64, type ProgramHeader } from "./elf";
import { interpretNotes, type ElfNote } from "./elf-notes";
import type { CpuRegisters } from "./prstatus";
import type { Vmcoreinfo } from "./vmcoreinfo";

const DEFAULT_PAGE_SIZE = 4096;
/** Physical addresses above 2^52 do not exist on x86_64 (MAX_PHYSMEM_BITS 52) and would lose precision. */
const MAX_PHYS = 2 ** 52;
const P_PADDR_FIELD = 0x18; // Elf64_Phdr.p_paddr
const P_FILESZ_FIELD = 0x20; // Elf64_Phdr.p_filesz
const P_MEMSZ_FIELD = 0x28; // Elf64_Phdr.p_memsz
const E_TYPE_FIELD = 0x10; // Elf64_Ehdr.e_type

/** The ELF sniff: "\x7fELF", class ELF64. Whether it is a core is checked by `ElfVmcore.open`. */
export function isElf(bytes: Uint8Array): boolean {
  return isElf64(bytes);
}

export interface ElfVmcoreOptions {
  /**
   * Open a dump whose PT_LOAD data runs past the end of the file (an interrupted capture): the missing pages
   * become excluded and `format.details.truncated` says so. Without it such a file is a TruncatedError.
   */
  allowTruncated?: boolean;
}

/** A run's file offset where it has none: the filtered tail (p_filesz..p_memsz), or data the file lacks. */
const FILTERED_RUN = -1;
const UNWRITTEN_RUN = -2;

interface Piece {
  start: number;
  end: number;
  /** File offset of `start`, or FILTERED_RUN / UNWRITTEN_RUN. */
  file: number;
  order: number;
}

/** Sorted, non-overlapping physical byte runs: [start, end) -> file offset of start, or FILTERED_RUN / UNWRITTEN_RUN. */
interface RunMap {
  start: Float64Array;
  end: Float64Array;
  file: Float64Array;
}

export class ElfVmcore extends DumpBase {
  readonly format: DumpFormatInfo;
  readonly pageSize: number;
  readonly vmcoreinfo: Vmcoreinfo | null;
  readonly cpus: CpuRegisters[];
  readonly memoryRanges: PhysRange[];
  readonly maxPfn: number;
  readonly notes: ElfNote[];
  private readonly runs: RunMap;
  private readonly cache = new PageCache(1024);
  /** The run the previous readPage fell in. */
  private lastRun = 0;

  /** Bytes of PT_LOAD data the file declares but does not hold (only with `allowTruncated`). */
  readonly missingBytes: number;

  private constructor(
    readonly source: ByteSource,
    readonly elf: ElfFile,
    private readonly options: ElfVmcoreOptions,
  ) {
    super();
    this.notes = elf.notes();
    const { vmcoreinfo, cpus } = interpretNotes(this.notes);
    this.vmcoreinfo = vmcoreinfo;
    this.cpus = cpus;
    this.pageSize = this.checkPageSize();
    const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD);
    const { pieces, missingBytes } = this.pieces(loads);
    this.missingBytes = missingBytes;
    this.runs = buildRunMap(pieces);
    this.memoryRanges = mergeRanges(pieces.map((p) => ({ start: p.start, end: p.end })));
    const last = this.memoryRanges[this.memoryRanges.length - 1];
    this.maxPfn = last ? Math.ceil(last.end / this.pageSize) : 0;
    const qemu = this.notes.some((n) => n.name === "QEMU");
    const filtered = loads.some((p) => BigInt(p.filesz) < p.memsz) || this.notes.some((n) => n.name === "ERASEINFO");
    this.format = {
      kind: qemu ? "qemu-elf" : "elf",
      // makedumpfile -E writes no signature of its own; a filtered tail (or its ERASEINFO note) is its mark.
      description: qemu ? "ELF64 core (QEMU dump-guest-memory)" : filtered ? "ELF64 core (makedumpfile -E, filtered)" : "ELF64 core",
      compressions: ["none"],
      details: {
        phnum: elf.programHeaders.length,
        loads: loads.length,
        notes: this.notes.length,
        filtered,
        ...(this.missingBytes > 0 ? { truncated: true, missingBytes: this.missingBytes } : {}),
        machine: elf.header.machine,
        endian: elf.header.littleEndian ? "little" : "big",
      },
    };
  }

  /** Opens an ELF64 ET_CORE vmcore: headers, notes and the run map; no page is read. */
  static open(source: ByteSource, options: ElfVmcoreOptions = {}): ElfVmcore {
    const elf = ElfFile.open(source);
    if (elf.header.type !== ET_CORE) {
      throw new DumpFormatError(source.name, E_TYPE_FIELD, `ELF e_type ${elf.header.type} is not ET_CORE (4): not a vmcore`);
    }
    return new ElfVmcore(source, elf, options);
  }

  private checkPageSize(): number {
    const ps = this.vmcoreinfo?.pageSize;
    if (ps === undefined) return DEFAULT_PAGE_SIZE;
    if (ps < 4096 || ps > 1 << 16 || (ps & (ps - 1)) !== 0) {
      const note = this.notes.find((n) => n.name === "VMCOREINFO");
      throw new DumpFormatError(this.source.name, note?.offset ?? 0, `VMCOREINFO PAGESIZE=${ps} is not a power of two in [4096, 65536]`);
    }
    return ps;
  }

  private pieces(loads: ProgramHeader[]): { pieces: Piece[]; missingBytes: number } {
    const name = this.source.name;
    const out: Piece[] = [];
    let missingBytes = 0;
    for (const p of loads) {
      if (p.paddr >= BigInt(MAX_PHYS)) throw new DumpFormatError(name, p.headerOffset + P_PADDR_FIELD, `p_paddr 0x${p.paddr.toString(16)} beyond 2^52`);
      if (p.memsz > BigInt(MAX_PHYS) - p.paddr) throw new DumpFormatError(name, p.headerOffset + P_MEMSZ_FIELD, `p_memsz 0x${p.memsz.toString(16)} runs beyond 2^52`);
      const start = Number(p.paddr);
      const memsz = Number(p.memsz);
      if (p.filesz > memsz) throw new DumpFormatError(name, p.headerOffset + P_FILESZ_FIELD, `p_filesz 0x${p.filesz.toString(16)} larger than p_memsz 0x${memsz.toString(16)}`);
      let filesz = p.filesz;
      if (p.offset > this.source.size || filesz > this.source.size - p.offset) {
        if (!this.options.allowTruncated) throw new TruncatedError(name, p.offset, p.filesz, this.source.size);
        // A dump cut short (disk full, copy interrupted): what the file lacks reads as excluded, "unwritten".
        filesz = Math.max(0, this.source.size - p.offset);
        missingBytes += p.filesz - filesz;
        if (p.filesz > filesz) out.push({ start: start + filesz, end: start + p.filesz, file: UNWRITTEN_RUN, order: p.index });
      }
      if (filesz > 0) out.push({ start, end: start + filesz, file: p.offset, order: p.index });
      if (memsz > p.filesz) out.push({ start: start + p.filesz, end: start + memsz, file: FILTERED_RUN, order: p.index });
    }
    return { pieces: out, missingBytes };
  }

  /** Index of the first run whose end is above `addr`, or the run count. */
  private firstRunEndingAfter(addr: number): number {
    const end = this.runs.end;
    let lo = 0;
    let hi = end.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (end[mid]! <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  pageState(pfn: number): PageState {
    if (!Number.isSafeInteger(pfn) || pfn < 0 || pfn >= this.maxPfn) return "absent";
    const pageStart = pfn * this.pageSize;
    const pageEnd = pageStart + this.pageSize;
    const { start, file } = this.runs;
    let excluded = false;
    for (let i = this.firstRunEndingAfter(pageStart); i < start.length && start[i]! < pageEnd; i++) {
      if (file[i]! >= 0) return "present";
      excluded = true;
    }
    return excluded ? "excluded" : "absent";
  }

  /** Why an excluded page is excluded (filtered by makedumpfile, or past the end of a file cut short); null otherwise. */
  exclusionReason(pfn: number): ExclusionReason | null {
    if (this.pageState(pfn) !== "excluded") return null;
    const pageStart = pfn * this.pageSize;
    const { start, file } = this.runs;
    for (let i = this.firstRunEndingAfter(pageStart); i < start.length && start[i]! < pageStart + this.pageSize; i++) if (file[i] === FILTERED_RUN) return "filtered";
    return "unwritten";
  }

  /**
   * Where page `pfn` lies in the file when it lies whole in one run of file bytes, else -1. Most reads fall
   * in the run of the previous one (walkers and scans read neighbouring pages): that run is tried first.
   * Throws AbsentPageError for a pfn outside the dump.
   */
  private fileOffsetOfPage(pfn: number): number {
    const ps = this.pageSize;
    const pageStart = pfn * ps;
    const { start, end, file } = this.runs;
    let r = this.lastRun;
    if (!(r < start.length && start[r]! <= pageStart && pageStart < end[r]!)) {
      if (!Number.isSafeInteger(pfn) || pfn < 0 || pfn >= this.maxPfn) throw new AbsentPageError(this.source.name, pageStart);
      r = this.firstRunEndingAfter(pageStart);
      this.lastRun = r;
    }
    return r < start.length && start[r]! <= pageStart && end[r]! >= pageStart + ps && file[r]! >= 0 ? file[r]! + (pageStart - start[r]!) : -1;
  }

  readPage(pfn: number): Uint8Array {
    const ps = this.pageSize;
    // A whole page inside one run of file bytes is a view of the source's own block cache.
    const at = this.fileOffsetOfPage(pfn);
    if (at >= 0) return this.source.read(at, ps);
    const cached = this.cache.get(pfn);
    if (cached) return cached;
    const state = this.pageState(pfn);
    const pageStart = pfn * ps;
    if (state === "excluded") throw new ExcludedPageError(this.source.name, pageStart, this.exclusionReason(pfn) ?? "filtered");
    if (state === "absent") throw new AbsentPageError(this.source.name, pageStart);
    // A page that a segment boundary cuts (p_paddr or p_filesz not page-aligned): the file's bytes, zeros around.
    const { start, end, file } = this.runs;
    const page = new Uint8Array(ps);
    for (let i = this.firstRunEndingAfter(pageStart); i < start.length && start[i]! < pageStart + ps; i++) {
      if (file[i]! < 0) continue;
      const from = Math.max(start[i]!, pageStart);
      const to = Math.min(end[i]!, pageStart + ps);
      page.set(this.source.read(file[i]! + (from - start[i]!), to - from), from - pageStart);
    }
    this.cache.set(pfn, page);
    return page;
  }

  /** A page inside one run of file bytes is copied from the file through the source's reused buffer. */
  protected override copyPage(pfn: number, target: Uint8Array): void {
    const at = this.fileOffsetOfPage(pfn);
    if (at >= 0) target.set(readTransient(this.source, at, this.pageSize));
    else target.set(this.readPage(pfn));
  }

  /** A page inside one run of file bytes is a view of the source's reused buffer: a scan copies nothing. */
  protected override transientPage(pfn: number, scratch: Uint8Array): Uint8Array {
    const at = this.fileOffsetOfPage(pfn);
    if (at >= 0) return readTransient(this.source, at, this.pageSize);
    scratch.set(this.readPage(pfn));
    return scratch;
  }

  /** Counts over unique physical pages: a page any present run touches is present, else excluded if filtered. */
  pageStats(): PageStats {
    const ps = this.pageSize;
    const { start, end, file } = this.runs;
    let present = 0;
    let excluded = 0;
    let lastPfn = -1;
    let lastPresent = false;
    for (let i = 0; i < start.length; i++) {
      let firstPfn = Math.floor(start[i]! / ps);
      const endPfn = Math.ceil(end[i]! / ps);
      const isPresent = file[i]! >= 0;
      if (firstPfn === lastPfn) {
        if (isPresent && !lastPresent) {
          excluded--;
          present++;
          lastPresent = true;
        }
        firstPfn++;
      }
      if (endPfn > firstPfn) {
        if (isPresent) present += endPfn - firstPfn;
        else excluded += endPfn - firstPfn;
        lastPfn = endPfn - 1;
        lastPresent = isPresent;
      }
    }
    return { present, excluded, byCompression: { none: present } };
  }
}

/**
 * Flattens possibly overlapping pieces into sorted, disjoint runs in one sweep. Where pieces overlap, file
 * bytes win over a filtered tail, and among file pieces the one that started first (then the earlier
 * PT_LOAD) is used; adjacent runs that continue each other in the file are merged.
 */
function buildRunMap(pieces: Piece[]): RunMap {
  const bounds = Array.from(new Set(pieces.flatMap((p) => [p.start, p.end]))).sort((a, b) => a - b);
  const byStart = [...pieces].sort((a, b) => a.start - b.start || a.order - b.order);
  const byEnd = [...pieces].sort((a, b) => a.end - b.end);
  const active = new Set<Piece>();
  let activeFiltered = 0;
  let activeUnwritten = 0;
  const rs: number[] = [];
  const re: number[] = [];
  const rf: number[] = [];
  let s = 0;
  let e = 0;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const b = bounds[k]!;
    while (e < byEnd.length && byEnd[e]!.end <= b) {
      const p = byEnd[e++]!;
      if (p.file >= 0) active.delete(p);
      else if (p.file === FILTERED_RUN) activeFiltered--;
      else activeUnwritten--;
    }
    while (s < byStart.length && byStart[s]!.start <= b) {
      const p = byStart[s++]!;
      if (p.file >= 0) active.add(p);
      else if (p.file === FILTERED_RUN) activeFiltered++;
      else activeUnwritten++;
    }
    const next = bounds[k + 1]!;
    let fileOff: number;
    const chosen = active.values().next();
    if (!chosen.done) fileOff = chosen.value.file + (b - chosen.value.start);
    else if (activeFiltered > 0) fileOff = FILTERED_RUN;
    else if (activeUnwritten > 0) fileOff = UNWRITTEN_RUN;
    else continue;
    const n = rs.length - 1;
    if (n >= 0 && re[n] === b && ((fileOff < 0 && rf[n]! === fileOff) || (fileOff >= 0 && rf[n]! >= 0 && rf[n]! + (b - rs[n]!) === fileOff))) {
      re[n] = next;
    } else {
      rs.push(b);
      re.push(next);
      rf.push(fileOff);
    }
  }
  return { start: Float64Array.from(rs), end: Float64Array.from(re), file: Float64Array.from(rf) };
}
