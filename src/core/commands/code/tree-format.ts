// crash's tree text: each entry's address, its position with -p, then what -s/-S print for it.
import type { TreeResult } from "./tree";

export function formatTree(r: TreeResult): string {
  let out = "";
  for (const e of r.entries) {
    out += e.address.toString(16) + "\n";
    if (r.positions) out += r.type === "rbtree" ? `  position: ${e.position}\n` : `  index: ${e.index}  position: ${e.position}\n`;
    for (const s of e.structs) out += s;
  }
  return out;
}
