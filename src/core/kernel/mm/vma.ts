// A process's memory map (include/linux/mm_types.h struct vm_area_struct): on 6.1+ the VMAs are the
// entries of the maple tree mm_struct.mm_mt (lib/maple_tree.c); before 6.1 they are the NULL-terminated
// list mm_struct.mmap -> vm_area_struct.vm_next, in address order either way. This is what crash 8.0.6's
// vm_area_dump walks. Bounded (a process has at most sysctl vm.max_map_count VMAs, 65530 by default);
// a loop, an unreadable VMA or a bad tree node ends the walk with WalkAborted after the VMAs before it.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { dataView, u64le } from "../../io/little-endian";
import type { AddressSpace } from "../../program/address-space";
import { layout, members, optional } from "../../program/layout";
import type { WalkOptions } from "../../program/list";
import { mapleLayout, mapleTreeEntries, xaIsInternal, type MapleLayout } from "../../program/maple-tree";
import type { Program } from "../../program/program";

/** More VMAs than this in one mm is corruption (max_map_count tops out far below on real systems). */
export const MAX_VMAS = 1 << 20;

export interface VmaLayout {
  /** mm_struct.mm_mt (6.1+). */
  mmMt: number | undefined;
  /** mm_struct.mmap (before 6.1). */
  mmMmap: number | undefined;
  vmNext: number | undefined; // vm_area_struct.vm_next (before 6.1)
  vmStart: number; // vm_area_struct.vm_start
  vmEnd: number; // vm_area_struct.vm_end
  vmMm: number; // vm_area_struct.vm_mm
  vmFlags: number; // vm_area_struct.vm_flags
  vmFlagsSize: number;
  vmFile: number; // vm_area_struct.vm_file
  vmPgoff: number | undefined; // vm_area_struct.vm_pgoff
  /** Bytes of a vm_area_struct read at once: up to the last field used. */
  readSize: number;
}

const VMA_LAYOUT = layout(
  {
    ...members("vm_area_struct", {
      vmFlags: "vm_flags",
      vmStart: "vm_start",
      vmEnd: "vm_end",
      vmMm: "vm_mm",
      vmFile: "vm_file",
      vmNext: optional("vm_next"),
      vmPgoff: optional("vm_pgoff"),
    }),
    mmMt: optional("mm_struct.mm_mt"),
    mmMmap: optional("mm_struct.mmap"),
  },
  (o): VmaLayout => ({ ...o, vmFlagsSize: 8, readSize: Math.max(o.vmStart, o.vmEnd, o.vmMm, o.vmFlags, o.vmFile, o.vmNext ?? 0, o.vmPgoff ?? 0) + 8 }),
);

export const vmaLayout: (prog: Program) => VmaLayout = VMA_LAYOUT.of;

export interface Vma {
  /** The vm_area_struct. */
  address: bigint;
  start: bigint;
  end: bigint;
  flags: bigint;
  /** vm_file (struct file *), 0n for anonymous memory. */
  file: bigint;
  mm: bigint;
  pgoff: bigint;
}

/** The VMAs of the mm_struct at `mm`, in address order. */
export function forEachVma(prog: Program, mm: bigint, options: WalkOptions = {}): Generator<Vma> {
  const l = vmaLayout(prog);
  return vmaWalk(prog, l, l.mmMt !== undefined ? mapleLayout(prog) : undefined, mm, options); // prog: interruptible reads
}

/** The walk over any address space and layouts (tests build both kinds of map in synthetic memory). */
export function* vmaWalk(space: AddressSpace, l: VmaLayout, maple: MapleLayout | undefined, mm: bigint, options: WalkOptions = {}): Generator<Vma> {
  const what = options.what ?? `VMAs of mm ${mm.toString(16)}`;
  const budget = options.budget ?? MAX_VMAS;
  let count = 0;
  const read = (vma: bigint): Vma => {
    try {
      return readVma(space, l, vma);
    } catch (err) {
      if (err instanceof KdwError) throw new WalkAborted(what, `vm_area_struct ${vma.toString(16)}: ${err.message}`, count);
      throw err;
    }
  };
  if (l.mmMt !== undefined) {
    if (!maple) throw new MissingDebugInfo("mm_struct.mm_mt without a maple_node layout");
    for (const e of mapleTreeEntries(space, maple, mm + BigInt(l.mmMt), { budget: budget * 2, what: `${what} (mm_mt)` })) {
      // Internal entries (XA_ZERO_ENTRY marks a range a failed fork left behind) are not VMAs.
      if (xaIsInternal(e.entry)) continue;
      if (count >= budget) throw new WalkAborted(what, `more than ${budget} VMAs`, count);
      count++;
      yield read(e.entry);
    }
    return;
  }
  if (l.mmMmap === undefined || l.vmNext === undefined) throw new MissingDebugInfo("mm_struct has neither mm_mt nor mmap");
  let vma: bigint;
  try {
    vma = u64le(space.read(mm + BigInt(l.mmMmap), 8), 0);
  } catch (err) {
    if (err instanceof KdwError) throw new WalkAborted(what, `mm_struct.mmap: ${err.message}`, 0);
    throw err;
  }
  const seen = new Set<bigint>();
  let prevEnd = 0n;
  while (vma !== 0n) {
    if (count >= budget) throw new WalkAborted(what, `more than ${budget} VMAs`, count);
    if (seen.has(vma)) throw new WalkAborted(what, `loop at ${vma.toString(16)}`, count);
    seen.add(vma);
    const v = read(vma);
    // The list is sorted and the ranges disjoint; one that goes backwards is not this mm's list.
    if (v.start < prevEnd || v.end < v.start) throw new WalkAborted(what, `vm_area_struct ${vma.toString(16)} out of order (${v.start.toString(16)}-${v.end.toString(16)})`, count);
    prevEnd = v.end;
    count++;
    yield v;
    try {
      vma = u64le(space.read(vma + BigInt(l.vmNext), 8), 0);
    } catch (err) {
      if (err instanceof KdwError) throw new WalkAborted(what, `vm_next of ${vma.toString(16)}: ${err.message}`, count);
      throw err;
    }
  }
}

export function readVma(space: AddressSpace, l: VmaLayout, vma: bigint): Vma {
  const b = space.read(vma, l.readSize);
  const dv = dataView(b);
  const at = (off: number): bigint => dv.getBigUint64(off, true);
  return {
    address: vma,
    start: at(l.vmStart),
    end: at(l.vmEnd),
    flags: l.vmFlagsSize === 8 ? at(l.vmFlags) : BigInt(dv.getUint32(l.vmFlags, true)),
    file: at(l.vmFile),
    mm: at(l.vmMm),
    pgoff: l.vmPgoff !== undefined ? at(l.vmPgoff) : 0n,
  };
}
