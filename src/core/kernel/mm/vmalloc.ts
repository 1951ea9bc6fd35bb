// kmem -v's areas: the busy vmap areas (./vmap-areas.ts walks vmap_area_list, or vmap_nodes' busy lists on
// 6.9+) that crash's dump_vmap_area lists — those with a vm_struct — each with its vm_struct's flags, caller,
// nr_pages and phys_addr (mm/vmalloc.c struct vm_struct), what an analyst asks of an area: who allocated it
// and what kind of mapping it is.
import { KdwError, MissingDebugInfo, type WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, members } from "../../program/layout";
import type { Program } from "../../program/program";
import { MAX_VMAP_AREAS, vmapAreas as busyVmapAreas } from "./vmap-areas";

export { MAX_VMAP_AREAS };

const VM_STRUCT = layout(members("vm_struct", { flags: "flags", nrPages: "nr_pages", physAddr: "phys_addr", caller: "caller" }));

/** One busy vmap_area with a vm_struct. */
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

/** Which way this kernel keeps its busy areas: vmap_area_list (2.6.28 .. 6.8) or vmap_nodes (6.9+). */
export type VmapVariant = "list" | "nodes";

export function vmapVariant(prog: Program): VmapVariant {
  if (prog.hasSymbol("vmap_area_list")) return "list";
  if (prog.hasSymbol("vmap_nodes") && prog.hasSymbol("nr_vmap_nodes")) return "nodes";
  throw new MissingDebugInfo("no vmap_area_list or vmap_nodes symbol: this kernel's vmalloc areas cannot be listed");
}

function withVmStruct(prog: Program, area: VmapArea): VmapArea {
  try {
    const l = VM_STRUCT.of(prog);
    const vm = dataView(prog.read(area.vm, Math.max(l.flags, l.caller, l.physAddr, l.nrPages) + 8));
    area.vmFlags = vm.getBigUint64(l.flags, true);
    area.caller = vm.getBigUint64(l.caller, true);
    area.nrPages = vm.getUint32(l.nrPages, true);
    area.physAddr = vm.getBigUint64(l.physAddr, true);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return area;
}

/** Every busy vmalloc area with a vm_struct, in address order (crash's kmem -v), and where the walk stopped. */
export function vmapAreas(prog: Program): { variant: VmapVariant; areas: VmapArea[]; aborted?: WalkAborted } {
  const variant = vmapVariant(prog);
  const busy = busyVmapAreas(prog);
  const areas = busy.areas.filter((a) => a.vmalloced).map((a) => withVmStruct(prog, { address: a.area, vm: a.vm, start: a.start, end: a.end, size: BigInt.asUintN(64, a.end - a.start) }));
  return busy.problems.length ? { variant, areas, aborted: busy.problems[0] } : { variant, areas };
}
