// crash's irq -s text: /proc/interrupts' layout (kernel/irq/proc.c show_interrupts).
import type { IrqInterrupts } from "../../kernel/system/irq";
import { escapeControl } from "../shared/escape";
import type { IrqResult } from "./irq";

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

export function formatIrq(r: IrqResult): string {
  const header = "     " + r.cpus.map((c) => `${`CPU${c}`.padStart(10)} `).join("");
  return [header, ...r.rows.map((row) => formatInterruptLine(row, r.cpus))].join("\n");
}
