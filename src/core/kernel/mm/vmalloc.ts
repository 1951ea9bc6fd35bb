// vmalloc's areas (mm/vmalloc.c): every busy struct vmap_area with the vm_struct it maps, as crash's
// dump_vmap_area lists them. Two ways the kernel keeps them, as named variants:
//   list   vmap_area_list, the busy areas sorted by address (2.6.28 .. 6.8);
//   nodes  vmap_nodes[nr_vmap_nodes], each with a busy rb_list whose list holds its areas (6.9+),
//          gathered and sorted by address as crash's get_vmap_area_list_from_nodes does.
// Areas without a vm_struct (lazily freed, or vm_map_ram's) are skipped, as crash skips them. Walks are
// bounded and stop at a loop or an unreadable node with a WalkAborted the caller reports.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, members, optional, variants } from "../../program/layout";
import type { Program } from "../../program/program";

/** Bound on the areas walked (a busy kernel has tens of thousands). */
export const MAX_VMAP_AREAS = 1 << 21;
/** Bound on vmap_nodes (one per CPU group at most). */
const MAX_VMAP_NODES = 4096;

const VMAP = layout({
  ...members("vmap_area", {
    vaStart: "va_start",
    vaEnd: "va_end",
    list: "list",
    vm: variants({ vm: "vm", private: "private" }), // `private` before 3.9... kept as crash reads it
    flags: optional("flags"), // VM_VM_AREA etc. before 5.4 (with purge_list)
    purgeList: optional("purge_list"),
  }),
  ...members("vm_struct", {
    addr: "addr",
    size: "size",
    vmFlags: "flags",
    nrPages: "nr_pages",
    physAddr: "phys_addr",
    caller: "caller",
  }),
});

const VMAP_NODE = layout({
  busy: "vmap_node.busy", // struct rb_list { rb_root root; spinlock_t lock; list_head head; } (6.9+)
  head: "rb_list.head",
});

/** mm/vmalloc.c before 5.4: vmap_area.flags for an area with a vm_struct. */
const VM_VM_AREA = 0x4n;

/** One busy vmap_area and its vm_struct. */
export interface VmapArea {
  /** The struct vmap_area. */
  address: bigint;
  /** vmap_area.vm: its struct vm_struct. */
  vm: bigint;
  start: bigint;
  end: bigint;
  /** end - start (the guard page included, as crash's SIZE). */
  size: bigint;
  /** vm_struct.flags (VM_ALLOC, VM_MAP, VM_IOREMAP, ...), caller, nr_pages and phys_addr; absent when unreadable. */
  vmFlags?: bigint;
  caller?: bigint;
  nrPages?: number;
  physAddr?: bigint;
}

/** Which way this kernel keeps its busy areas. */
export type VmapVariant = "list" | "nodes";

export function vmapVariant(prog: Program): VmapVariant {
  if (prog.hasSymbol("vmap_nodes") && prog.hasSymbol("nr_vmap_nodes")) return "nodes";
  if (prog.hasSymbol("vmap_area_list")) return "list";
  throw new MissingDebugInfo("no vmap_area_list or vmap_nodes symbol: this kernel's vmalloc areas cannot be listed");
}

/** The struct vmap_area on a list_head (linked at vmap_area.list), bounded. */
function listAreas(prog: Program, head: bigint, what: string, out: bigint[], seen: Set<bigint>): WalkAborted | undefined {
  const off = BigInt(VMAP.of(prog).list);
  let node: bigint;
  try {
    node = prog.readU64(head);
  } catch (err) {
    if (err instanceof KdwError) return new WalkAborted(what, `head ${head.toString(16)}: ${err.message}`, 0);
    throw err;
  }
  let steps = 0;
  while (node !== head) {
    if (out.length >= MAX_VMAP_AREAS) return new WalkAborted(what, `step budget of ${MAX_VMAP_AREAS} exhausted`, steps);
    if (node === 0n) return new WalkAborted(what, "NULL next pointer", steps);
    if (seen.has(node)) return new WalkAborted(what, `loop at ${node.toString(16)}`, steps);
    seen.add(node);
    out.push(node - off);
    steps++;
    try {
      node = prog.readU64(node);
    } catch (err) {
      if (err instanceof KdwError) return new WalkAborted(what, `node ${node.toString(16)}: ${err.message}`, steps);
      throw err;
    }
  }
  return undefined;
}

/** The addresses of every struct vmap_area the kernel keeps as busy, in address order. */
function areaAddresses(prog: Program): { areas: bigint[]; aborted?: WalkAborted } {
  const areas: bigint[] = [];
  const seen = new Set<bigint>();
  if (vmapVariant(prog) === "list") {
    const aborted = listAreas(prog, prog.symbolAddress("vmap_area_list"), "vmap_area_list", areas, seen);
    return { areas, aborted };
  }
  const l = VMAP_NODE.of(prog);
  const size = prog.sizeOf("struct vmap_node");
  const count = Math.min(MAX_VMAP_NODES, prog.readU32(prog.symbolAddress("nr_vmap_nodes")));
  const base = prog.readU64(prog.symbolAddress("vmap_nodes"));
  let aborted: WalkAborted | undefined;
  for (let i = 0; i < count && !aborted; i++) {
    aborted = listAreas(prog, base + BigInt(i * size + l.busy + l.head), `vmap_nodes[${i}].busy`, areas, seen);
  }
  return { areas, aborted };
}

/** Reads one vmap_area; undefined when crash would skip it (no vm_struct, or not VM_VM_AREA). */
export function readVmapArea(prog: Program, address: bigint): VmapArea | undefined {
  const l = VMAP.of(prog);
  const hi = Math.max(l.vaStart, l.vaEnd, l.vm, l.flags ?? 0) + 8;
  const dv = dataView(prog.read(address, hi));
  if (l.flags !== undefined && l.purgeList !== undefined) {
    if (dv.getBigUint64(l.flags, true) !== VM_VM_AREA) return undefined;
  } else if (dv.getBigUint64(l.vm, true) === 0n) return undefined;
  const start = dv.getBigUint64(l.vaStart, true);
  const end = dv.getBigUint64(l.vaEnd, true);
  const area: VmapArea = { address, vm: dv.getBigUint64(l.vm, true), start, end, size: BigInt.asUintN(64, end - start) };
  try {
    const vm = dataView(prog.read(area.vm, Math.max(l.vmFlags, l.caller, l.physAddr, l.nrPages) + 8));
    area.vmFlags = vm.getBigUint64(l.vmFlags, true);
    area.caller = vm.getBigUint64(l.caller, true);
    area.nrPages = vm.getUint32(l.nrPages, true);
    area.physAddr = vm.getBigUint64(l.physAddr, true);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return area;
}

/** Every busy vmalloc area with a vm_struct, in address order (crash's kmem -v). */
export function vmapAreas(prog: Program): { variant: VmapVariant; areas: VmapArea[]; aborted?: WalkAborted } {
  const variant = vmapVariant(prog);
  const { areas: addrs, aborted } = areaAddresses(prog);
  const areas: VmapArea[] = [];
  let problem = aborted;
  for (const a of addrs) {
    try {
      const area = readVmapArea(prog, a);
      if (area) areas.push(area);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problem ??= new WalkAborted("vmap_area", `${a.toString(16)}: ${err.message}`, areas.length);
      break;
    }
  }
  if (variant === "nodes") areas.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  return { variant, areas, aborted: problem };
}
