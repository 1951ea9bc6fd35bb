// x86_64_translate_pte's two lines (crash x86_64.c), shared by `vtop` and `pte`: the entry, the page address
// it holds and its flags, each column centred on its header ("PTE", "PHYSICAL").
import { decodePteFlags } from "../../arch/x86_64/pagetable";
import { center } from "./mkstring";

/** PHYSICAL_PAGE_MASK: bits 12..51 with 5-level paging, 12..45 otherwise (crash's __PHYSICAL_MASK_SHIFT). */
export function physicalPageMask(la57: boolean): bigint {
  return ((1n << (la57 ? 52n : 46n)) - 1n) & ~0xfffn;
}

export function translatePteLines(pte: bigint, physMask: bigint, flags: readonly string[] = decodePteFlags(pte)): [string, string] {
  const pteText = pte.toString(16);
  const phys = (pte & physMask).toString(16);
  const len1 = Math.max(pteText.length, 3);
  const len2 = Math.max(phys.length, 8);
  return [`${center("PTE", len1)}  ${center("PHYSICAL", len2)}  FLAGS`, `${center(pteText, len1, true)}  ${center(phys, len2, true)}  (${flags.join("|")})`];
}
