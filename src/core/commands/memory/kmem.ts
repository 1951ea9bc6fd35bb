// crash's `kmem` (memory.c cmd_kmem), the -i and -p options: the memory summary (dump_kmeminfo, crash 8.0.6)
// and the struct page of an address (dump_mem_map_SPARSEMEM with ADDRESS_SPECIFIED). The page line is also
// what `vtop` ends with.
import { KdwError } from "../../io/errors";
import { countMemMap, decodePageFlags, pageToPfn, pfnToPage, readStructPage, type StructPage } from "../../kernel/mm/mm";
import { pagesToSize as pagesToSizeOf } from "../../kernel/system/sysinfo";
import { hugetlbTotalPages, nrBlockdevPages, overcommit, swapTotals, totalramPages, vmStat, zonesFreePages } from "../../kernel/mm/stat";
import { CommandError, type Command, type CommandContext } from "../command";
import { isHexAddress, parseHex } from "../shared/symbol-args";

const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;

// ---- the struct page line (dump_mem_map_SPARSEMEM) ----

/** crash's PADDR_PRLEN: the hex width of the highest physical address, at least "PHYSICAL". */
function physWidth(ctx: CommandContext): number {
  return Math.max(8, (ctx.prog.dump.maxPfn * PAGE_SIZE).toString(16).length);
}

/** mkstring(s, width, CENTER[|RJUST]): centred, the odd space on the left with RJUST, else on the right. */
export function center(s: string, width: number, rjust = false): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = extra % 2 && rjust ? (extra + 1) / 2 : Math.floor(extra / 2);
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

/** The header of the memory-map lines: `      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS`. */
export function pageHeader(ctx: CommandContext): string {
  return `${center("PAGE", 16)} ${"PHYSICAL".padStart(physWidth(ctx))} ${center("MAPPING", 16, true)} ${center("INDEX", 8, true)}CNT FLAGS`;
}

/** One memory-map line: page, physical, mapping, index, count, flags in hex and by name. */
export function pageLine(ctx: CommandContext, p: StructPage): string {
  const names = decodePageFlags(ctx.prog, p.flags);
  const phys = (BigInt(p.pfn) << BigInt(PAGE_SHIFT)).toString(16);
  return (
    `${p.page.toString(16).padEnd(16)} ${phys.padStart(physWidth(ctx))} ${p.mapping.toString(16).padStart(16)} ${p.index.toString(16).padStart(8)} ` +
    `${String(p.count | 0).padStart(2)} ${p.flags.toString(16)}${names.length ? " " + names.join(",") : ""}`
  );
}

/** The struct page of a physical address, or undefined when no present section holds it (crash prints nothing). */
export function structPageOfPhys(ctx: CommandContext, phys: number): StructPage | undefined {
  const pfn = Math.floor(phys / PAGE_SIZE);
  const page = pfnToPage(ctx.prog, pfn);
  if (page === undefined) return undefined;
  return readStructPage(ctx.prog, page, pfn);
}

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

/** crash's pages_to_size() with this command's page size. */
export function pagesToSize(pages: number): string {
  return pagesToSizeOf(pages, PAGE_SIZE);
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

export function formatKmemInfo(info: KmemInfo): string {
  const out = ["                 PAGES        TOTAL      PERCENTAGE"];
  info.rows.forEach((group, i) => {
    if (i > 0) out.push("");
    for (const r of group) {
      const head = `${r.label.padStart(13)}  ${String(r.pages).padStart(7)}  ${pagesToSize(r.pages).padStart(11)}  `;
      out.push(r.percentOf === undefined ? `${head}       ----` : `${head}${String(r.percent).padStart(3)}% of ${r.percentOf}`);
    }
  });
  return out.join("\n") + "\n";
}

// ---- kmem -p ----

export interface KmemPageResult {
  pages: StructPage[];
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

function kmemPages(ctx: CommandContext, values: bigint[], physical: boolean): { data: KmemPageResult; text: string; errors: string[] } {
  const pages: StructPage[] = [];
  const lines: string[] = [];
  const errors: string[] = [];
  for (const v of values) {
    let p: StructPage | undefined;
    try {
      p = structPageOf(ctx, v, physical);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      errors.push(`kmem: ${err.message}`);
      continue;
    }
    if (!p) continue;
    if (lines.length === 0) lines.push(pageHeader(ctx));
    lines.push(pageLine(ctx, p));
    pages.push(p);
  }
  return { data: { pages }, text: lines.length ? lines.join("\n") + "\n" : "", errors };
}

export const kmemCommand: Command = {
  name: "kmem",
  summary: "kernel memory",
  help: `NAME
  kmem - kernel memory

SYNOPSIS
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
  run(ctx, args) {
    let info = false;
    let page = false;
    let physical = false;
    const values: bigint[] = [];
    for (const a of args) {
      if (/^-[A-Za-z]+$/.test(a)) {
        for (const c of a.slice(1)) {
          if (c === "i") info = true;
          else if (c === "p") page = true;
          else if (c === "P") physical = true;
          else throw new CommandError("kmem", `option -${c} is not supported by kdw (supported: -i, -p, -P)`);
        }
      } else if (isHexAddress(a)) values.push(parseHex(a));
      else throw new CommandError("kmem", `invalid address: ${a}`);
    }
    if (info && page) throw new CommandError("kmem", "only one flag allowed!");
    if (info) {
      const data = kmemInfo(ctx);
      return { data, text: formatKmemInfo(data), errors: data.problems.map((p) => `kmem: ${p}`) };
    }
    if (page) {
      if (values.length === 0) throw new CommandError("kmem", "-p needs an address");
      return kmemPages(ctx, values, physical);
    }
    throw new CommandError("kmem", "an option is required (kdw supports -i and -p)");
  },
};
