// kmem -n and kmem -z: the memory nodes with their zones, the present sections and the memory blocks
// (memory.c dump_memory_nodes, dump_mem_sections, dump_memory_blocks) and the per-zone statistics
// (dump_zone_stats), crash 8.0.6.
import { KdwError } from "../../io/errors";
import { mmLayout, pfnToPage } from "../../kernel/mm/mm";
import { memoryNodes, nodeLayout } from "../../kernel/mm/nodes";
import { memoryBlocks, memoryBlockSizeProbed, memSections } from "../../kernel/mm/sections";
import { zoneVmStat, type VmCounter } from "../../kernel/mm/vmstat";
import type { CommandContext } from "../command";
import { paddrWidth } from "../shared/mem-map";

const PAGE_SHIFT = 12n;

export interface NodeZoneRow {
  index: number;
  name: string;
  /** spanned_pages. */
  size: number;
  /** The struct page of its first page frame, 0 for an empty zone. */
  memMap: bigint;
  startPaddr: bigint;
  startMapnr: number;
}

export interface NodeRow {
  id: number;
  size: number;
  pgdat: bigint;
  /** Each zone's struct zone. */
  zoneAddresses: bigint[];
  memMap: bigint;
  startPaddr: bigint;
  startMapnr: number;
  zones: NodeZoneRow[];
}

export interface SectionRow {
  nr: number;
  address: bigint;
  codedMemMap: bigint;
  memMap: bigint;
  /** P, M, O, E, D: SECTION_MARKED_PRESENT, _HAS_MEM_MAP, _IS_ONLINE, _IS_EARLY, _TAINT_ZONE_DEVICE. */
  state: string;
  pfn: number;
}

export interface MemoryBlockRow {
  address: bigint;
  name: string;
  start: bigint;
  /** The last byte, when the kernel says how big a block is. */
  end?: bigint;
  nid?: number;
  state: string;
  startSection: number;
}

export interface KmemNodes {
  nodes: NodeRow[];
  sections: SectionRow[];
  /** Undefined when the kernel has no memory blocks (no memory_subsys or struct memory_block). */
  blocks?: MemoryBlockRow[];
  /** Whether the block column is a range (memory_block_size_probed or end_section_nr) or a start. */
  blockRanges: boolean;
  hasNid: boolean;
  paddrWidth: number;
  errors: string[];
}

function pageOf(ctx: CommandContext, pfn: number): bigint {
  try {
    return pfnToPage(ctx.prog, pfn) ?? 0n;
  } catch (err) {
    if (err instanceof KdwError) return 0n;
    throw err;
  }
}

const SECTION_STATES: [bigint, string][] = [
  [1n, "P"],
  [2n, "M"],
  [4n, "O"],
  [8n, "E"],
  [16n, "D"],
];

/** include/linux/memory.h: memory_block.state. */
const BLOCK_STATES: Record<string, string> = { "1": "ONLINE", "2": "GOING_OFFLINE", "4": "OFFLINE", "8": "GOING_ONLINE", "16": "CANCEL_ONLINE", "32": "CANCEL_OFFLINE" };

export function kmemNodes(ctx: CommandContext): KmemNodes {
  const prog = ctx.prog;
  const zoneSize = prog.sizeOf("struct zone");
  const errors: string[] = [];
  const nodes: NodeRow[] = memoryNodes(prog).map((n) => ({
    id: n.id,
    size: n.spanned,
    pgdat: n.pgdat,
    zoneAddresses: n.zones.map((_, i) => n.pgdat + BigInt(nodeLayout(prog).nodeZones + i * zoneSize)),
    memMap: n.nodeMemMap ?? pageOf(ctx, n.startPfn),
    startPaddr: BigInt(n.startPfn) << PAGE_SHIFT,
    startMapnr: n.startPfn,
    zones: n.zones.map((z) => ({
      index: z.index,
      name: z.name,
      size: z.spanned,
      memMap: z.spanned ? pageOf(ctx, z.startPfn) : 0n,
      startPaddr: BigInt(z.startPfn) << PAGE_SHIFT,
      startMapnr: z.spanned ? z.startPfn : 0,
    })),
  }));
  const sections: SectionRow[] = memSections(prog).map((s) => ({
    nr: s.nr,
    address: s.address,
    codedMemMap: s.codedMemMap,
    memMap: s.memMap,
    state: SECTION_STATES.filter(([bit]) => s.sectionMemMap & bit).map(([, c]) => c).join(""),
    pfn: s.firstPfn,
  }));
  const result: KmemNodes = { nodes, sections, blockRanges: false, hasNid: false, paddrWidth: paddrWidth(ctx), errors };
  if (!prog.hasSymbol("memory_subsys") || !prog.findType("struct memory_block")) return result;
  const { blocks, aborted } = memoryBlocks(prog);
  if (aborted) errors.push(`kmem: ${aborted.message}`);
  const probed = memoryBlockSizeProbed(prog);
  const shift = BigInt(mmLayout(prog).pfnSectionShift);
  const sectionBytes = (nr: number): bigint => (BigInt(nr) << shift) << PAGE_SHIFT;
  result.blockRanges = probed !== undefined || blocks.some((b) => b.endSection !== undefined);
  result.hasNid = blocks.some((b) => b.nid !== undefined);
  result.blocks = blocks.map((b) => {
    const start = sectionBytes(b.startSection);
    const row: MemoryBlockRow = { address: b.address, name: b.name, start, state: BLOCK_STATES[String(b.state)] ?? "UNKNOWN", startSection: b.startSection };
    if (probed !== undefined) row.end = start + probed - 1n;
    else if (b.endSection !== undefined) row.end = sectionBytes(b.endSection + 1) - 1n;
    if (b.nid !== undefined) row.nid = b.nid;
    return row;
  });
  return result;
}

export interface ZoneStats {
  node: number;
  zone: number;
  address: bigint;
  name: string;
  size: number;
  present: number;
  watermarks?: [number, number, number];
  vmStat: VmCounter[];
}

/** kmem -z: every zone of every node. */
export function kmemZones(ctx: CommandContext): ZoneStats[] {
  const prog = ctx.prog;
  const vmStatOff = nodeLayout(prog).vmStat;
  return memoryNodes(prog).flatMap((n, ni) =>
    n.zones.map((z): ZoneStats => {
      const stats: ZoneStats = { node: ni, zone: z.index, address: z.address, name: z.name, size: z.spanned, present: z.present, vmStat: [] };
      if (z.watermarks) stats.watermarks = z.watermarks;
      if (z.spanned && vmStatOff !== undefined) stats.vmStat = zoneVmStat(prog, z.address + BigInt(vmStatOff));
      return stats;
    }),
  );
}
