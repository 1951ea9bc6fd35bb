// crash's `irq -s` (kernel.c cmd_irq, generic_show_interrupts): /proc/interrupts as the kernel would have
// printed it at the time of the dump, from the IRQ descriptors.
import { showInterrupts, type IrqInterrupts } from "../../kernel/system/irq";
import { cpuCount } from "../../kernel/tasks/sched";
import { CommandError, type Command } from "../command";
import { escapeControl } from "../shared/escape";

/** crash's make_cpumask: "a" or "all", "N", "N-M", and comma-separated lists of those, below `ncpus`. */
export function parseCpuList(command: string, spec: string, ncpus: number): number[] {
  if (spec === "a" || spec === "all") return Array.from({ length: ncpus }, (_, i) => i);
  const set = new Set<number>();
  for (const part of spec.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new CommandError(command, `invalid cpu specification: ${spec}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= ncpus) throw new CommandError(command, `invalid cpu specification: ${spec}`);
    for (let c = lo; c <= hi; c++) set.add(c);
  }
  return [...set].sort((a, b) => a - b);
}

/** One line: "%3d: ", "%10u " per CPU, "%8s" chip, "-%-8s" flow handler, " names". */
export function formatInterruptLine(row: IrqInterrupts, cpus: readonly number[]): string {
  let s = `${String(row.irq).padStart(3)}: `;
  for (const cpu of cpus) s += `${String(row.counts[cpu] ?? "?").padStart(10)} `;
  if (row.chip !== undefined) {
    s += escapeControl(row.chip).padStart(8);
    if (row.flow !== undefined) s += `-${escapeControl(row.flow).padEnd(8)}`;
  }
  return `${s} ${escapeControl(row.actions.join(","))}`;
}

export const irqCommand: Command = {
  name: "irq",
  summary: "IRQ data",
  help: `NAME
  irq - IRQ data

SYNOPSIS
  irq -s [-c cpu(s)]

DESCRIPTION
  -s  shows the interrupts the kernel had counted, as /proc/interrupts does: for each IRQ line
      that has an action, its count on each CPU, its chip and flow handler ("IO-APIC-edge"),
      and the names of its actions. The descriptors come from irq_desc[], the irq_desc_tree
      radix tree or the sparse_irqs maple tree, as the kernel keeps them.
  -c  limits the counts to the given CPUs: "1", "1,3", "0-2" or "a" (all).

  Other crash forms of irq (the descriptor dump, -d, -b, -a, -u) are not provided.`,
  run(ctx, args) {
    let show = false;
    let cpuSpec: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-s") show = true;
      else if (a === "-c" && args[i + 1] !== undefined) cpuSpec = args[++i];
      else if (a.startsWith("-c") && a.length > 2) cpuSpec = a.slice(2);
      else if (a === "-sc" && args[i + 1] !== undefined) {
        show = true;
        cpuSpec = args[++i];
      } else throw new CommandError("irq", `invalid argument: ${a} (only -s [-c cpus] is supported)`);
    }
    if (!show) throw new CommandError("irq", "only the -s form is supported");
    const ncpus = cpuCount(ctx.prog);
    const cpus = cpuSpec === undefined ? Array.from({ length: ncpus }, (_, i) => i) : parseCpuList("irq", cpuSpec, ncpus);
    const { rows, problems } = showInterrupts(ctx.prog, cpus);
    const header = "     " + cpus.map((c) => `${`CPU${c}`.padStart(10)} `).join("");
    const lines = [header, ...rows.map((r) => formatInterruptLine(r, cpus))];
    const errors = [...rows.flatMap((r) => r.problems.map((p) => `irq: IRQ ${r.irq}: ${p}`)), ...problems.map((p) => `irq: ${p.message}`)];
    return { data: { cpus, rows }, text: lines.join("\n"), errors };
  },
};
