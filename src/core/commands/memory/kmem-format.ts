// crash's kmem text: the -i summary table (dump_kmeminfo) and the -p memory-map lines.
import { pagesToSize as pagesToSizeOf } from "../../kernel/system/sysinfo";
import { formatMemMapLine, memMapHeader } from "../shared/mem-map-format";
import type { KmemResult } from "./kmem";
import type { KmemInfo } from "./kmem-info";
import type { KmemPages, PageMember } from "./kmem-pages";
import { center } from "../shared/mkstring";
import { formatKmemSlabs } from "./kmem-slab-format";
import { formatKmemVmalloc, formatKmemVmStat } from "./kmem-vm-format";
import { formatKmemNodes, formatKmemZones } from "./kmem-nodes-format";
import { formatKmemFree, formatKmemFreeSearch } from "./kmem-free-format";
import { formatKmemSearch } from "./kmem-search-format";
import { formatKmemHstates, formatKmemPageFlags, formatKmemPerCpuOffsets } from "./kmem-tables-format";

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
    case "free":
      return formatKmemFree(r);
    case "free-search":
      return r.searches.map(formatKmemFreeSearch).filter(Boolean).join("\n");
    case "page-flags":
      return r.tables.map(formatKmemPageFlags).join("\n");
    case "hstates":
      return formatKmemHstates(r.hstates);
    case "per-cpu-offsets":
      return formatKmemPerCpuOffsets(r.cpus);
    case "search":
      return r.searches.map(formatKmemSearch).join("\n");
    case "usage":
      return r.usage;
    case "several":
      return r.parts.map(formatKmem).join("");
  }
}

function formatKmemPages(r: KmemPages): string {
  if (r.members && r.memberRows) {
    if (!r.memberRows.length) return "";
    const header = center("PAGE", 16) + r.members.map((m) => `  ${m.name}`).join("");
    return [header, ...r.memberRows.map((row) => `${row.page.toString(16)}  ${r.members!.map((m, i) => memberText(m, row.values[i]!)).join("")}`)].join("\n") + "\n";
  }
  return r.pages.length ? [memMapHeader(r.paddrWidth), ...r.pages.map((p) => formatMemMapLine(p, r.paddrWidth))].join("\n") + "\n" : "";
}

const hexPad = (v: bigint, digits: number): string => v.toString(16).padStart(digits, "0");

/** One member as crash's show_page_member_data prints it (its spacing quirks kept: a signed long in hex and an int-sized struct have no trailing spaces). */
function memberText(m: PageMember, values: readonly bigint[]): string {
  const v = values[0] ?? 0n;
  switch (m.kind) {
    case "pointer":
      return `${hexPad(v, 16)}  `;
    case "bool":
      return v <= 1n ? `${v ? "true" : "false"}  ` : String(v);
    case "struct":
      if (m.name.startsWith("_count") || m.name.startsWith("_mapcount")) return `${BigInt.asIntN(32, v)}  `;
      if (m.length % 8 === 0) return values.map((x) => hexPad(x, 16)).join(",") + "  ";
      if (m.length % 4 === 0) return values.map((x) => hexPad(x, 8)).join(",");
      return `${hexPad(v, 4)}  `;
    case "int": {
      const radix = m.name === "flags" ? 16 : 10;
      const bits = m.length * 8;
      if (radix === 16) return m.unsigned || m.length !== 8 ? `${hexPad(v, m.length * 2)}  ` : hexPad(v, 16);
      return `${m.unsigned ? v : BigInt.asIntN(bits, v)}  `;
    }
  }
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
