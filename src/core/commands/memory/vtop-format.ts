// crash's vtop and ptov text (memory.c do_vtop, x86_64.c x86_64_translate_pte, cmd_ptov).
import { formatMemMapLine, memMapHeader } from "../shared/mem-map-format";
import { UVADDR_PRLEN, VADDR_PRLEN } from "../shared/mkstring";
import { physicalPageMask, translatePteLines } from "../shared/pte-lines";
import type { PtovResult, VtopResult } from "./vtop";

const PAGE_SIZE_2M = 0x200000;
const PAGE_SIZE_1G = 0x40000000;

const hex = (v: bigint | number) => v.toString(16);

/**
 * The lines of the walk itself. Kernel walks start with the top table (PGD DIRECTORY, a virtual address) and
 * its entry (PAGE DIRECTORY); user walks list every level by its physical entry address.
 */
function walkLines(r: VtopResult): string[] {
  const kernel = r.space === "kernel";
  const out: string[] = [];
  r.levels.forEach((l, i) => {
    if (kernel && i === 0) out.push(`PGD DIRECTORY: ${hex(r.topTable ?? 0n)}`, `PAGE DIRECTORY: ${hex(l.value)}`);
    else out.push(`   ${l.level}: ${hex(l.entryAddr)} => ${hex(l.value)}`);
  });
  if (r.pageBase === undefined || r.pte === undefined) return out;
  if (r.pageSize === PAGE_SIZE_1G) out.push(`  PAGE: ${hex(r.pageBase)}  (1GB)`);
  else if (r.pageSize === PAGE_SIZE_2M) out.push(`  PAGE: ${hex(r.pageBase)}  (2MB${!kernel && r.zeroPage ? ", ZERO PAGE" : ""})`);
  else out.push(kernel ? `  PAGE: ${hex(r.pageBase)}` : `  PAGE: ${hex(r.pageBase)}  ${r.zeroPage ? "(ZERO PAGE)" : ""}`);
  out.push("", ...translatePteLines(r.pte, physicalPageMask(true), r.pteFlags ?? []));
  return out;
}

function vtopLines(r: VtopResult): string[] {
  const user = r.space === "user";
  const lines = [`${"VIRTUAL".padEnd(user ? UVADDR_PRLEN : VADDR_PRLEN)}  ${"PHYSICAL".padEnd(VADDR_PRLEN)}`];
  if (r.notKernelAddress) return [...lines, `${hex(r.vaddr).padEnd(8)}  (not a kernel virtual address)`, ""];
  if (r.notAccessible) return [...lines, `${hex(r.vaddr).padEnd(UVADDR_PRLEN)}  (not accessible)`, ""];
  const width = user || r.taskContext ? UVADDR_PRLEN : VADDR_PRLEN;
  lines.push(`${hex(r.vaddr).padEnd(width)}  ${r.physical === undefined ? "(not mapped)" : hex(r.physical).padEnd(VADDR_PRLEN)}`, "");
  lines.push(...walkLines(r));
  // crash lists the task's VMA holding a user address here (vm_area_dump): kdw has no VMA walker yet.
  lines.push("");
  if (r.page && r.paddrWidth !== undefined) lines.push(memMapHeader(r.paddrWidth), formatMemMapLine(r.page, r.paddrWidth));
  return lines;
}

export function formatVtop(results: readonly VtopResult[]): string {
  return results.map((r) => vtopLines(r).join("\n")).join("\n\n") + "\n";
}

export function formatPtov(results: readonly PtovResult[]): string {
  const blocks = results.map((r) => {
    if ("perCpuOffset" in r) {
      const len = r.cpuColumn;
      return [`PER-CPU OFFSET: ${hex(r.perCpuOffset)}`, `  ${"CPU".padEnd(len)}  ${"VIRTUAL".padEnd(VADDR_PRLEN)}`, ...r.cpus.map((c) => `  ${`[${c.cpu}]`.padEnd(len)}${hex(c.virtual)}`)].join("\n");
    }
    return `${"VIRTUAL".padEnd(VADDR_PRLEN)}  ${"PHYSICAL".padEnd(VADDR_PRLEN)}\n${hex(r.virtual).padEnd(VADDR_PRLEN)}  ${hex(r.physical).padEnd(VADDR_PRLEN)}`;
  });
  return blocks.join("\n\n") + "\n";
}
