// pte's text: x86_64_translate_pte's header and line for each entry (a swap entry has none: see pte.ts).
import { translatePteLines } from "../shared/pte-lines";
import type { PteResult } from "./pte";

export function formatPte(r: PteResult): string {
  return r.entries
    .filter((e) => !e.swap)
    .map((e) => translatePteLines(e.pte, r.physMask).join("\n") + "\n")
    .join("");
}
