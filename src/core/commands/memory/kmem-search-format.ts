// crash's kmem ADDRESS text (memory.c kmem_search): each finding followed by a blank line, the struct page
// last (or "ADDRESS: kernel virtual|physical address not found in mem map").
import { escapeControl } from "../shared/escape";
import { formatMemMapLine, memMapHeader } from "../shared/mem-map-format";
import { formatContext } from "../shared/task-context";
import { formatKmemFreeSearch } from "./kmem-free-format";
import type { KmemSearch, SearchSymbol } from "./kmem-search";
import { formatSlabEntry } from "./kmem-slab-format";
import { formatKmemVmalloc } from "./kmem-vm-format";

function symbolLine(s: SearchSymbol): string {
  const base = `${s.address.toString(16)} (${s.type}) ${escapeControl(s.name)}${s.offset ? `+${s.offset}` : ""}${s.module !== undefined ? ` [${escapeControl(s.module)}]` : ""}`;
  return (s.line ? `${base} ${s.line}` : base) + "\n";
}

export function formatKmemSearch(r: KmemSearch): string {
  const parts: string[] = [];
  const block = (text: string): void => {
    parts.push(text.endsWith("\n") ? text : text + "\n", "\n");
  };
  const vmallocParts = (): void => {
    if (r.vmalloc) block(formatKmemVmalloc({ variant: "list", areas: [r.vmalloc], errors: [] }));
  };
  if (r.physical && r.vmalloc) {
    if (r.stackTask) block(formatContext(r.stackTask));
    if (r.symbol) block(symbolLine(r.symbol));
    vmallocParts();
  } else {
    if (r.symbol) block(symbolLine(r.symbol));
    if (r.stackTask) block(formatContext(r.stackTask));
    vmallocParts();
  }
  for (const e of [r.slab, r.slabPage]) {
    if (!e) continue;
    const lines: string[] = [];
    formatSlabEntry(lines, e);
    block(lines.join("\n") + "\n");
  }
  if (r.free) block(formatKmemFreeSearch({ hit: r.free, errors: [] }));
  if (r.task) block(formatContext(r.task));
  if (r.page) parts.push(memMapHeader(r.paddrWidth) + "\n" + formatMemMapLine(r.page, r.paddrWidth) + "\n");
  else parts.push(`${r.value.toString(16)}: ${r.notFound ?? "kernel virtual"} address not found in mem map\n`);
  return parts.join("");
}
