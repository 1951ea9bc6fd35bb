// IRQ descriptors (include/linux/irqdesc.h `struct irq_desc`) and what /proc/interrupts shows of them: the
// per-CPU counts (desc->kstat_irqs, a per-CPU pointer), the chip (irq_data.chip->name), the flow handler's
// name (desc->name: "edge", "fasteoi") and the actions' names (the desc->action chain). Where the
// descriptors live depends on the kernel (crash's get_irq_desc_addr): a flat `irq_desc[]` array without
// CONFIG_SPARSE_IRQ, the `irq_desc_tree` radix tree (an XArray since 4.20) up to 6.4, the `sparse_irqs`
// maple tree from 6.5. Offsets are resolved once per Program.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { layout, members, optional } from "../../program/layout";
import { DEFAULT_WALK_BUDGET } from "../../program/list";
import { mtForEach } from "../../program/maple-tree";
import type { Program } from "../../program/program";
import { xaForEach } from "../../program/xarray";
import { latin1String as latin1 } from "../../io/latin1";

const IRQ_LAYOUT = layout(
  {
    ...members("irq_desc", {
      kstatIrqs: "kstat_irqs", // unsigned int __percpu *
      action: "action",
      name: "name", // the flow handler's name
      irq: "irq_data.irq",
      chip: "irq_data.chip",
    }),
    chipName: "irq_chip.name",
    actionName: "irqaction.name",
    actionNext: "irqaction.next",
    // The affinity mask: irq_common_data.affinity since 4.3, irq_data.affinity before (a cpumask_var_t: a
    // pointer with CONFIG_CPUMASK_OFFSTACK, else the mask itself).
    commonAffinity: optional("irq_desc.irq_common_data.affinity"),
    dataAffinity: optional("irq_desc.irq_data.affinity"),
  },
  (_o, _m, prog) => ({ descSize: prog.sizeOf("struct irq_desc") }),
);

export type IrqLayout = ReturnType<typeof IRQ_LAYOUT.of>;

export const irqLayout: (prog: Program) => IrqLayout = IRQ_LAYOUT.of;

/** Most actions one IRQ line can plausibly share (a longer chain is a loop or garbage). */
export const MAX_IRQ_ACTIONS = 1024;
/** NR_IRQS bound for a hostile nr_irqs (x86: NR_VECTORS * NR_CPUS is at most a few hundred thousand). */
export const MAX_NR_IRQS = 1 << 20;

/** The kernel's nr_irqs (x86_64: crash falls back to 224 when the symbol is missing). */
export function nrIrqs(prog: Program): number {
  if (prog.hasSymbol("irq_desc") && !prog.hasSymbol("irq_desc_tree") && !prog.hasSymbol("sparse_irqs")) {
    const size = prog.symbolSize("irq_desc");
    if (size) return Math.floor(size / irqLayout(prog).descSize);
  }
  if (!prog.hasSymbol("nr_irqs")) return 224;
  const n = prog.readS32(prog.symbolAddress("nr_irqs"));
  return Math.max(0, Math.min(n, MAX_NR_IRQS));
}

export interface IrqDescriptor {
  irq: number;
  /** The struct irq_desc. */
  address: bigint;
}

export interface IrqDescriptors {
  descs: IrqDescriptor[];
  /** The walk of the descriptor tree stopped here (the descriptors before it are kept). */
  problem?: WalkAborted;
}

/** Every allocated IRQ descriptor, by IRQ number (crash's get_irq_desc_addr for each irq, gathered once). */
export function irqDescriptors(prog: Program, options: { budget?: number } = {}): IrqDescriptors {
  const descs: IrqDescriptor[] = [];
  const budget = options.budget ?? DEFAULT_WALK_BUDGET;
  try {
    if (prog.hasSymbol("sparse_irqs")) {
      const l = irqLayout(prog);
      for (const e of mtForEach(prog, prog.symbolAddress("sparse_irqs"), { budget, what: "sparse_irqs" })) {
        // crash reads the number from the descriptor: a maple index is not the IRQ number in every tree.
        descs.push({ irq: prog.readU32(e.entry + BigInt(l.irq)), address: e.entry });
      }
    } else if (prog.hasSymbol("irq_desc_tree")) {
      for (const e of xaForEach(prog, prog.symbolAddress("irq_desc_tree"), { budget, what: "irq_desc_tree" })) {
        if (e.index >= BigInt(MAX_NR_IRQS)) throw new WalkAborted("irq_desc_tree", `index ${e.index} out of range`, descs.length);
        descs.push({ irq: Number(e.index), address: e.entry });
      }
    } else if (prog.hasSymbol("irq_desc")) {
      const base = prog.symbolAddress("irq_desc");
      const size = BigInt(irqLayout(prog).descSize);
      const n = nrIrqs(prog);
      for (let irq = 0; irq < n; irq++) descs.push({ irq, address: base + BigInt(irq) * size });
    } else throw new MissingDebugInfo("neither irq_desc, irq_desc_tree nor sparse_irqs exists");
  } catch (err) {
    if (err instanceof WalkAborted) return { descs, problem: err };
    if (err instanceof KdwError && !(err instanceof MissingDebugInfo)) return { descs, problem: new WalkAborted("irq descriptors", err.message, descs.length) };
    throw err;
  }
  return { descs };
}

/** One irqaction of a descriptor's chain: its address and name (undefined when the name cannot be read). */
export interface IrqAction {
  address: bigint;
  name?: string;
}

/** The desc->action chain, in order; a loop or a bad pointer ends it (what was read is kept, with the reason). */
export function irqActions(prog: Program, desc: bigint): { actions: IrqAction[]; problem?: string } {
  const l = irqLayout(prog);
  const actions: IrqAction[] = [];
  const seen = new Set<bigint>();
  try {
    let action = prog.readU64(desc + BigInt(l.action));
    while (action !== 0n) {
      if (seen.has(action) || seen.size >= MAX_IRQ_ACTIONS) return { actions, problem: `irqaction chain: loop at ${action.toString(16)}` };
      seen.add(action);
      const nameAddr = prog.readU64(action + BigInt(l.actionName));
      let name: string | undefined;
      try {
        name = nameAddr === 0n ? undefined : latin1(prog.readCString(nameAddr, 1500));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
      actions.push({ address: action, ...(name !== undefined ? { name } : {}) });
      action = prog.readU64(action + BigInt(l.actionNext));
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { actions, problem: `irq_desc ${desc.toString(16)}: ${err.message}` };
  }
  return { actions };
}

/** The CPUs in the descriptor's affinity mask, below `ncpus` (crash's generic_get_irq_affinity). */
export function irqAffinity(prog: Program, desc: bigint, ncpus: number): number[] {
  const l = irqLayout(prog);
  const m = IRQ_LAYOUT.members(prog);
  const member = m.commonAffinity ?? m.dataAffinity;
  if (!member) throw new MissingDebugInfo("irq_desc has no affinity mask (irq_common_data.affinity or irq_data.affinity)");
  const slot = desc + BigInt(l.commonAffinity ?? l.dataAffinity!);
  const mask = member.kind === "pointer" ? prog.readU64(slot) : slot;
  const words = Math.ceil(Math.min(ncpus, MAX_NR_IRQS) / 64);
  const bytes = prog.read(mask, words * 8);
  const cpus: number[] = [];
  for (let cpu = 0; cpu < ncpus; cpu++) if ((bytes[cpu >> 3]! >> (cpu & 7)) & 1) cpus.push(cpu);
  return cpus;
}

/** One line of /proc/interrupts (crash's `irq -s`, generic_show_interrupts). */
export interface IrqInterrupts {
  irq: number;
  desc: bigint;
  /** Per CPU (indexed by CPU number): the count, or undefined when it could not be read. */
  counts: (number | undefined)[];
  /** irq_data.chip->name ("IO-APIC", "PCI-MSI"); undefined when there is no readable chip name. */
  chip?: string;
  /** desc->name, the flow handler's name ("edge", "fasteoi"). */
  flow?: string;
  /** The names of the actions on the line, in chain order. */
  actions: string[];
  /** What could not be read on this line (the rest of the line is kept). */
  problems: string[];
}

/** The IRQs that have an action, as /proc/interrupts lists them, counted on `cpus`. */
export function showInterrupts(prog: Program, cpus: readonly number[], options: { budget?: number } = {}): { rows: IrqInterrupts[]; problems: WalkAborted[] } {
  const l = irqLayout(prog);
  const { descs, problem } = irqDescriptors(prog, options);
  const n = nrIrqs(prog);
  const offsets = new Map<number, bigint>();
  const rows: IrqInterrupts[] = [];
  const sorted = [...descs].sort((a, b) => a.irq - b.irq);
  for (const { irq, address } of sorted) {
    if (irq >= n) continue;
    let action: bigint;
    try {
      action = prog.readU64(address + BigInt(l.action));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      rows.push({ irq, desc: address, counts: [], actions: [], problems: [`irq_desc ${address.toString(16)}: ${err.message}`] });
      continue;
    }
    if (action === 0n) continue;
    rows.push(interruptLine(prog, l, irq, address, action, cpus, offsets));
  }
  return { rows, problems: problem ? [problem] : [] };
}

function interruptLine(prog: Program, l: IrqLayout, irq: number, desc: bigint, firstAction: bigint, cpus: readonly number[], offsets: Map<number, bigint>): IrqInterrupts {
  const problems: string[] = [];
  const guard = <T>(what: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(`${what}: ${err.message}`);
      return undefined;
    }
  };
  const counts: (number | undefined)[] = [];
  const kstat = guard("irq_desc.kstat_irqs", () => prog.readU64(desc + BigInt(l.kstatIrqs)));
  for (const cpu of cpus) {
    if (kstat === undefined) break;
    counts[cpu] = guard(`CPU ${cpu} kstat_irqs`, () => {
      let off = offsets.get(cpu);
      if (off === undefined) offsets.set(cpu, (off = prog.perCpuOffset(cpu)));
      return prog.readU32(BigInt.asUintN(64, kstat + off));
    });
  }
  const text = (addr: bigint): string | undefined => (addr === 0n ? undefined : latin1(prog.readCString(addr, 1500)));
  const chipAddr = guard("irq_data.chip", () => prog.readU64(desc + BigInt(l.chip)));
  const chip = chipAddr ? guard("irq_chip.name", () => text(prog.readU64(chipAddr + BigInt(l.chipName)))) : undefined;
  const flow = guard("irq_desc.name", () => text(prog.readU64(desc + BigInt(l.name))));
  const actions: string[] = [];
  const seen = new Set<bigint>();
  let action = firstAction;
  while (action !== 0n) {
    if (seen.has(action) || seen.size >= MAX_IRQ_ACTIONS) {
      problems.push(`irqaction chain: loop at ${action.toString(16)}`);
      break;
    }
    seen.add(action);
    const at = action;
    const name = guard(`irqaction ${at.toString(16)}`, () => text(prog.readU64(at + BigInt(l.actionName))));
    if (name) actions.push(name);
    const next = guard(`irqaction ${at.toString(16)}`, () => prog.readU64(at + BigInt(l.actionNext)));
    if (next === undefined) break;
    action = next;
  }
  return { irq, desc, counts, chip, flow, actions, problems };
}


