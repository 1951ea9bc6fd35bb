// crash's `pte` (memory.c cmd_pte, x86_64.c x86_64_translate_pte): each hexadecimal page-table entry as the
// page address it holds and its flags. An entry that is not present but not empty is a swap entry, which
// crash shows by swap device and offset; kdw says it does not decode it.
import { PAGE_PRESENT, PAGE_PROTNONE } from "../../arch/x86_64/pagetable";
import { CommandError, defineCommand } from "../command";
import { htol } from "../shared/crash-numbers";
import { physicalPageMask } from "../shared/pte-lines";
import { PTE_HELP } from "./pte-help";
import { formatPte } from "./pte-format";

export interface PteResult {
  /** PHYSICAL_PAGE_MASK of this kernel (46 or 52 physical address bits). */
  physMask: bigint;
  entries: { pte: bigint; swap: boolean }[];
  /** The word that stopped the translation (crash stops there too), or a swap entry kdw does not decode. */
  error?: string;
}

export const pteCommand = defineCommand({
  name: "pte",
  summary: "translate a page table entry",
  help: PTE_HELP,
  options: {},
  parse: (args) => [...args.operands],
  execute(ctx, words): PteResult {
    const r: PteResult = { physMask: physicalPageMask(ctx.addressSpace.layout.la57), entries: [] };
    for (const w of words) {
      let pte: bigint;
      try {
        pte = htol("pte", w);
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        r.error = err.message;
        return r;
      }
      const swap = pte !== 0n && (pte & BigInt(PAGE_PRESENT | PAGE_PROTNONE)) === 0n;
      r.entries.push({ pte, swap });
      if (swap) {
        r.error = `pte: ${pte.toString(16)} is a swap entry: kdw does not decode swap entries`;
        return r;
      }
    }
    return r;
  },
  format: formatPte,
  errors: (r) => (r.error !== undefined ? [r.error] : []),
});
