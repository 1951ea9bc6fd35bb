// The memory-map lines of `kmem -p` and `vtop` (memory.c dump_mem_map_SPARSEMEM).
import type { MemMapPage } from "./mem-map";
import { center } from "./mkstring";

const PAGE_SHIFT = 12;

/** `      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS`, PHYSICAL `paddrWidth` wide. */
export function memMapHeader(paddrWidth: number): string {
  return `${center("PAGE", 16)} ${"PHYSICAL".padStart(paddrWidth)} ${center("MAPPING", 16, true)} ${center("INDEX", 8, true)}CNT FLAGS`;
}

/** One memory-map line: page, physical, mapping, index, count, flags in hex and by name. */
export function formatMemMapLine(p: MemMapPage, paddrWidth: number): string {
  const phys = (BigInt(p.pfn) << BigInt(PAGE_SHIFT)).toString(16);
  return (
    `${p.page.toString(16).padEnd(16)} ${phys.padStart(paddrWidth)} ${p.mapping.toString(16).padStart(16)} ${p.index.toString(16).padStart(8)} ` +
    `${String(p.count | 0).padStart(2)} ${p.flags.toString(16)}${p.flagNames.length ? " " + p.flagNames.join(",") : ""}`
  );
}
