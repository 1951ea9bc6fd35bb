// The kernel's vmalloc areas (mm/vmalloc.c): the busy vmap_areas, each [va_start, va_end) with its vm_struct,
// as crash's dump_vmap_area gathers them (memory.c): the global vmap_area_list, kept sorted by address
// (2.6.28 .. 6.8), or the busy lists of vmap_nodes[nr_vmap_nodes] (6.9+), gathered and sorted by va_start.
// crash counts an area as vmalloc'ed memory when its vm_struct pointer is set, or on kernels whose vmap_area
// has both `flags` and `purge_list` (before 5.4) when flags == VM_VM_AREA. Modules are vmalloc'ed too on
// x86_64 (module_alloc), so their memory is in this list. Bounded; a broken list keeps what came before.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";

/** More busy vmap areas than any kernel has (a large server: tens of thousands). */
export const MAX_VMAP_AREAS = 1 << 20;
/** vmap_node[] entries looked at (nr_vmap_nodes is the number of CPUs, rounded). */
const MAX_VMAP_NODES = 8192;
/** mm/vmalloc.c before 5.4: vmap_area.flags marks a vm_struct-backed area. */
const VM_VM_AREA = 0x4n;

export interface VmapArea {
  /** The struct vmap_area. */
  area: bigint;
  start: bigint;
  end: bigint;
  /** vmap_area.vm (struct vm_struct *), 0 when the area has none (or the kernel lacks the member). */
  vm: bigint;
  /** What crash's dump_vmap_area counts: a vm_struct-backed area (vmalloc, ioremap, modules). */
  vmalloced: boolean;
}

export interface VmapAreas {
  /** Every busy area read, in address order. */
  areas: VmapArea[];
  /** Where the walk stopped early (a bad pointer, a loop, the budget). */
  problems: WalkAborted[];
}

const VMAP_LAYOUT = layout({
  vaStart: "vmap_area.va_start",
  vaEnd: "vmap_area.va_end",
  list: "vmap_area.list",
  vm: optional("vmap_area.vm"),
  flags: optional("vmap_area.flags"),
  purgeList: optional("vmap_area.purge_list"),
  // 6.9+: struct vmap_node { struct rb_list busy; ... }, struct rb_list { struct rb_root root; struct list_head head; ... }.
  nodeBusyHead: optional("vmap_node.busy.head"),
});

/** The busy vmap areas of a program, read once. */
export const vmapAreas: (prog: Program) => VmapAreas = perProgram(readVmapAreas).of;

/** The areas crash's vmlist holds (dump_vmap_area with GET_VMLIST), in address order. */
export function vmlistAreas(prog: Program): VmapArea[] {
  return vmapAreas(prog).areas.filter((a) => a.vmalloced);
}

function readVmapAreas(prog: Program): VmapAreas {
  const l = VMAP_LAYOUT.of(prog);
  const out: VmapAreas = { areas: [], problems: [] };
  const useFlags = l.flags !== undefined && l.purgeList !== undefined;
  const span = Math.max(l.vaStart, l.vaEnd, l.vm ?? 0, useFlags ? l.flags! : 0) + 8;
  const readArea = (area: bigint): VmapArea => {
    const b = prog.read(area, span);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const start = dv.getBigUint64(l.vaStart, true);
    const end = dv.getBigUint64(l.vaEnd, true);
    const vm = l.vm !== undefined ? dv.getBigUint64(l.vm, true) : 0n;
    const vmalloced = useFlags ? dv.getBigUint64(l.flags!, true) === VM_VM_AREA : vm !== 0n;
    return { area, start, end, vm, vmalloced };
  };
  const walkList = (head: bigint, what: string): void => {
    const seen = new Set<bigint>();
    let steps = 0;
    try {
      let node = prog.readU64(head);
      while (node !== head) {
        if (out.areas.length >= MAX_VMAP_AREAS) throw new WalkAborted(what, `more than ${MAX_VMAP_AREAS} areas`, steps);
        if (node === 0n) throw new WalkAborted(what, "NULL next pointer", steps);
        if (seen.has(node)) throw new WalkAborted(what, `loop at ${node.toString(16)}`, steps);
        seen.add(node);
        out.areas.push(readArea(node - BigInt(l.list)));
        steps++;
        node = prog.readU64(node);
      }
    } catch (err) {
      if (err instanceof WalkAborted) out.problems.push(err);
      else if (err instanceof KdwError) out.problems.push(new WalkAborted(what, err.message, steps));
      else throw err;
    }
  };
  if (prog.hasSymbol("vmap_area_list")) walkList(prog.symbolAddress("vmap_area_list"), "vmap_area_list");
  else if (prog.hasSymbol("vmap_nodes") && prog.hasSymbol("nr_vmap_nodes") && l.nodeBusyHead !== undefined) {
    try {
      const nodes = prog.readU64(prog.symbolAddress("vmap_nodes"));
      const count = Math.min(MAX_VMAP_NODES, prog.readU32(prog.symbolAddress("nr_vmap_nodes")));
      const nodeSize = BigInt(prog.sizeOf("struct vmap_node"));
      for (let i = 0; i < count; i++) walkList(nodes + BigInt(i) * nodeSize + BigInt(l.nodeBusyHead), `vmap_nodes[${i}].busy`);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted("vmap_nodes", err.message, 0));
    }
    out.areas.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }
  return out;
}
