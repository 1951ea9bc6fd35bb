// crash's `irq -s` (kernel.c cmd_irq, generic_show_interrupts): /proc/interrupts as the kernel would have
// printed it at the time of the dump, from the IRQ descriptors.
import { showInterrupts, type IrqInterrupts } from "../../kernel/system/irq";
import { cpuCount } from "../../kernel/tasks/sched";
import { CommandError, defineCommand } from "../command";
import { parseCpuList } from "../shared/cpu-list";
import { formatIrq } from "./irq-format";

export interface IrqResult {
  cpus: number[];
  rows: IrqInterrupts[];
  /** Where the descriptor walk stopped early. */
  problems: string[];
}

const invalid = (a: string): string => `invalid argument: ${a} (only -s [-c cpus] is supported)`;

export const irqCommand = defineCommand({
  name: "irq",
  summary: "IRQ data",
  help: `SYNOPSIS
  irq -s [-c cpu(s)]

DESCRIPTION
  -s  shows the interrupts the kernel had counted, as /proc/interrupts does: for each IRQ line
      that has an action, its count on each CPU, its chip and flow handler ("IO-APIC-edge"),
      and the names of its actions. The descriptors come from irq_desc[], the irq_desc_tree
      radix tree or the sparse_irqs maple tree, as the kernel keeps them.
  -c  limits the counts to the given CPUs: "1", "1,3", "0-2" or "a" (all).

  Other crash forms of irq (the descriptor dump, -d, -b, -a, -u) are not provided.`,
  options: { flags: "s", values: "c", invalid },
  parse(args): { cpuSpec?: string } {
    if (args.operands.length) throw new CommandError("irq", invalid(args.operands[0]!));
    if (!args.has("s")) throw new CommandError("irq", "only the -s form is supported");
    return { cpuSpec: args.value("c") };
  },
  execute(ctx, o): IrqResult {
    const ncpus = cpuCount(ctx.prog);
    const cpus = o.cpuSpec === undefined ? Array.from({ length: ncpus }, (_, i) => i) : parseCpuList("irq", o.cpuSpec, ncpus);
    const { rows, problems } = showInterrupts(ctx.prog, cpus);
    return { cpus, rows, problems: problems.map((p) => p.message) };
  },
  format: formatIrq,
  errors: (r) => [...r.rows.flatMap((row) => row.problems.map((p) => `irq: IRQ ${row.irq}: ${p}`)), ...r.problems.map((p) => `irq: ${p}`)],
});
