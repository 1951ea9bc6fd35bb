// crash's dis text: each instruction as `address <symbol+offset>:\tinstruction` (gdb's bare `x/i` line with
// the "=> " marker where no symbol covers the address), -l's source lines before their groups, -s's
// listing, or the "possible alternatives" of a name that is no symbol.
import { formatDisLine } from "../../arch/x86_64/disasm";
import { formatSourceListing } from "../shared/source-format";
import type { DisResult } from "./dis";

export function formatDis(r: DisResult): string {
  if (r.notFound) {
    const alt = r.notFound.alternatives;
    return `symbol not found: ${r.notFound.name}\npossible alternatives:\n` + (alt.length ? alt.map((s) => `  ${s.address.toString(16)} (${s.type}) ${s.name}\n`).join("") : "  (none found)\n");
  }
  if (r.source) return formatSourceListing(r.source);
  return r.lines.map((l) => (l.source !== undefined ? l.source + "\n" : "") + formatDisLine(l, r.currentPc) + "\n").join("");
}
