// crash's kmem -n and kmem -z text (memory.c dump_memory_nodes, dump_mem_sections, dump_memory_blocks,
// dump_zone_stats).
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { KmemNodes, NodeRow, ZoneStats } from "./kmem-nodes";

const hex = (v: bigint): string => v.toString(16);
/** crash's node_zone_hdr. */
const NODE_ZONE_HDR = "ZONE  NAME         SIZE";

function node(out: string[], n: NodeRow, first: boolean, zoneHeader: string): void {
  if (!first) out.push("", "-".repeat(zoneHeader.length), "", "");
  const flen = Math.max(VADDR_PRLEN, "BOOTMEM_DATA".length);
  out.push(`NODE  ${center("SIZE", 8)}  ${center("PGLIST_DATA", flen)}  ${center("BOOTMEM_DATA", flen)}  ${center("NODE_ZONES", flen)}`);
  const size = center(String(n.size), 8);
  out.push(` ${String(n.id).padStart(2)}   ${size}  ${center(hex(n.pgdat), flen)}  ${center("----", flen)}  ${center(hex(n.zoneAddresses[0] ?? 0n), flen)}`);
  const indent = 12 + size.length + flen * 2;
  for (const z of n.zoneAddresses.slice(1)) out.push(" ".repeat(indent) + hex(z));
  out.push(`${center("MEM_MAP", VADDR_PRLEN)}     START_PADDR    START_MAPNR`);
  out.push(`${center(hex(n.memMap), VADDR_PRLEN)}  ${center(hex(n.startPaddr), "   START_PADDR  ".length, true)}  ${center(String(n.startMapnr), "START_MAPNR".length, true)}`);
  out.push("", zoneHeader);
  for (const z of n.zones) {
    out.push(` ${String(z.index).padStart(2)}   ${escapeControl(z.name || "(unknown) ").padEnd(9)} ${String(z.size).padStart(7)}  ${hex(z.memMap).padStart(VADDR_PRLEN)}  ${hex(z.startPaddr).padStart(11)}  ${String(z.startMapnr).padStart(11)}`);
  }
}

export function formatKmemNodes(r: KmemNodes): string {
  const out: string[] = [];
  const zoneHeader = `${NODE_ZONE_HDR}  ${center("MEM_MAP", VADDR_PRLEN, true)}  START_PADDR  START_MAPNR`;
  r.nodes.forEach((n, i) => node(out, n, i === 0, zoneHeader));
  out.push("", "-".repeat(67), "");
  out.push(`NR  ${center("SECTION", VADDR_PRLEN)}  ${center("CODED_MEM_MAP", VADDR_PRLEN)}  ${center("MEM_MAP", VADDR_PRLEN)}  ${center("STATE", 5)} PFN`);
  for (const s of r.sections) {
    out.push(`${String(s.nr).padStart(2)}  ${center(hex(s.address), VADDR_PRLEN)}  ${center(hex(s.codedMemMap), VADDR_PRLEN, true)}  ${center(hex(s.memMap), VADDR_PRLEN, true)}  ${center(s.state, 5)} ${String(s.pfn).padEnd(VADDR_PRLEN)}`);
  }
  if (r.blocks) {
    const w = r.paddrWidth;
    const title = r.blockRanges ? "PHYSICAL RANGE" : "PHYSICAL START";
    out.push(
      "",
      r.hasNid
        ? `${center("MEM_BLOCK", VADDR_PRLEN)} ${center("NAME", 10)}   ${center(title, w * 2 + 2)}   ${center("NODE", 4)}  ${"STATE".padEnd(7)} ${"START_SECTION_NO".padEnd(12)}`
        : `${center("MEM_BLOCK", VADDR_PRLEN)} ${center("NAME", 10)}   ${center(title, w * 2)}    ${"STATE".padEnd(7)} ${"START_SECTION_NO".padEnd(12)}`,
    );
    for (const b of r.blocks) {
      const range = b.end === undefined ? center(hex(b.start), w * 2 + 3) : `${hex(b.start).padStart(w)} - ${hex(b.end).padStart(w)}`;
      const name = escapeControl(b.name);
      out.push(
        b.nid !== undefined
          ? ` ${hex(b.address).padEnd(VADDR_PRLEN)} ${center(name, 12)} ${range} ${center(String(b.nid >>> 0), 4)}  ${b.state.padEnd(7)} ${String(b.startSection).padEnd(12)}`
          : ` ${hex(b.address).padEnd(VADDR_PRLEN)} ${center(name, 10)} ${range}  ${b.state.padEnd(7)} ${String(b.startSection).padEnd(12)}`,
      );
    }
  }
  return out.join("\n") + "\n";
}

export function formatKmemZones(zones: readonly ZoneStats[]): string {
  const out: string[] = [];
  for (const z of zones) {
    out.push(`NODE: ${z.node}  ZONE: ${z.zone}  ADDR: ${hex(z.address)}  NAME: "${escapeControl(z.name || "(unknown) ")}"`);
    if (!z.size) {
      out.push("  [unpopulated]", "");
      continue;
    }
    const present = z.present < z.size ? `  PRESENT: ${z.present}` : "";
    const [min, low, high] = z.watermarks ?? [0, 0, 0];
    out.push(`  SIZE: ${z.size}${present}  MIN/LOW/HIGH: ${min}/${low}/${high}`, "  VM_STAT:");
    const width = Math.max(0, ...z.vmStat.map((c) => c.name.length));
    for (const c of z.vmStat) out.push(`${c.name.padStart(width)}: ${c.value}`);
    out.push("", "");
  }
  return out.length ? out.join("\n") + "\n" : "";
}
