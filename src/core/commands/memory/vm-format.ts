// crash's vm text (memory.c vm_area_dump): MM / PGD / RSS / TOTAL_VM, then the VMA table.
import { escapeControl as printable } from "../shared/escape";
import { center, UVADDR_PRLEN, VADDR_PRLEN } from "../shared/mkstring";
import { formatTaskHeader } from "../shared/task-header";
import type { TaskVm, VmaRow, VmResult } from "./vm";

export const VM_DATA_HEADER = `${center("MM", VADDR_PRLEN)}  ${center("PGD", VADDR_PRLEN)}  ${center("RSS", 6)}  ${center("TOTAL_VM", 8)}`;
export const VMA_HEADER = `${center("VMA", VADDR_PRLEN)} ${center("START", UVADDR_PRLEN, true)} ${center("END", UVADDR_PRLEN, true)}  FLAGS FILE`;

/** PRINT_VMA_DATA: `%s %s %s %6llx %s`. */
export function formatVmaRow(v: VmaRow): string {
  const u = (x: bigint): string => x.toString(16).padStart(UVADDR_PRLEN);
  return `${center(v.address.toString(16), VADDR_PRLEN)} ${u(v.start)} ${u(v.end)} ${v.flags.toString(16).padStart(6)} ${printable(v.path)}`;
}

/** One task's block without its header. */
export function formatTaskVm(t: TaskVm): string {
  let text = VM_DATA_HEADER + "\n";
  text += `${center(t.mm.toString(16), VADDR_PRLEN)}  ${center(t.pgd.toString(16), VADDR_PRLEN)}  ${center(`${t.rssKb}k`, 6)}  ${center(`${t.totalVmKb}k`, 8)}\n`;
  if (t.mm === 0n) return text;
  return text + VMA_HEADER + "\n" + t.vmas.map((v) => formatVmaRow(v) + "\n").join("");
}

export function formatVm(r: VmResult): string {
  return r.tasks.map((t) => (t.blankBefore ? "\n" : "") + formatTaskHeader(t) + "\n" + formatTaskVm(t)).join("");
}
