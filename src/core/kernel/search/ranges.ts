// Where crash's `search` looks (memory.c cmd_search, x86_64.c x86_64_get_kvaddr_ranges): the kernel virtual
// ranges, each searched on its own and in order of their start —
//   unity map   [page_offset, high_memory)                 the direct map, computed (x86_64_VTOP)
//   vmalloc     [vmalloc_start, end of the last vmap area)  walked; unmapped pages skip to the next area
//   modules     [lowest module, highest module end)         only when modules are not vmalloc'ed
//   vmemmap     [vmemmap_vaddr, end of the last node's mem_map)
//   start map   [__START_KERNEL_map, _end)                  the kernel text mapping, computed
// — the memory nodes that bound a physical search (vt->node_table: node_start_pfn, node_spanned_pages), and
// the page frames that have a struct page (crash's phys_to_page: a present SPARSEMEM section).
import type { X86_64AddressSpace } from "../../arch/x86_64/layout";
import { START_KERNEL_MAP } from "../../arch/x86_64/layout";
import { KdwError } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { forEachPresentSection, pfnToPage } from "../mm/mm";
import { onlinePgdats } from "../mm/stat";
import { vmlistAreas, type VmapArea } from "../mm/vmap-areas";
import { moduleList } from "../modules/modules";

export type KvaddrRangeType = "unity-map" | "start-map" | "vmalloc" | "modules" | "vmemmap";

export interface KvaddrRange {
  type: KvaddrRangeType;
  start: bigint;
  end: bigint;
}

/** One memory node as crash's node table holds it. */
export interface MemoryNode {
  startPfn: number;
  /** node_spanned_pages. */
  pages: number;
}

/** Sorted, disjoint [start, end) page-frame ranges. */
export type PfnRanges = readonly { start: number; end: number }[];

export interface SearchPlace {
  /** crash's kvaddr ranges, sorted by start. */
  ranges: KvaddrRange[];
  /** The vmalloc'ed areas, in address order (crash's vmlist: where an unmapped vmalloc page skips to). */
  vmlist: VmapArea[];
  /** The listed modules' memory, [start, end), for the modules range (crash's next_module_vaddr). */
  modules: { start: bigint; end: bigint }[];
  nodes: MemoryNode[];
  /** Page frames with a struct page. */
  validPfns: PfnRanges;
  /** physical = virtual - delta in the unity map and in the kernel text mapping. */
  unityDelta: bigint;
  startMapDelta: bigint;
  /** What could not be read (the ranges it would have given are left out or cut short). */
  problems: string[];
}

const NODE_LAYOUT = layout({
  startPfn: "pglist_data.node_start_pfn",
  spannedPages: optional("pglist_data.node_spanned_pages"),
  nodeSize: optional("pglist_data.node_size"),
});

const U64 = (1n << 64n) - 1n;

function tryRead<T>(problems: string[], what: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(`${what}: ${err.message}`);
    return undefined;
  }
}

/** crash's node table (dump_memory_nodes): each online node's first page frame and spanned pages. */
export function memoryNodes(prog: Program, problems: string[] = []): MemoryNode[] {
  const nodes: MemoryNode[] = [];
  const l = tryRead(problems, "pglist_data", () => NODE_LAYOUT.of(prog));
  if (!l) return nodes;
  for (const pgdat of tryRead(problems, "node_data", () => onlinePgdats(prog)) ?? []) {
    const node = tryRead(problems, `pglist_data ${pgdat.toString(16)}`, () => {
      const startPfn = Number(prog.readU64(pgdat + BigInt(l.startPfn)));
      const sizeOff = l.nodeSize ?? l.spannedPages;
      const pages = sizeOff === undefined ? 0 : Number(prog.readU64(pgdat + BigInt(sizeOff)));
      return { startPfn, pages };
    });
    if (node && Number.isSafeInteger(node.startPfn + node.pages)) nodes.push(node);
  }
  return nodes;
}

/** The page frames that have a struct page (present SPARSEMEM sections), up to `maxPfn`. */
export function validPfnRanges(prog: Program, maxPfn: number, problems: string[] = []): PfnRanges {
  const out: { start: number; end: number }[] = [];
  tryRead(problems, "mem_section", () => {
    for (const s of forEachPresentSection(prog, maxPfn)) {
      const last = out[out.length - 1];
      if (last && last.end === s.firstPfn) last.end += s.pages;
      else out.push({ start: s.firstPfn, end: s.firstPfn + s.pages });
    }
  });
  return out;
}

/** Where a kernel, physical or task search looks, read once per search. */
export function searchPlace(prog: Program, space: X86_64AddressSpace): SearchPlace {
  const problems: string[] = [];
  const layout = space.layout;
  const symbol = (name: string): bigint | undefined => prog.symbols.addressOf(name);
  const nodes = memoryNodes(prog, problems);
  const lastNode = nodes[nodes.length - 1];
  const maxPfn = Math.max(prog.dump.maxPfn, lastNode ? lastNode.startPfn + lastNode.pages : 0);
  const validPfns = validPfnRanges(prog, maxPfn, problems);
  const vmlist = tryRead(problems, "vmap areas", () => vmlistAreas(prog)) ?? [];
  const inVmlist = (a: bigint) => vmlist.some((v) => a >= v.start && a < v.end);
  const ranges: KvaddrRange[] = [];

  const highMemorySym = symbol("high_memory");
  const highMemory = highMemorySym !== undefined ? tryRead(problems, "high_memory", () => prog.readU64(highMemorySym)) : undefined;
  ranges.push({ type: "unity-map", start: layout.pageOffsetBase, end: highMemory ?? layout.ptov(prog.dump.maxPfn * 4096) });
  const end = symbol("_end");
  if (end !== undefined) ranges.push({ type: "start-map", start: START_KERNEL_MAP, end });
  else problems.push("no _end symbol: the kernel text mapping is not searched");
  // last_vmalloc_address(): the end of the last vmalloc'ed area.
  const last = vmlist[vmlist.length - 1];
  ranges.push({ type: "vmalloc", start: layout.vmallocStart, end: last ? last.end : layout.vmallocStart });

  const modules: { start: bigint; end: bigint }[] = [];
  for (const m of tryRead(problems, "module list", () => moduleList(prog).modules) ?? []) {
    if (m.size > 0) modules.push({ start: m.base, end: m.base + BigInt(m.size) });
  }
  modules.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  if (modules.length && !inVmlist(modules[0]!.start)) {
    const high = modules.reduce((h, m) => (m.end > h ? m.end : h), 0n);
    ranges.push({ type: "modules", start: modules[0]!.start, end: (high + 0xfffn) & ~0xfffn });
  }
  if (lastNode && !inVmlist(layout.vmemmapStart)) {
    const first = tryRead(problems, "vmemmap", () => pfnToPage(prog, lastNode.startPfn)) ?? layout.vmemmapStart;
    const pageSize = tryRead(problems, "struct page", () => prog.sizeOf("struct page")) ?? 64;
    ranges.push({ type: "vmemmap", start: layout.vmemmapStart, end: (first + BigInt(lastNode.pages) * BigInt(pageSize)) & U64 });
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return {
    ranges,
    vmlist,
    modules,
    nodes,
    validPfns,
    unityDelta: layout.pageOffsetBase,
    startMapDelta: (START_KERNEL_MAP - layout.physBase) & U64,
    problems,
  };
}

/** A cursor over PfnRanges for increasing page frames, with a binary search when it has to go back. */
export class PfnSet {
  private i = 0;
  constructor(readonly ranges: PfnRanges) {}

  has(pfn: number): boolean {
    const r = this.ranges;
    if (this.i >= r.length || r[this.i]!.start > pfn) this.i = this.find(pfn);
    while (this.i < r.length && r[this.i]!.end <= pfn) this.i++;
    const cur = r[this.i];
    return cur !== undefined && cur.start <= pfn && pfn < cur.end;
  }

  /** The first page frame >= pfn in the set, or undefined. */
  next(pfn: number): number | undefined {
    if (this.has(pfn)) return pfn;
    const cur = this.ranges[this.i];
    return cur === undefined ? undefined : Math.max(cur.start, pfn);
  }

  private find(pfn: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid]!.end <= pfn) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
