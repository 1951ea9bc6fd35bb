// kmem -f, -F and -f ADDRESS: the buddy allocator's free lists per zone, order and migrate type, as crash
// 8.0.6's dump_free_pages_zones_v2 and dump_zone_free_area show them, checked against the zones'
// NR_FREE_PAGES ("verified"), and the free block holding an address.
import { KdwError } from "../../io/errors";
import { zoneFreeLists, type FreeList } from "../../kernel/mm/buddy";
import { pageToPfn, pfnToPage } from "../../kernel/mm/mm";
import { memoryNodes, nodeLayout, type MemoryNode, type Zone } from "../../kernel/mm/nodes";
import { zoneVmStat } from "../../kernel/mm/vmstat";
import type { CommandContext } from "../command";

const PAGE_SIZE = 4096;

export interface FreeZone {
  /** Printed with a NODE header (more than one node). */
  nodeId?: number;
  index: number;
  name: string;
  size: number;
  /** zone->vm_stat[NR_FREE_PAGES]. */
  free: number;
  memMap: bigint;
  startPaddr: bigint;
  startMapnr: number;
  /** The free lists (empty when the zone has no free pages: crash does not walk them). */
  lists: FreeList[];
}

export interface KmemFree {
  verbose: boolean;
  zones: FreeZone[];
  /** The sum of the zones' free counters, and the pages found on their lists. */
  nrFreePages: number;
  found: number;
  errors: string[];
}

/** The block found for `kmem -f ADDRESS`. */
export interface FreeBlockHit {
  zone: FreeZone;
  list: FreeList;
  /** The struct page of the block's first page. */
  block: bigint;
  /** The address as given, whether physical, and its page's index in the block. */
  value: bigint;
  physical: boolean;
  offset: number;
}

export interface KmemFreeSearch {
  hit?: FreeBlockHit;
  errors: string[];
}

/** zone->vm_stat[NR_FREE_PAGES] (crash's zone_free_pages). */
function nrFreePagesOf(ctx: CommandContext, zone: Zone): number {
  const off = nodeLayout(ctx.prog).vmStat;
  if (off === undefined) return 0;
  const c = zoneVmStat(ctx.prog, zone.address + BigInt(off)).find((x) => x.name === "NR_FREE_PAGES");
  return c ? Number(c.value) : 0;
}

function pageOf(ctx: CommandContext, pfn: number): bigint {
  try {
    return pfnToPage(ctx.prog, pfn) ?? 0n;
  } catch (err) {
    if (err instanceof KdwError) return 0n;
    throw err;
  }
}

function zoneRow(ctx: CommandContext, node: MemoryNode, zone: Zone, multiNode: boolean): Omit<FreeZone, "lists"> {
  const memMap = zone.spanned ? pageOf(ctx, zone.startPfn) : 0n;
  const nodeMemMap = node.nodeMemMap ?? pageOf(ctx, node.startPfn);
  const size = ctx.prog.sizeOf("struct page");
  const row: Omit<FreeZone, "lists"> = {
    index: zone.index,
    name: zone.name,
    size: zone.spanned,
    free: nrFreePagesOf(ctx, zone),
    memMap,
    startPaddr: BigInt(zone.startPfn) * BigInt(PAGE_SIZE),
    startMapnr: memMap ? Number((memMap - nodeMemMap) / BigInt(size)) : 0,
  };
  if (multiNode) row.nodeId = node.id;
  return row;
}

/** kmem -f / -F. */
export function kmemFree(ctx: CommandContext, verbose: boolean): KmemFree {
  const nodes = memoryNodes(ctx.prog);
  const result: KmemFree = { verbose, zones: [], nrFreePages: 0, found: 0, errors: [] };
  for (const node of nodes) {
    for (const zone of node.zones) {
      const row = zoneRow(ctx, node, zone, nodes.length > 1);
      const lists = row.free ? zoneFreeLists(ctx.prog, zone, { pages: verbose }) : [];
      for (const l of lists) {
        if (l.aborted) result.errors.push(`kmem: corrupted free list ${l.migratetype} from free_area struct: ${l.head.toString(16)} (${l.aborted.message})`);
        result.found += l.blocks * 2 ** l.order;
      }
      result.nrFreePages += row.free;
      result.zones.push({ ...row, lists });
    }
  }
  return result;
}

/** kmem -f ADDRESS: the free block holding a struct page, a kernel virtual or a physical address. */
export function kmemFreeSearch(ctx: CommandContext, value: bigint, physical: boolean): KmemFreeSearch {
  const prog = ctx.prog;
  const as = ctx.addressSpace;
  const isVirtual = !physical && value >= as.layout.pageOffsetBase;
  let searchPhys: number;
  if (isVirtual) {
    const pfn = pageToPfn(prog, value, as.layout.vmemmapStart);
    searchPhys = pfn !== undefined ? pfn * PAGE_SIZE : as.tryTranslate(value);
    if (searchPhys < 0) return { errors: [] };
  } else {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return { errors: [`kmem: cannot determine page for ${value.toString(16)}`] };
    searchPhys = Number(value);
  }
  const searchPfn = Math.floor(searchPhys / PAGE_SIZE);
  const searchPage = pfnToPage(prog, searchPfn);
  if (searchPage === undefined) return { errors: [`kmem: cannot determine page for ${value.toString(16)}`] };
  const nodes = memoryNodes(prog);
  const pageSize = BigInt(prog.sizeOf("struct page"));
  for (const node of nodes) {
    if (searchPfn < node.startPfn || searchPfn >= node.startPfn + node.spanned) continue;
    for (const zone of node.zones) {
      const row = zoneRow(ctx, node, zone, nodes.length > 1);
      if (!row.free) continue;
      let hit: { page: bigint; order: number } | undefined;
      // Inside the block: crash's free_page_callback also takes the page one past a block (<= last_page),
      // stops there, then finds the address outside that block and prints nothing, even when that page
      // heads a free block of its own (test/golden/kmem-ref.test.ts shows one).
      const lists = zoneFreeLists(prog, zone, { pages: false, stopAt: (page, order) => (searchPage >= page && searchPage < page + (1n << BigInt(order)) * pageSize ? ((hit = { page, order }), true) : false) });
      if (!hit) continue;
      const found = hit as { page: bigint; order: number };
      const list = lists.at(-1)!;
      const blockPfn = pageToPfn(prog, found.page, as.layout.vmemmapStart);
      if (blockPfn === undefined) return { errors: [] };
      return { hit: { zone: { ...row, lists: [] }, list, block: found.page, value, physical: !isVirtual, offset: searchPfn - blockPfn }, errors: [] };
    }
  }
  return { errors: [] };
}
