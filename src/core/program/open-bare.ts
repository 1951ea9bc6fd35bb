// A kernel without a vmlinux: its address space from VMCOREINFO (page-table root, phys_base, 5-level
// paging, randomized bases) and its symbols from its own kallsyms, when VMCOREINFO points at them. Enough
// for questions that need no types (kdw info's system RAM); the no-debuginfo wave builds on it.
import { START_KERNEL_MAP, X86_64AddressSpace } from "../arch/x86_64/layout";
import { decodeKallsyms, kallsymsFromVmcoreinfo } from "../debuginfo/kallsyms";
import type { Dump } from "../dump/dump";
import { KdwError } from "../io/errors";
import { u64le } from "../io/little-endian";

export interface BareKernel {
  space: X86_64AddressSpace;
  /**
   * A symbol's address by name, from kallsyms' own name index: a few names are asked, so the sorted table
   * (116,612 names sorted by address, then indexed by name: 150 ms of `kdw info`'s 220) is never built.
   */
  addressOf(name: string): bigint | undefined;
}

/** The kernel's address space and kallsyms, or undefined when VMCOREINFO lacks what that needs. */
export function openBareKernel(dump: Dump): BareKernel | undefined {
  const vmci = dump.vmcoreinfo;
  if (!vmci) return undefined;
  const pgd = vmci.symbol("swapper_pg_dir") ?? vmci.symbol("init_top_pgt");
  const loc = kallsymsFromVmcoreinfo((n) => vmci.symbol(n));
  if (pgd === undefined || !loc) return undefined;
  const physBase = vmci.physBase ?? 0n;
  let space = new X86_64AddressSpace({ dump, pgdPhys: Number(pgd - START_KERNEL_MAP + physBase), physBase, la57: vmci.number("pgtable_l5_enabled") === 1n });
  try {
    const image = decodeKallsyms((a, n) => space.read(a, n), loc);
    const base = (name: string) => {
      const at = image.addressOf(name);
      return at !== undefined ? u64le(space.read(at, 8), 0) : undefined;
    };
    space = space.withLayout({ pageOffsetBase: base("page_offset_base"), vmallocBase: base("vmalloc_base"), vmemmapBase: base("vmemmap_base") });
    return { space, addressOf: (name) => image.addressOf(name) };
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}
