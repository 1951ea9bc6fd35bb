// x86_64 page-table walk, 4-level and 5-level (LA57), as the MMU does it and as crash prints it
// (crash x86_64.c: x86_64_kvtop, x86_64_uvtop_level4, x86_64_translate_pte).
//
// The walk works on 32-bit halves of the virtual address and of every entry: no BigInt in the loop.
// Entries are read through the Dump's readPhys, so an excluded or absent page-table page throws the dump's
// ExcludedPageError / AbsentPageError (re-thrown with the virtual address in the message).
import type { Dump } from "../../dump/dump";
import { AbsentPageError, ExcludedPageError, InvalidAddressError, type ExclusionReason } from "../../io/errors";

/** What the walker needs of a dump. */
export type PhysicalMemory = Pick<Dump, "readPhys" | "pageState">;

// arch/x86/include/asm/pgtable_types.h: _PAGE_BIT_*
export const PAGE_PRESENT = 0x001;
export const PAGE_RW = 0x002;
export const PAGE_USER = 0x004;
export const PAGE_PWT = 0x008;
export const PAGE_PCD = 0x010;
export const PAGE_ACCESSED = 0x020;
export const PAGE_DIRTY = 0x040;
/** _PAGE_PSE: a 2 MiB page in a PMD, a 1 GiB page in a PUD. */
export const PAGE_PSE = 0x080;
export const PAGE_GLOBAL = 0x100;
/** _PAGE_PROTNONE reuses the GLOBAL bit on a not-present entry (2.6.28+). */
export const PAGE_PROTNONE = PAGE_GLOBAL;
/** _PAGE_NX: bit 63. */
export const PAGE_NX = 1n << 63n;

/** PTE_PFN_MASK: bits 12..51 (__PHYSICAL_MASK_SHIFT 52). */
export const PTE_PFN_MASK = 0x000ffffffffff000n;
const PFN_MASK_LO = 0xfffff000;
const PFN_MASK_HI = 0x000fffff;
const TWO_32 = 4294967296;

export const PAGE_SIZE_4K = 0x1000;
export const PAGE_SIZE_2M = 0x200000;
export const PAGE_SIZE_1G = 0x40000000;

/** The kernel's names for the levels, top first (with 4-level paging the P4D is folded). */
export type PageTableLevelName = "PGD" | "P4D" | "PUD" | "PMD" | "PTE";

/** One level of a walk: where the entry is (physical) and what it holds (SME bit cleared, as crash prints it). */
export interface PageTableEntryRecord {
  level: PageTableLevelName;
  entryAddr: number;
  value: bigint;
}

/** A completed walk. */
export interface PageWalk {
  vaddr: bigint;
  root: number;
  levels: PageTableEntryRecord[];
  /** The entry that mapped the page (the PUD for 1 GiB, the PMD for 2 MiB, else the PTE). */
  pte: bigint;
  pageSize: number;
  /** Physical address of the page (aligned to pageSize) and of the byte. */
  pageBase: number;
  phys: number;
}

/** A walk that met a not-present entry: carries the levels read so far and the failing entry. */
export class PageNotPresentError extends InvalidAddressError {
  constructor(
    address: bigint,
    readonly level: PageTableLevelName,
    readonly entryAddr: number,
    readonly entry: bigint,
    readonly levels: PageTableEntryRecord[],
  ) {
    super(address, `${level} entry at physical 0x${entryAddr.toString(16)} not present (0x${entry.toString(16)})`);
  }
}

/** ExcludedPageError for a page table or page reached from a virtual address: says which address. */
export class ExcludedVirtualPageError extends ExcludedPageError {
  constructor(
    file: string,
    physAddr: number,
    readonly address: bigint,
    readonly what: string,
    reason: ExclusionReason = "filtered",
  ) {
    super(file, physAddr, reason);
    this.message = `virtual address ${address.toString(16)}: ${what}: ${this.message}`;
  }
}

/** AbsentPageError (outside the dump's memory) reached from a virtual address. */
export class AbsentVirtualPageError extends AbsentPageError {
  constructor(
    file: string,
    physAddr: number,
    readonly address: bigint,
    readonly what: string,
  ) {
    super(file, physAddr);
    this.message = `virtual address ${address.toString(16)}: ${what}: ${this.message}`;
  }
}

/** Re-throws the dump's page errors with the virtual address they were reached from; others unchanged. */
export function rethrowWithAddress(err: unknown, vaddr: bigint, what: string): never {
  if (err instanceof ExcludedVirtualPageError || err instanceof AbsentVirtualPageError) throw err;
  if (err instanceof ExcludedPageError) throw new ExcludedVirtualPageError(err.file, err.physAddr, vaddr, what, err.reason);
  if (err instanceof AbsentPageError) throw new AbsentVirtualPageError(err.file, err.physAddr, vaddr, what);
  throw err;
}

/**
 * crash's flag names for an entry, in crash's order (x86_64.c: x86_64_translate_pte). A zero entry gives
 * ["no mapping"]; PSE only with PRESENT, PROTNONE only without it.
 */
export function decodePteFlags(pte: bigint): string[] {
  if (pte === 0n) return ["no mapping"];
  const lo = Number(pte & 0xffffffffn);
  const nx = (pte & PAGE_NX) !== 0n;
  const out: string[] = [];
  if (lo & PAGE_PRESENT) out.push("PRESENT");
  if (lo & PAGE_RW) out.push("RW");
  if (lo & PAGE_USER) out.push("USER");
  if (lo & PAGE_PWT) out.push("PWT");
  if (lo & PAGE_PCD) out.push("PCD");
  if (lo & PAGE_ACCESSED) out.push("ACCESSED");
  if (lo & PAGE_DIRTY) out.push("DIRTY");
  if (lo & PAGE_PSE && lo & PAGE_PRESENT) out.push("PSE");
  if (lo & PAGE_PROTNONE && !(lo & PAGE_PRESENT)) out.push("PROTNONE");
  if (lo & PAGE_GLOBAL) out.push("GLOBAL");
  if (nx) out.push("NX");
  return out;
}

/** The physical address an entry points to (bits 12..51), as crash's `PAGEBASE(pte) & PHYSICAL_PAGE_MASK`. */
export function entryPhysAddr(pte: bigint): number {
  return Number(pte & PTE_PFN_MASK);
}

/** Whether a virtual address is canonical: bits 63..47 (4-level) or 63..56 (5-level) all equal. */
export function isCanonical(vaddr: bigint, la57: boolean): boolean {
  const top = vaddr >> (la57 ? 56n : 47n);
  return top === 0n || top === (la57 ? 0xffn : 0x1ffffn);
}

export interface PageTableWalkerOptions {
  /** 5-level paging (CR4.LA57; VMCOREINFO NUMBER(pgtable_l5_enabled)=1). */
  la57: boolean;
  /** NUMBER(sme_mask): the memory-encryption bit, cleared from every entry before use (crash does too). */
  smeMask?: bigint;
  /**
   * Count PROTNONE entries (present bit clear, PROTNONE set) at the PMD and PTE levels as mapped, as
   * pte_present()/pmd_present() do and crash's uvtop does for user space; their PFN is inverted (L1TF PTE
   * inversion, arch/x86/include/asm/pgtable-invert.h). Kernel translations leave this off, as crash's kvtop.
   */
  acceptProtnone?: boolean;
  /** Entries per root kept by the translation cache (default 4096). */
  cacheSize?: number;
}

/** Translations cached for one root: virtual page number → physical page base, per page size. */
interface Tlb {
  p4k: Map<number, number>;
  p2m: Map<number, number>;
  p1g: Map<number, number>;
}

const MAX_CACHED_ROOTS = 16;
/** Page-table pages kept by a walker (4 KiB each: 1 MiB at most). A dump's memory never changes. */
const MAX_CACHED_TABLES = 256;

export class PageTableWalker {
  readonly la57: boolean;
  private readonly smeLo: number;
  private readonly smeHi: number;
  private readonly acceptProtnone: boolean;
  private readonly cacheSize: number;
  private readonly tlbs = new Map<number, Tlb>();
  /** Page-table pages already read, by physical address: a walk costs a Map lookup per level, not a dump read. */
  private readonly tablePages = new Map<number, Uint8Array>();
  // The last entry read, as two halves (avoids a tuple per read).
  private entLo = 0;
  private entHi = 0;
  // The page the last walk ended in.
  private walkPageSize = 0;
  private walkPageBase = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    options: PageTableWalkerOptions,
  ) {
    this.la57 = options.la57;
    const sme = options.smeMask ?? 0n;
    this.smeLo = Number(sme & 0xffffffffn) | 0;
    this.smeHi = Number((sme >> 32n) & 0xffffffffn) | 0;
    this.acceptProtnone = options.acceptProtnone ?? false;
    this.cacheSize = options.cacheSize ?? 4096;
  }

  /** Physical address of `vaddr` under the table at `root`. Throws PageNotPresentError, Excluded/Absent...Error. */
  translate(root: number, vaddr: bigint): number {
    if (!isCanonical(vaddr, this.la57)) throw new InvalidAddressError(vaddr, "non-canonical address");
    const lo = Number(vaddr & 0xffffffffn);
    const hi = Number((vaddr >> 32n) & 0xffffffffn);
    return this.translateHalves(root, hi, lo, vaddr);
  }

  /**
   * translate() on the two 32-bit halves of an address the caller already split (both unsigned). `vaddr` is
   * only used in error messages and may be omitted. The caller is trusted to pass a canonical address.
   */
  translateHalves(root: number, hi: number, lo: number, vaddr?: bigint): number {
    return this.lookup(root, hi, lo, vaddr, false);
  }

  /**
   * Like translate(), but returns -1 instead of throwing when the address does not translate (an entry not
   * present, a page table excluded from or outside the dump, a non-canonical address). Throwing costs about
   * 100 microseconds a time in V8: scans over sparse areas (module area, vmalloc) should probe with this.
   */
  tryTranslate(root: number, vaddr: bigint): number {
    if (!isCanonical(vaddr, this.la57)) return -1;
    return this.lookup(root, Number((vaddr >> 32n) & 0xffffffffn), Number(vaddr & 0xffffffffn), vaddr, true);
  }

  /** tryTranslate() on halves (see translateHalves). */
  tryTranslateHalves(root: number, hi: number, lo: number): number {
    return this.lookup(root, hi, lo, undefined, true);
  }

  /** The full walk with every level's entry address and value (for `vtop`). Never cached. */
  walk(root: number, vaddr: bigint): PageWalk {
    if (!isCanonical(vaddr, this.la57)) throw new InvalidAddressError(vaddr, "non-canonical address");
    const lo = Number(vaddr & 0xffffffffn);
    const hi = Number((vaddr >> 32n) & 0xffffffffn);
    const levels: PageTableEntryRecord[] = [];
    const phys = this.walkHalves(root, hi, lo, vaddr, levels, false);
    return { vaddr, root, levels, pte: levels[levels.length - 1]!.value, pageSize: this.walkPageSize, pageBase: this.walkPageBase, phys };
  }

  /** Forgets every cached translation. */
  flush(): void {
    this.tlbs.clear();
    this.tablePages.clear();
  }

  private tlbFor(root: number): Tlb {
    let tlb = this.tlbs.get(root);
    if (tlb === undefined) {
      if (this.tlbs.size >= MAX_CACHED_ROOTS) this.tlbs.clear();
      tlb = { p4k: new Map(), p2m: new Map(), p1g: new Map() };
      this.tlbs.set(root, tlb);
    }
    return tlb;
  }

  private remember(map: Map<number, number>, vpn: number, pageBase: number): void {
    if (map.size >= this.cacheSize) map.clear();
    map.set(vpn, pageBase);
  }

  private lookup(root: number, hi: number, lo: number, vaddr: bigint | undefined, quiet: boolean): number {
    const tlb = this.tlbFor(root);
    // Virtual page numbers: 2^52 at most, exact as doubles.
    const vpn4k = hi * 0x100000 + (lo >>> 12);
    const hit4k = tlb.p4k.get(vpn4k);
    if (hit4k !== undefined) return hit4k + (lo & 0xfff);
    const vpn2m = hi * 0x800 + (lo >>> 21);
    const hit2m = tlb.p2m.get(vpn2m);
    if (hit2m !== undefined) return hit2m + (lo & 0x1fffff);
    const vpn1g = hi * 4 + (lo >>> 30);
    const hit1g = tlb.p1g.get(vpn1g);
    if (hit1g !== undefined) return hit1g + (lo & 0x3fffffff);

    const va = vaddr ?? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const phys = this.walkHalves(root, hi, lo, va, null, quiet);
    if (phys < 0) return -1;
    if (this.walkPageSize === PAGE_SIZE_4K) this.remember(tlb.p4k, vpn4k, this.walkPageBase);
    else if (this.walkPageSize === PAGE_SIZE_2M) this.remember(tlb.p2m, vpn2m, this.walkPageBase);
    else this.remember(tlb.p1g, vpn1g, this.walkPageBase);
    return phys;
  }

  /**
   * The walk: returns the physical address and leaves the page's size and base in walkPageSize/walkPageBase.
   * When `quiet`, returns -1 where it would throw. At most five reads (one per level): a table that points at
   * itself still ends after the PTE level.
   */
  private walkHalves(
    root: number,
    hi: number,
    lo: number,
    vaddr: bigint,
    levels: PageTableEntryRecord[] | null,
    quiet: boolean,
  ): number {
    if (!Number.isSafeInteger(root) || root < 0) {
      if (quiet) return -1;
      throw new InvalidAddressError(vaddr, `bad page-table root 0x${root.toString(16)}`);
    }
    // Table base of the current level (4K aligned; bits 12..51).
    let table = root - (root % PAGE_SIZE_4K);

    // Indices: PGD bits 48..56 (5-level) or 39..47, P4D 39..47, PUD 30..38, PMD 21..29, PTE 12..20.
    const p4dIndex = (hi >>> 7) & 511;
    if (this.la57) {
      table = this.step(table, (hi >>> 16) & 511, "PGD", vaddr, levels, false, quiet);
      if (table < 0) return -1;
      table = this.step(table, p4dIndex, "P4D", vaddr, levels, false, quiet);
    } else {
      table = this.step(table, p4dIndex, "PGD", vaddr, levels, false, quiet);
    }
    if (table < 0) return -1;
    table = this.step(table, ((lo >>> 30) | (hi << 2)) & 511, "PUD", vaddr, levels, false, quiet);
    if (table < 0) return -1;
    if (this.entLo & PAGE_PSE) {
      // 1 GiB page: bits 30..51 of the entry (bit 12 is PAT in a large-page entry).
      this.walkPageSize = PAGE_SIZE_1G;
      this.walkPageBase = this.largePageBase(0xc0000000);
      return this.walkPageBase + (lo & 0x3fffffff);
    }
    table = this.step(table, (lo >>> 21) & 511, "PMD", vaddr, levels, this.acceptProtnone, quiet);
    if (table < 0) return -1;
    if (this.entLo & PAGE_PSE) {
      this.walkPageSize = PAGE_SIZE_2M;
      this.walkPageBase = this.largePageBase(0xffe00000);
      return this.walkPageBase + (lo & 0x1fffff);
    }
    const pageBase = this.step(table, (lo >>> 12) & 511, "PTE", vaddr, levels, this.acceptProtnone, quiet);
    if (pageBase < 0) return -1;
    this.walkPageSize = PAGE_SIZE_4K;
    this.walkPageBase = pageBase;
    return pageBase + (lo & 0xfff);
  }

  /** Base of the large page in the last entry read; `loMask` keeps the low bits of its alignment and up. */
  private largePageBase(loMask: number): number {
    // A PROTNONE entry (accepted only with acceptProtnone) has its PFN bits inverted (L1TF).
    const invert = !(this.entLo & PAGE_PRESENT);
    const eLo = invert ? ~this.entLo : this.entLo;
    const eHi = invert ? ~this.entHi : this.entHi;
    return (eHi & PFN_MASK_HI) * TWO_32 + ((eLo & loMask) >>> 0);
  }

  /**
   * Reads entry `index` of the table at `table`, records it, checks it is present, and returns the physical
   * address it points to (bits 12..51). Leaves the entry in entLo/entHi.
   */
  private step(
    table: number,
    index: number,
    level: PageTableLevelName,
    vaddr: bigint,
    levels: PageTableEntryRecord[] | null,
    protnoneCounts: boolean,
    quiet: boolean,
  ): number {
    const entryAddr = table + index * 8;
    let page = this.tablePages.get(table);
    if (page === undefined) {
      if (quiet && this.mem.pageState(Math.floor(table / PAGE_SIZE_4K)) !== "present") return -1;
      try {
        // A copy: the dump's page may be a view of a buffer someone reuses.
        page = this.mem.readPhys(table, PAGE_SIZE_4K).slice();
      } catch (err) {
        rethrowWithAddress(err, vaddr, `${level} table`);
      }
      if (this.tablePages.size >= MAX_CACHED_TABLES) this.tablePages.clear();
      this.tablePages.set(table, page);
    }
    const o = index * 8;
    let eLo = page[o]! | (page[o + 1]! << 8) | (page[o + 2]! << 16) | (page[o + 3]! << 24);
    let eHi = page[o + 4]! | (page[o + 5]! << 8) | (page[o + 6]! << 16) | (page[o + 7]! << 24);
    eLo &= ~this.smeLo;
    eHi &= ~this.smeHi;
    this.entLo = eLo;
    this.entHi = eHi;
    const record = levels !== null || (!quiet && !(eLo & PAGE_PRESENT));
    const value = record ? (BigInt(eHi >>> 0) << 32n) | BigInt(eLo >>> 0) : 0n;
    if (levels !== null) levels.push({ level, entryAddr, value });
    if (eLo & PAGE_PRESENT) return (eHi & PFN_MASK_HI) * TWO_32 + ((eLo & PFN_MASK_LO) >>> 0);
    if (protnoneCounts && eLo & PAGE_PROTNONE) {
      // pte_pfn() of a not-present entry undoes the L1TF inversion of its PFN bits.
      return (~eHi & PFN_MASK_HI) * TWO_32 + ((~eLo & PFN_MASK_LO) >>> 0);
    }
    if (quiet) return -1;
    throw new PageNotPresentError(vaddr, level, entryAddr, value, levels ?? []);
  }
}
