// The kernel's memory counters, as /proc/meminfo and crash's `kmem -i` read them: the vmstat arrays
// (mm/vmstat.c vm_zone_stat[], vm_node_stat[]), _totalram_pages, the zones' free pages, block-device page
// cache, hugetlb pools (mm/hugetlb.c hstates[]), swap (mm/swapfile.c swap_info[]) and the overcommit limit
// (mm/util.c vm_commit_limit, vm_committed_as).
import { resolveType } from "../../debuginfo/types";
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";

/** include/linux/swap.h: SWP_USED in swap_info_struct.flags. */
const SWP_USED = 1;
/** Bound on nodes, zones, hstates and swap files read from the dump. */
const MAX_NODES = 1024;
const MAX_ZONES = 16;
const MAX_HSTATES = 16;
const MAX_SWAPFILES = 64;
/** Bound on the block-device inodes walked for BUFFERS. */
const MAX_BDEV_INODES = 1 << 20;

/** Each counter is read only where the kernel has its members; which are needed is said where they are read. */
const STAT_LAYOUT = layout({
  nodeZones: optional("pglist_data.node_zones"), // struct zone node_zones[MAX_NR_ZONES]
  zoneVmStat: optional("zone.vm_stat"), // atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS]
  sbInodes: optional("super_block.s_inodes"),
  inodeMapping: optional("inode.i_mapping"),
  nrpages: optional("address_space.nrpages"),
  hstateOrder: optional("hstate.order"),
  hstateNrHugePages: optional("hstate.nr_huge_pages"),
  hstateFreeHugePages: optional("hstate.free_huge_pages"),
  swapFlags: optional("swap_info_struct.flags"),
  swapPages: optional("swap_info_struct.pages"),
  swapInusePages: optional("swap_info_struct.inuse_pages"),
  percpuCounterCount: optional("percpu_counter.count"),
});

function enumValue(prog: Program, enumName: string, item: string): number | undefined {
  const t = prog.findType(`enum ${enumName}`);
  if (!t) return undefined;
  const e = resolveType(t);
  if (e.kind !== "enum") return undefined;
  const found = e.enumerators.find((x) => x.name === item);
  return found === undefined ? undefined : Number(found.value);
}

function statArrayItem(prog: Program, array: string, enumName: string, countName: string, item: string): bigint | undefined {
  if (!prog.hasSymbol(array)) return undefined;
  const idx = enumValue(prog, enumName, item);
  if (idx === undefined) return undefined;
  const count = enumValue(prog, enumName, countName) ?? Math.floor((prog.symbolSize(array) ?? 0) / 8);
  if (idx < 0 || idx >= count) return undefined;
  return BigInt.asIntN(64, prog.readU64(prog.symbolAddress(array) + BigInt(idx * 8)));
}

/**
 * vm_zone_stat[item] (enum zone_stat_item, e.g. "NR_FREE_PAGES"): the global counter, raw (it may be
 * transiently negative; crash does not clamp it). Undefined when the kernel has no such item.
 */
export function vmZoneStat(prog: Program, item: string): bigint | undefined {
  return statArrayItem(prog, "vm_zone_stat", "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS", item);
}

/** vm_node_stat[item] (enum node_stat_item, e.g. "NR_FILE_PAGES", "NR_SLAB_RECLAIMABLE_B"), raw. */
export function vmNodeStat(prog: Program, item: string): bigint | undefined {
  return statArrayItem(prog, "vm_node_stat", "node_stat_item", "NR_VM_NODE_STAT_ITEMS", item);
}

/** An item of either array, looked up by name as crash's dump_vm_stat does. */
export function vmStat(prog: Program, item: string): bigint | undefined {
  return vmZoneStat(prog, item) ?? vmNodeStat(prog, item);
}

/** totalram_pages(): _totalram_pages (5.0+, atomic_long_t) or the older `totalram_pages` unsigned long. */
export function totalramPages(prog: Program): number | undefined {
  for (const name of ["_totalram_pages", "totalram_pages"]) {
    if (prog.hasSymbol(name)) return Number(prog.readU64(prog.symbolAddress(name)));
  }
  return undefined;
}

/** The pglist_data of each online node: node_data[] (NUMA) or contig_page_data. */
export function onlinePgdats(prog: Program): bigint[] {
  const nodes: bigint[] = [];
  if (prog.hasSymbol("node_data")) {
    const max = Math.min(MAX_NODES, Math.floor((prog.symbolExtent("node_data") || 8) / 8));
    const base = prog.symbolAddress("node_data");
    for (let i = 0; i < max; i++) {
      const p = prog.readU64(base + BigInt(i * 8));
      if (p !== 0n) nodes.push(p);
    }
  } else if (prog.hasSymbol("contig_page_data")) nodes.push(prog.symbolAddress("contig_page_data"));
  return nodes;
}

/**
 * Free pages: the sum of zone->vm_stat[NR_FREE_PAGES] over every zone of every node, as crash's
 * dump_free_pages_zones_v2 (GET_FREE_PAGES) adds them.
 */
export function zonesFreePages(prog: Program): number {
  const { nodeZones: zonesOff, zoneVmStat: vmStatOff } = STAT_LAYOUT.of(prog);
  const nrFree = enumValue(prog, "zone_stat_item", "NR_FREE_PAGES");
  if (zonesOff === undefined || vmStatOff === undefined || nrFree === undefined) throw new MissingDebugInfo("no pglist_data.node_zones / zone.vm_stat[NR_FREE_PAGES]");
  const zoneSize = prog.sizeOf("struct zone");
  const nrZones = Math.min(MAX_ZONES, STAT_LAYOUT.members(prog).nodeZones?.count || 1);
  let sum = 0n;
  for (const node of onlinePgdats(prog)) {
    for (let i = 0; i < nrZones; i++) {
      sum += prog.readU64(node + BigInt(zonesOff + i * zoneSize + vmStatOff + nrFree * 8));
    }
  }
  return Number(BigInt.asUintN(64, sum));
}

/**
 * nr_blockdev_pages() (block/bdev.c, 5.9+): the page-cache pages of every block-device inode, i.e.
 * inode->i_mapping->nrpages over blockdev_superblock->s_inodes. Partial on a broken list.
 */
export function nrBlockdevPages(prog: Program): { pages: number; aborted?: WalkAborted } {
  if (!prog.hasSymbol("blockdev_superblock")) return { pages: 0 };
  const sb = prog.readU64(prog.symbolAddress("blockdev_superblock"));
  const { sbInodes: sInodesOff, inodeMapping: iMappingOff, nrpages: nrpagesOff } = STAT_LAYOUT.of(prog);
  if (sInodesOff === undefined || iMappingOff === undefined || nrpagesOff === undefined) throw new MissingDebugInfo("no super_block.s_inodes / inode.i_mapping / address_space.nrpages");
  const inodeType = prog.type("struct inode");
  let pages = 0n;
  try {
    for (const inode of listForEachEntry(prog, sb + BigInt(sInodesOff), inodeType, "i_sb_list", { budget: MAX_BDEV_INODES, what: "blockdev inodes" })) {
      const mapping = prog.readU64(inode.address! + BigInt(iMappingOff));
      if (mapping !== 0n) pages += prog.readU64(mapping + BigInt(nrpagesOff));
    }
  } catch (err) {
    if (err instanceof WalkAborted) return { pages: Number(pages), aborted: err };
    throw err;
  }
  return { pages: Number(pages) };
}

/** hugetlb pools in base pages: hstates[] (order, nr_huge_pages, free_huge_pages), as crash sums them. */
export function hugetlbTotalPages(prog: Program): { total: number; free: number } | undefined {
  if (!prog.hasSymbol("hstates")) return undefined;
  const hstate = prog.findType("struct hstate");
  if (!hstate) return undefined;
  const size = prog.sizeOf(hstate);
  const { hstateOrder: orderOff, hstateNrHugePages: nrOff, hstateFreeHugePages: freeOff } = STAT_LAYOUT.of(prog);
  if (orderOff === undefined || nrOff === undefined || freeOff === undefined || size <= 0) return undefined;
  const count = Math.min(MAX_HSTATES, Math.floor((prog.symbolExtent("hstates") ?? size) / size));
  const base = prog.symbolAddress("hstates");
  let total = 0;
  let free = 0;
  for (let i = 0; i < count; i++) {
    const h = base + BigInt(i * size);
    const order = prog.readU32(h + BigInt(orderOff));
    if (!order || order > 30) continue;
    total += Number(prog.readU64(h + BigInt(nrOff))) * 2 ** order;
    free += Number(prog.readU64(h + BigInt(freeOff))) * 2 ** order;
  }
  return { total, free };
}

/** Swap space in pages (si_swapinfo): the swap_info_struct of each used swap file, pages and inuse_pages. */
export function swapTotals(prog: Program): { total: number; used: number } | undefined {
  if (!prog.hasSymbol("swap_info") || !prog.hasSymbol("nr_swapfiles")) return undefined;
  const si = prog.findType("struct swap_info_struct");
  if (!si) return undefined;
  const { swapFlags: flagsOff, swapPages: pagesOff, swapInusePages: inuseOff } = STAT_LAYOUT.of(prog);
  if (flagsOff === undefined || pagesOff === undefined || inuseOff === undefined) return undefined;
  const nr = Math.min(MAX_SWAPFILES, prog.readU32(prog.symbolAddress("nr_swapfiles")), Math.floor((prog.symbolSize("swap_info") ?? 8 * MAX_SWAPFILES) / 8));
  const base = prog.symbolAddress("swap_info");
  let total = 0;
  let used = 0;
  for (let i = 0; i < nr; i++) {
    let p: bigint;
    try {
      p = prog.readU64(base + BigInt(i * 8));
    } catch (err) {
      if (err instanceof KdwError) continue;
      throw err;
    }
    if (p === 0n) continue;
    if (!(prog.readU32(p + BigInt(flagsOff)) & SWP_USED)) continue;
    total += prog.readS32(p + BigInt(pagesOff));
    used += prog.readU32(p + BigInt(inuseOff));
  }
  return { total, used };
}

/** The overcommit settings and the committed address space (mm/util.c). */
export interface Overcommit {
  /** sysctl_overcommit_kbytes (0: use the ratio). */
  kbytes: number;
  ratio: number;
  /** vm_committed_as.count (the percpu_counter's global part, as crash reads it), clamped at 0. */
  committed: number;
}

export function overcommit(prog: Program): Overcommit | undefined {
  if (!prog.hasSymbol("sysctl_overcommit_memory") || !prog.hasSymbol("sysctl_overcommit_ratio")) return undefined;
  const kbytes = prog.hasSymbol("sysctl_overcommit_kbytes") ? Number(prog.readU64(prog.symbolAddress("sysctl_overcommit_kbytes"))) : 0;
  const ratio = prog.readS32(prog.symbolAddress("sysctl_overcommit_ratio"));
  let committed = 0;
  if (prog.hasSymbol("vm_committed_as")) {
    const countOff = STAT_LAYOUT.of(prog).percpuCounterCount;
    if (countOff === undefined) return undefined;
    const c = BigInt.asIntN(64, prog.readU64(prog.symbolAddress("vm_committed_as") + BigInt(countOff)));
    committed = c < 0n ? 0 : Number(c);
  }
  return { kbytes, ratio, committed };
}
