// crash's kmem -f/-F text (memory.c dump_free_pages_zones_v2, dump_zone_free_area: zone_hdr,
// free_area_hdr3 and free_area_hdr4).
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { FreeZone, KmemFree, KmemFreeSearch } from "./kmem-free";
import type { FreeList } from "../../kernel/mm/buddy";

const ZONE_HDR = `ZONE  NAME        SIZE    FREE  ${center("MEM_MAP", VADDR_PRLEN)}  START_PADDR  START_MAPNR`;
const AREA_HDR3 = "AREA    SIZE  FREE_AREA_STRUCT";
const AREA_HDR4 = "AREA    SIZE  FREE_AREA_STRUCT  BLOCKS  PAGES";
const FLEN = Math.max(VADDR_PRLEN, "FREE_AREA_STRUCT".length);
const PAGE_KB = 4;

const hex = (v: bigint): string => v.toString(16);

function zoneLine(z: FreeZone): string {
  const name = z.name ? escapeControl(z.name).padEnd(9) + " " : "(unknown) ";
  return `${String(z.index).padStart(3)}   ${name}${String(z.size).padStart(6)}  ${String(z.free).padStart(6)}  ${center(hex(z.memMap), VADDR_PRLEN)}  ${center(hex(z.startPaddr), 11, true)}  ${center(String(z.startMapnr), 11, true)}`;
}

function areaStart(l: FreeList): string {
  return `${String(l.order).padStart(3)}  ${`${PAGE_KB * 2 ** l.order}k`.padStart(7)}  ${center(hex(l.head), FLEN)}  `;
}

export function formatKmemFree(r: KmemFree): string {
  const out: string[] = [];
  let nodes = 0;
  r.zones.forEach((z) => {
    if (z.nodeId !== undefined && z.index === 0) {
      if (nodes++ > 0) out.push("", "-".repeat(74), "");
      out.push("NODE", ` ${String(z.nodeId).padStart(2)}`);
    }
    if (z.index > 0) out.push("");
    out.push(ZONE_HDR, zoneLine(z));
    if (!z.lists.length) return;
    if (!r.verbose) out.push(AREA_HDR4);
    for (const l of z.lists) {
      if (r.verbose) {
        out.push(AREA_HDR3, areaStart(l), ...(l.pages ?? []).map(hex));
      } else {
        out.push(`${areaStart(l)}${String(l.blocks).padStart(6)} ${String(l.blocks * 2 ** l.order).padStart(6)}`);
      }
    }
  });
  out.push("", `nr_free_pages: ${r.nrFreePages}  ${r.nrFreePages === r.found ? "(verified)" : `(found ${r.found})`}`);
  return out.join("\n") + "\n";
}

/** An ordinal in English: crash's ordinal() follows the last digit only and prints "11st", "12nd", "13rd". */
function ordinal(n: number): string {
  const last = n % 10;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : last === 1 ? "st" : last === 2 ? "nd" : last === 3 ? "rd" : "th";
  return `${n}${suffix}`;
}

export function formatKmemFreeSearch(r: KmemFreeSearch): string {
  const h = r.hit;
  if (!h) return "";
  const out: string[] = [];
  if (h.zone.nodeId !== undefined) out.push("NODE", ` ${String(h.zone.nodeId).padStart(2)}`);
  out.push(ZONE_HDR, zoneLine(h.zone), AREA_HDR3, areaStart(h.list));
  let line = `${hex(h.block)}  `;
  if (h.list.order > 0) {
    const what = h.physical ? `(${hex(h.value)} is ${h.value % 4096n ? "in " : ""}` : `(${hex(h.value)} is `;
    line += `${what}${ordinal(h.offset + 1)} of ${2 ** h.list.order} pages)`;
  }
  out.push(line);
  return out.join("\n") + "\n";
}
