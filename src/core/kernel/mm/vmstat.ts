// The kernel's vm counters by name, as crash's kmem -V and -z print them (memory.c vm_stat_init,
// dump_vm_stat, vm_event_state_init, dump_vm_event_state): the global vm_zone_stat[] and vm_node_stat[]
// (4.8+; one vm_stat[] before), vm_numa_stat[] (4.14 .. 5.13), a zone's own zone->vm_stat[], and the
// per-CPU vm_event_states summed over the CPUs. Names are the enumerators of enum zone_stat_item,
// node_stat_item, numa_stat_item and vm_event_item, by value (a later alias wins, as in crash's table).
import { resolveType } from "../../debuginfo/types";
import { KdwError } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { perProgram, type Program } from "../../program/program";
import { cpuCount } from "../tasks/sched";

/** No counter table is longer than this. */
const MAX_ITEMS = 4096;

/** One counter: its name and value (vm_stat values are signed; event counts are unsigned). */
export interface VmCounter {
  name: string;
  value: bigint;
}

/** The names of an enum's items below its terminator, by value; undefined when the kernel lacks the enum. */
function enumItems(prog: Program, enumName: string, terminator: string): { names: string[]; count: number } | undefined {
  const t = prog.findType(`enum ${enumName}`);
  if (!t) return undefined;
  const e = resolveType(t);
  if (e.kind !== "enum") return undefined;
  const end = e.enumerators.find((x) => x.name === terminator);
  if (!end || end.value < 0n || end.value > BigInt(MAX_ITEMS)) return undefined;
  const count = Number(end.value);
  const names: string[] = new Array<string>(count).fill("");
  for (const en of e.enumerators) {
    if (en.name === terminator) break;
    if (en.value >= 0n && en.value < BigInt(count)) names[Number(en.value)] = en.name;
  }
  return { names, count };
}

function readCounters(prog: Program, addr: bigint, names: readonly string[], signed: boolean): VmCounter[] {
  const dv = dataView(prog.read(addr, names.length * 8));
  return names.map((name, i) => ({ name, value: signed ? dv.getBigInt64(i * 8, true) : dv.getBigUint64(i * 8, true) }));
}

/** A titled table of counters (crash's VM_ZONE_STAT:, VM_NODE_STAT:, VM_NUMA_STAT:, VM_STAT:). */
export interface VmStatTable {
  title: "VM_ZONE_STAT" | "VM_NODE_STAT" | "VM_NUMA_STAT" | "VM_STAT";
  counters: VmCounter[];
}

interface VmStatNames {
  zone?: string[];
  node?: string[];
  numa?: string[];
}

const NAMES = perProgram((prog): VmStatNames => ({
  zone: enumItems(prog, "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS")?.names,
  node: enumItems(prog, "node_stat_item", "NR_VM_NODE_STAT_ITEMS")?.names,
  numa: enumItems(prog, "numa_stat_item", "NR_VM_NUMA_STAT_ITEMS")?.names,
}));

/**
 * The global vm counters as crash's dump_vm_stat lists them: vm_zone_stat and vm_node_stat (with
 * vm_numa_stat where the kernel has it, 4.14 .. 5.13), else the one vm_stat[] of older kernels. Empty when
 * the kernel has none of them.
 */
export function vmStatTables(prog: Program): VmStatTable[] {
  const names = NAMES.of(prog);
  if (prog.hasSymbol("vm_zone_stat") && prog.hasSymbol("vm_node_stat") && names.zone && names.node) {
    const tables: VmStatTable[] = [
      { title: "VM_ZONE_STAT", counters: readCounters(prog, prog.symbolAddress("vm_zone_stat"), names.zone, true) },
      { title: "VM_NODE_STAT", counters: readCounters(prog, prog.symbolAddress("vm_node_stat"), names.node, true) },
    ];
    if (prog.hasSymbol("vm_numa_stat") && names.numa?.length) tables.push({ title: "VM_NUMA_STAT", counters: readCounters(prog, prog.symbolAddress("vm_numa_stat"), names.numa, true) });
    return tables;
  }
  if (prog.hasSymbol("vm_stat") && names.zone) return [{ title: "VM_STAT", counters: readCounters(prog, prog.symbolAddress("vm_stat"), names.zone, true) }];
  return [];
}

/** A zone's own counters (zone->vm_stat[NR_VM_ZONE_STAT_ITEMS]). */
export function zoneVmStat(prog: Program, vmStatAddr: bigint): VmCounter[] {
  const names = NAMES.of(prog).zone;
  return names ? readCounters(prog, vmStatAddr, names, true) : [];
}

/** The per-CPU vm_event_states summed over the CPUs, or undefined when the kernel has no event counters. */
export function vmEventStates(prog: Program): VmCounter[] | undefined {
  if (!prog.hasSymbol("vm_event_states")) return undefined;
  const items = enumItems(prog, "vm_event_item", "NR_VM_EVENT_ITEMS");
  if (!items) return undefined;
  const sums = new Array<bigint>(items.count).fill(0n);
  const base = prog.symbolAddress("vm_event_states");
  const cpus = cpuCount(prog);
  for (let cpu = 0; cpu < cpus; cpu++) {
    let dv: DataView;
    try {
      dv = dataView(prog.read(BigInt.asUintN(64, base + prog.perCpuOffset(cpu)), items.count * 8));
    } catch (err) {
      if (err instanceof KdwError) continue;
      throw err;
    }
    for (let i = 0; i < items.count; i++) sums[i] = BigInt.asUintN(64, sums[i]! + dv.getBigUint64(i * 8, true));
  }
  return items.names.map((name, i) => ({ name, value: sums[i]! }));
}
