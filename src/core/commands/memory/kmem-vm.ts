// kmem -v [ADDRESS] and kmem -V: vmalloc's areas (memory.c dump_vmap_area) and the vm counters
// (dump_vm_stat, dump_vm_event_state; dump_page_states is for 2.6-era kernels and prints nothing here).
import { KdwError } from "../../io/errors";
import { vmapAreas, type VmapArea, type VmapVariant } from "../../kernel/mm/vmalloc";
import { vmEventStates, vmStatTables, type VmCounter, type VmStatTable } from "../../kernel/mm/vmstat";
import type { CommandContext } from "../command";

const PAGE_SIZE = 4096n;
/** Pages of one area checked for a physical address (a 2 GiB area is 2^19 pages). */
const MAX_PAGES_CHECKED = 1 << 22;

export interface KmemVmalloc {
  variant: VmapVariant;
  areas: VmapArea[];
  errors: string[];
}

/** Whether some page of an area maps the physical address (crash checks each page with kvtop). */
function mapsPhys(ctx: CommandContext, area: VmapArea, phys: bigint): boolean {
  let checked = 0;
  for (let p = area.start; p < area.start + area.size && checked < MAX_PAGES_CHECKED; p += PAGE_SIZE, checked++) {
    const pa = ctx.addressSpace.tryTranslate(p);
    if (pa >= 0 && phys >= BigInt(pa) && phys < BigInt(pa) + PAGE_SIZE) return true;
  }
  return false;
}

/**
 * kmem -v: every area; with addresses, the areas holding each (a kernel virtual address), or mapping it
 * (a physical one: below the direct map, or any value with -P).
 */
export function kmemVmalloc(ctx: CommandContext, addresses: readonly bigint[], physical: boolean): KmemVmalloc {
  const { variant, areas, aborted } = vmapAreas(ctx.prog);
  const errors = aborted ? [`WARNING: invalid/corrupt ${variant === "list" ? "vmap_area_list" : "vmap_nodes.busy list"}: ${aborted.message}`] : [];
  if (!addresses.length) return { variant, areas, errors };
  const out: VmapArea[] = [];
  for (const a of addresses) {
    const isVirtual = !physical && a >= ctx.addressSpace.layout.pageOffsetBase;
    out.push(...areas.filter((v) => (isVirtual ? a >= v.start && a < v.start + v.size : mapsPhys(ctx, v, a))));
  }
  return { variant, areas: out, errors };
}

/** The vmalloc area holding a virtual address, or (for a physical address) the virtual address mapping it. */
export function vmallocLookup(ctx: CommandContext, value: bigint, physical: boolean): { area: VmapArea; vaddr: bigint } | undefined {
  let areas: VmapArea[];
  try {
    areas = vmapAreas(ctx.prog).areas;
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
  if (!physical) {
    const area = areas.find((v) => value >= v.start && value < v.start + v.size);
    return area && { area, vaddr: value };
  }
  for (const area of areas) {
    let checked = 0;
    for (let p = area.start; p < area.start + area.size && checked < MAX_PAGES_CHECKED; p += PAGE_SIZE, checked++) {
      const pa = ctx.addressSpace.tryTranslate(p);
      if (pa >= 0 && value >= BigInt(pa) && value < BigInt(pa) + PAGE_SIZE) return { area, vaddr: p + (value % PAGE_SIZE) };
    }
  }
  return undefined;
}

export interface KmemVmStat {
  tables: VmStatTable[];
  /** The per-CPU event counters summed (VM_EVENT_STATES), where the kernel has them. */
  events?: VmCounter[];
}

/** kmem -V. */
export function kmemVmStat(ctx: CommandContext): KmemVmStat {
  const events = vmEventStates(ctx.prog);
  return events ? { tables: vmStatTables(ctx.prog), events } : { tables: vmStatTables(ctx.prog) };
}
