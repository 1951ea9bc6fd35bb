// crash's swap text (memory.c swap_info_hdr and dump_swap_info's VERBOSE line).
import { escapeControl } from "../shared/escape";
import { center } from "../shared/mkstring";
import type { SwapResult } from "./swap";

const SWAP_INFO_HDR = "SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME";
const PAGE_KB = 4;

export function formatSwap(r: SwapResult): string {
  const out = [SWAP_INFO_HDR];
  for (const d of r.devices) {
    const size = d.pages * PAGE_KB;
    const used = d.inusePages * PAGE_KB;
    const pct = size ? Math.floor((used * 100) / size) : 0;
    out.push(
      `${center(d.address.toString(16), "SWAP_INFO_STRUCT".length)}  ${d.partition ? "PARTITION" : "  FILE   "} ${center(`${size}k`, 10, true)} ${center(`${used}k`, 10, true)} ${center(`${String(pct).padStart(2)}%`, 4, true)} ${String(d.prio).padStart(4)}  ${escapeControl(d.path)}`,
    );
  }
  return out.join("\n") + "\n";
}
