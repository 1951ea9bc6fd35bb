// kmem -p: the struct page of each address (memory.c dump_mem_map_SPARSEMEM with ADDRESS_SPECIFIED).
import { KdwError } from "../../io/errors";
import { pageToPfn, readStructPage, type StructPage } from "../../kernel/mm/mm";
import type { CommandContext } from "../command";
import { memMapPage, paddrWidth, structPageOfPhys, type MemMapPage } from "../shared/mem-map";

export interface KmemPages {
  pages: MemMapPage[];
  /** crash's PADDR_PRLEN, the width of the PHYSICAL column. */
  paddrWidth: number;
  /** Addresses whose struct page could not be read. */
  errors: string[];
}

/** The struct page an address names: a struct page pointer, a kernel virtual address, or a physical one. */
function structPageOf(ctx: CommandContext, value: bigint, physical: boolean): StructPage | undefined {
  const as = ctx.addressSpace;
  if (!physical && value >= as.layout.pageOffsetBase) {
    const pfn = pageToPfn(ctx.prog, value, as.layout.vmemmapStart);
    if (pfn !== undefined) return readStructPage(ctx.prog, value, pfn);
    const phys = as.tryTranslate(value);
    return phys < 0 ? undefined : structPageOfPhys(ctx, phys);
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return structPageOfPhys(ctx, Number(value));
}

export function kmemPages(ctx: CommandContext, values: readonly bigint[], physical: boolean): KmemPages {
  const result: KmemPages = { pages: [], paddrWidth: paddrWidth(ctx), errors: [] };
  for (const v of values) {
    let p: StructPage | undefined;
    try {
      p = structPageOf(ctx, v, physical);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      result.errors.push(`kmem: ${err.message}`);
      continue;
    }
    if (p) result.pages.push(memMapPage(ctx, p));
  }
  return result;
}
