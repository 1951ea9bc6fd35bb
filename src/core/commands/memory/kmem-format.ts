// crash's kmem text: the -i summary table (dump_kmeminfo) and the -p memory-map lines.
import { pagesToSize as pagesToSizeOf } from "../../kernel/system/sysinfo";
import { formatMemMapLine, memMapHeader } from "../shared/mem-map-format";
import type { KmemResult } from "./kmem";
import type { KmemInfo } from "./kmem-info";
import type { KmemPages } from "./kmem-pages";
import { formatKmemSlabs } from "./kmem-slab-format";
import { formatKmemVmalloc, formatKmemVmStat } from "./kmem-vm-format";
import { formatKmemNodes, formatKmemZones } from "./kmem-nodes-format";

const PAGE_SIZE = 4096;

/** crash's pages_to_size() with this command's page size. */
export function pagesToSize(pages: number): string {
  return pagesToSizeOf(pages, PAGE_SIZE);
}

export function formatKmem(r: KmemResult): string {
  switch (r.kind) {
    case "info":
      return formatKmemInfo(r);
    case "pages":
      return formatKmemPages(r);
    case "slabs":
      return formatKmemSlabs(r);
    case "vmalloc":
      return formatKmemVmalloc(r);
    case "vmstat":
      return formatKmemVmStat(r);
    case "nodes":
      return formatKmemNodes(r);
    case "zones":
      return formatKmemZones(r.zones);
  }
}

function formatKmemPages(r: KmemPages): string {
  return r.pages.length ? [memMapHeader(r.paddrWidth), ...r.pages.map((p) => formatMemMapLine(p, r.paddrWidth))].join("\n") + "\n" : "";
}

export function formatKmemInfo(info: KmemInfo): string {
  const out = ["                 PAGES        TOTAL      PERCENTAGE"];
  info.rows.forEach((group, i) => {
    if (i > 0) out.push("");
    for (const r of group) {
      const head = `${r.label.padStart(13)}  ${String(r.pages).padStart(7)}  ${pagesToSize(r.pages).padStart(11)}  `;
      out.push(r.percentOf === undefined ? `${head}       ----` : `${head}${String(r.percent).padStart(3)}% of ${r.percentOf}`);
    }
  });
  return out.join("\n") + "\n";
}
