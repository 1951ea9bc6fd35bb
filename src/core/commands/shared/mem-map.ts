// The struct page of a physical address and its memory-map line as data (memory.c dump_mem_map_SPARSEMEM
// with ADDRESS_SPECIFIED): what `kmem -p` lists and `vtop` ends with.
import { decodePageFlags, pfnToPage, readStructPage, type StructPage } from "../../kernel/mm/mm";
import type { CommandContext } from "../command";

const PAGE_SIZE = 4096;

/** A struct page with its flags by the kernel's names. */
export interface MemMapPage extends StructPage {
  flagNames: string[];
}

/** crash's PADDR_PRLEN: the hex width of the highest physical address, at least that of "PHYSICAL". */
export function paddrWidth(ctx: CommandContext): number {
  return Math.max(8, (ctx.prog.dump.maxPfn * PAGE_SIZE).toString(16).length);
}

export function memMapPage(ctx: CommandContext, p: StructPage): MemMapPage {
  return { ...p, flagNames: decodePageFlags(ctx.prog, p.flags) };
}

/** The struct page of a physical address, or undefined when no present section holds it (crash prints nothing). */
export function structPageOfPhys(ctx: CommandContext, phys: number): StructPage | undefined {
  const pfn = Math.floor(phys / PAGE_SIZE);
  const page = pfnToPage(ctx.prog, pfn);
  if (page === undefined) return undefined;
  return readStructPage(ctx.prog, page, pfn);
}
