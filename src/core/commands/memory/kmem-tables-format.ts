// crash's kmem -g, -h and -o text (memory.c dump_page_flags, dump_hstates, dump_per_cpu_offsets).
import type { Hstate } from "../../kernel/mm/hugetlb";
import { pagesToSize } from "../../kernel/system/sysinfo";
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { CpuOffset, KmemPageFlags } from "./kmem-tables";

export function formatKmemPageFlags(r: KmemPageFlags): string {
  const indent = r.flags ? "  " : "";
  const out: string[] = [];
  if (r.flags) out.push(`FLAGS: ${r.flags.toString(16)}`);
  out.push(`${indent}${"PAGE-FLAG".padEnd(r.nameWidth)} BIT  VALUE`);
  for (const row of r.rows) out.push(`${indent}${row.name.padEnd(r.nameWidth)}  ${String(row.bit).padStart(2)}  ${(1n << BigInt(row.bit)).toString(16).padStart(r.valueDigits, "0")}`);
  if (r.flags && !r.rows.length) out.push("  (none found)");
  return out.join("\n") + "\n";
}

export function formatKmemHstates(rows: readonly Hstate[]): string {
  const out = [`${center("HSTATE", VADDR_PRLEN)}   SIZE    FREE   TOTAL  NAME`];
  for (const h of rows) {
    const size = pagesToSize(2 ** h.order, 4096).replace(" ", "");
    out.push(`${h.address.toString(16)}  ${size.padStart(5)}  ${String(h.free).padStart(6)}  ${String(h.total).padStart(6)}  ${escapeControl(h.name)}`);
  }
  return out.join("\n") + "\n";
}

export function formatKmemPerCpuOffsets(rows: readonly CpuOffset[]): string {
  return ["PER-CPU OFFSET VALUES:", ...rows.map((r) => `${`CPU ${r.cpu}`.padStart(7)}: ${r.offset.toString(16)}${r.offline ? " [OFFLINE]" : ""}`)].join("\n") + "\n";
}
