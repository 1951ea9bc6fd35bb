// crash's kmem -v and -V text (memory.c dump_vmap_area, dump_vm_stat, dump_vm_event_state).
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { KmemVmalloc, KmemVmStat } from "./kmem-vm";
import type { VmCounter } from "../../kernel/mm/vmstat";

const hex = (v: bigint): string => v.toString(16);

export function formatKmemVmalloc(r: KmemVmalloc): string {
  const out = [`${center("VMAP_AREA", VADDR_PRLEN)}  ${center("VM_STRUCT", VADDR_PRLEN)}  ${center("ADDRESS RANGE", VADDR_PRLEN * 2 + 3)}     SIZE`];
  for (const a of r.areas) {
    out.push(`${center(hex(a.address), VADDR_PRLEN)}  ${center(hex(a.vm), VADDR_PRLEN)}  ${hex(a.start).padStart(VADDR_PRLEN)} - ${hex(a.start + a.size).padEnd(VADDR_PRLEN)}  ${String(BigInt.asIntN(64, a.size)).padStart(7)}`);
  }
  return out.join("\n") + "\n";
}

function counterLines(counters: readonly VmCounter[], width: number): string[] {
  return counters.map((c) => `${c.name.padStart(width)}: ${c.value}`);
}

export function formatKmemVmStat(r: KmemVmStat): string {
  const out: string[] = [];
  const width = Math.max(0, ...r.tables.flatMap((t) => t.counters.map((c) => c.name.length)));
  r.tables.forEach((t, i) => {
    if (i > 0) out.push("");
    out.push(`  ${t.title}:`, ...counterLines(t.counters, width));
  });
  if (r.events) {
    out.push("", "  VM_EVENT_STATES:", ...counterLines(r.events, Math.max(0, ...r.events.map((c) => c.name.length))));
  }
  return out.length ? out.join("\n") + "\n" : "";
}
