// SPARSEMEM's sections and the memory blocks of the memory bus (include/linux/mmzone.h struct mem_section,
// drivers/base/memory.c struct memory_block), as crash's dump_mem_sections and dump_memory_blocks show
// them for kmem -n. Memory blocks are the devices on the memory bus: memory_subsys.p (struct bus_type's
// subsys_private, up to 6.2) or, since 6.3, the kset named "memory" on bus_kset; each device_private on its
// klist_devices is a struct memory_block's dev.
import { KdwError, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, members, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { latin1 } from "../modules/read";
import { mmLayout } from "./mm";

/** include/linux/mmzone.h: the low bits of section_mem_map. */
const SECTION_MARKED_PRESENT = 1n;
const SECTION_MAP_MASK = ~0x1fn & ((1n << 64n) - 1n);
/** Sections listed at most. */
const MAX_LISTED_SECTIONS = 1 << 20;
/** Memory blocks walked at most. */
const MAX_MEMORY_BLOCKS = 1 << 20;
/** Bus ksets walked at most when looking for "memory" (6.3+). */
const MAX_BUSES = 4096;

/** A present section (crash's valid_section_nr). */
export interface MemSection {
  nr: number;
  /** The struct mem_section. */
  address: bigint;
  /** section_mem_map as stored: the coded mem_map with the state bits. */
  sectionMemMap: bigint;
  /** The coded mem_map (state bits cleared): the struct page of pfn 0 as this section encodes it. */
  codedMemMap: bigint;
  /** The struct page of the section's first page frame. */
  memMap: bigint;
  firstPfn: number;
}

/** Every present section, in order: all roots of mem_section are scanned (no bound by the dump's size). */
export function memSections(prog: Program): MemSection[] {
  const l = mmLayout(prog);
  const out: MemSection[] = [];
  const pagesPerSection = 2 ** l.pfnSectionShift;
  const isPtr = (prog.symbolSize("mem_section") ?? 8) === 8;
  const table = isPtr ? prog.readU64(prog.symbolAddress("mem_section")) : prog.symbolAddress("mem_section");
  if (table === 0n) return out;
  const roots = dataView(prog.read(table, l.nrSectionRoots * 8));
  for (let r = 0; r < l.nrSectionRoots && out.length < MAX_LISTED_SECTIONS; r++) {
    const root = roots.getBigUint64(r * 8, true);
    if (root === 0n) continue;
    let sections: DataView;
    try {
      sections = dataView(prog.read(root, l.sectionsPerRoot * l.memSectionSize));
    } catch (err) {
      if (err instanceof KdwError) continue;
      throw err;
    }
    for (let i = 0; i < l.sectionsPerRoot; i++) {
      const map = sections.getBigUint64(i * l.memSectionSize + l.sectionMemMapOff, true);
      if (!(map & SECTION_MARKED_PRESENT)) continue;
      const nr = r * l.sectionsPerRoot + i;
      const firstPfn = nr * pagesPerSection;
      const coded = map & SECTION_MAP_MASK;
      out.push({
        nr,
        address: root + BigInt(i * l.memSectionSize),
        sectionMemMap: map,
        codedMemMap: coded,
        memMap: BigInt.asUintN(64, coded + BigInt(firstPfn) * BigInt(l.pageStructSize)),
        firstPfn,
      });
    }
  }
  return out;
}

const BLOCKS = layout({
  ...members("memory_block", {
    startSectionNr: "start_section_nr",
    endSectionNr: optional("end_section_nr"), // up to 5.7; memory_block_size_probed after
    state: "state",
    nid: optional("nid"), // 4.13+
    dev: "dev",
  }),
  busP: optional("bus_type.p"), // removed in 6.3
  klistDevices: "subsys_private.klist_devices.k_list",
  subsysKset: "subsys_private.subsys",
  knodeBus: "device_private.knode_bus.n_node",
  dpDevice: "device_private.device",
  devKobjName: "device.kobj.name",
  ksetList: "kset.list",
  ksetKobj: "kset.kobj",
  kobjName: "kobject.name",
  kobjEntry: "kobject.entry",
});

/** A memory block (one directory of /sys/devices/system/memory). */
export interface MemoryBlock {
  address: bigint;
  name: string;
  startSection: number;
  /** The end section (end_section_nr, up to 5.7) where the kernel records it. */
  endSection?: number;
  state: bigint;
  nid?: number;
}

function readName(prog: Program, ptr: bigint): string {
  if (ptr === 0n) return "";
  try {
    return latin1(prog.readCString(ptr, 64));
  } catch (err) {
    if (err instanceof KdwError) return "";
    throw err;
  }
}

/** The entries of a list_head (node addresses), bounded, with loop detection. */
function listNodes(prog: Program, head: bigint, max: number, what: string): { nodes: bigint[]; aborted?: WalkAborted } {
  const nodes: bigint[] = [];
  const seen = new Set<bigint>();
  let node = prog.readU64(head);
  while (node !== head) {
    if (nodes.length >= max) return { nodes, aborted: new WalkAborted(what, `step budget of ${max} exhausted`, nodes.length) };
    if (node === 0n || seen.has(node)) return { nodes, aborted: new WalkAborted(what, node === 0n ? "NULL next pointer" : `loop at ${node.toString(16)}`, nodes.length) };
    seen.add(node);
    nodes.push(node);
    try {
      node = prog.readU64(node);
    } catch (err) {
      if (err instanceof KdwError) return { nodes, aborted: new WalkAborted(what, `node ${node.toString(16)}: ${err.message}`, nodes.length) };
      throw err;
    }
  }
  return { nodes };
}

/** The memory bus's subsys_private: memory_subsys.p (up to 6.2), else the "memory" kset on bus_kset (6.3+). */
function memorySubsysPrivate(prog: Program): bigint {
  const l = BLOCKS.of(prog);
  if (l.busP !== undefined) return prog.readU64(prog.symbolAddress("memory_subsys") + BigInt(l.busP));
  if (!prog.hasSymbol("bus_kset")) return 0n;
  const busKset = prog.readU64(prog.symbolAddress("bus_kset"));
  const { nodes } = listNodes(prog, busKset + BigInt(l.ksetList), MAX_BUSES, "bus_kset");
  for (const entry of nodes) {
    // Each entry is the kobject.entry of a bus's kset (subsys_private.subsys.kobj).
    const kobj = entry - BigInt(l.kobjEntry);
    if (readName(prog, prog.readU64(kobj + BigInt(l.kobjName))) === "memory") return kobj - BigInt(l.ksetKobj) - BigInt(l.subsysKset);
  }
  return 0n;
}

/** The memory blocks on the memory bus, in klist order; empty when the kernel has none. */
export function memoryBlocks(prog: Program): { blocks: MemoryBlock[]; aborted?: WalkAborted } {
  if (!prog.hasSymbol("memory_subsys") || !prog.findType("struct memory_block")) return { blocks: [] };
  const l = BLOCKS.of(prog);
  const priv = memorySubsysPrivate(prog);
  if (priv === 0n) return { blocks: [], aborted: new WalkAborted("memory blocks", "cannot determine subsys_private for memory", 0) };
  const { nodes, aborted } = listNodes(prog, priv + BigInt(l.klistDevices), MAX_MEMORY_BLOCKS, "memory bus klist_devices");
  const blocks: MemoryBlock[] = [];
  for (const n of nodes) {
    const dp = n - BigInt(l.knodeBus);
    const device = prog.readU64(dp + BigInt(l.dpDevice));
    const address = device - BigInt(l.dev);
    const block: MemoryBlock = {
      address,
      name: readName(prog, prog.readU64(device + BigInt(l.devKobjName))),
      startSection: Number(prog.readU64(address + BigInt(l.startSectionNr))),
      state: prog.readU64(address + BigInt(l.state)),
    };
    if (l.endSectionNr !== undefined) block.endSection = Number(prog.readU64(address + BigInt(l.endSectionNr)));
    if (l.nid !== undefined) block.nid = prog.readS32(address + BigInt(l.nid));
    blocks.push(block);
  }
  return { blocks, aborted };
}

/** memory_block_size_probed (bytes per block) where the kernel has it (5.8+). */
export function memoryBlockSizeProbed(prog: Program): bigint | undefined {
  return prog.hasSymbol("memory_block_size_probed") ? prog.readU64(prog.symbolAddress("memory_block_size_probed")) : undefined;
}
