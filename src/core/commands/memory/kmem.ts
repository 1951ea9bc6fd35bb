// crash's `kmem` (memory.c cmd_kmem), the -i and -p options: the memory summary (dump_kmeminfo, crash 8.0.6)
// and the struct page of an address (dump_mem_map_SPARSEMEM with ADDRESS_SPECIFIED).
import { KdwError } from "../../io/errors";
import { countMemMap, pageToPfn, readStructPage, type StructPage } from "../../kernel/mm/mm";
import { hugetlbTotalPages, nrBlockdevPages, overcommit, swapTotals, totalramPages, vmStat, zonesFreePages } from "../../kernel/mm/stat";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { memMapPage, paddrWidth, structPageOfPhys, type MemMapPage } from "../shared/mem-map";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { formatKmem } from "./kmem-format";

const PAGE_SIZE = 4096;

// ---- kmem -i (dump_kmeminfo) ----

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

// ---- kmem -p ----

export interface KmemPages {
  pages: MemMapPage[];
  /** crash's PADDR_PRLEN, the width of the PHYSICAL column. */
  paddrWidth: number;
  /** Addresses whose struct page could not be read. */
  errors: string[];
}

export type KmemResult = ({ kind: "info" } & KmemInfo) | ({ kind: "pages" } & KmemPages);

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

function kmemPages(ctx: CommandContext, values: readonly bigint[], physical: boolean): KmemPages {
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

interface KmemOptions {
  mode: "info" | "pages";
  physical: boolean;
  values: bigint[];
}

export const kmemCommand = defineCommand({
  name: "kmem",
  summary: "kernel memory",
  help: `SYNOPSIS
  kmem -i
  kmem -p [-P] address ...

DESCRIPTION
  -i  the memory summary: total, free, used, shared, buffers, page cache and slab pages, hugetlb pools,
      swap space and the overcommit limit, each in pages, as a size, and as a share of its total.
      TOTAL MEM is totalram_pages; FREE sums the zones' NR_FREE_PAGES; SHARED counts the pages that are
      not reserved and have a reference count above one (a walk of every struct page, as crash 8.0.6 does);
      CACHED is NR_FILE_PAGES less the swap cache and the block-device pages; SLAB is the reclaimable and
      unreclaimable slab counters; COMMITTED is vm_committed_as.
  -p  the struct page of each address: a struct page pointer, a kernel virtual address, or a physical
      address (any value below the direct map, or every value with -P), with its mapping, index,
      reference count and page flags by the kernel's names.`,
  options: { flags: "ipP", invalid: (o) => `option ${o} is not supported by kdw (supported: -i, -p, -P)` },
  parse(args): KmemOptions {
    const values = args.operands.map((a) => {
      if (!isHexAddress(a)) throw new CommandError("kmem", `invalid address: ${a}`);
      return parseHex(a);
    });
    if (args.has("i") && args.has("p")) throw new CommandError("kmem", "only one flag allowed!");
    if (args.has("i")) return { mode: "info", physical: false, values };
    if (args.has("p")) {
      if (values.length === 0) throw new CommandError("kmem", "-p needs an address");
      return { mode: "pages", physical: args.has("P"), values };
    }
    throw new CommandError("kmem", "an option is required (kdw supports -i and -p)");
  },
  execute: (ctx, o): KmemResult => (o.mode === "info" ? { kind: "info", ...kmemInfo(ctx) } : { kind: "pages", ...kmemPages(ctx, o.values, o.physical) }),
  format: formatKmem,
  errors: (r) => (r.kind === "info" ? r.problems.map((p) => `kmem: ${p}`) : r.errors),
});
