// crash's irq text: the descriptor dump (kernel.c generic_dump_irq, its 2.6.37+ format), /proc/interrupts'
// layout for -s (kernel/irq/proc.c show_interrupts, crash's generic_show_interrupts), the IDT (-d), the
// softirq vector (-b, display_bh_4) and the affinities (-a, generic_get_irq_affinity, display_cpu_affinity).
import type { IrqInterrupts } from "../../kernel/system/irq";
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { IrqDescRow, IrqResult } from "./irq";

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

const DESC_WIDTH = Math.max(VADDR_PRLEN, "IRQ_DESC/_DATA".length);
const ACTION_WIDTH = Math.max(VADDR_PRLEN, "IRQACTION".length);
const DESC_HEADER = ` IRQ  ${center("IRQ_DESC/_DATA", VADDR_PRLEN)}  ${center("IRQACTION", VADDR_PRLEN)}  NAME`;

/** irq_desc_format_v2: the IRQ, its descriptor, then each action (the next ones on lines of their own). */
function descLines(r: IrqDescRow): string[] {
  const lead = `${center(String(r.irq), 4, true)}  ${r.desc === undefined ? center("(unused)", DESC_WIDTH) : center(r.desc.toString(16), DESC_WIDTH)}  `;
  if (r.actions.length === 0) return [lead + center("(unused)", ACTION_WIDTH) + "  "];
  return r.actions.map((a, i) => (i === 0 ? lead : " ".repeat(4 + 2 + DESC_WIDTH + 2)) + center(a.address.toString(16), ACTION_WIDTH) + "  " + (a.name !== undefined ? `"${escapeControl(a.name)}"` : ""));
}

/** display_cpu_affinity: runs of CPUs as "a-b", single ones as "a", comma-separated. */
export function cpuRanges(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(i === j ? String(cpus[i]) : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export function formatIrq(r: IrqResult): string {
  const lines: string[] = [];
  switch (r.kind) {
    case "descriptors":
      if (r.rows.length) lines.push(DESC_HEADER, ...r.rows.flatMap(descLines));
      break;
    case "interrupts":
      // As before the other views existed: no newline after the last line.
      return ["     " + r.cpus.map((c) => `${`CPU${c}`.padStart(10)} `).join(""), ...r.rows.map((row) => formatInterruptLine(row, r.cpus))].join("\n");
    case "idt":
      for (const g of r.gates) lines.push(`${" ".repeat(g.vector < 10 ? 2 : g.vector < 100 ? 1 : 0)}[${g.vector}] ${g.symbol || g.handler.toString(16).padStart(16, "0")}`);
      break;
    case "softirqs":
      lines.push(`SOFTIRQ_VEC ${center("ACTION", VADDR_PRLEN, true)}`);
      for (const v of r.vectors) {
        if (v.action === 0n) continue;
        lines.push(`    [${v.index}]${v.index < 10 ? "    " : "   "} ${center(v.action.toString(16), VADDR_PRLEN, true)}  <${escapeControl(v.symbol)}>${v.module ? `  [${escapeControl(v.module)}]` : ""}`);
      }
      break;
    case "affinity":
      lines.push("IRQ NAME                 AFFINITY", ...r.rows.map((a) => `${String(a.irq).padStart(3)} ${escapeControl(a.names.join(",")).padEnd(20)} ${cpuRanges(a.cpus)}`));
      break;
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}
