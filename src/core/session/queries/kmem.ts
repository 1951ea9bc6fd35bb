// Kernel memory for the workbench, the report and the detectors: SLUB's caches with crash's `kmem -s`
// counts, and vmalloc's busy areas with who asked for them (`kmem -v`), read through the walkers of
// kernel/mm (slab.ts, vmalloc.ts), never through command text.
import type { X86_64AddressSpace } from "../../arch/x86_64/layout";
import type { SymbolTable } from "../../debuginfo/symbols";
import { KdwError } from "../../io/errors";
import { readSlabCache, slabCacheCounts, slabCacheList } from "../../kernel/mm/slab";
import { slabAllocator } from "../../kernel/mm/slab-layout";
import { vmapAreas } from "../../kernel/mm/vmalloc";
import type { Program } from "../../program/program";
import type { SlabCacheRow, SlabCachesParams, SlabCachesReply, VmallocArea, VmallocAreasReply } from "../contract";
import { hex, problem, toProblem } from "../problems";

const PAGE_SIZE = 4096;

export function slabCachesReply(prog: Program, map: X86_64AddressSpace, p: SlabCachesParams): SlabCachesReply {
  const allocator = slabAllocator(prog);
  if (allocator !== "slub") {
    const why = allocator === "none" ? "no struct kmem_cache in the debug information" : `this kernel uses ${allocator.toUpperCase()}: kdw reads SLUB caches only`;
    return { allocator, items: [], problems: [problem("unsupported", why)] };
  }
  const list = slabCacheList(prog);
  const reply: SlabCachesReply = { allocator, items: [], problems: list.aborted ? [problem("walk-aborted", list.aborted.message)] : [] };
  for (const address of list.caches) {
    try {
      const c = readSlabCache(prog, address);
      if (p.name !== undefined && c.name !== p.name) continue;
      const row: SlabCacheRow = { address: hex(address), name: c.name, objectSize: c.objectSize, size: c.size, objectsPerSlab: c.objects, slabSize: PAGE_SIZE * 2 ** c.order, flags: hex(c.flags) };
      try {
        Object.assign(row, slabCacheCounts(prog, map, c));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        reply.problems.push(problem("walk-aborted", `${c.name}: cannot gather relevant slab data: ${err.message}`, { address: hex(address) }));
      }
      reply.items.push(row);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      reply.problems.push(toProblem(err));
    }
  }
  return reply;
}

export function vmallocAreasReply(prog: Program, symbols: SymbolTable): VmallocAreasReply {
  const { variant, areas, aborted } = vmapAreas(prog);
  const items = areas.map((a): VmallocArea => {
    const row: VmallocArea = { address: hex(a.address), vm: hex(a.vm), start: hex(a.start), end: hex(a.end), size: Number(a.size) };
    if (a.vmFlags !== undefined) row.flags = hex(a.vmFlags);
    if (a.caller !== undefined) {
      row.caller = hex(a.caller);
      const at = symbols.symbolAt(a.caller);
      if (at) row.callerSymbol = at.offset ? `${at.symbol.name}+${at.offset}` : at.symbol.name;
    }
    if (a.nrPages !== undefined) row.nrPages = a.nrPages;
    if (a.physAddr !== undefined) row.physAddr = hex(a.physAddr);
    return row;
  });
  return { source: variant === "list" ? "vmap_area_list" : "vmap_nodes", items, problems: aborted ? [problem("walk-aborted", aborted.message)] : [] };
}
