// A kernel without a vmlinux: its address space from VMCOREINFO (page-table root, phys_base, 5-level
// paging, randomized bases) and its symbols from its own kallsyms, when VMCOREINFO points at them. Enough
// for questions that need no types (kdw info's system RAM); the no-debuginfo wave builds on it.
import { START_KERNEL_MAP, X86_64AddressSpace } from "../arch/x86_64/layout";
import { kallsymsFromVmcoreinfo, readKallsyms } from "../debuginfo/kallsyms";
import type { SymbolTable } from "../debuginfo/symbols";
import type { Dump } from "../dump/dump";
import { KdwError } from "../io/errors";
import { u64le } from "../io/little-endian";

export interface BareKernel {
  space: X86_64AddressSpace;
  symbols: SymbolTable;
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
    const symbols = readKallsyms((a, n) => space.read(a, n), loc);
    const base = (name: string) => {
      const s = symbols.lookup(name);
      return s ? u64le(space.read(s.address, 8), 0) : undefined;
    };
    space = space.withLayout({ pageOffsetBase: base("page_offset_base"), vmallocBase: base("vmalloc_base"), vmemmapBase: base("vmemmap_base") });
    return { space, symbols };
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}
