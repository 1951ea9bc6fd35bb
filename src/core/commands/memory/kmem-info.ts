// kmem -i: the memory summary as crash 8.0.6's dump_kmeminfo computes it (memory.c).
import { countMemMap } from "../../kernel/mm/mm";
import { hugetlbTotalPages, nrBlockdevPages, overcommit, swapTotals, totalramPages, vmStat, zonesFreePages } from "../../kernel/mm/stat";
import type { CommandContext } from "../command";

const PAGE_SIZE = 4096;

/** One line of kmem -i: pages, and the percentage of what (undefined for the `----` lines). */
export interface KmemInfoRow {
  label: string;
  pages: number;
  percentOf?: "TOTAL MEM" | "TOTAL HUGE" | "TOTAL SWAP" | "TOTAL LIMIT";
  percent?: number;
}

export interface KmemInfo {
  rows: KmemInfoRow[][];
  /** Struct pages that could not be read during the SHARED count (counted as zeroes, as crash does). */
  unreadableMemMapBytes: number;
  problems: string[];
}

function pct(part: number, whole: number): number {
  return whole ? Math.floor((part * 100) / whole) : 0;
}

/** Everything kmem -i prints, computed the way crash 8.0.6's dump_kmeminfo does. */
export function kmemInfo(ctx: CommandContext): KmemInfo {
  const prog = ctx.prog;
  const problems: string[] = [];
  // 8.0.6 always walks the whole memory map (GET_ALL) for SHARED, and for totalram and slab when the
  // kernel's counters are missing.
  const mm = countMemMap(prog, prog.dump.maxPfn);
  let slab = Number(vmStat(prog, "NR_SLAB") ?? -1);
  if (slab < 0) {
    const rec = vmStat(prog, "NR_SLAB_RECLAIMABLE") ?? vmStat(prog, "NR_SLAB_RECLAIMABLE_B");
    const unrec = vmStat(prog, "NR_SLAB_UNRECLAIMABLE") ?? vmStat(prog, "NR_SLAB_UNRECLAIMABLE_B");
    slab = rec === undefined ? 0 : Number(rec + (unrec ?? 0n));
    if (rec === undefined) problems.push("no slab counters in vm_node_stat/vm_zone_stat");
  }
  const totalram = totalramPages(prog) || mm.pages - mm.reserved;
  const free = zonesFreePages(prog);
  const used = totalram - free;

  const bdev = nrBlockdevPages(prog);
  if (bdev.aborted) problems.push(bdev.aborted.message);
  const buffers = bdev.pages;
  let cached = 0;
  const filePages = vmStat(prog, "NR_FILE_PAGES");
  if (filePages !== undefined) cached = Number(filePages - (vmStat(prog, "NR_SWAPCACHE") ?? 0n)) - buffers;
  if (cached < 0) {
    problems.push(`page_cache_size went negative (${cached}), setting to 0`);
    cached = 0;
  }

  const ofMem = (label: string, pages: number): KmemInfoRow => ({ label, pages, percentOf: "TOTAL MEM", percent: pct(pages, totalram) });
  const rows: KmemInfoRow[][] = [
    [
      { label: "TOTAL MEM", pages: totalram },
      ofMem("FREE", free),
      ofMem("USED", used),
      ofMem("SHARED", mm.shared),
      ofMem("BUFFERS", buffers),
      ofMem("CACHED", cached),
      ofMem("SLAB", slab),
    ],
  ];

  const huge = hugetlbTotalPages(prog);
  if (huge) {
    rows.push([
      { label: "TOTAL HUGE", pages: huge.total },
      { label: "HUGE FREE", pages: huge.free, percentOf: "TOTAL HUGE", percent: pct(huge.free, huge.total) },
    ]);
  }
  const swap = swapTotals(prog);
  if (swap) {
    rows.push([
      { label: "TOTAL SWAP", pages: swap.total },
      { label: "SWAP USED", pages: swap.used, percentOf: "TOTAL SWAP", percent: pct(swap.used, swap.total) },
      { label: "SWAP FREE", pages: swap.total - swap.used, percentOf: "TOTAL SWAP", percent: pct(swap.total - swap.used, swap.total) },
    ]);
  }
  const oc = overcommit(prog);
  // crash stops before COMMIT LIMIT when it needs the ratio but could not read the hugetlb pools.
  if (oc && (oc.kbytes || huge)) {
    let allowed = oc.kbytes ? Math.floor(oc.kbytes / (PAGE_SIZE >> 10)) : Math.floor(((totalram - (huge?.total ?? 0)) * oc.ratio) / 100);
    allowed += swap?.total ?? 0;
    rows.push([
      { label: "COMMIT LIMIT", pages: allowed },
      allowed ? { label: "COMMITTED", pages: oc.committed, percentOf: "TOTAL LIMIT", percent: pct(oc.committed, allowed) } : { label: "COMMITTED", pages: oc.committed },
    ]);
  }
  return { rows, unreadableMemMapBytes: mm.unreadableBytes, problems };
}
