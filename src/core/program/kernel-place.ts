// Placing a kernel in its dump, with or without a vmlinux: the KASLR slide, the page-table root and the
// randomized bases of the direct map, vmalloc and vmemmap (arch/x86/mm/kaslr.c). The bases are kernel
// variables; when the page holding one is missing (an excluded page, a file cut short) or holds nonsense,
// they are derived from values in VMCOREINFO through page-table walks, and what was lost is said.
import { START_KERNEL_MAP, X86_64AddressSpace } from "../arch/x86_64/layout";
import type { Dump } from "../dump/dump";
import type { Vmcoreinfo } from "../dump/vmcoreinfo";
import { KdwError, MissingDebugInfo } from "../io/errors";

/** kernel_randomize_memory() aligns each region's base to PUD_SIZE (1 GiB). */
const PUD_SIZE = 1n << 30n;
const PUD_MASK = ~(PUD_SIZE - 1n) & ((1n << 64n) - 1n);
/** The kernel half starts here with 4-level paging (5-level starts lower, at 0xff00000000000000). */
const KERNEL_HALF_L4 = 0xffff800000000000n;
const KERNEL_HALF_L5 = 0xff00000000000000n;
/** Sections looked at to find an encoded mem_map (mem_section[0][0..N]). */
const MAX_SECTIONS_PROBED = 256;
/** vmap_area_list entries looked at for the lowest vmalloc address. */
const MAX_VMAP_AREAS = 64;

export interface KernelPlacement {
  vmcoreinfo: Vmcoreinfo;
  kaslrOffset: bigint;
  physBase: bigint;
  la57: boolean;
  pgdPhys: number;
}

/**
 * What VMCOREINFO says about where the kernel is. `linkTimeSymbol` (a vmlinux's symtab) fills in what
 * VMCOREINFO lacks: the slide from _stext, and init_top_pgt.
 */
export function placeKernel(dump: Dump, linkTimeSymbol?: (name: string) => bigint | undefined): KernelPlacement {
  const vmci = dump.vmcoreinfo;
  if (!vmci) throw new MissingDebugInfo(`${dump.source.name}: the dump has no VMCOREINFO: cannot place the kernel (KASLR offset, page tables)`);
  // KASLR: VMCOREINFO's KERNELOFFSET, else the difference of _stext in memory and in the file.
  let kaslrOffset = vmci.kernelOffset ?? 0n;
  if (vmci.kernelOffset === undefined) {
    const stext = vmci.symbol("_stext");
    const linked = linkTimeSymbol?.("_stext");
    if (stext !== undefined && linked !== undefined) kaslrOffset = stext - linked;
  }
  const physBase = vmci.physBase ?? 0n;
  const la57 = vmci.number("pgtable_l5_enabled") === 1n;
  const linkedPgd = linkTimeSymbol?.("init_top_pgt");
  const pgdVirt = vmci.symbol("swapper_pg_dir") ?? vmci.symbol("init_top_pgt") ?? (linkedPgd === undefined ? undefined : linkedPgd + kaslrOffset);
  if (pgdVirt === undefined) throw new MissingDebugInfo(`${dump.source.name}: cannot find the kernel page tables (no swapper_pg_dir / init_top_pgt in VMCOREINFO or the vmlinux)`);
  const pgdPhys = Number(pgdVirt - START_KERNEL_MAP + physBase);
  if (!Number.isSafeInteger(pgdPhys) || pgdPhys < 0) throw new MissingDebugInfo(`${dump.source.name}: the page-table root ${pgdVirt.toString(16)} is not in the kernel image (phys_base ${physBase})`);
  return { vmcoreinfo: vmci, kaslrOffset, physBase, la57, pgdPhys };
}

/** The kernel's address space with the default (non-randomized) region bases: enough to read the kernel image. */
export function bootAddressSpace(dump: Dump, p: KernelPlacement): X86_64AddressSpace {
  return new X86_64AddressSpace({ dump, pgdPhys: p.pgdPhys, physBase: p.physBase, la57: p.la57 });
}

type BaseName = "page_offset_base" | "vmalloc_base" | "vmemmap_base";

export interface KaslrBases {
  space: X86_64AddressSpace;
  /** One line per base that could not be read as it is: what happened and what stands in its place. */
  notes: string[];
}

function errorText(err: unknown): string {
  return err instanceof KdwError ? err.message : String(err);
}

/** A region base as kaslr.c leaves it: PUD-aligned, in the kernel half, below the kernel text mapping. */
function plausibleBase(v: bigint, la57: boolean): boolean {
  return (v & (PUD_SIZE - 1n)) === 0n && v >= (la57 ? KERNEL_HALF_L5 : KERNEL_HALF_L4) && v < START_KERNEL_MAP;
}

/**
 * The address space with the randomized bases read from the kernel's variables (`symbolAddress` gives their
 * run-time addresses); a base whose page is missing or whose value is not a base is derived instead (see
 * deriveBases) and noted.
 */
export function withKaslrBases(space: X86_64AddressSpace, symbolAddress: (name: string) => bigint | undefined, vmci: Vmcoreinfo | null): KaslrBases {
  const la57 = space.layout.la57;
  const notes: string[] = [];
  const read: Partial<Record<BaseName, bigint>> = {};
  const failed: Partial<Record<BaseName, string>> = {};
  for (const name of ["page_offset_base", "vmalloc_base", "vmemmap_base"] as const) {
    const at = symbolAddress(name);
    if (at === undefined) continue; // a kernel without CONFIG_RANDOMIZE_MEMORY: the defaults are right
    try {
      const v = space.readU64(at);
      if (plausibleBase(v, la57)) read[name] = v;
      else failed[name] = `reads ${v.toString(16)}, which is not a region base`;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      failed[name] = errorText(err);
    }
  }
  if (Object.keys(failed).length > 0) {
    const derived = deriveBases(space, vmci, read.page_offset_base);
    for (const name of Object.keys(failed) as BaseName[]) {
      const d = derived[name];
      if (d) {
        read[name] = d.value;
        notes.push(`${name}: ${failed[name]}; derived from ${d.from}: ${d.value.toString(16)}`);
      } else notes.push(`${name}: ${failed[name]}; not derivable: the default ${defaultBase(space, name).toString(16)} is used, addresses in that region may be wrong`);
    }
  }
  return { space: space.withLayout({ pageOffsetBase: read.page_offset_base, vmallocBase: read.vmalloc_base, vmemmapBase: read.vmemmap_base }), notes };
}

function defaultBase(space: X86_64AddressSpace, name: BaseName): bigint {
  const l = space.layout;
  return name === "page_offset_base" ? l.pageOffsetBase : name === "vmalloc_base" ? l.vmallocStart : l.vmemmapStart;
}

interface Derived {
  value: bigint;
  from: string;
}

/**
 * The bases from what VMCOREINFO publishes, read through page-table walks alone (the direct map's arithmetic
 * needs the base being derived):
 * - page_offset_base: a direct-map pointer (SYMBOL(mem_section); each CPU's GS base) minus the physical
 *   address the page tables map it to, when that is PUD-aligned;
 * - vmemmap_base: a present section's encoded mem_map (sparse_encode_mem_map: mem_map - section_nr_to_pfn,
 *   which is vmemmap itself with SPARSEMEM_VMEMMAP), rounded down to its PUD;
 * - vmalloc_base: the lowest vmap_area's va_start (vmap_area_list is sorted), rounded down to its PUD.
 */
export function deriveBases(space: X86_64AddressSpace, vmci: Vmcoreinfo | null, pageOffsetBase?: bigint): Partial<Record<BaseName, Derived>> {
  const out: Partial<Record<BaseName, Derived>> = {};
  const la57 = space.layout.la57;
  const walk = (va: bigint): number => space.walker.tryTranslate(space.pgdPhys, va);
  const readU64 = (va: bigint): bigint | undefined => {
    const phys = walk(va);
    if (phys < 0) return undefined;
    try {
      const b = space.dump.readPhys(phys, 8);
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    } catch (err) {
      if (err instanceof KdwError) return undefined;
      throw err;
    }
  };

  const candidates: [bigint, string][] = [];
  const memSection = vmci?.symbol("mem_section");
  if (memSection !== undefined) candidates.push([memSection, "the page tables (SYMBOL(mem_section))"]);
  for (const cpu of space.dump.cpus) candidates.push([cpu.regs.gs_base, `the page tables (CPU ${cpu.cpu}'s GS base)`]);
  if (pageOffsetBase === undefined) {
    for (const [va, from] of candidates) {
      if (va < (la57 ? KERNEL_HALF_L5 : KERNEL_HALF_L4) || va >= START_KERNEL_MAP) continue;
      const phys = walk(va);
      if (phys < 0) continue;
      const base = va - BigInt(phys);
      if (plausibleBase(base, la57)) {
        out.page_offset_base = { value: base, from };
        break;
      }
    }
  }

  if (memSection !== undefined) {
    const sectionSize = BigInt(vmci?.size("mem_section") ?? 16);
    const mapOff = BigInt(vmci?.offset("mem_section.section_mem_map") ?? 0);
    // SPARSEMEM_EXTREME: mem_section points at an array of roots; otherwise it is the sections themselves.
    const root = readU64(memSection);
    for (const first of root !== undefined ? [root, memSection] : [memSection]) {
      for (let i = 0n; i < BigInt(MAX_SECTIONS_PROBED) && !out.vmemmap_base; i++) {
        const map = readU64(first + i * sectionSize + mapOff);
        if (map === undefined) break;
        if (map === 0n) continue;
        const base = map & PUD_MASK;
        if (plausibleBase(base, la57) && base !== (pageOffsetBase ?? out.page_offset_base?.value)) out.vmemmap_base = { value: base, from: "VMCOREINFO's mem_section (encoded mem_map)" };
        else break;
      }
      if (out.vmemmap_base) break;
    }
  }

  const vmapList = vmci?.symbol("vmap_area_list");
  const listOff = vmci?.offset("vmap_area.list");
  const startOff = vmci?.offset("vmap_area.va_start");
  if (vmapList !== undefined && listOff !== undefined && startOff !== undefined) {
    let lowest: bigint | undefined;
    let node = readU64(vmapList);
    for (let n = 0; n < MAX_VMAP_AREAS && node !== undefined && node !== vmapList; n++) {
      const start = readU64(node - BigInt(listOff) + BigInt(startOff));
      if (start !== undefined && plausibleBase(start & PUD_MASK, la57) && (lowest === undefined || start < lowest)) lowest = start;
      node = readU64(node);
    }
    if (lowest !== undefined) out.vmalloc_base = { value: lowest & PUD_MASK, from: "VMCOREINFO's vmap_area_list (lowest vmap_area)" };
  }
  return out;
}
