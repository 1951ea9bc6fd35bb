// The x86_64 kernel's virtual address layout (Documentation/x86/x86_64/mm.rst and
// arch/x86/include/asm/pgtable_64_types.h, 6.1), and the kernel and user address spaces built on it.
//
// Which addresses are computed and which are walked follows crash's x86_64_kvtop: the kernel text mapping
// and the direct map are translated arithmetically (x86_64_VTOP, the kernel's __pa()); vmalloc, vmemmap,
// modules, the cpu_entry_area and everything else is translated by the page tables. One deliberate
// difference: crash computes addresses above MODULES_END (fixmap) arithmetically too, which gives a wrong
// answer there; kdw walks them.
import type { Dump, ReadPhysOptions } from "../../dump/dump";
import { InvalidAddressError } from "../../io/errors";
import { PAGE_SIZE_4K, PageTableWalker, isCanonical, rethrowWithAddress, type PageWalk } from "./pagetable";

/** __START_KERNEL_map: the kernel text mapping starts here, at physical phys_base. */
export const START_KERNEL_MAP = 0xffffffff80000000n;
/** __PAGE_OFFSET_BASE_L4 / _L5: the direct map without KASLR (CONFIG_RANDOMIZE_MEMORY off). */
export const PAGE_OFFSET_BASE_L4 = 0xffff888000000000n;
export const PAGE_OFFSET_BASE_L5 = 0xff11000000000000n;
/** __VMALLOC_BASE_L4 / _L5 and VMALLOC_SIZE_TB_L4 / _L5. */
export const VMALLOC_BASE_L4 = 0xffffc90000000000n;
export const VMALLOC_BASE_L5 = 0xffa0000000000000n;
const VMALLOC_SIZE_L4 = 32n << 40n;
const VMALLOC_SIZE_L5 = 12800n << 40n;
/** __VMEMMAP_BASE_L4 / _L5; the area is 1 TiB (4-level) or 0.5 PiB (5-level) in mm.rst. */
export const VMEMMAP_BASE_L4 = 0xffffea0000000000n;
export const VMEMMAP_BASE_L5 = 0xffd4000000000000n;
const VMEMMAP_SIZE_L4 = 1n << 40n;
const VMEMMAP_SIZE_L5 = 1n << 49n;
/** CPU_ENTRY_AREA_BASE = CPU_ENTRY_AREA_PGD (-4) << P4D_SHIFT; one P4D entry (0.5 TiB). */
export const CPU_ENTRY_AREA_BASE = 0xfffffe0000000000n;
const CPU_ENTRY_AREA_SIZE = 1n << 39n;
/** ESPFIX_BASE_ADDR = ESPFIX_PGD_ENTRY (-2) << P4D_SHIFT. */
export const ESPFIX_BASE_ADDR = 0xffffff0000000000n;
/** EFI_VA_END (-68 GiB) .. EFI_VA_START (-4 GiB): EFI runtime services. */
export const EFI_VA_END = 0xffffffef00000000n;
export const EFI_VA_START = 0xffffffff00000000n;
/** KERNEL_IMAGE_SIZE with CONFIG_RANDOMIZE_BASE (VMCOREINFO NUMBER(KERNEL_IMAGE_SIZE)); 512 MiB without. */
export const KERNEL_IMAGE_SIZE_KASLR = 1n << 30n;
/** MODULES_END (6.1, without CONFIG_DEBUG_KMAP_LOCAL_FORCE_MAP); MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE. */
export const MODULES_END = 0xffffffffff000000n;
/** FIXADDR_TOP = round_up(VSYSCALL_ADDR + PAGE_SIZE, PMD_SIZE) - PAGE_SIZE; the fixmap grows down to MODULES_END. */
export const FIXADDR_TOP = 0xffffffffff7ff000n;
/** VSYSCALL_ADDR: the legacy vsyscall page, inside the fixmap. */
export const VSYSCALL_ADDR = 0xffffffffff600000n;
/** TASK_SIZE_MAX + one guard page: the end of user space. */
export const USER_SPACE_END_L4 = 1n << 47n;
export const USER_SPACE_END_L5 = 1n << 56n;
/** MAX_PHYSMEM_BITS: how much the direct map can cover. */
const MAX_PHYSMEM_BITS_L4 = 46n;
const MAX_PHYSMEM_BITS_L5 = 52n;
const U64_MASK = (1n << 64n) - 1n;
const TWO_32 = 4294967296;
const NOT_COMPUTED = -1;
const BELOW_ZERO = -2;

export type AddressRegionName =
  | "user"
  | "non-canonical"
  | "direct map"
  | "vmalloc"
  | "vmemmap"
  | "cpu_entry_area"
  | "espfix"
  | "efi"
  | "kernel text"
  | "modules"
  | "fixmap"
  | "vsyscall"
  | "kernel hole";

export interface X86_64LayoutOptions {
  la57: boolean;
  /** NUMBER(phys_base): the physical address of __START_KERNEL_map, minus the kernel's link offset. May be negative. */
  physBase: bigint;
  /** The kernel variables page_offset_base, vmalloc_base, vmemmap_base (KASLR); defaults without them. */
  pageOffsetBase?: bigint;
  vmallocBase?: bigint;
  vmemmapBase?: bigint;
  /** VMCOREINFO NUMBER(KERNEL_IMAGE_SIZE); 1 GiB (KASLR kernels) by default. */
  kernelImageSize?: bigint;
}

/** Region boundaries of one kernel, all [start, end). */
export class X86_64Layout {
  readonly la57: boolean;
  readonly physBase: bigint;
  readonly pageOffsetBase: bigint;
  readonly directMapEnd: bigint;
  readonly vmallocStart: bigint;
  readonly vmallocEnd: bigint;
  readonly vmemmapStart: bigint;
  readonly vmemmapEnd: bigint;
  readonly modulesVaddr: bigint;
  readonly modulesEnd = MODULES_END;
  readonly userSpaceEnd: bigint;

  constructor(o: X86_64LayoutOptions) {
    this.la57 = o.la57;
    this.physBase = o.physBase;
    this.pageOffsetBase = o.pageOffsetBase ?? (o.la57 ? PAGE_OFFSET_BASE_L5 : PAGE_OFFSET_BASE_L4);
    this.vmallocStart = o.vmallocBase ?? (o.la57 ? VMALLOC_BASE_L5 : VMALLOC_BASE_L4);
    this.vmallocEnd = this.vmallocStart + (o.la57 ? VMALLOC_SIZE_L5 : VMALLOC_SIZE_L4);
    this.vmemmapStart = o.vmemmapBase ?? (o.la57 ? VMEMMAP_BASE_L5 : VMEMMAP_BASE_L4);
    this.vmemmapEnd = this.vmemmapStart + (o.la57 ? VMEMMAP_SIZE_L5 : VMEMMAP_SIZE_L4);
    // KASLR packs the regions: vmalloc never runs into vmemmap (kernel_randomize_memory, arch/x86/mm/kaslr.c).
    if (this.vmemmapStart > this.vmallocStart && this.vmemmapStart < this.vmallocEnd) this.vmallocEnd = this.vmemmapStart;
    this.modulesVaddr = START_KERNEL_MAP + (o.kernelImageSize ?? KERNEL_IMAGE_SIZE_KASLR);
    this.userSpaceEnd = o.la57 ? USER_SPACE_END_L5 : USER_SPACE_END_L4;
    // kernel_randomize_memory() places the direct map, vmalloc and vmemmap in that order: the direct map
    // ends where the next region begins, and never covers more than MAX_PHYSMEM_BITS of memory.
    let end = this.pageOffsetBase + (1n << (o.la57 ? MAX_PHYSMEM_BITS_L5 : MAX_PHYSMEM_BITS_L4));
    for (const next of [this.vmallocStart, this.vmemmapStart, CPU_ENTRY_AREA_BASE]) {
      if (next > this.pageOffsetBase && next < end) end = next;
    }
    this.directMapEnd = end;
  }

  /** Which region of the layout an address falls in. */
  region(vaddr: bigint): AddressRegionName {
    if (vaddr < 0n || vaddr > U64_MASK || !isCanonical(vaddr, this.la57)) return "non-canonical";
    if (vaddr < this.userSpaceEnd) return "user";
    if (vaddr >= this.pageOffsetBase && vaddr < this.directMapEnd) return "direct map";
    if (vaddr >= this.vmallocStart && vaddr < this.vmallocEnd) return "vmalloc";
    if (vaddr >= this.vmemmapStart && vaddr < this.vmemmapEnd) return "vmemmap";
    if (vaddr >= CPU_ENTRY_AREA_BASE && vaddr < CPU_ENTRY_AREA_BASE + CPU_ENTRY_AREA_SIZE) return "cpu_entry_area";
    if (vaddr >= ESPFIX_BASE_ADDR && vaddr < ESPFIX_BASE_ADDR + (1n << 39n)) return "espfix";
    if (vaddr >= EFI_VA_END && vaddr < EFI_VA_START) return "efi";
    if (vaddr >= START_KERNEL_MAP && vaddr < this.modulesVaddr) return "kernel text";
    if (vaddr >= this.modulesVaddr && vaddr < this.modulesEnd) return "modules";
    if (vaddr >= VSYSCALL_ADDR && vaddr < VSYSCALL_ADDR + 0x1000n) return "vsyscall";
    if (vaddr >= this.modulesEnd && vaddr < FIXADDR_TOP + 0x1000n) return "fixmap";
    return "kernel hole";
  }

  /** The direct-map address of a physical address (__va()). */
  ptov(phys: number): bigint {
    if (!Number.isSafeInteger(phys) || phys < 0) throw new InvalidAddressError(0n, `bad physical address ${phys}`);
    return (this.pageOffsetBase + BigInt(phys)) & U64_MASK;
  }
}

/** A per-CPU variable's address on one CPU: the symbol plus __per_cpu_offset[cpu], modulo 2^64. */
export function perCpuAddress(symbolAddr: bigint, perCpuOffset: bigint): bigint {
  return (symbolAddr + perCpuOffset) & U64_MASK;
}

/** Reads of virtual memory in terms of a translation, page by page. */
export abstract class VirtualMemory {
  protected abstract readonly dump: Dump;
  /** Physical address of a virtual address. */
  abstract translate(vaddr: bigint): number;
  /** The physical address, or -1 where translate() would throw (unmapped, or a page table not in the dump). */
  abstract tryTranslate(vaddr: bigint): number;

  /**
   * `length` bytes from `vaddr`, each 4 KiB page translated on its own. A read inside one page is a view of
   * the dump's cached page (do not write into it). Excluded pages throw ExcludedPageError naming the address.
   */
  read(vaddr: bigint, length: number, options?: ReadPhysOptions): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new InvalidAddressError(vaddr, `bad read length ${length}`);
    if (vaddr < 0n || vaddr + BigInt(length) > U64_MASK + 1n) throw new InvalidAddressError(vaddr, `read of ${length} bytes leaves the address space`);
    const offInPage = Number(vaddr & 0xfffn);
    if (offInPage + length <= PAGE_SIZE_4K) return this.readInPage(vaddr, this.translate(vaddr), length, options);
    // Page by page into one buffer: whole pages are decoded into it, past the dump's page cache.
    const out = new Uint8Array(length);
    let done = 0;
    let va = vaddr;
    while (done < length) {
      const n = Math.min(PAGE_SIZE_4K - Number(va & 0xfffn), length - done);
      const phys = this.translate(va);
      try {
        this.dump.readPhysInto(phys, out.subarray(done, done + n), options);
      } catch (err) {
        rethrowWithAddress(err, va, "page");
      }
      done += n;
      va += BigInt(n);
    }
    return out;
  }

  /** A little-endian u64 at `vaddr`. */
  readU64(vaddr: bigint): bigint {
    const b = this.read(vaddr, 8);
    const lo = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    const hi = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A little-endian u32 at `vaddr`. */
  readU32(vaddr: bigint): number {
    const b = this.read(vaddr, 4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  protected readInPage(vaddr: bigint, phys: number, length: number, options?: ReadPhysOptions): Uint8Array {
    try {
      return this.dump.readPhys(phys, length, options);
    } catch (err) {
      rethrowWithAddress(err, vaddr, "page");
    }
  }
}

export interface X86_64AddressSpaceOptions extends X86_64LayoutOptions {
  dump: Dump;
  /** Physical address of the kernel's top page table (swapper_pg_dir / init_top_pgt, or a CR3). */
  pgdPhys: number;
  /** NUMBER(sme_mask), when memory encryption is on. */
  smeMask?: bigint;
}

/** The kernel's virtual address space. */
export class X86_64AddressSpace extends VirtualMemory {
  readonly dump: Dump;
  readonly layout: X86_64Layout;
  readonly walker: PageTableWalker;
  readonly pgdPhys: number;
  private readonly smeMask: bigint | undefined;
  // Arithmetic translation bounds as 32-bit halves (see translate()).
  private readonly physBaseNum: number;
  private readonly modulesLo: number;
  private readonly pobHi: number;
  private readonly pobLo: number;
  private readonly dmSizeHi: number;
  private readonly dmSizeLo: number;
  /** The high half of the first canonical kernel address (0xffff8000, or 0xff000000 with 5-level paging). */
  private readonly kernelHalfHi: number;

  constructor(o: X86_64AddressSpaceOptions) {
    super();
    if (!Number.isSafeInteger(o.pgdPhys) || o.pgdPhys < 0) throw new InvalidAddressError(0n, `bad page-table root ${o.pgdPhys}`);
    this.dump = o.dump;
    this.pgdPhys = o.pgdPhys;
    this.smeMask = o.smeMask;
    this.layout = new X86_64Layout(o);
    this.walker = new PageTableWalker(o.dump, { la57: o.la57, smeMask: o.smeMask });
    this.physBaseNum = Number(o.physBase);
    const modulesOff = this.layout.modulesVaddr - START_KERNEL_MAP;
    this.modulesLo = modulesOff >= 1n << 31n ? 0xffffffff : 0x80000000 + Number(modulesOff);
    this.pobHi = Number(this.layout.pageOffsetBase >> 32n);
    this.pobLo = Number(this.layout.pageOffsetBase & 0xffffffffn);
    const dmSize = this.layout.directMapEnd - this.layout.pageOffsetBase;
    this.dmSizeHi = Number(dmSize >> 32n);
    this.dmSizeLo = Number(dmSize & 0xffffffffn);
    this.kernelHalfHi = o.la57 ? 0xff000000 : 0xffff8000;
  }

  /** The same kernel with the KASLR bases read from its variables (page_offset_base, ...). */
  withLayout(o: Partial<X86_64LayoutOptions>): X86_64AddressSpace {
    const l = this.layout;
    return new X86_64AddressSpace({
      dump: this.dump,
      pgdPhys: this.pgdPhys,
      smeMask: this.smeMask,
      la57: l.la57,
      physBase: o.physBase ?? l.physBase,
      pageOffsetBase: o.pageOffsetBase ?? l.pageOffsetBase,
      vmallocBase: o.vmallocBase ?? l.vmallocStart,
      vmemmapBase: o.vmemmapBase ?? l.vmemmapStart,
      kernelImageSize: o.kernelImageSize ?? l.modulesVaddr - START_KERNEL_MAP,
    });
  }

  /**
   * VirtualMemory.read with a shortcut for its most common case, a read inside one page of the kernel text
   * mapping or the direct map (task_structs, slab objects, kernel data): the address is split into halves
   * once and translated arithmetically, with no further BigInt arithmetic (each BigInt operation allocates;
   * walkers make hundreds of thousands of these reads). Anything else takes the general path.
   */
  override read(vaddr: bigint, length: number, options?: ReadPhysOptions): Uint8Array {
    if (vaddr >= 0n && vaddr <= U64_MASK && length >= 0 && length <= PAGE_SIZE_4K && Number.isInteger(length)) {
      const lo = Number(BigInt.asUintN(32, vaddr));
      if ((lo & 0xfff) + length <= PAGE_SIZE_4K) {
        const hi = Number(vaddr >> 32n);
        const phys = this.computed(hi, lo);
        if (phys >= 0) return this.readInPage(vaddr, phys, length, options);
        // The upper canonical half (above the user space, as translate() checks): the page tables.
        if (phys === NOT_COMPUTED && hi >= this.kernelHalfHi) return this.readInPage(vaddr, this.walker.translateHalves(this.pgdPhys, hi, lo, vaddr), length, options);
      }
    }
    return super.read(vaddr, length, options);
  }

  /**
   * Physical address of a kernel virtual address: arithmetic for the kernel text mapping and the direct
   * map (crash's x86_64_VTOP), a page-table walk for the rest. Throws InvalidAddressError when unmapped.
   */
  translate(vaddr: bigint): number {
    if (vaddr < 0n || vaddr > U64_MASK) throw new InvalidAddressError(vaddr, "not a 64-bit address");
    const hi = Number(vaddr >> 32n);
    const lo = Number(vaddr & 0xffffffffn);
    const phys = this.computed(hi, lo);
    if (phys >= 0) return phys;
    if (phys === BELOW_ZERO) throw new InvalidAddressError(vaddr, "kernel text address below physical 0");
    if (vaddr < this.layout.userSpaceEnd) throw new InvalidAddressError(vaddr, "user address in the kernel address space");
    if (!isCanonical(vaddr, this.layout.la57)) throw new InvalidAddressError(vaddr, "non-canonical address");
    return this.walker.translateHalves(this.pgdPhys, hi, lo, vaddr);
  }

  /** translate() that returns -1 instead of throwing (see PageTableWalker.tryTranslate). */
  tryTranslate(vaddr: bigint): number {
    if (vaddr < this.layout.userSpaceEnd || vaddr > U64_MASK || !isCanonical(vaddr, this.layout.la57)) return -1;
    const hi = Number(vaddr >> 32n);
    const lo = Number(vaddr & 0xffffffffn);
    const phys = this.computed(hi, lo);
    if (phys >= 0) return phys;
    if (phys === BELOW_ZERO) return -1;
    return this.walker.tryTranslateHalves(this.pgdPhys, hi, lo);
  }

  /**
   * The arithmetic part of translate(), on halves: the physical address for the kernel text mapping and the
   * direct map, NOT_COMPUTED elsewhere, BELOW_ZERO for text below physical 0.
   */
  private computed(hi: number, lo: number): number {
    // Kernel text mapping: [__START_KERNEL_map, MODULES_VADDR) → virt - __START_KERNEL_map + phys_base.
    if (hi === 0xffffffff && lo >= 0x80000000 && lo < this.modulesLo) {
      const phys = lo - 0x80000000 + this.physBaseNum;
      return phys < 0 ? BELOW_ZERO : phys;
    }
    // Direct map: [page_offset_base, directMapEnd) → virt - page_offset_base, on halves with a borrow.
    let offLo = lo - this.pobLo;
    let offHi = hi - this.pobHi;
    if (offLo < 0) {
      offLo += TWO_32;
      offHi -= 1;
    }
    if (offHi >= 0 && (offHi < this.dmSizeHi || (offHi === this.dmSizeHi && offLo < this.dmSizeLo))) {
      return offHi * TWO_32 + offLo;
    }
    return NOT_COMPUTED;
  }

  /** Every level of the walk, for `vtop` (crash walks even where it computes: so does this). */
  translateVerbose(vaddr: bigint): PageWalk {
    return this.walker.walk(this.pgdPhys, vaddr);
  }

  /** The direct-map address of a physical address. */
  ptov(phys: number): bigint {
    return this.layout.ptov(phys);
  }

  /** A task's user address space, from the physical address of its mm->pgd. */
  userSpace(pgdPhys: number): UserAddressSpace {
    return new UserAddressSpace(this, pgdPhys, this.smeMask);
  }
}

/**
 * A user address space (a task's mm->pgd). User addresses are walked (PROTNONE pages count as mapped, as
 * in crash's uvtop); kernel addresses go to the kernel address space, as crash's uvtop hands them to kvtop.
 */
export class UserAddressSpace extends VirtualMemory {
  readonly dump: Dump;
  readonly walker: PageTableWalker;

  constructor(
    readonly kernel: X86_64AddressSpace,
    readonly pgdPhys: number,
    smeMask?: bigint,
  ) {
    super();
    if (!Number.isSafeInteger(pgdPhys) || pgdPhys < 0) throw new InvalidAddressError(0n, `bad page-table root ${pgdPhys}`);
    this.dump = kernel.dump;
    this.walker = new PageTableWalker(kernel.dump, { la57: kernel.layout.la57, smeMask, acceptProtnone: true });
  }

  translate(vaddr: bigint): number {
    if (vaddr >= this.kernel.layout.userSpaceEnd) return this.kernel.translate(vaddr);
    if (vaddr < 0n) throw new InvalidAddressError(vaddr, "not a 64-bit address");
    return this.walker.translate(this.pgdPhys, vaddr);
  }

  tryTranslate(vaddr: bigint): number {
    if (vaddr >= this.kernel.layout.userSpaceEnd) return this.kernel.tryTranslate(vaddr);
    if (vaddr < 0n) return -1;
    return this.walker.tryTranslate(this.pgdPhys, vaddr);
  }

  translateVerbose(vaddr: bigint): PageWalk {
    if (vaddr >= this.kernel.layout.userSpaceEnd) return this.kernel.translateVerbose(vaddr);
    return this.walker.walk(this.pgdPhys, vaddr);
  }
}
