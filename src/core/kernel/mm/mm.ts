// struct page and SPARSEMEM: the memory map (include/linux/mmzone.h mem_section, include/linux/mm_types.h
// struct page), a page's flags by the kernel's own names (mm/debug.c pageflag_names[]), and the walk over
// every struct page that crash's `kmem -i` makes for its SHARED line (crash memory.c dump_mem_map_SPARSEMEM).
import { resolveType } from "../../debuginfo/types";
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";

/** include/linux/mmzone.h: the low bits of mem_section.section_mem_map. */
const SECTION_MARKED_PRESENT = 1n << 0n;
const SECTION_MAP_LAST_BIT = 1n << 5n;
const SECTION_MAP_MASK = ~(SECTION_MAP_LAST_BIT - 1n) & ((1n << 64n) - 1n);
/** x86_64 defaults when VMCOREINFO lacks them (arch/x86/include/asm/sparsemem.h). */
const DEFAULT_SECTION_SIZE_BITS = 27;
const PAGE_SHIFT = 12;
/** Most struct pages read per call when walking the memory map (one 4 KiB read is 64 of them). */
const MEM_MAP_CHUNK = 4096;
/** Upper bound on the sections a walk visits (2^25 is every section of a 52-bit physical space). */
const MAX_SECTIONS = 1 << 25;
/** pageflag_names[] has NR_PAGEFLAGS + a few entries; more than this is not a table of page flags. */
const MAX_PAGEFLAG_NAMES = 128;

/** What the memory-map walkers need, resolved once per Program. */
export interface MmLayout {
  /** sizeof(struct page). */
  pageStructSize: number;
  pageFlagsOff: number;
  /** page._refcount (page._count before 4.6). */
  pageRefcountOff: number;
  pageMappingOff?: number;
  pageIndexOff?: number;
  /** sizeof(struct mem_section) and mem_section.section_mem_map. */
  memSectionSize: number;
  sectionMemMapOff: number;
  /** PAGES_PER_SECTION = 1 << (SECTION_SIZE_BITS - PAGE_SHIFT). */
  pfnSectionShift: number;
  /** SECTIONS_PER_ROOT (CONFIG_SPARSEMEM_EXTREME): PAGE_SIZE / sizeof(struct mem_section). */
  sectionsPerRoot: number;
  /** NR_SECTION_ROOTS: the length of the root table. */
  nrSectionRoots: number;
}

/** What the debug types say; VMCOREINFO, which makedumpfile also reads, says it first where it says it. */
const PAGE_TYPES = layout({
  flags: optional("page.flags"),
  refcount: optional("page._refcount", "page._count"), // renamed in 4.6
  mapping: optional("page.mapping"),
  index: optional("page.index"),
  sectionMemMap: optional("mem_section.section_mem_map"),
});

const MM_LAYOUT = perProgram((prog): MmLayout => {
  const vi = prog.vmcoreinfo;
  const t = PAGE_TYPES.of(prog);
  const page = prog.findType("struct page");
  const pageStructSize = vi?.size("page") ?? (page ? prog.sizeOf(page) : undefined);
  const pageFlagsOff = vi?.offset("page.flags") ?? t.flags;
  const pageRefcountOff = vi?.offset("page._refcount") ?? t.refcount;
  if (pageStructSize === undefined || pageFlagsOff === undefined || pageRefcountOff === undefined) throw new MissingDebugInfo("no layout of struct page (flags, _refcount)");
  const memSection = prog.findType("struct mem_section");
  const memSectionSize = vi?.size("mem_section") ?? (memSection ? prog.sizeOf(memSection) : 16);
  const sectionMemMapOff = vi?.offset("mem_section.section_mem_map") ?? t.sectionMemMap ?? 0;
  const sectionSizeBits = Number(vi?.number("SECTION_SIZE_BITS") ?? BigInt(DEFAULT_SECTION_SIZE_BITS));
  if (memSectionSize <= 0 || pageStructSize <= 0 || sectionSizeBits <= PAGE_SHIFT || sectionSizeBits > 40) throw new MissingDebugInfo("implausible struct page / mem_section layout");
  const sectionsPerRoot = Math.max(1, Math.floor(4096 / memSectionSize));
  const rootsFromSymbol = prog.hasSymbol("mem_section") && (prog.symbolSize("mem_section") ?? 0) > 8 ? Math.floor(prog.symbolSize("mem_section")! / 8) : undefined;
  const nrSectionRoots = vi?.length("mem_section") ?? rootsFromSymbol ?? Math.ceil(MAX_SECTIONS / sectionsPerRoot);
  return {
    pageStructSize,
    pageFlagsOff,
    pageRefcountOff,
    pageMappingOff: vi?.offset("page.mapping") ?? t.mapping,
    pageIndexOff: t.index,
    memSectionSize,
    sectionMemMapOff,
    pfnSectionShift: sectionSizeBits - PAGE_SHIFT,
    sectionsPerRoot,
    nrSectionRoots: Math.min(nrSectionRoots, Math.ceil(MAX_SECTIONS / sectionsPerRoot)),
  };
});

/** The struct page / mem_section layout, from VMCOREINFO where it says, else the debug types. */
export const mmLayout: (prog: Program) => MmLayout = MM_LAYOUT.of;

function isKdwError(err: unknown): err is KdwError {
  return err instanceof KdwError;
}

/**
 * The root table of mem_section (CONFIG_SPARSEMEM_EXTREME: `struct mem_section **mem_section`, allocated at
 * boot; an array of roots before 4.15). Returns the address of the first root pointer.
 */
function sectionRootTable(prog: Program): bigint {
  const addr = prog.symbolAddress("mem_section");
  // SPARSEMEM_EXTREME: `struct mem_section **mem_section` (8 bytes); otherwise the array itself. The symbol's
  // size tells which without opening the DWARF.
  const isPtr = (prog.symbolSize("mem_section") ?? 8) === 8;
  return isPtr ? prog.readU64(addr) : addr;
}

/** The address of mem_section[nr] (nr_to_section), or undefined when its root is missing. */
export function nrToSection(prog: Program, nr: number): bigint | undefined {
  const l = mmLayout(prog);
  const root = Math.floor(nr / l.sectionsPerRoot);
  if (nr < 0 || root >= l.nrSectionRoots) return undefined;
  try {
    const rootPtr = prog.readU64(sectionRootTable(prog) + BigInt(root * 8));
    if (rootPtr === 0n) return undefined;
    return rootPtr + BigInt((nr % l.sectionsPerRoot) * l.memSectionSize);
  } catch (err) {
    if (isKdwError(err)) return undefined;
    throw err;
  }
}

/**
 * The coded mem_map of a present section (section_mem_map & SECTION_MAP_MASK: the section's first struct
 * page minus section_nr_to_pfn(nr) pages), or undefined when the section is not present.
 */
function sectionCodedMemMap(prog: Program, section: bigint): bigint | undefined {
  const l = mmLayout(prog);
  try {
    const map = prog.readU64(section + BigInt(l.sectionMemMapOff));
    if (!(map & SECTION_MARKED_PRESENT)) return undefined;
    return map & SECTION_MAP_MASK;
  } catch (err) {
    if (isKdwError(err)) return undefined;
    throw err;
  }
}

/** The struct page of a page frame (pfn_to_page on SPARSEMEM), or undefined when its section is absent. */
export function pfnToPage(prog: Program, pfn: number): bigint | undefined {
  const l = mmLayout(prog);
  if (!Number.isSafeInteger(pfn) || pfn < 0) return undefined;
  const section = nrToSection(prog, Math.floor(pfn / 2 ** l.pfnSectionShift));
  if (section === undefined) return undefined;
  const coded = sectionCodedMemMap(prog, section);
  if (coded === undefined) return undefined;
  return (coded + BigInt(pfn) * BigInt(l.pageStructSize)) & ((1n << 64n) - 1n);
}

/** The page frame a struct page pointer describes, or undefined when it is not one (crash's is_page_ptr). */
export function pageToPfn(prog: Program, page: bigint, vmemmapBase: bigint): number | undefined {
  const l = mmLayout(prog);
  if (page < vmemmapBase) return undefined;
  const off = page - vmemmapBase;
  if (off % BigInt(l.pageStructSize) !== 0n) return undefined;
  const pfn = Number(off / BigInt(l.pageStructSize));
  if (!Number.isSafeInteger(pfn)) return undefined;
  return pfnToPage(prog, pfn) === page ? pfn : undefined;
}

/** One struct page as crash's memory-map lines show it. */
export interface StructPage {
  page: bigint;
  pfn: number;
  flags: bigint;
  /** page._refcount. */
  count: number;
  mapping: bigint;
  index: bigint;
}

/** Reads the struct page at `page` (of page frame `pfn`). Throws the address space's typed errors. */
export function readStructPage(prog: Program, page: bigint, pfn: number): StructPage {
  const l = mmLayout(prog);
  const b = prog.read(page, l.pageStructSize);
  const dv = dataView(b);
  const u64 = (off: number | undefined) => (off === undefined || off + 8 > b.length ? 0n : dv.getBigUint64(off, true));
  return {
    page,
    pfn,
    flags: u64(l.pageFlagsOff),
    count: l.pageRefcountOff + 4 <= b.length ? dv.getUint32(l.pageRefcountOff, true) : 0,
    mapping: u64(l.pageMappingOff),
    index: u64(l.pageIndexOff),
  };
}

/** `count` consecutive struct pages from `first` (of page frame `pfn` on), read at once. Throws the address space's typed errors. */
export function readStructPages(prog: Program, first: bigint, pfn: number, count: number): StructPage[] {
  const l = mmLayout(prog);
  const size = l.pageStructSize;
  const b = prog.read(first, count * size);
  const dv = dataView(b);
  const out: StructPage[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * size;
    const u64 = (off: number | undefined): bigint => (off === undefined || off + 8 > size ? 0n : dv.getBigUint64(o + off, true));
    out.push({
      page: first + BigInt(o),
      pfn: pfn + i,
      flags: u64(l.pageFlagsOff),
      count: l.pageRefcountOff + 4 <= size ? dv.getUint32(o + l.pageRefcountOff, true) : 0,
      mapping: u64(l.pageMappingOff),
      index: u64(l.pageIndexOff),
    });
  }
  return out;
}

/** A page flag: its name as the kernel prints it ("reserved", "slab") and its mask in page->flags. */
export interface PageflagName {
  name: string;
  mask: bigint;
}

const PAGEFLAG_NAMES = perProgram((prog) => pageflagNamesFromTable(prog) ?? pageflagNamesFromEnum(prog) ?? []);

/**
 * The page flags by the kernel's names, in its order: mm/debug.c `pageflag_names[]` (struct
 * trace_print_flags {mask, name}, ended by a {0, NULL} entry), else `enum pageflags` (PG_locked = 0, ...,
 * up to __NR_PAGEFLAGS), as crash's page_flags_init does.
 */
export function pageflagNames(prog: Program): PageflagName[] {
  return PAGEFLAG_NAMES.of(prog);
}

const TRACE_PRINT_FLAGS = layout({ mask: optional("trace_print_flags.mask"), name: optional("trace_print_flags.name") });

function pageflagNamesFromTable(prog: Program): PageflagName[] | undefined {
  const tpf = prog.findType("struct trace_print_flags");
  const bytes = prog.symbolExtent("pageflag_names");
  if (!tpf || !bytes || !prog.hasSymbol("pageflag_names")) return undefined;
  const size = prog.sizeOf(tpf);
  const { mask: maskOff, name: nameOff } = TRACE_PRINT_FLAGS.of(prog);
  if (size <= 0 || maskOff === undefined || nameOff === undefined) return undefined;
  const count = Math.min(MAX_PAGEFLAG_NAMES, Math.floor(bytes / size));
  const out: PageflagName[] = [];
  try {
    const dv = dataView(prog.read(prog.symbolAddress("pageflag_names"), count * size));
    for (let i = 0; i < count; i++) {
      const mask = dv.getBigUint64(i * size + maskOff, true);
      const namePtr = dv.getBigUint64(i * size + nameOff, true);
      if (namePtr === 0n) break; // {0, NULL} (4.6+) or {-1UL, NULL} (3.5 and earlier)
      let name = "";
      for (const c of prog.readCString(namePtr, 64)) name += String.fromCharCode(c);
      out.push({ name, mask });
    }
  } catch (err) {
    if (isKdwError(err)) return undefined;
    throw err;
  }
  return out.length ? out : undefined;
}

function pageflagNamesFromEnum(prog: Program): PageflagName[] | undefined {
  const t = prog.findType("enum pageflags");
  if (!t) return undefined;
  const e = resolveType(t);
  if (e.kind !== "enum") return undefined;
  const out: PageflagName[] = [];
  for (const en of e.enumerators) {
    if (en.name === "__NR_PAGEFLAGS") break;
    if (!en.name.startsWith("PG_") || en.value < 0n || en.value > 63n) continue;
    out.push({ name: en.name.slice(3), mask: 1n << en.value });
  }
  return out.length ? out : undefined;
}

/** crash's translate_page_flags: the names of the flags set in page->flags, in table order. */
export function decodePageFlags(prog: Program, flags: bigint): string[] {
  if (flags === 0n) return [];
  return pageflagNames(prog)
    .filter((f) => (flags & f.mask) !== 0n)
    .map((f) => f.name);
}

/** The mask of one named flag ("reserved", "slab"), or undefined when the kernel has no such flag. */
export function pageflagMask(prog: Program, name: string): bigint | undefined {
  return pageflagNames(prog).find((f) => f.name === name)?.mask;
}

/** A present memory section: its number and the struct page of its first page frame. */
export interface PresentSection {
  nr: number;
  firstPfn: number;
  /** struct page of firstPfn. */
  memMap: bigint;
  pages: number;
}

/**
 * Every present section up to `maxPfn` (the sections crash's dump_mem_map visits: valid_section_nr), in
 * order. Roots that are NULL or unreadable are skipped, as crash's nr_to_section does.
 */
export function* forEachPresentSection(prog: Program, maxPfn: number): Generator<PresentSection> {
  const l = mmLayout(prog);
  const pagesPerSection = 2 ** l.pfnSectionShift;
  const lastSection = Math.min(MAX_SECTIONS - 1, Math.floor(Math.max(0, maxPfn - 1) / pagesPerSection));
  let rootTable: bigint;
  try {
    rootTable = sectionRootTable(prog);
  } catch (err) {
    if (isKdwError(err)) return;
    throw err;
  }
  const lastRoot = Math.min(l.nrSectionRoots - 1, Math.floor(lastSection / l.sectionsPerRoot));
  for (let root = 0; root <= lastRoot; root++) {
    let rootPtr: bigint;
    try {
      rootPtr = prog.readU64(rootTable + BigInt(root * 8));
    } catch (err) {
      if (isKdwError(err)) continue;
      throw err;
    }
    if (rootPtr === 0n) continue;
    const first = root * l.sectionsPerRoot;
    const last = Math.min(lastSection, first + l.sectionsPerRoot - 1);
    for (let nr = first; nr <= last; nr++) {
      const coded = sectionCodedMemMap(prog, rootPtr + BigInt((nr - first) * l.memSectionSize));
      if (coded === undefined) continue;
      const firstPfn = nr * pagesPerSection;
      yield { nr, firstPfn, memMap: (coded + BigInt(firstPfn) * BigInt(l.pageStructSize)) & ((1n << 64n) - 1n), pages: pagesPerSection };
    }
  }
}

/** What crash's dump_mem_map(GET_ALL) tallies over the whole memory map. */
export interface MemMapCounts {
  /** Pages visited (every page of every present section). */
  pages: number;
  /** PG_reserved set. */
  reserved: number;
  /** Not reserved, with _refcount > 1 (crash's SHARED: not what the kernel calls shared memory). */
  shared: number;
  /** Bytes of struct pages that could not be read (counted as zeroed pages, as crash does). */
  unreadableBytes: number;
}

/**
 * Walks every struct page of every present section up to `maxPfn`, as crash's `kmem -i` does for SHARED
 * (memory.c dump_mem_map_SPARSEMEM, GET_ALL): a struct page that cannot be read counts as zeroes.
 */
export function countMemMap(prog: Program, maxPfn: number): MemMapCounts {
  const l = mmLayout(prog);
  const reservedMask = pageflagMask(prog, "reserved");
  if (reservedMask === undefined || reservedMask >= 1n << 32n) throw new MissingDebugInfo("no PG_reserved page flag");
  const reservedLo = Number(reservedMask);
  const size = l.pageStructSize;
  const counts: MemMapCounts = { pages: 0, reserved: 0, shared: 0, unreadableBytes: 0 };
  for (const s of forEachPresentSection(prog, maxPfn)) {
    const total = s.pages * size;
    for (let done = 0; done < total; ) {
      const addr = s.memMap + BigInt(done);
      // Whole struct pages within one 4 KiB page of the memory map where possible.
      const n = Math.min(total - done, MEM_MAP_CHUNK - Number(addr & 0xfffn));
      const whole = n - (n % size) || Math.min(size, total - done);
      let bytes: Uint8Array | undefined;
      try {
        bytes = prog.read(addr, whole);
      } catch (err) {
        if (!isKdwError(err)) throw err;
        counts.unreadableBytes += whole;
      }
      const perChunk = Math.floor(whole / size);
      counts.pages += perChunk;
      if (bytes) {
        const dv = dataView(bytes);
        for (let i = 0; i < perChunk; i++) {
          const o = i * size;
          const flagsLo = dv.getUint32(o + l.pageFlagsOff, true);
          if (flagsLo & reservedLo) counts.reserved++;
          else if (dv.getInt32(o + l.pageRefcountOff, true) > 1) counts.shared++;
        }
      }
      done += whole;
    }
  }
  return counts;
}
