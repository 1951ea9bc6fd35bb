// crash's rd text for an RdResult (memory.c display_memory, through shared/memory-display.ts).
import { formatAscii, formatMemory } from "../shared/memory-display";
import type { RdResult } from "./rd";

export function formatRd(r: RdResult): string {
  if (r.ascii) return formatAscii(r.address, r.bytes);
  return formatMemory(r.address, r.bytes, { size: r.size, ascii: r.asciiColumn, decimal: r.decimal, symbols: r.symbols });
}
