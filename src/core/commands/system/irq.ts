// crash's `irq` (kernel.c cmd_irq): the IRQ descriptors and their actions (generic_dump_irq, the format of
// 2.6.37 and later kernels), of every IRQ below nr_irqs, of those named, or of those in use (-u); the
// interrupt descriptor table (-d, x86_64_display_idt_table); the softirq handlers (-b, display_bh_4); each
// in-use IRQ's CPU affinity (-a, generic_get_irq_affinity); and /proc/interrupts as the kernel would have
// printed it (-s [-c cpus], generic_show_interrupts).
import { idtGates } from "../../kernel/hooks/idt";
import { irqActions, irqAffinity, irqDescriptors, nrIrqs, showInterrupts, type IrqAction, type IrqInterrupts } from "../../kernel/system/irq";
import { softirqVectors } from "../../kernel/system/softirq";
import { cpuCount } from "../../kernel/tasks/sched";
import { KdwError } from "../../io/errors";
import { moduleKallsymsAt } from "../../kernel/modules/module-symbols";
import { moduleAt, moduleList } from "../../kernel/modules/modules";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { parseCpuList } from "../shared/cpu-list";
import { symbolizeValue } from "../shared/symbol-args";
import { formatIrq } from "./irq-format";

/** One IRQ of the descriptor dump: its irq_desc (undefined: none allocated) and its actions. */
export interface IrqDescRow {
  irq: number;
  desc?: bigint;
  actions: IrqAction[];
}

export type IrqResult =
  | { kind: "descriptors"; rows: IrqDescRow[]; problems: string[] }
  | { kind: "interrupts"; cpus: number[]; rows: IrqInterrupts[]; problems: string[] }
  | { kind: "idt"; gates: { vector: number; handler: bigint; symbol: string }[]; problems: string[] }
  | { kind: "softirqs"; vectors: { index: number; action: bigint; symbol: string; module?: string }[]; problems: string[] }
  | { kind: "affinity"; rows: { irq: number; names: string[]; cpus: number[]; ncpus: number }[]; problems: string[] };

type IrqOptions =
  | { view: "descriptors"; inUse: boolean; irqs: number[] }
  | { view: "interrupts"; cpuSpec?: string }
  | { view: "idt" | "softirqs" | "affinity" };

function parse(args: { has(f: "d" | "b" | "u" | "a" | "s"): boolean; value(l: "c"): string | undefined; values(l: "c"): string[]; flags: readonly string[]; operands: readonly string[] }): IrqOptions {
  if (args.values("c").length > 1) throw new CommandError("irq", "only one -c option allowed");
  // crash acts on the first of -d, -b and -a it meets, whatever follows.
  for (const f of args.flags) {
    if (f === "d") return { view: "idt" };
    if (f === "b") return { view: "softirqs" };
    if (f === "a") return { view: "affinity" };
  }
  if (args.has("s")) return { view: "interrupts", cpuSpec: args.value("c") };
  const irqs = args.operands.map((w) => {
    const bad = [...w].find((c) => c < "0" || c > "9");
    if (bad !== undefined || w === "") throw new CommandError("irq", `${w}: "${bad ?? ""}" is not a digit 0 - 9`);
    return Number(w);
  });
  return { view: "descriptors", inUse: args.has("u") && irqs.length === 0, irqs };
}

function descriptors(ctx: CommandContext, o: { inUse: boolean; irqs: number[] }): IrqResult {
  const prog = ctx.prog;
  const n = nrIrqs(prog);
  const { descs, problem } = irqDescriptors(prog);
  const byIrq = new Map(descs.map((d) => [d.irq, d.address]));
  const result: IrqResult & { kind: "descriptors" } = { kind: "descriptors", rows: [], problems: problem ? [problem.message] : [] };
  const row = (irq: number): void => {
    ctx.interrupt?.();
    const desc = byIrq.get(irq);
    if (desc === undefined) {
      if (!o.inUse) result.rows.push({ irq, actions: [] });
      return;
    }
    const { actions, problem: p } = irqActions(prog, desc);
    if (p) result.problems.push(`IRQ ${irq}: ${p}`);
    result.rows.push({ irq, desc, actions });
  };
  if (o.irqs.length === 0) for (let irq = 0; irq < n; irq++) row(irq);
  for (const irq of o.irqs) {
    if (irq >= n) {
      result.problems.push(`invalid IRQ value: ${irq}  (${n - 1} max)`);
      break;
    }
    row(irq);
  }
  return result;
}

/** value_to_symstr in gdb's default radix (10): "name" or "name+off", kernel or module; "" when none. */
function symstr(ctx: CommandContext, addr: bigint): string {
  const kernel = symbolizeValue(ctx, addr);
  if (kernel !== undefined) return kernel;
  const m = moduleKallsymsAt(ctx.prog, addr);
  return m ? (m.offset ? `${m.name}+${m.offset}` : m.name) : "";
}

/** The listed module whose memory holds `addr` (crash's module_symbol), if any. */
function moduleName(ctx: CommandContext, addr: bigint): string | undefined {
  try {
    return moduleAt(moduleList(ctx.prog).modules, addr)?.name;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
}

function execute(ctx: CommandContext, o: IrqOptions): IrqResult {
  const prog = ctx.prog;
  switch (o.view) {
    case "descriptors":
      return descriptors(ctx, o);
    case "interrupts": {
      const ncpus = cpuCount(prog);
      const cpus = o.cpuSpec === undefined ? Array.from({ length: ncpus }, (_, i) => i) : parseCpuList("irq", o.cpuSpec, ncpus);
      const { rows, problems } = showInterrupts(prog, cpus);
      return { kind: "interrupts", cpus, rows, problems: [...rows.flatMap((row) => row.problems.map((p) => `IRQ ${row.irq}: ${p}`)), ...problems.map((p) => p.message)] };
    }
    case "idt": {
      const scan = idtGates(prog);
      if (scan.absent) throw new CommandError("irq", `-d option not supported or applicable on this architecture or kernel (${scan.absent})`);
      const byVector = new Map(scan.gates.map((g) => [g.vector, g.handler]));
      const gates = Array.from({ length: 256 }, (_, vector) => {
        const handler = byVector.get(vector) ?? 0n;
        return { vector, handler, symbol: handler === 0n ? "" : symstr(ctx, handler) };
      });
      return { kind: "idt", gates: scan.problems.length ? [] : gates, problems: scan.problems.map((p) => p.message) };
    }
    case "softirqs": {
      const vectors = softirqVectors(prog).map((v) => {
        const at = ctx.symbols.symbolAt(v.action);
        const module = at ? undefined : moduleName(ctx, v.action);
        return { index: v.index, action: v.action, symbol: at?.symbol.name ?? moduleKallsymsAt(prog, v.action)?.name ?? "", ...(module ? { module } : {}) };
      });
      return { kind: "softirqs", vectors, problems: [] };
    }
    case "affinity": {
      const ncpus = cpuCount(prog);
      const n = nrIrqs(prog);
      const { descs, problem } = irqDescriptors(prog);
      const result: IrqResult & { kind: "affinity" } = { kind: "affinity", rows: [], problems: problem ? [problem.message] : [] };
      for (const d of [...descs].sort((a, b) => a.irq - b.irq)) {
        if (d.irq >= n) continue;
        ctx.interrupt?.();
        const { actions, problem: p } = irqActions(prog, d.address);
        if (p) result.problems.push(`IRQ ${d.irq}: ${p}`);
        if (actions.length === 0) continue;
        try {
          result.rows.push({ irq: d.irq, names: actions.flatMap((a) => (a.name !== undefined ? [a.name] : [])), cpus: irqAffinity(prog, d.address, ncpus), ncpus });
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          result.problems.push(`IRQ ${d.irq}: affinity: ${err.message}`);
        }
      }
      return result;
    }
  }
}

export const irqCommand = defineCommand({
  name: "irq",
  summary: "IRQ data",
  help: `SYNOPSIS
  irq [[[index ...] | -u ] | -d | -b | -a | -s [-c cpu]]

DESCRIPTION
  With no argument, shows for every IRQ below nr_irqs its irq_desc address, the address of each
  irqaction on it and the action's name, or "(unused)". The descriptors come from irq_desc[], the
  irq_desc_tree radix tree or the sparse_irqs maple tree, as the kernel keeps them.

    index   the IRQs given (decimal numbers below nr_irqs).
       -u   only the IRQs that have a descriptor.
       -d   the interrupt descriptor table: each of the 256 vectors' handler.
       -b   the softirq handlers (softirq_vec).
       -a   the CPU affinity of each IRQ that has an action.
       -s   the interrupts the kernel had counted, as /proc/interrupts does: for each IRQ line that
            has an action, its count on each CPU, its chip and flow handler ("IO-APIC-edge"), and
            the names of its actions.
   -c cpu   with -s, the counts of the given CPUs: "1", "1,3", "0-2" or "a" (all).

  The descriptor dump of kernels before 2.6.37 (STATUS, HANDLER, ... of each irq_desc) is not shown.`,
  options: { flags: "dbuas", values: "c" },
  parse,
  execute,
  format: formatIrq,
  errors: (r) => r.problems.map((p) => `irq: ${p}`),
});
