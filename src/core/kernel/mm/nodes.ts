// Memory nodes and their zones (include/linux/mmzone.h struct pglist_data, struct zone), as crash's
// node_table and dump_memory_nodes/dump_zone_stats read them: each online node's pgdat (node_data[] on NUMA,
// contig_page_data otherwise), its first page frame and span, and the zones of node_zones[].
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { layout, members, optional } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";
import { latin1 } from "../modules/read";
import { onlinePgdats } from "./stat";

/** Zones per node read at most (MAX_NR_ZONES is 4 or 5 on x86_64). */
const MAX_ZONES = 16;
/** Longest zone name read. */
const MAX_ZONE_NAME = 32;

const NODE = layout({
  ...members("pglist_data", {
    nodeId: "node_id",
    nodeZones: "node_zones",
    nrZones: optional("nr_zones"),
    startPfn: "node_start_pfn",
    presentPages: "node_present_pages",
    spannedPages: "node_spanned_pages",
    nodeMemMap: optional("node_mem_map"), // CONFIG_FLAT_NODE_MEM_MAP only
  }),
  ...members("zone", {
    name: "name",
    zoneStartPfn: "zone_start_pfn",
    zoneSpanned: "spanned_pages",
    zonePresent: "present_pages",
    managedPages: optional("managed_pages"), // 3.8+; atomic_long_t since 5.0
    watermark: optional("_watermark", "watermark"), // _watermark[] since 5.0
    freeArea: "free_area",
    vmStat: optional("vm_stat"),
  }),
});

/** The pglist_data and zone members, resolved once per program. */
export const nodeLayout = NODE.of;
export const nodeMembers = NODE.members;

/** One zone of a node (struct zone). */
export interface Zone {
  /** Its index in node_zones[]. */
  index: number;
  address: bigint;
  name: string;
  startPfn: number;
  spanned: number;
  present: number;
  /** managed_pages, where the kernel has it. */
  managed?: number;
  /** _watermark[WMARK_MIN], [WMARK_LOW], [WMARK_HIGH]. */
  watermarks?: [number, number, number];
}

/** One online node (struct pglist_data). */
export interface MemoryNode {
  /** pglist_data.node_id. */
  id: number;
  pgdat: bigint;
  startPfn: number;
  spanned: number;
  present: number;
  /** pglist_data.node_mem_map where the kernel has it (FLATMEM and CONFIG_FLAT_NODE_MEM_MAP). */
  nodeMemMap?: bigint;
  zones: Zone[];
}

function readZone(prog: Program, address: bigint, index: number): Zone {
  const l = nodeLayout(prog);
  const m = nodeMembers(prog);
  const namePtr = prog.readU64(address + BigInt(l.name));
  let name = "";
  if (namePtr !== 0n) {
    try {
      name = latin1(prog.readCString(namePtr, MAX_ZONE_NAME));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      name = "(unknown)";
    }
  }
  const zone: Zone = {
    index,
    address,
    name,
    startPfn: Number(prog.readU64(address + BigInt(l.zoneStartPfn))),
    spanned: Number(prog.readU64(address + BigInt(l.zoneSpanned))),
    present: Number(prog.readU64(address + BigInt(l.zonePresent))),
  };
  if (l.managedPages !== undefined) zone.managed = Number(prog.readU64(address + BigInt(l.managedPages)));
  if (l.watermark !== undefined && (m.watermark?.count ?? 0) >= 3) {
    const w = (i: number): number => Number(prog.readU64(address + BigInt(l.watermark! + i * 8)));
    zone.watermarks = [w(0), w(1), w(2)];
  }
  return zone;
}

/** The number of zones in node_zones[] (MAX_NR_ZONES), bounded. */
export function zonesPerNode(prog: Program): number {
  return Math.min(MAX_ZONES, nodeMembers(prog).nodeZones.count ?? 1);
}

const NODES = perProgram((prog): MemoryNode[] => {
  const l = nodeLayout(prog);
  const zoneSize = prog.sizeOf("struct zone");
  if (zoneSize <= 0) throw new MissingDebugInfo("struct zone has no size");
  const nrZones = zonesPerNode(prog);
  return onlinePgdats(prog).map((pgdat) => {
    const node: MemoryNode = {
      id: prog.readS32(pgdat + BigInt(l.nodeId)),
      pgdat,
      startPfn: Number(prog.readU64(pgdat + BigInt(l.startPfn))),
      spanned: Number(prog.readU64(pgdat + BigInt(l.spannedPages))),
      present: Number(prog.readU64(pgdat + BigInt(l.presentPages))),
      zones: [],
    };
    if (l.nodeMemMap !== undefined) node.nodeMemMap = prog.readU64(pgdat + BigInt(l.nodeMemMap));
    for (let i = 0; i < nrZones; i++) node.zones.push(readZone(prog, pgdat + BigInt(l.nodeZones + i * zoneSize), i));
    return node;
  });
});

/** Every online node with its zones, read once per program. */
export function memoryNodes(prog: Program): MemoryNode[] {
  return NODES.of(prog);
}

/**
 * The node whose span holds a page frame, by index in memoryNodes() (crash's page_to_nid over its
 * node_table), or -1.
 */
export function pfnToNodeIndex(prog: Program, pfn: number): number {
  const nodes = memoryNodes(prog);
  return nodes.findIndex((n) => pfn >= n.startPfn && pfn < n.startPfn + n.spanned);
}
